import { formatDate } from '#platform/i18n/dates.ts';
import { ActionForm, Field, Form, Notice, Select } from '#web/form.tsx';
import type { FormState } from '#web/form-action.ts';
import { Layout, type PageCtx } from '#web/layout.tsx';
import type { describeBulletin } from './broadcast.bulletins.service.ts';
import type { listProgrammes } from './broadcast.programmes.service.ts';
import { BulletinAudio, bound, fmtTime, NumberField, weekdaysLabel } from './broadcast.views.tsx';

/** Bulletin actions with nothing to fill in: a button on the bulletin page and a POST route each. */
export const SIMPLE_ACTIONS = [
  { type: 'submit', path: 'gui-duyet' },
  { type: 'approve', path: 'duyet' },
  { type: 'withdraw', path: 'rut' },
] as const;

type Described = Awaited<ReturnType<typeof describeBulletin>>;
type Programme = Awaited<ReturnType<typeof listProgrammes>>[number];

export interface BulletinPageProps extends Described {
  page: PageCtx;
  programmes: Programme[];
  /** Slots where this bulletin will start late or be dropped. */
  warnings: string[];
  /** Just added to a programme (after the redirect). */
  scheduled: boolean;
  today: string;
  state: FormState;
}

/** One bulletin: its audio and captions, its text, what may be done next, its slots and its history. */
export function BulletinPage(p: BulletinPageProps) {
  const { page, bulletin: b, commune, allowed, state } = p;
  const t = page.t;
  const live = p.entries.filter((e) => !e.entry.cancelledAt);
  return (
    <Layout page={page} title={b.title}>
      <p class="muted">
        <a href={`/quan-tri/loa/xa/${commune.code}/ban-tin`}>{t('broadcast:nav.bulletins')}</a> ›
      </p>
      <h1>{b.title}</h1>
      <p>
        <span class="tag" data-bulletin-status={b.status}>
          {t(`broadcast:bulletinStatus.${b.status}`)}
        </span>{' '}
        <span class="tag">{t(`broadcast:priority.${b.priority}`)}</span>
      </p>
      {p.scheduled && <Notice>{t('broadcast:bulletins.scheduled')}</Notice>}
      {p.warnings.map((w) => (
        <p key={w} class="errors">
          {w}
        </p>
      ))}
      {state.message && <p class="errors">{state.message}</p>}
      {b.audioFileId && (
        <>
          <h2>{t('broadcast:bulletins.preview')}</h2>
          <BulletinAudio t={t} bulletin={b} />
        </>
      )}
      <BulletinText page={page} bulletin={b} />
      {b.priority === 'emergency' && b.status === 'draft' && (
        <p class="notice">
          {t('broadcast:bulletins.emergencyHint')}{' '}
          {allowed.includes('broadcast') && (
            <a href={`/quan-tri/loa/xa/${commune.code}/khan-cap?ban-tin=${b.id}`}>
              {t('broadcast:nav.emergency')}
            </a>
          )}
        </p>
      )}
      <BulletinActions page={page} id={b.id} allowed={allowed} state={state} />
      {(live.length > 0 || allowed.includes('schedule')) && (
        <ScheduleEntries page={page} entries={p.entries} canSchedule={allowed.includes('schedule')} />
      )}
      {allowed.includes('schedule') && (
        <ScheduleBulletinForm
          page={page}
          id={b.id}
          communeCode={commune.code}
          programmes={p.programmes}
          today={p.today}
          state={state}
        />
      )}
      <h2>{t('broadcast:bulletins.history')}</h2>
      <ul>
        {p.actions.map((a) => (
          <li key={a.id}>
            {fmtTime(a.at)} · {t(`broadcast:action.${a.type}`)}{' '}
            {t('broadcast:bulletins.by', { who: a.actorLabel })}
            {a.note ? ` — ${a.note}` : ''}
          </li>
        ))}
      </ul>
    </Layout>
  );
}

function BulletinText({ page, bulletin: b }: { page: PageCtx; bulletin: Described['bulletin'] }) {
  return (
    <>
      {b.body && (
        <p class="message-body" style="white-space:pre-wrap">
          {b.body}
        </p>
      )}
      {b.spokenText && b.spokenText !== b.body && (
        <details>
          <summary>{page.t('broadcast:bulletins.spoken')}</summary>
          <p style="white-space:pre-wrap">{b.spokenText}</p>
        </details>
      )}
    </>
  );
}

interface BulletinActionsProps {
  page: PageCtx;
  id: number;
  allowed: Described['allowed'];
  state: FormState;
}

function BulletinActions({ page, id, allowed, state }: BulletinActionsProps) {
  const t = page.t;
  return (
    <>
      <p>
        {SIMPLE_ACTIONS.filter((a) => allowed.includes(a.type)).map((a) => (
          <ActionForm
            key={a.type}
            page={page}
            action={`/quan-tri/loa/ban-tin/${id}/${a.path}`}
            label={t(`broadcast:action.${a.type}`)}
            kind={a.type === 'withdraw' ? 'secondary' : undefined}
          />
        ))}
      </p>
      {allowed.includes('reject') && (
        <ActionForm
          page={page}
          action={`/quan-tri/loa/ban-tin/${id}/tra-lai`}
          errors={state.errors}
          label={t('broadcast:bulletins.reject')}
          kind="secondary"
        >
          <Field {...bound(state, 'note')} label={t('broadcast:bulletins.note')} />
        </ActionForm>
      )}
    </>
  );
}

interface ScheduleEntriesProps {
  page: PageCtx;
  entries: Described['entries'];
  canSchedule: boolean;
}

function ScheduleEntries({ page, entries, canSchedule }: ScheduleEntriesProps) {
  const t = page.t;
  return (
    <>
      <h2>{t('broadcast:bulletins.entries')}</h2>
      {entries.length === 0 && <p>{t('broadcast:bulletins.noEntries')}</p>}
      <ul>
        {entries.map((e) => (
          <li key={e.entry.id}>
            {e.programmeName}: {e.entry.startTime.slice(0, 5)}, {weekdaysLabel(t, e.entry.weekdays)},{' '}
            {formatDate(e.entry.startDate)}
            {e.entry.endDate ? ` → ${formatDate(e.entry.endDate)}` : ''},{' '}
            {t('broadcast:bulletins.plays', { count: e.entry.repeat })}
            {e.entry.cancelledAt ? (
              <span class="tag">{t('broadcast:bulletins.cancelled')}</span>
            ) : (
              canSchedule && (
                <ActionForm
                  page={page}
                  action={`/quan-tri/loa/lich/${e.entry.id}/huy`}
                  label={t('broadcast:bulletins.cancel')}
                  kind="link"
                />
              )
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

interface ScheduleBulletinFormProps {
  page: PageCtx;
  id: number;
  communeCode: string;
  programmes: Programme[];
  today: string;
  state: FormState;
}

function ScheduleBulletinForm({
  page,
  id,
  communeCode,
  programmes,
  today,
  state,
}: ScheduleBulletinFormProps) {
  const t = page.t;
  if (programmes.length === 0) {
    return (
      <>
        <h2>{t('broadcast:bulletins.schedule')}</h2>
        <p>
          <a href={`/quan-tri/loa/xa/${communeCode}/chuong-trinh`}>{t('broadcast:bulletins.noProgrammes')}</a>
        </p>
      </>
    );
  }
  return (
    <>
      <h2>{t('broadcast:bulletins.schedule')}</h2>
      <Form page={page} action={`/quan-tri/loa/ban-tin/${id}/lich`} errors={state.errors}>
        <Select
          {...bound(state, 'programmeId')}
          label={t('broadcast:bulletins.programme')}
          options={programmes.map((p) => ({ value: String(p.id), label: p.name }))}
        />
        <div class={state.errors.startTime ? 'field invalid' : 'field'}>
          <label for="f-startTime">{t('broadcast:bulletins.startTime')}</label>
          {state.errors.startTime && <strong class="err">{state.errors.startTime}</strong>}
          <input
            id="f-startTime"
            name="startTime"
            type="time"
            value={state.values.startTime ?? '06:00'}
            required
          />
        </div>
        <fieldset class="field">
          <legend>{t('broadcast:bulletins.days')}</legend>
          {[1, 2, 3, 4, 5, 6, 7].map((d) => (
            <label key={d} style="display:inline-block;margin-right:0.8rem;font-weight:400">
              <input type="checkbox" name="days" value={String(d)} style="width:auto;display:inline" />{' '}
              {t(`broadcast:weekday.${d}`)}
            </label>
          ))}
        </fieldset>
        <Field
          name="startDate"
          type="date"
          label={t('broadcast:bulletins.startDate')}
          value={state.values.startDate ?? today}
          error={state.errors.startDate}
        />
        <Field {...bound(state, 'endDate')} type="date" label={t('broadcast:bulletins.endDate')} />
        <NumberField {...bound(state, 'repeat', '1')} label={t('broadcast:bulletins.repeat')} />
        <button type="submit">{t('broadcast:bulletins.add')}</button>
      </Form>
    </>
  );
}
