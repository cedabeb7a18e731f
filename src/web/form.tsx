import type { ComponentChildren } from 'preact';
import type { FieldError } from '#platform/errors.ts';
import type { PageCtx } from './layout.tsx';

/** Field errors as the form shows them: one message per field, in the page's language. */
export type Errors = Record<string, string>;

export function errorsFor(page: PageCtx, fields: FieldError[]): Errors {
  const out: Errors = {};
  for (const f of fields) out[f.field] ??= page.locale === 'en' ? f.en : f.vi;
  return out;
}

export function Form({
  page,
  action,
  children,
  errors,
  enctype,
}: {
  page: PageCtx;
  action: string;
  children: ComponentChildren;
  errors?: Errors | undefined;
  enctype?: string;
}) {
  const list = Object.entries(errors ?? {});
  return (
    <form method="post" action={action} enctype={enctype} novalidate>
      <input type="hidden" name="_csrf" value={page.csrf} />
      {list.length > 0 && (
        <div class="errors" role="alert" tabindex={-1} autofocus>
          <p>{page.t('web:form.errorsTitle')}</p>
          <ul>
            {list.map(([field, message]) => (
              <li key={field}>
                <a href={`#f-${field}`}>{message}</a>
              </li>
            ))}
          </ul>
        </div>
      )}
      {children}
    </form>
  );
}

/**
 * What the last action did ("saved", "sent"), read out politely by screen readers. Takes its text
 * either way (`text`, or children for richer content); renders nothing when there is nothing to say.
 */
export function Notice({ text, children }: { text?: string | undefined; children?: ComponentChildren }) {
  const content = text ?? children;
  return content ? (
    <p class="notice" role="status">
      {content}
    </p>
  ) : null;
}

/**
 * A form that posts one action: the CSRF token, the fields given as children, one submit button.
 * A button-only form has nothing to validate and no errors to list, so it is a bare form (no
 * `novalidate`, no error summary); `inline` keeps it in the line of text it belongs to.
 */
export function ActionForm({
  page,
  action,
  label,
  kind,
  inline,
  errors,
  enctype,
  children,
}: {
  page: PageCtx;
  action: string;
  label: string;
  /** The button's look; the default is the primary button. */
  kind?: 'secondary' | 'link';
  inline?: boolean;
  errors?: Errors | undefined;
  enctype?: string;
  children?: ComponentChildren;
}) {
  const button = (
    <button type="submit" class={kind}>
      {label}
    </button>
  );
  if (children === undefined)
    return (
      <form method="post" action={action} class={inline ? 'inline' : undefined}>
        <input type="hidden" name="_csrf" value={page.csrf} />
        {button}
      </form>
    );
  return (
    <Form page={page} action={action} errors={errors} enctype={enctype}>
      {children}
      {button}
    </Form>
  );
}

/** A control's frame: its label, then its hint and its error, which the control names in aria-describedby. */
function Labelled({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  children: ComponentChildren;
}) {
  return (
    <div class={error ? 'field invalid' : 'field'}>
      <label for={id}>{label}</label>
      {hint && (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      )}
      {error && (
        <strong id={`${id}-err`} class="err">
          {error}
        </strong>
      )}
      {children}
    </div>
  );
}

const describedBy = (id: string, hint: string | undefined, error: string | undefined) =>
  [hint && `${id}-hint`, error && `${id}-err`].filter(Boolean).join(' ') || undefined;

export function Field({
  name,
  label,
  value,
  error,
  hint,
  type = 'text',
  required,
  autocomplete,
  inputmode,
}: {
  name: string;
  label: string;
  value?: string | undefined;
  error?: string | undefined;
  hint?: string;
  type?: 'text' | 'password' | 'email' | 'tel' | 'number' | 'search' | 'date';
  required?: boolean;
  autocomplete?: string;
  inputmode?: 'numeric' | 'tel' | 'text' | 'email';
}) {
  const id = `f-${name}`;
  return (
    <Labelled id={id} label={label} hint={hint} error={error}>
      <input
        id={id}
        name={name}
        // Preact's typings narrow attributes per input type; every type listed above takes these.
        type={type as 'text'}
        value={type === 'password' ? undefined : value}
        required={required}
        autocomplete={autocomplete}
        inputmode={inputmode}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, hint, error)}
      />
    </Labelled>
  );
}

export function Select({
  name,
  label,
  options,
  value,
  error,
}: {
  name: string;
  label: string;
  options: { value: string; label: string }[];
  value?: string | undefined;
  error?: string | undefined;
}) {
  const id = `f-${name}`;
  return (
    <Labelled id={id} label={label} error={error}>
      <select id={id} name={name} aria-invalid={error ? 'true' : undefined}>
        {options.map((o) => (
          <option key={o.value} value={o.value} selected={o.value === value}>
            {o.label}
          </option>
        ))}
      </select>
    </Labelled>
  );
}

export function TextArea({
  name,
  id = `f-${name}`,
  label,
  value,
  error,
  hint,
  rows = 4,
  required,
  spellcheck,
}: {
  name: string;
  /** When one page has several forms with the same field name. */
  id?: string;
  label: string;
  value?: string | undefined;
  error?: string | undefined;
  hint?: string | undefined;
  rows?: number;
  required?: boolean;
  spellcheck?: boolean;
}) {
  return (
    <Labelled id={id} label={label} hint={hint} error={error}>
      <textarea
        id={id}
        name={name}
        rows={rows}
        required={required}
        spellcheck={spellcheck}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, hint, error)}
      >
        {value ?? ''}
      </textarea>
    </Labelled>
  );
}
