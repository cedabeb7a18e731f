import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { Place } from '#modules/places/index.ts';
import { requireProvinceAdmin } from '#platform/auth/actor.ts';
import { formatDate } from '#platform/i18n/dates.ts';
import { Field, Form, Notice, TextArea } from '#web/form.tsx';
import { type FormState, handleForm } from '#web/form-action.ts';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import {
  adminProvinces,
  chooseAdminProvince,
  listYearOverrides,
  saveYearOverride,
} from './calendar.overrides.ts';
import { OverrideInput } from './calendar.schemas.ts';
import type { YearCalendar, YearOverride } from './holidays.ts';
import { officialDaysOff } from './official.ts';
import { createCalendar } from './working-days.ts';
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
  province,
  provinces,
  national,
  current,
  state,
  saved,
}: {
  page: PageCtx;
  nav: CalendarPageOptions['nav'];
  year: number;
  /** The province whose overrides are shown, and the others this admin may edit. */
  province: Place;
  provinces: Place[];
  /** The year before the province's override: the official notice, or the computed default. */
  national: YearCalendar;
  /** The override stored for `year`, if any. */
  current: YearOverride | undefined;
  state: FormState;
  /** The year just saved (POST/redirect/GET), for the notice. */
  saved: string | undefined;
}) {
  const t = page.t;
  const v = (k: DateListKey) => state.values[k] ?? (current?.[k] ?? []).map(formatDate).join(', ');
  // An admin of one province needs no province in the address.
  const href = (n: number, code = province.code) =>
    `${CALENDAR_ADMIN_PATH}?nam=${n}${provinces.length > 1 ? `&tinh=${code}` : ''}`;
  return (
    <Layout page={page} title={t('calendar:admin.title')}>
      <h1>
        {t('calendar:admin.title')} · {province.fullName}
      </h1>
      {nav?.(page)}
      <p>{t('calendar:admin.intro')}</p>
      {saved && <Notice text={t('calendar:admin.saved', { year: saved })} />}
      {provinces.length > 1 && (
        <p id="provinces">
          {provinces.map((p) => (
            <span key={p.id}>
              {p.id === province.id ? (
                <strong>{p.name}</strong>
              ) : (
                <a href={href(year, p.code)}>{p.name}</a>
              )}{' '}
            </span>
          ))}
        </p>
      )}
      <p>
        {[year - 1, year, year + 1].map((n) => (
          <span key={n}>{n === year ? <strong>{n}</strong> : <a href={href(n)}>{n}</a>} </span>
        ))}
      </p>
      <h2>{t(national.basis === 'notice' ? 'calendar:admin.official' : 'calendar:admin.computed')}</h2>
      {national.basis === 'default' && <p class="notice">{t('calendar:admin.noNotice', { year })}</p>}
      <p id="computed">{national.holidays.map((h) => formatDate(h.date)).join(', ')}</p>
      {national.workingDays.length > 0 && (
        <p id="official-worked">
          {t('calendar:admin.officialWorked')} {national.workingDays.map(formatDate).join(', ')}
        </p>
      )}
      <Form page={page} action={CALENDAR_ADMIN_PATH} errors={state.errors}>
        <input type="hidden" name="year" value={String(year)} />
        <input type="hidden" name="province" value={province.code} />
        <TextArea
          name="replace"
          label={t('calendar:admin.replace')}
          hint={t('calendar:admin.datesHint')}
          value={v('replace')}
          error={state.errors.replace}
          rows={2}
        />
        {(['add', 'remove', 'workingDays'] as const).map((name) => (
          <TextArea
            key={name}
            name={name}
            label={t(`calendar:admin.${name}`)}
            value={v(name)}
            error={state.errors[name]}
            rows={2}
          />
        ))}
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
    const ctx = req.ctx();
    const query = req.query as { nam?: string; luu?: string; tinh?: string };
    const asked = typeof query.tinh === 'string' ? query.tinh.slice(0, 10) : undefined;
    const province = await chooseAdminProvince(ctx, state.values.province ?? asked);
    const overrides = await listYearOverrides(ctx, province);
    const page = await pageCtx(req, reply);
    const now = ctx.clock.now();
    const wanted = Number(state.values.year ?? query.nam ?? now.getUTCFullYear());
    const year = Number.isInteger(wanted) && wanted >= 2000 && wanted <= 2200 ? wanted : now.getUTCFullYear();
    // The national year without this province's override: what the override is applied to.
    const national = createCalendar({ official: officialDaysOff() }).yearCalendar(year);
    return sendPage(
      reply,
      <CalendarPage
        page={page}
        nav={opts.nav}
        year={year}
        province={province}
        provinces={await adminProvinces(ctx)}
        national={national}
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
        const province = await chooseAdminProvince(req.ctx(), input.province || undefined);
        await saveYearOverride(req.ctx(), province.code, input);
        const several = (await adminProvinces(req.ctx())).length > 1;
        return `${CALENDAR_ADMIN_PATH}?nam=${input.year}${several ? `&tinh=${province.code}` : ''}&luu=${input.year}`;
      },
      (state, status) => render(req, reply, state, status),
    ),
  );
}
