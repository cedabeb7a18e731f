import { toVietnamDate } from '#modules/calendar/index.ts';
import type { Collector } from '#modules/indicators/index.ts';

/**
 * Feedback's figures for the indicators module (decision 027): facts from the view this module
 * publishes (`feedback_facts`, migration 20261204-0302), never its tables. Each report counts at
 * its commune (`commune_path`: a village's report at the village's commune, as a commune reports
 * upward), on the Vietnamese day each fact happened: received on the day it was sent, accepted on
 * the day it was accepted, and so on. A stage "on time" was done before the start of the working
 * day after its due day (decision 023). Every element is additive, so days add up to weeks and
 * months.
 */
const DAY = (col: string) => `(f.${col} at time zone 'Asia/Ho_Chi_Minh')::date`;
const onTime = (flag: string, col: string) => `case when f.${flag} then ${DAY(col)} end`;

const ELEMENTS: [code: string, vi: string, en: string, day: string][] = [
  ['PA_NHAN', 'Phản ánh, kiến nghị nhận được', 'Feedback received', DAY('received_at')],
  ['PA_TIEP_NHAN', 'Phản ánh được tiếp nhận', 'Feedback accepted', DAY('accepted_at')],
  [
    'PA_TIEP_NHAN_DUNG_HAN',
    'Phản ánh được tiếp nhận đúng hạn',
    'Feedback accepted on time',
    onTime('accept_on_time', 'accepted_at'),
  ],
  ['PA_TU_CHOI', 'Phản ánh bị từ chối tiếp nhận', 'Feedback refused', DAY('refused_at')],
  [
    'PA_TU_CHOI_DUNG_HAN',
    'Phản ánh bị từ chối tiếp nhận đúng hạn',
    'Feedback refused on time',
    onTime('accept_on_time', 'refused_at'),
  ],
  [
    'PA_YEU_CAU_BO_SUNG',
    'Phản ánh được đề nghị bổ sung thông tin',
    'Feedback with more information asked for',
    DAY('info_requested_at'),
  ],
  [
    'PA_YEU_CAU_BO_SUNG_DUNG_HAN',
    'Phản ánh được đề nghị bổ sung thông tin đúng hạn',
    'Feedback with more information asked for on time',
    onTime('info_on_time', 'info_requested_at'),
  ],
  ['PA_TRA_LOI', 'Phản ánh đã xử lý, trả lời', 'Feedback answered', DAY('answered_at')],
  [
    'PA_TRA_LOI_DUNG_HAN',
    'Phản ánh xử lý, trả lời đúng hạn',
    'Feedback answered on time',
    onTime('answer_on_time', 'answered_at'),
  ],
  ['PA_CONG_KHAI', 'Kết quả trả lời đã công khai', 'Answers published', DAY('published_at')],
  [
    'PA_CONG_KHAI_DUNG_HAN',
    'Kết quả trả lời công khai đúng hạn',
    'Answers published on time',
    onTime('publish_on_time', 'published_at'),
  ],
  [
    'PA_CHUYEN_CAP',
    'Phản ánh quá hạn chuyển lên cấp tỉnh',
    'Overdue feedback sent up to the province',
    DAY('escalated_at'),
  ],
];

const FACTS = `
select x.element, f.commune_path as place_path, x.day, 1::numeric as value
  from feedback_facts f
  cross join lateral (values
    ${ELEMENTS.map(([code, , , day]) => `('${code}', ${day})`).join(',\n    ')}
  ) as x(element, day)
 where f.commune_path like $1
   and f.received_at < $3 + 1
   and greatest(f.received_at, f.accepted_at, f.refused_at, f.info_requested_at, f.answered_at,
                f.published_at, f.escalated_at) >= $2 - 1
   and x.day >= $2 and x.day < $3`;

/** The first day of each month from `first`'s to `last`'s, 'YYYY-MM-DD'. */
function monthsBetween(first: string, last: string): string[] {
  const index = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1;
  const out: string[] = [];
  for (let i = index(first); i <= index(last); i++)
    out.push(`${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`);
  return out;
}

export const feedbackCollector: Collector = {
  source: 'feedback',
  name: { vi: 'Phản ánh, kiến nghị', en: 'Citizen feedback' },
  elements: ELEMENTS.map(([code, vi, en]) => ({ code, name: { vi, en }, valueType: 'integer' })),
  facts: FACTS,
  async firstDay(sql) {
    const [r] = await sql.query<{ day: string | null }>(
      `select (min(received_at) at time zone 'Asia/Ho_Chi_Minh')::date::text as day from feedback_facts`,
    );
    return r?.day ?? null;
  },
  watch(events, sql, touch) {
    const report = async (id: number) => {
      const [r] = await sql.query<{ commune_path: string; received: string }>(
        `select commune_path, (received_at at time zone 'Asia/Ho_Chi_Minh')::date::text as received
           from feedback_facts where id = $1`,
        [id],
      );
      return r;
    };
    events.on('feedback.submitted', async ({ reportId }) => {
      const r = await report(reportId);
      if (r) touch(r.commune_path, [r.received]);
    });
    // An action may change the report's facts on any day from its sending to now (reopening takes
    // back an answer given last month), so every month in between is counted again.
    events.on('feedback.changed', async ({ reportId, at }) => {
      const r = await report(reportId);
      if (r) touch(r.commune_path, monthsBetween(r.received, toVietnamDate(new Date(at))));
    });
  },
};
