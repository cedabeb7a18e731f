/**
 * Assisted filing's pages, shared by the server (without JavaScript) and the offline kit: choose a
 * procedure, then the applicant, the e-form, the photographed papers and the person's consent.
 */
import type { Errors } from '#web/form.tsx';
import { Field, Form, TextArea } from '#web/form.tsx';
import type { PageCtx } from '#web/layout.tsx';
import type { KitProcedure } from '../assisted.service.ts';
import { type FormValues, type HouseholdView, householdUrl, nameOf } from './kit-views.tsx';

const label = (l: { vi: string; en?: string | undefined }, page: PageCtx) =>
  page.locale === 'en' && l.en ? l.en : l.vi;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export function ProcedureChoice({
  page,
  household,
  procedures,
}: {
  page: PageCtx;
  household: HouseholdView;
  procedures: KitProcedure[];
}) {
  const t = page.t;
  return (
    <>
      <p class="muted">
        <a href={householdUrl(household.id)}>{nameOf(household, page)}</a>
      </p>
      <h1>{t('fieldkit:assist.choose')}</h1>
      <ul class="fk-list">
        {procedures.map((p) => (
          <li key={p.code}>
            <a href={`${householdUrl(household.id)}/ho-so/${p.code}`}>{label(p.name, page)}</a>
            <span class="muted"> · {p.field}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

interface EField {
  name: string;
  label: { vi: string; en?: string };
  type: string;
  required?: boolean;
  hint?: { vi: string; en?: string };
  options?: { value: string; label: { vi: string; en?: string } }[];
}

function EFormField({
  page,
  f,
  value,
  error,
}: {
  page: PageCtx;
  f: EField;
  value: string | undefined;
  error?: string | undefined;
}) {
  const name = `form_${f.name}`;
  const text = `${label(f.label, page)}${f.required ? ' *' : ''}`;
  const hint = f.hint ? label(f.hint, page) : undefined;
  switch (f.type) {
    case 'textarea':
      return <TextArea name={name} label={text} hint={hint} value={value} error={error} rows={3} />;
    case 'select':
      return (
        <div class={error ? 'field invalid' : 'field'}>
          <label for={`f-${name}`}>{text}</label>
          {error && <strong class="err">{error}</strong>}
          <select id={`f-${name}`} name={name}>
            <option value="">—</option>
            {(f.options ?? []).map((o) => (
              <option key={o.value} value={o.value} selected={o.value === value}>
                {label(o.label, page)}
              </option>
            ))}
          </select>
        </div>
      );
    case 'checkbox':
      return (
        <div class="field">
          <label>
            <input type="checkbox" name={name} class="fk-check" checked={value === 'on'} /> {text}
          </label>
        </div>
      );
    default:
      return (
        <Field
          name={name}
          label={text}
          hint={hint}
          value={value}
          error={error}
          type={
            f.type === 'date'
              ? 'date'
              : f.type === 'number'
                ? 'number'
                : f.type === 'phone'
                  ? 'tel'
                  : f.type === 'email'
                    ? 'email'
                    : 'text'
          }
        />
      );
  }
}

/**
 * The filing form. Files are posted as `doc_<document id>` and `consent_photo` (multipart); the
 * kit keeps them resized on the phone instead. Consent is a photographed signed paper, or a code
 * sent to the citizen's phone (`otpCode`, or the kit's verified `consentToken`).
 */
export function AssistFormView({
  page,
  action,
  household,
  procedure,
  state,
  commandId,
  otpSentTo,
}: {
  page: PageCtx;
  action: string;
  household: HouseholdView;
  procedure: KitProcedure;
  state: FormValues;
  commandId: string;
  otpSentTo?: string | undefined;
}) {
  const t = page.t;
  const v = state.values;
  const e: Errors = state.errors;
  const val = (k: string) => one(v[k]);
  const consent = val('consent') ?? 'paper';
  return (
    <>
      <p class="muted">
        <a href={householdUrl(household.id)}>{nameOf(household, page)}</a>
      </p>
      <h1>{label(procedure.name, page)}</h1>
      {state.message && <p class="errors">{state.message}</p>}
      <Form page={page} action={action} errors={e} enctype="multipart/form-data">
        <input type="hidden" name="commandId" value={commandId} />
        <input type="hidden" name="dossierId" value={val('dossierId') ?? commandId} />
        <h2>{t('fieldkit:assist.applicant')}</h2>
        <Field
          name="applicant.name"
          label={t('fieldkit:assist.name')}
          value={val('applicant.name') ?? household.headName ?? ''}
          error={e['applicant.name']}
          required
        />
        <Field
          name="applicant.idNumber"
          label={t('fieldkit:assist.idNumber')}
          inputmode="numeric"
          value={val('applicant.idNumber')}
          error={e['applicant.idNumber']}
          required
        />
        <Field
          name="applicant.phone"
          type="tel"
          label={t('fieldkit:assist.phone')}
          value={val('applicant.phone') ?? household.phones[0] ?? ''}
          error={e['applicant.phone']}
          required
        />
        <Field
          name="applicant.address"
          label={t('fieldkit:assist.address')}
          value={val('applicant.address') ?? household.address}
          error={e['applicant.address']}
          required
        />
        <h2>{t('fieldkit:assist.eform')}</h2>
        {(procedure.form as EField[]).map((f) => (
          <EFormField
            key={f.name}
            page={page}
            f={f}
            value={val(`form_${f.name}`)}
            error={e[`form.${f.name}`]}
          />
        ))}
        {procedure.documents.length > 0 && <h2>{t('fieldkit:assist.papers')}</h2>}
        {procedure.documents.map((d) => (
          <div key={d.id} class={e[`documents.${d.id}`] ? 'field invalid' : 'field'}>
            <label for={`f-doc_${d.id}`}>
              {label(d.name, page)}
              {d.mandatory ? ' *' : ''}
            </label>
            {e[`documents.${d.id}`] && <strong class="err">{e[`documents.${d.id}`]}</strong>}
            <input
              id={`f-doc_${d.id}`}
              name={`doc_${d.id}`}
              type="file"
              accept="image/*"
              capture="environment"
            />
            <small class="hint fk-photo" data-for={`doc_${d.id}`} />
          </div>
        ))}
        <h2>{t('fieldkit:assist.consent')}</h2>
        <fieldset class={e.consent ? 'field invalid' : 'field'} id="f-consent">
          <legend>{t('fieldkit:assist.consentHow')}</legend>
          {e.consent && <strong class="err">{e.consent}</strong>}
          <label class="fk-inline">
            <input type="radio" name="consent" value="paper" class="fk-check" checked={consent === 'paper'} />{' '}
            {t('fieldkit:assist.paper')}
          </label>
          <input
            id="f-consent_photo"
            name="consent_photo"
            type="file"
            accept="image/*"
            capture="environment"
            aria-label={t('fieldkit:assist.paperPhoto')}
          />
          <small class="hint fk-photo" data-for="consent_photo" />
          <label class="fk-inline">
            <input type="radio" name="consent" value="otp" class="fk-check" checked={consent === 'otp'} />{' '}
            {t('fieldkit:assist.otp')}
          </label>
          <small class="hint">{t('fieldkit:assist.otpHint')}</small>
          <button
            type="submit"
            name="sendCode"
            value="1"
            formnovalidate
            class="secondary"
            data-kit="otp-send"
          >
            {t('fieldkit:assist.sendCode')}
          </button>
          {otpSentTo && <p class="notice">{t('fieldkit:assist.codeSent', { phone: otpSentTo })}</p>}
          <Field
            name="otpCode"
            label={t('fieldkit:assist.code')}
            inputmode="numeric"
            value={val('otpCode')}
            error={e.otpCode ?? e.code}
          />
          <input type="hidden" name="consentToken" value={val('consentToken') ?? ''} />
        </fieldset>
        <button type="submit">{t('fieldkit:assist.submit')}</button>
      </Form>
    </>
  );
}
