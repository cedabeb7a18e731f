/**
 * The kit's views, rendered by the server for pages without JavaScript and by the offline kit in
 * the browser from its local copy: one set of components, two renderers. They import nothing from
 * the server (only Preact, the shared form components and types), so they bundle for the browser.
 */
import type { Errors } from '#web/form.tsx';
import { Field, Form, TextArea } from '#web/form.tsx';
import type { PageCtx } from '#web/layout.tsx';
import type { ChecklistItem, HamletOut, HouseholdOut } from '../fieldkit.schemas.ts';

export const KIT = '/to-cong-nghe/';
export const householdUrl = (id: string) => `${KIT}ho/${id}`;

/** A household as a view shows it: the register's copy with the member's unsent changes laid over. */
export type HouseholdView = HouseholdOut & { pending?: boolean };

export interface FormValues {
  values: Record<string, string | string[] | undefined>;
  errors: Errors;
  message?: string | undefined;
}
export const emptyForm = (): FormValues => ({ values: {}, errors: {} });

const DATE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});
const TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
export const shortDate = (iso: string) => DATE.format(new Date(iso));
export const shortTime = (iso: string) => `${TIME.format(new Date(iso))} ${DATE.format(new Date(iso))}`;

const str = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(', ') : v);
const label = (l: { vi: string; en?: string | undefined }, page: PageCtx) =>
  page.locale === 'en' && l.en ? l.en : l.vi;

export function nameOf(h: Pick<HouseholdOut, 'headName' | 'address'>, page: PageCtx) {
  return h.headName ?? `${h.address} ${page.t('fieldkit:list.noConsent')}`;
}

/** The kit's status line: filled in by the script (changes waiting, "send now", storage). */
export function KitStatus({ page }: { page: PageCtx }) {
  return (
    <div id="fk-status" class="fk-status" aria-live="polite">
      <noscript>{page.t('fieldkit:status.javascript')}</noscript>
    </div>
  );
}

export function HouseholdList({
  page,
  hamlets,
  hamletId,
  households,
  q,
  total,
  next,
  canReview,
}: {
  page: PageCtx;
  hamlets: HamletOut[];
  hamletId: number;
  households: HouseholdView[];
  q: string;
  total?: number | undefined;
  next?: string | undefined;
  canReview?: boolean;
}) {
  const t = page.t;
  return (
    <>
      <h1>{t('fieldkit:home')}</h1>
      <form method="get" action={KIT} class="fk-search" data-kit="search">
        {hamlets.length > 1 ? (
          <div class="field">
            <label for="f-thon">{t('fieldkit:list.hamlet')}</label>
            <select id="f-thon" name="thon">
              {hamlets.map((h) => (
                <option key={h.id} value={String(h.id)} selected={h.id === hamletId}>
                  {h.name}
                </option>
              ))}
            </select>
          </div>
        ) : (
          <input type="hidden" name="thon" value={String(hamletId)} />
        )}
        <div class="field">
          <label for="f-q">{t('fieldkit:list.search')}</label>
          <small class="hint">{t('fieldkit:list.searchHint')}</small>
          <input id="f-q" name="q" type="search" value={q} autocomplete="off" />
        </div>
        <button type="submit">{t('fieldkit:list.searchButton')}</button>
      </form>
      <p>
        <a class="button" href={`${KIT}ho/moi?thon=${hamletId}`}>
          {t('fieldkit:list.add')}
        </a>
        {canReview && (
          <>
            {' '}
            <a href={`${KIT}xung-dot`}>{t('fieldkit:list.conflicts')}</a>
          </>
        )}
      </p>
      <p class="muted" id="fk-count">
        {t('fieldkit:list.count', { count: total ?? households.length })}
      </p>
      {households.length === 0 ? (
        <p>{t('fieldkit:list.none')}</p>
      ) : (
        <ul class="fk-list">
          {households.map((h) => (
            <li key={h.id}>
              <a href={householdUrl(h.id)}>{nameOf(h, page)}</a>
              <span class="muted">
                {' '}
                · {h.address} · {t('fieldkit:list.members', { count: h.members })} ·{' '}
                {h.lastVisit
                  ? t('fieldkit:list.visited', { date: shortDate(h.lastVisit.at) })
                  : t('fieldkit:list.never')}
              </span>
              {h.needsReview && <span class="tag fk-review"> {t('fieldkit:list.review')}</span>}
              {h.pending && <span class="tag fk-pending"> {t('fieldkit:list.pending')}</span>}
            </li>
          ))}
        </ul>
      )}
      {next && (
        <p>
          <a href={next}>{t('fieldkit:list.more')}</a>
        </p>
      )}
    </>
  );
}

const yesNo = (v: boolean | null, page: PageCtx) =>
  v === null ? '—' : v ? page.t('fieldkit:visit.yes') : page.t('fieldkit:visit.no');

export function HouseholdDetail({
  page,
  household: h,
  hamlet,
  visits,
  notice,
  canDelete,
}: {
  page: PageCtx;
  household: HouseholdView;
  hamlet?: HamletOut | undefined;
  visits?: { id: string; at: string; memberName: string; afterDelete?: boolean }[];
  notice?: string | undefined;
  canDelete?: boolean;
}) {
  const t = page.t;
  const v = h.lastVisit;
  return (
    <>
      <p class="muted">
        <a href={`${KIT}?thon=${h.hamletId}`}>{t('fieldkit:household.back')}</a>
        {hamlet && <> · {hamlet.name}</>}
      </p>
      <h1>{nameOf(h, page)}</h1>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {h.deleted && <p class="errors">{t('fieldkit:household.deleted')}</p>}
      {h.needsReview && <p class="notice">{t('fieldkit:household.review')}</p>}
      {h.pending && <p class="muted">{t('fieldkit:household.savedLocal')}</p>}
      <dl class="fk-facts">
        <dt>{t('fieldkit:household.address')}</dt>
        <dd>{h.address}</dd>
        <dt>{t('fieldkit:household.members')}</dt>
        <dd>{h.members}</dd>
        {h.phones.length > 0 && (
          <>
            <dt>{t('fieldkit:household.phones')}</dt>
            <dd>
              {h.phones.map((p, i) => (
                <span key={p}>
                  {i > 0 && ', '}
                  <a href={`tel:${p}`}>{p}</a>
                </span>
              ))}
            </dd>
          </>
        )}
        {h.lat !== null && (
          <>
            <dt>{t('fieldkit:household.lat')}</dt>
            <dd>{`${h.lat}, ${h.lng}`}</dd>
          </>
        )}
      </dl>
      {!h.deleted && (
        <p>
          <a class="button" href={`${householdUrl(h.id)}/tham`}>
            {t('fieldkit:household.visit')}
          </a>{' '}
          <a href={`${householdUrl(h.id)}/sua`}>{t('fieldkit:household.edit')}</a> ·{' '}
          <a href={`${householdUrl(h.id)}/ho-so`}>{t('fieldkit:assist.start')}</a>
        </p>
      )}
      <h2>{t('fieldkit:household.lastVisit')}</h2>
      {v ? (
        <p>
          {shortTime(v.at)} {t('fieldkit:household.by', { name: v.memberName })}
          <br />
          {t('fieldkit:visit.smartphone')}: {yesNo(v.smartphone, page)} · {t('fieldkit:visit.vneid')}:{' '}
          {v.vneidAdults ?? '—'} · {t('fieldkit:visit.cashless')}: {yesNo(v.cashless, page)} ·{' '}
          {t('fieldkit:visit.dvc')}: {yesNo(v.publicServiceAccount, page)}
        </p>
      ) : (
        <p>{t('fieldkit:household.noVisit')}</p>
      )}
      {visits && visits.length > 0 && (
        <>
          <h2>{t('fieldkit:household.visits')}</h2>
          <ul>
            {visits.map((x) => (
              <li key={x.id}>
                {shortTime(x.at)} {t('fieldkit:household.by', { name: x.memberName })}
                {x.afterDelete && <span class="tag"> {t('fieldkit:visit.afterDelete')}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      {canDelete && !h.deleted && <DeleteForm page={page} household={h} />}
    </>
  );
}

function DeleteForm({ page, household: h }: { page: PageCtx; household: HouseholdView }) {
  const t = page.t;
  const reasons = ['moved', 'duplicate', 'no-consent', 'other'] as const;
  return (
    <form method="post" action={`${householdUrl(h.id)}/xoa`} class="fk-delete">
      <input type="hidden" name="_csrf" value={page.csrf} />
      <input type="hidden" name="baseVersion" value={String(h.version)} />
      <h2>{t('fieldkit:household.delete')}</h2>
      <div class="field">
        <label for="f-reason">{t('fieldkit:household.deleteReason')}</label>
        <select id="f-reason" name="reason">
          {reasons.map((r) => (
            <option key={r} value={r}>
              {t(`fieldkit:household.reasons.${r}`)}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" class="secondary">
        {t('fieldkit:household.delete')}
      </button>
    </form>
  );
}

/** New or edit: for an edit, the values as shown are sent back as `base_*` to tell what changed. */
export function HouseholdFormView({
  page,
  action,
  state,
  hamletId,
  household,
  commandId,
  newId,
}: {
  page: PageCtx;
  action: string;
  state: FormValues;
  hamletId: number;
  household?: HouseholdView | undefined;
  commandId: string;
  /** The id a new household gets, drawn with the form. */
  newId?: string;
}) {
  const t = page.t;
  const v = state.values;
  const e = state.errors;
  const base = household
    ? {
        headName: household.headName ?? '',
        members: String(household.members),
        phones: household.phones.join(', '),
        address: household.address,
        lat: household.lat === null ? '' : String(household.lat),
        lng: household.lng === null ? '' : String(household.lng),
        consent: household.consent ? 'on' : '',
      }
    : undefined;
  const val = (k: keyof NonNullable<typeof base>) => str(v[k]) ?? base?.[k];
  const consent =
    v.consent !== undefined || Object.keys(v).length ? v.consent === 'on' : base?.consent === 'on';
  return (
    <>
      <h1>{household ? t('fieldkit:household.edit') : t('fieldkit:household.new')}</h1>
      {state.message && <p class="errors">{state.message}</p>}
      <Form page={page} action={action} errors={e}>
        <input type="hidden" name="commandId" value={commandId} />
        <input type="hidden" name="hamletId" value={String(hamletId)} />
        {!household && <input type="hidden" name="householdId" value={newId ?? commandId} />}
        {household && base && (
          <>
            <input type="hidden" name="baseVersion" value={String(household.version)} />
            {Object.entries(base).map(([k, x]) => (
              <input key={k} type="hidden" name={`base_${k}`} value={x} />
            ))}
          </>
        )}
        <div class={e.consent ? 'field invalid' : 'field'}>
          <label>
            <input type="checkbox" name="consent" checked={consent} class="fk-check" />{' '}
            {t('fieldkit:household.consent')}
          </label>
          <small class="hint">{t('fieldkit:household.consentHint')}</small>
        </div>
        <Field
          name="headName"
          label={t('fieldkit:household.headName')}
          value={val('headName')}
          error={e.headName}
        />
        <Field
          name="members"
          type="number"
          inputmode="numeric"
          label={t('fieldkit:household.members')}
          value={val('members')}
          error={e.members}
          required
        />
        <Field
          name="phones"
          type="tel"
          label={t('fieldkit:household.phones')}
          hint={t('fieldkit:household.phonesHint')}
          value={val('phones')}
          error={e.phones ?? e['phones.0'] ?? e['phones.1'] ?? e['phones.2']}
        />
        <TextArea
          name="address"
          label={t('fieldkit:household.address')}
          hint={t('fieldkit:household.addressHint')}
          value={val('address')}
          error={e.address}
          rows={2}
          required
        />
        <Field name="lat" label={t('fieldkit:household.lat')} value={val('lat')} error={e.lat} />
        <Field name="lng" label={t('fieldkit:household.lng')} value={val('lng')} error={e.lng} />
        <p class="fk-js">
          <button type="button" class="secondary" data-kit="locate">
            {t('fieldkit:household.locate')}
          </button>
        </p>
        <button type="submit">{t('fieldkit:household.save')}</button>
      </Form>
    </>
  );
}

/** The checklist of a visit; answers are posted as `a_<item id>`. */
export function VisitFormView({
  page,
  action,
  household,
  items,
  checklistId,
  startedAt,
  commandId,
  state,
}: {
  page: PageCtx;
  action: string;
  household: HouseholdView;
  items: readonly ChecklistItem[];
  checklistId: number;
  startedAt: string;
  commandId: string;
  state: FormValues;
}) {
  const t = page.t;
  const v = state.values;
  const e = state.errors;
  return (
    <>
      <p class="muted">
        <a href={householdUrl(household.id)}>{nameOf(household, page)}</a>
      </p>
      <h1>{t('fieldkit:visit.title', { name: nameOf(household, page) })}</h1>
      <p class="muted">{t('fieldkit:visit.started', { time: shortTime(startedAt) })}</p>
      {state.message && <p class="errors">{state.message}</p>}
      <Form page={page} action={action} errors={e}>
        <input type="hidden" name="commandId" value={commandId} />
        <input type="hidden" name="checklistId" value={String(checklistId)} />
        <input type="hidden" name="startedAt" value={startedAt} />
        <input type="hidden" name="lat" value={str(v.lat) ?? ''} />
        <input type="hidden" name="lng" value={str(v.lng) ?? ''} />
        <input type="hidden" name="accuracy" value={str(v.accuracy) ?? ''} />
        <p class="muted fk-js" id="fk-where" />
        {items.map((item) => (
          <ChecklistField
            key={item.id}
            page={page}
            item={item}
            value={v[`a_${item.id}`]}
            error={e[`answers.${item.id}`]}
          />
        ))}
        <button type="submit">{t('fieldkit:visit.save')}</button>
      </Form>
    </>
  );
}

function ChecklistField({
  page,
  item,
  value,
  error,
}: {
  page: PageCtx;
  item: ChecklistItem;
  value: string | string[] | undefined;
  error: string | undefined;
}) {
  const name = `a_${item.id}`;
  const id = `f-answers.${item.id}`;
  const text = label(item.label, page);
  const cls = error ? 'field invalid' : 'field';
  const err = error && (
    <strong class="err" id={`${id}-err`}>
      {error}
    </strong>
  );
  switch (item.type) {
    case 'yesno':
      return (
        <fieldset class={cls} id={id}>
          <legend>{text}</legend>
          {err}
          {(['yes', 'no'] as const).map((x) => (
            <label key={x} class="fk-inline">
              <input type="radio" name={name} value={x} checked={value === x} class="fk-check" />{' '}
              {page.t(`fieldkit:visit.${x}`)}
            </label>
          ))}
        </fieldset>
      );
    case 'count':
      return (
        <div class={cls}>
          <label for={id}>{text}</label>
          {err}
          <input id={id} name={name} type="number" inputmode="numeric" min="0" value={str(value) ?? ''} />
        </div>
      );
    case 'choices': {
      const chosen = Array.isArray(value) ? value : value ? [value] : [];
      return (
        <fieldset class={cls} id={id}>
          <legend>{text}</legend>
          {err}
          {(item.options ?? []).map((o) => (
            <label key={o.value} class="fk-inline">
              <input
                type="checkbox"
                name={name}
                value={o.value}
                checked={chosen.includes(o.value)}
                class="fk-check"
              />{' '}
              {label(o.label, page)}
            </label>
          ))}
        </fieldset>
      );
    }
    case 'text':
      return (
        <div class={cls}>
          <label for={id}>{text}</label>
          {err}
          <textarea id={id} name={name} rows={3}>
            {str(value) ?? ''}
          </textarea>
        </div>
      );
  }
}
