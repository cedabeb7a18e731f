import type { ComponentChildren } from 'preact';
import { dateHint, formatDate, formatDateTime, formatDateTimeLong } from '#platform/i18n/dates.ts';
import { Field, Select, TextArea } from '#web/form.tsx';
import type { PageCtx } from '#web/layout.tsx';
import type { ProcedureDefinition } from './dossiers.procedure.ts';
import type { MyDossier, PublicView } from './dossiers.read.ts';
import { STEP_STATUS, type Step } from './dossiers.workflow.ts';
import './dossiers.messages.ts';

type Errors = Record<string, string>;
type Text = { vi: string; en?: string | undefined };

export const tr = (page: PageCtx, text: Text | undefined) =>
  text ? (page.locale === 'en' && text.en ? text.en : text.vi) : '';

/** Vietnam wall-clock time: '08:15 12/03/2026'. */
export function when(d: Date | null | undefined): string {
  return d ? formatDateTime(d) : '';
}

/** As the receipt slip writes it: '08 giờ 15 phút, ngày 12 tháng 03 năm 2026'. */
export function whenLong(page: PageCtx, d: Date | null | undefined): string {
  if (!d) return '';
  return page.locale === 'en' ? when(d) : formatDateTimeLong(d);
}

export function FormMessage({ text }: { text: string | undefined }) {
  return text ? (
    <p class="errors" role="alert">
      {text}
    </p>
  ) : null;
}

export function Checkbox(props: {
  name: string;
  label: string;
  checked?: boolean;
  error?: string | undefined;
  value?: string;
}) {
  const id = `f-${props.name}${props.value ? `-${props.value}` : ''}`;
  return (
    <div class={props.error ? 'field invalid' : 'field'}>
      {props.error && <strong class="err">{props.error}</strong>}
      <label for={id} style="font-weight:400">
        <input
          id={id}
          type="checkbox"
          name={props.name}
          value={props.value ?? 'on'}
          checked={props.checked}
          style="width:auto;display:inline;margin-right:.5rem"
        />
        {props.label}
      </label>
    </div>
  );
}

export function Fieldset({ legend, children }: { legend: string; children: ComponentChildren }) {
  return (
    <fieldset style="border:0;padding:0;margin:0 0 1rem">
      <legend>
        <h2>{legend}</h2>
      </legend>
      {children}
    </fieldset>
  );
}

export function ApplicantFields({
  page,
  values,
  errors,
}: {
  page: PageCtx;
  values: Record<string, string | undefined>;
  errors: Errors;
}) {
  const t = page.t;
  const f = (k: string) => `applicant.${k}`;
  return (
    <Fieldset legend={t('dossiers:submit.applicant')}>
      <Field
        name={f('name')}
        label={t('dossiers:submit.name')}
        value={values[f('name')]}
        error={errors[f('name')]}
        autocomplete="name"
        required
      />
      <Field
        name={f('idNumber')}
        label={t('dossiers:submit.idNumber')}
        hint={t('dossiers:submit.idNumberHint')}
        value={values[f('idNumber')]}
        error={errors[f('idNumber')]}
        inputmode="numeric"
        required
      />
      <Field
        name={f('phone')}
        type="tel"
        label={t('dossiers:submit.phone')}
        hint={t('dossiers:submit.phoneHint')}
        value={values[f('phone')]}
        error={errors[f('phone')]}
        inputmode="tel"
        autocomplete="tel"
        required
      />
      <Field
        name={f('address')}
        label={t('dossiers:submit.address')}
        value={values[f('address')]}
        error={errors[f('address')]}
        autocomplete="street-address"
        required
      />
      <Field
        name={f('email')}
        type="email"
        label={t('dossiers:submit.email')}
        value={values[f('email')]}
        error={errors[f('email')]}
        autocomplete="email"
      />
    </Fieldset>
  );
}

/** The procedure's e-form, rendered from its definition; names are 'form.<field name>'. */
export function EFormFields({
  page,
  procedure,
  values,
  errors,
}: {
  page: PageCtx;
  procedure: ProcedureDefinition;
  values: Record<string, string | undefined>;
  errors: Errors;
}) {
  if (procedure.form.length === 0) return null;
  return (
    <Fieldset legend={page.t('dossiers:submit.form')}>
      {procedure.form.map((f) => {
        const name = `form.${f.name}`;
        const label = `${tr(page, f.label)}${f.required ? '' : ` (${page.t('dossiers:submit.optional')})`}`;
        const common = {
          name,
          label,
          value: values[name],
          error: errors[name],
          hint: tr(page, f.hint) || undefined,
        };
        switch (f.type) {
          case 'textarea':
            return <TextArea key={name} {...common} required={f.required} />;
          case 'select':
            return (
              <Select
                key={name}
                name={name}
                label={label}
                value={values[name]}
                error={errors[name]}
                options={[
                  { value: '', label: '—' },
                  ...(f.options ?? []).map((o) => ({ value: o.value, label: tr(page, o.label) })),
                ]}
              />
            );
          case 'checkbox':
            return (
              <Checkbox
                key={name}
                name={name}
                label={tr(page, f.label)}
                checked={values[name] === 'on'}
                error={errors[name]}
              />
            );
          default: {
            // A date is typed as people write it (dd/mm/yyyy), not picked: most are birth dates.
            const type =
              f.type === 'number'
                ? 'number'
                : f.type === 'phone'
                  ? 'tel'
                  : f.type === 'email'
                    ? 'email'
                    : 'text';
            const inputmode =
              f.type === 'cccd' || f.type === 'number' ? 'numeric' : f.type === 'phone' ? 'tel' : undefined;
            return (
              <Field
                key={name}
                {...common}
                {...(f.type === 'date'
                  ? {
                      value: common.value === undefined ? undefined : formatDate(common.value),
                      hint: common.hint ?? dateHint(page.locale),
                    }
                  : {})}
                type={type}
                required={f.required}
                {...(inputmode ? { inputmode } : {})}
              />
            );
          }
        }
      })}
    </Fieldset>
  );
}

const FORM_LABEL: Record<string, Text> = {
  original: { vi: 'bản chính', en: 'original' },
  copy: { vi: 'bản sao', en: 'copy' },
  certified_copy: { vi: 'bản sao có chứng thực', en: 'certified copy' },
  original_or_copy: { vi: 'bản chính hoặc bản sao', en: 'original or copy' },
};

export type Kept = Map<string, { id: string; name: string }[]>;

/**
 * One file input per required document; files already uploaded (by an earlier try of the form) are
 * listed and kept by their stored ids in hidden fields, so a re-render loses nothing.
 */
export function DocumentInputs({
  page,
  documents,
  kept,
  errors,
  maxMb,
  only,
}: {
  page: PageCtx;
  documents: ProcedureDefinition['documents'];
  kept: Kept;
  errors: Errors;
  maxMb: number;
  only?: string[] | undefined;
}) {
  const t = page.t;
  const list = only?.length ? documents.filter((d) => only.includes(d.id)) : documents;
  return (
    <Fieldset legend={t('dossiers:submit.documents')}>
      <p class="hint">{t('dossiers:submit.documentsHint', { mb: maxMb })}</p>
      {errors.files && <strong class="err">{errors.files}</strong>}
      {list.map((d) => {
        const name = `doc.${d.id}`;
        const id = `f-${name}`;
        const files = kept.get(d.id) ?? [];
        const err = errors[name];
        return (
          <div key={d.id} class={err ? 'field invalid' : 'field'}>
            <label for={id}>
              {tr(page, d.name)}{' '}
              <span class="muted">
                ({t('dossiers:submit.count', { count: d.count, form: tr(page, FORM_LABEL[d.form]) })},{' '}
                {d.mandatory ? t('dossiers:submit.mandatory') : t('dossiers:submit.optional')})
              </span>
            </label>
            {d.note && <small class="hint">{tr(page, d.note)}</small>}
            {err && (
              <strong id={`${id}-err`} class="err">
                {err}
              </strong>
            )}
            {files.length > 0 && (
              <ul>
                {files.map((f) => (
                  <li key={f.id}>
                    <label style="font-weight:400">
                      <input
                        type="checkbox"
                        name={`keep.${d.id}`}
                        value={f.id}
                        checked
                        style="width:auto;display:inline;margin-right:.5rem"
                      />
                      {t('dossiers:submit.uploaded')} {f.name}
                    </label>
                  </li>
                ))}
              </ul>
            )}
            <input
              id={id}
              type="file"
              name={name}
              multiple
              accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
              aria-invalid={err ? 'true' : undefined}
            />
          </div>
        );
      })}
    </Fieldset>
  );
}

/** The applicant and the e-form answers, as the citizen checks them and as staff read them. */
export function ApplicantAndAnswers({
  page,
  procedure,
  applicant,
  answers,
  headings,
}: {
  page: PageCtx;
  procedure: ProcedureDefinition;
  applicant: {
    name: string;
    idNumber: string | null;
    phone: string;
    address: string | null;
    email?: string | null;
  };
  answers: Record<string, unknown>;
  headings: { applicant: string; form: string };
}) {
  const { t } = page;
  const a = applicant;
  return (
    <>
      <h2>{headings.applicant}</h2>
      <dl>
        <dt>{t('dossiers:submit.name')}</dt>
        <dd>{a.name}</dd>
        <dt>{t('dossiers:submit.idNumber')}</dt>
        <dd>{a.idNumber}</dd>
        <dt>{t('dossiers:submit.phone')}</dt>
        <dd>{a.phone}</dd>
        <dt>{t('dossiers:submit.address')}</dt>
        <dd>{a.address}</dd>
        {a.email && (
          <>
            <dt>{t('dossiers:submit.email')}</dt>
            <dd>{a.email}</dd>
          </>
        )}
      </dl>
      {procedure.form.length > 0 && (
        <>
          <h2>{headings.form}</h2>
          <dl>
            {procedure.form.map((f) => {
              const v = answers[f.name];
              if (v === undefined || v === '') return null;
              const shown =
                f.type === 'checkbox'
                  ? v
                    ? '✓'
                    : '—'
                  : f.type === 'select'
                    ? tr(page, f.options?.find((o) => o.value === v)?.label) || String(v)
                    : f.type === 'date'
                      ? formatDate(String(v))
                      : String(v);
              return (
                <>
                  <dt key={`${f.name}-t`}>{tr(page, f.label)}</dt>
                  <dd key={`${f.name}-d`}>{shown}</dd>
                </>
              );
            })}
          </dl>
        </>
      )}
    </>
  );
}

export function Hidden({ values }: { values: [string, string][] }) {
  return (
    <>
      {values.map(([k, v], i) => (
        <input key={`${k}-${i}`} type="hidden" name={k} value={v} />
      ))}
    </>
  );
}

export function StatusTag({ page, status }: { page: PageCtx; status: number }) {
  return <span class={`tag status-${status}`}>{page.t(`dossiers:status.${status}`)}</span>;
}

/**
 * Steps whose label only says again what their own national status says ("Đang xử lý" under
 * "Đang xử lý", "Dừng xử lý" under "Dừng xử lý"): shown beside their status they read doubled.
 */
const STEP_REPEATS_STATUS: ReadonlySet<Step> = new Set([
  'submitted',
  'in_progress',
  'refused',
  'withdrawn',
  'stopped',
  'returned',
]);

/**
 * The finer step to show beside the status, or nothing when it would repeat it. A step that only
 * restates its status still says something when a fee holds the status at 6 ("Chờ nộp phí · Đang xử lý").
 */
export function stepNote(page: Pick<PageCtx, 't'>, status: number, step: Step): string | undefined {
  if (STEP_REPEATS_STATUS.has(step) && STEP_STATUS[step] === status) return undefined;
  return page.t(`dossiers:step.${step}`);
}

/** "Thủ tục đăng ký khai sinh" → "Đăng ký khai sinh": the name as a person says it. */
export function plainProcedureName(name: string): string {
  const rest = name.replace(/^thủ tục\s+/i, '');
  return rest ? `${rest[0]?.toLocaleUpperCase('vi')}${rest.slice(1)}` : name;
}

/**
 * A citizen's dossiers as cards: the procedure (the link), whom it is for (or who filed it), the
 * status in words, then the dates and the code in small type.
 */
export function MyDossierCards({ page, rows }: { page: PageCtx; rows: MyDossier[] }) {
  const t = page.t;
  return (
    <ul class="cards" id="my-dossiers">
      {rows.map((d) => (
        <li key={d.code} data-code={d.code}>
          <h2>
            <a href={`/cong-dan/ho-so/${encodeURIComponent(d.code)}`}>
              {plainProcedureName(d.procedureName)}
            </a>
          </h2>
          <p>
            {d.subject
              ? t('dossiers:mine.for', { name: d.subject })
              : t('dossiers:mine.by', { name: d.applicantName })}
            <br />
            <StatusTag page={page} status={d.status} />
          </p>
          <small class="muted">
            {t('dossiers:mine.submitted', { at: when(d.submittedAt) })}
            {d.dueAt && d.status !== 10 ? ` · ${t('dossiers:mine.due', { at: when(d.dueAt) })}` : ''}
            <br />
            {t('dossiers:mine.code', { code: d.code })}
          </small>
        </li>
      ))}
    </ul>
  );
}

/** An amount of đồng as the reader's language writes it: "25.000 đồng", "25,000 dong". */
export function money(page: Pick<PageCtx, 'locale'>, amount: number): string {
  return page.locale === 'en'
    ? `${new Intl.NumberFormat('en').format(amount)} dong`
    : `${new Intl.NumberFormat('vi-VN').format(amount)} đồng`;
}

/** One sentence per step, in plain words; the reason where the citizen must read one. */
export function timelineText(page: PageCtx, e: PublicView['timeline'][number], dueAt: Date | null): string {
  const t = page.t;
  let text: string;
  switch (e.type) {
    case 'submit':
      text = t(`dossiers:timeline.submit_${e.channel ?? 2}`, { place: e.unitName ?? '' });
      break;
    case 'receive': {
      const due = e.dueAt ?? dueAt;
      text = due
        ? t('dossiers:timeline.receive', { unit: e.unitName ?? '', due: whenLong(page, due) })
        : t('dossiers:timeline.receiveSameDay', { unit: e.unitName ?? '' });
      break;
    }
    case 'supplement_received':
      text = t('dossiers:timeline.supplement_received');
      if (e.dueAt) text = `${text} ${t('dossiers:timeline.newDue', { due: whenLong(page, e.dueAt) })}`;
      break;
    case 'payment_requested':
      text = t('dossiers:timeline.payment_requested', { amount: money(page, e.amount ?? 0) });
      break;
    case 'result_ready':
      // As the result is delivered: signed here, it is downloaded; on paper, collected.
      text = e.online
        ? t('dossiers:timeline.result_readyOnline')
        : t('dossiers:timeline.result_ready', { unit: e.unitName ?? '' });
      break;
    case 'payment_received':
      text = e.amount
        ? t('dossiers:timeline.payment_receivedAmount', { amount: money(page, e.amount) })
        : t('dossiers:timeline.payment_received');
      break;
    default:
      text = t(`dossiers:timeline.${e.type}`, { unit: e.unitName ?? '' });
  }
  return e.note ? `${text} ${t('dossiers:timeline.reason', { note: e.note })}` : text;
}

export function PublicTimeline({ page, view }: { page: PageCtx; view: PublicView }) {
  // The due time shown at the receipt is today's; after a supplement it moves, and the page says so.
  return (
    <ol class="timeline">
      {view.timeline.map((e, i) => (
        <li key={i} data-type={e.type}>
          <strong>{when(e.at)}</strong> — {timelineText(page, e, view.dueAt)}
        </li>
      ))}
    </ol>
  );
}
