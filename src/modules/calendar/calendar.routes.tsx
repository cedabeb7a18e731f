import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { Field, Form, Notice, TextArea } from '#web/form.tsx';
import { type FormState, handleForm } from '#web/form-action.ts';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { listYearOverrides, requireProvinceAdmin, saveYearOverride } from './calendar.overrides.ts';
import { OverrideInput } from './calendar.schemas.ts';
import { type YearOverride, yearCalendar } from './holidays.ts';
import './calendar.messages.ts';

/** The admin page of the yearly overrides. It sits among the one-stop settings (its address says so). */
export const CALENDAR_ADMIN_PATH = '/quan-tri/mot-cua/lich';

export interface CalendarPageOptions {
  /** The line of links to the pages this one sits among, given at composition (src/app). */
  nav?: ((page: PageCtx) => ComponentChildren) | undefined;
}

type DateListKey = 'replace' | 'add' | 'remove' | 'workingDays';

function CalendarPage({
  page,
  nav,
  year,
  current,
  state,
  saved,
}: {
  page: PageCtx;
  nav: CalendarPageOptions['nav'];
  year: number;
  /** The override stored for `year`, if any. */
  current: YearOverride | undefined;
  state: FormState;
  /** The year just saved (POST/redirect/GET), for the notice. */
  saved: string | undefined;
}) {
  const t = page.t;
  const computed = yearCalendar(year);
  const v = (k: DateListKey) => state.values[k] ?? (current?.[k] ?? []).join(', ');
  return (
    <Layout page={page} title={t('calendar:admin.title')}>
      <h1>{t('calendar:admin.title')}</h1>
      {nav?.(page)}
      <p>{t('calendar:admin.intro')}</p>
      {saved && <Notice text={t('calendar:admin.saved', { year: saved })} />}
      <p>
        {[year - 1, year, year + 1].map((n) => (
          <span key={n}>
            {n === year ? <strong>{n}</strong> : <a href={`${CALENDAR_ADMIN_PATH}?nam=${n}`}>{n}</a>}{' '}
          </span>
        ))}
      </p>
      <h2>{t('calendar:admin.computed')}</h2>
      <p id="computed">{computed.holidays.map((h) => h.date).join(', ')}</p>
      <Form page={page} action={CALENDAR_ADMIN_PATH} errors={state.errors}>
        <input type="hidden" name="year" value={String(year)} />
        <TextArea
          name="replace"
          label={t('calendar:admin.replace')}
          hint={t('calendar:admin.datesHint')}
          value={v('replace')}
          error={state.errors.replace}
          rows={2}
        />
        <TextArea
          name="add"
          label={t('calendar:admin.add')}
          value={v('add')}
          error={state.errors.add}
          rows={2}
        />
        <TextArea
          name="remove"
          label={t('calendar:admin.remove')}
          value={v('remove')}
          error={state.errors.remove}
          rows={2}
        />
        <TextArea
          name="workingDays"
          label={t('calendar:admin.workingDays')}
          value={v('workingDays')}
          error={state.errors.workingDays}
          rows={2}
        />
        <Field
          name="note"
          label={t('calendar:admin.note')}
          value={state.values.note ?? current?.note}
          error={state.errors.note}
        />
        <button type="submit">{t('calendar:admin.save')}</button>
      </Form>
    </Layout>
  );
}

/** The yearly overrides' admin page (province admins): the computed days off and the year's override. */
export function registerCalendarPages(app: FastifyInstance, opts: CalendarPageOptions = {}) {
  const render = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) => {
    const overrides = await listYearOverrides(req.ctx());
    const page = await pageCtx(req, reply);
    const query = req.query as { nam?: string; luu?: string };
    const now = req.ctx().clock.now();
    const asked = Number(state.values.year ?? query.nam ?? now.getUTCFullYear());
    const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2200 ? asked : now.getUTCFullYear();
    return sendPage(
      reply,
      <CalendarPage
        page={page}
        nav={opts.nav}
        year={year}
        current={overrides.find((o) => o.year === year)}
        state={state}
        saved={query.luu}
      />,
      status,
    );
  };

  app.get(CALENDAR_ADMIN_PATH, async (req, reply) => {
    requireProvinceAdmin(req.actor);
    return render(req, reply, { values: {}, errors: {} });
  });
  app.post(CALENDAR_ADMIN_PATH, (req, reply) =>
    handleForm(
      req,
      reply,
      OverrideInput,
      async (input) => {
        await saveYearOverride(req.ctx(), input);
        return `${CALENDAR_ADMIN_PATH}?nam=${input.year}&luu=${input.year}`;
      },
      (state, status) => render(req, reply, state, status),
    ),
  );
}
