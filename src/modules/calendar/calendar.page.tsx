import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { getPlaceByCode, listChildren, type Place } from '#modules/places/index.ts';
import { formatDate } from '#platform/i18n/dates.ts';
import { Select } from '#web/form.tsx';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { calendarOf, yearBases } from './calendar.public.ts';
import { type IsoDate, isWeekend, weekday } from './dates.ts';
import type { DayReason, YearCalendar } from './holidays.ts';
import type { WorkingCalendar } from './working-days.ts';
import './calendar.messages.ts';

/**
 * "Lịch làm việc": the year's days off and weekend days worked, in plain words, for people planning
 * a trip to the commune office. Server-rendered, no script; the national calendar, or a province's.
 */
export const PUBLIC_CALENDAR_PATH = '/lich-lam-viec';

const Query = z.object({
  tinh: z
    .string()
    .regex(/^[0-9]{2}$/)
    .optional()
    .catch(undefined),
  nam: z.coerce.number().int().min(2000).max(2200).optional().catch(undefined),
});

const WEEKDAYS = {
  vi: ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'],
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
};

/** 'Tỉnh Lạng Sơn' inside a sentence: 'tỉnh Lạng Sơn'. */
const lowerFirst = (s: string) => s.charAt(0).toLocaleLowerCase('vi') + s.slice(1);

const dmy = (d: IsoDate) => formatDate(d);

/** Where a day comes from, in words: the notice, "the Labour Code (no notice yet)", the province. */
function Basis({ page, reason }: { page: PageCtx; reason: DayReason }) {
  const t = page.t;
  if (reason.basis === 'notice') {
    return (
      <>
        {reason.notice ?? t('calendar:public.noticeUnnumbered')}
        {reason.noticeDate && ` (${dmy(reason.noticeDate)})`}
      </>
    );
  }
  if (reason.basis === 'province') return <>{reason.note ?? t('calendar:public.provinceBasis')}</>;
  return <>{t('calendar:public.defaultBasis')}</>;
}

function YearTable({ page, year, cal }: { page: PageCtx; year: YearCalendar; cal: WorkingCalendar }) {
  const t = page.t;
  const en = page.locale === 'en';
  const rows = [...year.reasons.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  return (
    <table id="days-off">
      <thead>
        <tr>
          <th>{t('calendar:public.date')}</th>
          <th>{t('calendar:public.what')}</th>
          <th>{t('calendar:public.why')}</th>
          <th>{t('calendar:public.basis')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([date, r]) => {
          const working = cal.isWorkingDate(date);
          const what = working
            ? t('calendar:public.work')
            : isWeekend(date)
              ? t('calendar:public.weekendAnyway')
              : t('calendar:public.off');
          return (
            <tr key={date} data-date={date} data-working={String(working)}>
              <td>
                {(en ? WEEKDAYS.en : WEEKDAYS.vi)[weekday(date)]} {dmy(date)}
              </td>
              <td>{what}</td>
              <td>
                {en ? r.name.en : r.name.vi}
                {r.lunar && <small class="muted"> ({t('calendar:public.lunar', { date: r.lunar })})</small>}
                {r.swappedWith && (
                  <small class="muted">
                    {' '}
                    ({t('calendar:public.swappedWith', { date: dmy(r.swappedWith) })})
                  </small>
                )}
              </td>
              <td>
                <Basis page={page} reason={r} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function registerPublicCalendarPage(app: FastifyInstance) {
  app.get(PUBLIC_CALENDAR_PATH, async (req, reply) => {
    const page = await pageCtx(req, reply);
    const t = page.t;
    const query = Query.parse(req.query ?? {});
    const { db, clock } = req.ctx();
    const year = query.nam ?? Number(clock.now().toISOString().slice(0, 4));
    const { province, calendar } = await calendarOf(db, query.tinh);
    const country = await getPlaceByCode(db, 'VN').catch(() => undefined);
    const provinces: Place[] = country
      ? (await listChildren(db, country.id)).filter((p) => p.level === 'province' && !p.validTo)
      : [];
    const y = calendar.yearCalendar(year);
    const [basis] = yearBases(`${year}-01-01`, `${year}-12-31`, calendar);
    const weekdaysOff = y.holidays.filter((h) => !isWeekend(h.date)).length;
    const href = (n: number) => `${PUBLIC_CALENDAR_PATH}?nam=${n}${province ? `&tinh=${province.code}` : ''}`;
    return sendPage(
      reply,
      <Layout page={page} title={t('calendar:public.title')}>
        <h1>
          {t('calendar:public.title')} {year}
        </h1>
        <p>
          {province
            ? t('calendar:public.forProvince', {
                name: page.locale === 'en' ? province.fullName : lowerFirst(province.fullName),
              })
            : t('calendar:public.national')}
        </p>
        <form method="get" action={PUBLIC_CALENDAR_PATH}>
          <input type="hidden" name="nam" value={String(year)} />
          <Select
            name="tinh"
            label={t('calendar:public.province')}
            value={province?.code ?? ''}
            options={[
              { value: '', label: t('calendar:public.allProvinces') },
              ...provinces.map((p) => ({ value: p.code, label: p.fullName })),
            ]}
          />
          <button type="submit">{t('calendar:public.show')}</button>
        </form>
        <p>
          <a href={href(year - 1)}>← {year - 1}</a> · <a href={href(year + 1)}>{year + 1} →</a>
        </p>
        {y.basis === 'default' ? (
          <p class="notice" id="no-notice">
            {t('calendar:public.noNotice', { year })}
          </p>
        ) : (
          <p id="notices">
            {t('calendar:public.fromNotices')}{' '}
            {basis?.notices
              .map(
                (n) =>
                  `${n.number ?? t('calendar:public.noticeUnnumbered')}${n.date ? ` (${dmy(n.date)})` : ''}`,
              )
              .join('; ')}
          </p>
        )}
        <p id="summary">
          {t('calendar:public.summary', { count: weekdaysOff, worked: y.workingDays.length })}
        </p>
        <YearTable page={page} year={y} cal={calendar} />
        <p class="muted">{t('calendar:public.hours')}</p>
        <p class="muted">
          {t('calendar:public.api')} <code>/api/v1/calendar/days</code>, <code>/api/v1/calendar/due</code>
        </p>
      </Layout>,
    );
  });
}
