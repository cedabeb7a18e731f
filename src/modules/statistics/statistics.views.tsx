import { barChart } from '#web/charts.ts';
import type { PageCtx } from '#web/layout.tsx';
import { indicatorRemarks } from './statistics.csv.ts';
import type { GroupResult, Indicator } from './statistics.index766.ts';
import type { Rate, Statistics } from './statistics.service.ts';
import './statistics.messages.ts';

/** "12,5%" in Vietnamese, "12.5%" in English; a dash for no value. */
export const percent = (page: PageCtx, v: number | null | undefined, digits = 1) => {
  if (v === null || v === undefined) return '—';
  const n = (v * 100).toFixed(digits);
  return `${page.locale === 'en' ? n : n.replace('.', ',')}%`;
};

const decimal = (page: PageCtx, v: number, digits = 2) => {
  const n = v.toFixed(digits);
  return page.locale === 'en' ? n : n.replace('.', ',');
};

const ratePct = (page: PageCtx, r: Rate) => percent(page, r.value);

/** The one-stop shop's own figures: received, decided, late, overdue, average time. */
export function Figures({ page, s }: { page: PageCtx; s: Statistics }) {
  const d = s.dossiers;
  const f = (key: string) => page.t(`statistics:figure.${key}`);
  const rows: [string, string][] = [
    [f('received'), String(d.received)],
    [f('byChannel'), `${d.channel1} / ${d.channel2} / ${d.channel3}`],
    [f('decided'), String(d.decided)],
    [f('byTimeliness'), `${d.early} / ${d.onTime} / ${d.late}`],
    [f('onTimeRate'), ratePct(page, s.decidedOnTime)],
    [f('overdueOpen'), String(d.overdueOpen)],
    [f('avgDays'), d.avgDays === null ? '—' : decimal(page, d.avgDays, 1)],
  ];
  return (
    <table>
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function IndicatorRow({ page, i }: { page: PageCtx; i: Indicator }) {
  const t = page.t;
  const average = i.key === '2_2';
  const measured = i.numerator !== null && i.denominator !== null;
  const value = !measured
    ? t('statistics:notMeasured')
    : average
      ? i.rate === null
        ? '—'
        : t('statistics:days', { n: decimal(page, i.rate) })
      : percent(page, i.rate);
  const points =
    i.points !== null && i.max !== null
      ? t('statistics:pointsOf', { points: decimal(page, i.points), max: i.max })
      : i.thresholdShare !== null && i.max === null
        ? t('statistics:shareOfMax', { share: percent(page, i.thresholdShare) })
        : '—';
  const remarks = indicatorRemarks(i, t, (v) => percent(page, v));
  // Two rows per sub-indicator, so the figures keep their own narrow columns on a phone: the name,
  // formula and remarks across the table, then the figures under the column heads.
  return (
    <tbody data-indicator={i.key}>
      <tr>
        <td colspan={6}>
          <strong>{t(`statistics:ind.${i.key}.name`)}</strong>
          <br />
          <small data-formula>{t(`statistics:ind.${i.key}.formula`)}</small>
          {remarks.map((r) => (
            <div key={r}>
              <small class="muted">{r}</small>
            </div>
          ))}
        </td>
      </tr>
      <tr>
        <th scope="row">{i.id ?? '—'}</th>
        <td data-numerator>
          {i.numerator === null ? '—' : average ? decimal(page, i.numerator) : i.numerator}
        </td>
        <td data-denominator>{i.denominator ?? '—'}</td>
        <td data-rate>{value}</td>
        <td data-threshold>{i.threshold === null ? '—' : percent(page, i.threshold, 0)}</td>
        <td data-points>{points}</td>
      </tr>
    </tbody>
  );
}

function GroupTable({ page, g }: { page: PageCtx; g: GroupResult }) {
  const t = page.t;
  const heading =
    g.points === null
      ? t('statistics:groupNoPoints', {
          weight: g.weight,
          why: g.key === 'online' ? t('statistics:notPublished') : t('statistics:noData'),
        })
      : t('statistics:groupPoints', {
          points: decimal(page, g.points),
          max: g.maxAvailable,
          weight: g.weight,
        });
  return (
    <section data-group={g.key}>
      <h3>
        {t(`statistics:group.${g.key}`)}: <span data-group-points>{heading}</span>
      </h3>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('statistics:col.id')}</th>
            <th scope="col">{t('statistics:col.numerator')}</th>
            <th scope="col">{t('statistics:col.denominator')}</th>
            <th scope="col">{t('statistics:col.rate')}</th>
            <th scope="col">{t('statistics:col.threshold')}</th>
            <th scope="col">{t('statistics:col.points')}</th>
          </tr>
        </thead>
        <tbody>
          {g.indicators.map((i) => (
            <IndicatorRow key={i.key} page={page} i={i} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The index: its total, the groups' chart (SVG drawn on the server, no script) and every sub-indicator. */
export function IndexSection({ page, s }: { page: PageCtx; s: Statistics }) {
  const t = page.t;
  const x = s.index;
  return (
    <section>
      <h2>
        {t('statistics:index')} <span data-total>{x.total.toFixed(2)}</span> / {x.maxAvailable}{' '}
        {t('statistics:points')}
      </h2>
      <p>{t('statistics:indexNote')}</p>
      <div
        dangerouslySetInnerHTML={{
          __html: barChart(
            t('statistics:groupsChart'),
            x.groups.map((g) => ({
              label: t(`statistics:group.${g.key}`),
              value: g.points ?? 0,
              max: g.weight,
              text:
                g.points === null
                  ? g.key === 'online'
                    ? t('statistics:notPublished')
                    : t('statistics:noData')
                  : `${g.points.toFixed(2)}/${g.weight}`,
            })),
          ),
        }}
      />
      {x.groups.map((g) => (
        <GroupTable key={g.key} page={page} g={g} />
      ))}
    </section>
  );
}
