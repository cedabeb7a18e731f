import { type T, translator } from '#platform/i18n/index.ts';
import type { Indicator } from './statistics.index766.ts';
import type { Statistics } from './statistics.service.ts';
import './statistics.messages.ts';

/** The CSV's columns: machine names, the same in every language. */
export const CSV_COLUMNS = [
  'chi_tieu',
  'ten',
  'gia_tri',
  'tu_so',
  'mau_so',
  'cong_thuc',
  'nguong',
  'diem',
  'diem_toi_da',
  'ghi_chu',
] as const;

const two = (n: number | null) => (n === null ? '' : n.toFixed(2));
const pct = (n: number | null) => (n === null ? '' : (n * 100).toFixed(2));
const pctText = (n: number | null | undefined) => (n == null ? '—' : `${(n * 100).toFixed(2)}%`);

/** The notes and extra figures of a sub-indicator, in words (the page shows the same). */
export function indicatorRemarks(i: Indicator, t: T, percent = pctText): string[] {
  const out = i.notes.map((n) => t(`statistics:note.${n}`));
  const d = i.detail;
  if (d && i.key === '3_3') {
    out.push(
      t('statistics:detail.local', {
        local: percent(d.local),
        share: percent(d.localThresholdShare),
        sync: percent(d.syncRate),
        direct: percent(d.direct),
        postal: percent(d.postal),
      }),
    );
  }
  if (d && i.key === '5_4') {
    out.push(
      t('statistics:detail.satisfaction', {
        overdue: percent(d.overdueShare),
        fault: percent(d.complaintOrDislikeShare),
      }),
    );
  }
  return out;
}

/**
 * The figures as CSV (UTF-8 with BOM, so spreadsheet programs read the Vietnamese right). The
 * header row and the first column (`chi_tieu`) are machine names, the same in every language, so a
 * spreadsheet or script that reads the file keeps working; `ten`, `cong_thuc` and `ghi_chu` are in
 * the reader's language (Vietnamese unless `t` says otherwise). Numbers use a dot, as machines read
 * them; rates and thresholds in %, points to 2 decimals.
 */
export function statisticsCsv(s: Statistics, t: T = translator('vi')): string {
  const f = (key: string) => t(`statistics:figure.${key}`);
  const d = s.dossiers;
  const row = (key: string, name: string, value: string | number, rest: (string | number)[] = []) => [
    key,
    name,
    value,
    ...rest,
  ];
  const rows: (string | number)[][] = [
    [...CSV_COLUMNS],
    row('dia_ban', s.place.fullName, s.place.code),
    row('ky', `${s.from} – ${s.to}`, ''),
    row('tiep_nhan', f('received'), d.received),
    row('tiep_nhan_truc_tiep', t('statistics:csvRow.received1'), d.channel1),
    row('tiep_nhan_truc_tuyen', t('statistics:csvRow.received2'), d.channel2),
    row('tiep_nhan_buu_chinh', t('statistics:csvRow.received3'), d.channel3),
    row('da_giai_quyet', f('decided'), d.decided),
    row('truoc_han', t('statistics:csvRow.early'), d.early),
    row('dung_han', t('statistics:csvRow.onTime'), d.onTime),
    row('qua_han', t('statistics:csvRow.late'), d.late),
    row(
      'ty_le_dung_han',
      t('statistics:csvRow.percent', { name: f('onTimeRate') }),
      pct(s.decidedOnTime.value),
      [s.decidedOnTime.numerator, s.decidedOnTime.denominator],
    ),
    row('dang_qua_han', f('overdueOpen'), d.overdueOpen),
    row('so_ngay_tb', f('avgDays'), d.avgDays === null ? '' : d.avgDays.toFixed(2)),
  ];
  for (const g of s.index.groups) {
    for (const i of g.indicators) {
      const average = i.key === '2_2';
      rows.push(
        row(
          `chi_so_${i.key}`,
          t(average ? 'statistics:csvRow.indicatorDays' : 'statistics:csvRow.indicator', {
            id: i.id ?? '—',
            name: t(`statistics:ind.${i.key}.name`),
          }),
          average ? two(i.rate) : pct(i.rate),
          [
            i.numerator ?? '',
            i.denominator ?? '',
            t(`statistics:ind.${i.key}.formula`),
            pct(i.threshold),
            two(i.points),
            i.max ?? '',
            indicatorRemarks(i, t).join(' '),
          ],
        ),
      );
    }
    rows.push(
      row(
        `diem_${g.key}`,
        t('statistics:csvRow.group', { name: t(`statistics:group.${g.key}`), weight: g.weight }),
        two(g.points),
        ['', '', '', '', two(g.points), g.weight, ''],
      ),
    );
  }
  rows.push(
    row('diem_tong', t('statistics:csvRow.total', { max: s.index.maxAvailable }), s.index.total.toFixed(2), [
      '',
      '',
      '',
      '',
      s.index.total.toFixed(2),
      s.index.maxAvailable,
      '',
    ]),
  );
  const width = CSV_COLUMNS.length;
  const cell = (v: string | number) => {
    const text = String(v);
    return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return `\uFEFF${rows.map((r) => [...r, ...Array(width - r.length).fill('')].map(cell).join(',')).join('\r\n')}\r\n`;
}
