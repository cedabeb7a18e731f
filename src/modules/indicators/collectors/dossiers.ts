import type { Collector } from '../collectors.ts';

/**
 * The one-stop shop's figures, from the view the dossiers module publishes for reports
 * (`dossier_facts`, migration 20261122-0501) and its status event; never its tables. Each dossier
 * counts at its deciding unit (`unit_path`), on the Vietnamese day each fact happened: received on
 * the day it was submitted (as the statistics module counts "received"), decided on the day of the
 * decision, and so on. Every element is additive, so days add up to weeks and months.
 */
const DAY = (col: string) => `(f.${col} at time zone 'Asia/Ho_Chi_Minh')::date`;

const ELEMENTS: [code: string, vi: string, en: string, day: string, value?: string][] = [
  ['HS_NHAN', 'Hồ sơ tiếp nhận', 'Dossiers received', DAY('submitted_at')],
  [
    'HS_NHAN_TRUC_TIEP',
    'Hồ sơ tiếp nhận trực tiếp',
    'Dossiers received in person',
    `case when f.channel = 1 then ${DAY('submitted_at')} end`,
  ],
  [
    'HS_NHAN_TRUC_TUYEN',
    'Hồ sơ tiếp nhận trực tuyến',
    'Dossiers received online',
    `case when f.channel = 2 then ${DAY('submitted_at')} end`,
  ],
  [
    'HS_NHAN_BUU_CHINH',
    'Hồ sơ tiếp nhận qua bưu chính công ích',
    'Dossiers received by post',
    `case when f.channel = 3 then ${DAY('submitted_at')} end`,
  ],
  [
    'HS_NHAN_DANG_MO',
    'Hồ sơ tiếp nhận trong kỳ, đến nay chưa giải quyết xong',
    'Dossiers received in the period and still open now',
    `case when f.decided_at is null and f.finished_at is null then ${DAY('submitted_at')} end`,
  ],
  ['HS_GIAI_QUYET', 'Hồ sơ đã có quyết định', 'Dossiers decided', DAY('decided_at')],
  [
    'HS_GIAI_QUYET_DUNG_HAN',
    'Hồ sơ giải quyết trước và đúng hạn',
    'Dossiers decided on time',
    `case when f.decided_at <= f.due_at then ${DAY('decided_at')} end`,
  ],
  [
    'HS_GIAI_QUYET_TRE_HAN',
    'Hồ sơ giải quyết quá hạn',
    'Dossiers decided late',
    `case when not coalesce(f.decided_at <= f.due_at, false) then ${DAY('decided_at')} end`,
  ],
  [
    'HS_NGAY_GIAI_QUYET',
    'Tổng số ngày giải quyết (từ tiếp nhận hợp lệ đến quyết định)',
    'Total days from valid receipt to decision',
    `case when f.valid_received_at is not null then ${DAY('decided_at')} end`,
    'extract(epoch from f.decided_at - f.valid_received_at) / 86400',
  ],
  [
    'HS_TU_CHOI',
    'Hồ sơ từ chối tiếp nhận',
    'Dossiers refused',
    `case when f.status = 3 then ${DAY('finished_at')} end`,
  ],
  [
    'HS_RUT',
    'Hồ sơ công dân rút',
    'Dossiers withdrawn',
    `case when f.status = 7 then ${DAY('finished_at')} end`,
  ],
  [
    'HS_DUNG',
    'Hồ sơ dừng xử lý',
    'Dossiers stopped',
    `case when f.status = 8 then ${DAY('finished_at')} end`,
  ],
  [
    'HS_TRA_KET_QUA',
    'Hồ sơ đã trả kết quả',
    'Results returned',
    `case when f.status = 10 then ${DAY('finished_at')} end`,
  ],
];

const FACTS = `
select x.element, f.unit_path as place_path, x.day, x.value
  from dossier_facts f
  cross join lateral (values
    ${ELEMENTS.map(([code, , , day, value]) => `('${code}', ${day}, (${value ?? '1'})::numeric)`).join(',\n    ')}
  ) as x(element, day, value)
 where f.unit_path like $1
   and f.submitted_at < $3 + 1
   and (f.submitted_at >= $2 - 1 or f.decided_at >= $2 - 1 or f.finished_at >= $2 - 1)
   and x.day >= $2 and x.day < $3`;

export const dossiersCollector: Collector = {
  source: 'dossiers',
  name: { vi: 'Hồ sơ một cửa', en: 'One-stop-shop dossiers' },
  elements: ELEMENTS.map(([code, vi, en]) => ({
    code,
    name: { vi, en },
    valueType: code === 'HS_NGAY_GIAI_QUYET' ? 'number' : 'integer',
  })),
  facts: FACTS,
  async firstDay(sql) {
    const [r] = await sql.query<{ day: string | null }>(
      `select (min(submitted_at) at time zone 'Asia/Ho_Chi_Minh')::date::text as day from dossier_facts`,
    );
    return r?.day ?? null;
  },
  watch(events, sql, touch) {
    // A status change can move the dossier's counts on the days it was submitted, decided and
    // finished (the "still open" count of its submission month, for one).
    events.on('dossiers.status-changed', async ({ dossierId }) => {
      const [d] = await sql.query<{ unit_path: string; days: (string | null)[] }>(
        `select unit_path, array[${['submitted_at', 'decided_at', 'finished_at']
          .map((c) => `(${c} at time zone 'Asia/Ho_Chi_Minh')::date::text`)
          .join(', ')}] as days
           from dossier_facts where id = $1`,
        [dossierId],
      );
      if (d) touch(d.unit_path, d.days);
    });
  },
};
