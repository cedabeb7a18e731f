import type { SqlRunner } from '#platform/db/client.ts';

/**
 * The statistics read the one-stop shop's data read-only, in a few aggregate queries: a reporting
 * read model would duplicate every dossier for numbers one pass already gives (decision 014). They
 * read only the views other modules publish for reports, never their tables: the dossiers module's
 * `dossier_facts` and `dossier_file_facts` (migration 20261122-0501), and the procedures, payments
 * and ratings modules' `procedure_facts`, `payment_facts` and `rating_facts` (migration
 * 20261205-0003).
 */

export interface Period {
  /** Subtree of the place: its path, e.g. '/1/20/'. */
  path: string;
  from: Date;
  to: Date;
  now: Date;
}

export interface DossierCounts {
  received: number;
  channel1: number;
  channel2: number;
  channel3: number;
  /** Received under a procedure whose published record an administrator has checked. */
  transparent: number;
  /** Received in a digital form: filed online, or with scanned documents attached. */
  digitised: number;
  decided: number;
  early: number;
  onTime: number;
  late: number;
  /** Average days from valid receipt to decision, over the decided. */
  avgDays: number | null;
  /** Still open now and past their due time (received before the period's end). */
  overdueOpen: number;
}

const int = (v: unknown) => Number(v ?? 0);

/**
 * One pass over the place's dossiers: each row's flags computed once in a subquery (`OFFSET 0`
 * keeps the planner from copying the expressions into every aggregate), then counted with FILTER.
 * Cheap expressions only: `date_bin` for "the due day in Vietnam", interval sums, the scanned-file
 * check as one hashed subplan. On 1,000,000 rows this costs a few times a bare count(*) (bench
 * `statistics-1m`).
 */
export async function dossierCounts(sql: SqlRunner, p: Period): Promise<DossierCounts> {
  const [r] = await sql.query<Record<string, unknown>>(
    `select
       count(*) filter (where rec) as received,
       count(*) filter (where rec and channel = 1) as channel1,
       count(*) filter (where rec and channel = 2) as channel2,
       count(*) filter (where rec and channel = 3) as channel3,
       count(*) filter (where rec and procedure_code = any(array(select code from procedure_facts where verified))) as transparent,
       count(*) filter (where rec and (channel = 2 or id in (select dossier_id from dossier_file_facts))) as digitised,
       count(*) filter (where dec) as decided,
       count(*) filter (where dec and in_time and early_day) as early,
       count(*) filter (where dec and in_time and not early_day) as on_time,
       count(*) filter (where dec and not coalesce(in_time, false)) as late,
       extract(epoch from sum(dur) filter (where dec)) as seconds,
       count(dur) filter (where dec) as timed,
       count(*) filter (where overdue) as overdue_open
     from (select id, channel, procedure_code,
                  submitted_at >= $2 as rec,
                  coalesce(decided_at >= $2 and decided_at < $3, false) as dec,
                  decided_at <= due_at as in_time,
                  decided_at < date_bin('1 day', due_at, timestamptz '2000-01-01 00:00+07') as early_day,
                  decided_at - valid_received_at as dur,
                  coalesce(decided_at is null and finished_at is null and due_at < least($3, $4), false) as overdue
             from dossier_facts
            where unit_path like $1 and submitted_at < $3
              and (submitted_at >= $2 or decided_at >= $2 or (decided_at is null and finished_at is null))
           offset 0) x`,
    [`${p.path}%`, p.from, p.to, p.now],
  );
  const timed = int(r?.timed);
  return {
    received: int(r?.received),
    channel1: int(r?.channel1),
    channel2: int(r?.channel2),
    channel3: int(r?.channel3),
    transparent: int(r?.transparent),
    digitised: int(r?.digitised),
    decided: int(r?.decided),
    early: int(r?.early),
    onTime: int(r?.on_time),
    late: int(r?.late),
    avgDays: timed > 0 ? Number(r?.seconds ?? 0) / timed / 86_400 : null,
    overdueOpen: int(r?.overdue_open),
  };
}

export interface PaymentCounts {
  paid: number;
  paidOnline: number;
  amountPaid: number;
  amountOnline: number;
}

export async function paymentCounts(sql: SqlRunner, p: Period): Promise<PaymentCounts> {
  const [r] = await sql.query<Record<string, unknown>>(
    `select count(*) as paid,
            count(*) filter (where method = 'transfer') as paid_online,
            coalesce(sum(amount), 0) as amount_paid,
            coalesce(sum(amount) filter (where method = 'transfer'), 0) as amount_online
       from payment_facts
      where status = 'paid' and unit_path like $1 and paid_at >= $2 and paid_at < $3`,
    [`${p.path}%`, p.from, p.to],
  );
  return {
    paid: int(r?.paid),
    paidOnline: int(r?.paid_online),
    amountPaid: int(r?.amount_paid),
    amountOnline: int(r?.amount_online),
  };
}

export interface RatingCounts {
  rated: number;
  /** By score, 1 (không hài lòng) … 4 (rất hài lòng). */
  byScore: [number, number, number, number];
}

export async function ratingCounts(sql: SqlRunner, p: Period): Promise<RatingCounts> {
  const [r] = await sql.query<Record<string, unknown>>(
    `select count(*) as rated,
            count(*) filter (where score = 1) as s1, count(*) filter (where score = 2) as s2,
            count(*) filter (where score = 3) as s3, count(*) filter (where score = 4) as s4
       from rating_facts
      where unit_path like $1 and created_at >= $2 and created_at < $3`,
    [`${p.path}%`, p.from, p.to],
  );
  return { rated: int(r?.rated), byScore: [int(r?.s1), int(r?.s2), int(r?.s3), int(r?.s4)] };
}
