import type { SqlRunner } from '#platform/db/client.ts';
import { DISLIKE_SCORES, FEEDBACK_CLASSIFIED_CATEGORIES, PAID_ONLINE_METHODS } from './statistics.rules.ts';

/**
 * The statistics read the one-stop shop's data read-only, in a few aggregate queries: a reporting
 * read model would duplicate every dossier for numbers one pass already gives (decision 014). They
 * read only the views other modules publish for reports, never their tables (decision 032): the
 * dossiers module's `dossier_facts`, the procedures module's `procedure_facts`, the payments
 * module's `payment_facts`, the ratings module's `rating_facts`, the documents module's
 * `issued_result_facts` and the feedback module's `feedback_facts` (migrations 20261122-0501,
 * 20261204-0302, 20261205-0003, 20261205-1100 and 1101).
 */

export interface Period {
  /** Subtree of the place: its path, e.g. '/1/20/'. */
  path: string;
  from: Date;
  /** Exclusive: midnight after the period's last day. */
  to: Date;
  now: Date;
}

/** Where the period's figures stop: its end, or now when the period has not ended yet. */
export const cutOf = (p: Period) => new Date(Math.min(p.to.getTime(), p.now.getTime()));

/** The dossiers of one procedure in the place, counted for the general figures and the index. */
export interface ProcedureCounts {
  procedureCode: string;
  // General figures (the dossiers received, decided and overdue).
  received: number;
  channel1: number;
  channel2: number;
  channel3: number;
  decided: number;
  early: number;
  onTime: number;
  late: number;
  /** Seconds from valid receipt to decision, summed over the decided that have both. */
  seconds: number;
  timed: number;
  overdueOpen: number;
  // 2.1 and 5.4: received and handled in the period, the late among them, those with a complaint or
  // a dislike, and those with either.
  handled: number;
  handledLate: number;
  handledFault: number;
  handledLateOrFault: number;
  // 3.x: online dossiers that count (with an electronic result where the result is a paper), the
  // dossiers of fully-online procedures and those filed online.
  onlineCounted: number;
  fullEligible: number;
  fullOnline: number;
  // 3.6: dossiers that owe a fee (not every line waived), those paid online.
  feeDossiers: number;
  paidOnline: number;
  // 4.1 and 4.2: received in the period and decided with a result; on paper; with an electronic
  // result; digitised (files, and an electronic result where the result is a paper). 4.3: reused.
  finished: number;
  paperFinished: number;
  paperElectronic: number;
  digitised: number;
  reused: number;
}

const int = (v: unknown) => Number(v ?? 0);

/**
 * One pass over the place's dossiers, grouped by procedure, version as filed and channel (a few
 * dozen groups: the per-procedure figures of 3.2 and 3.5b come out of the same pass). Each row's
 * flags are computed once in a subquery (`OFFSET 0` keeps the planner from copying the
 * expressions into every aggregate), then counted with FILTER. What depends on the procedure as
 * filed (result on paper, fee at the channel's price, online level) is the same for a whole group:
 * it is joined to the ~dozens of groups after counting (`dossier_procedure_facts`), not to every
 * dossier, and applied in `fromGroups`. The sparse facts of a dossier (its supplements, its fees
 * paid online or waived, a dislike, a signed electronic result) are gathered by dossier from the
 * views that publish them into one relation, joined once; complaints are a hashed subplan on the
 * code; scanned files the view's hashed subplan. On 1,000,000 rows this costs a few times a bare
 * count(*) (bench `statistics-1m`).
 *
 * The on-time rule (formula 2.1, docs/rules.md): the end of handling is the first end status
 * (decided, else returned, stopped, refused or withdrawn) before the cut; without one, the open
 * supplement request (one only), else the cut. It is on time when the end, less the time the
 * citizen took over supplements, is at or before the appointment given at receipt; more than one
 * supplement request is late. A dossier refused before receipt has no appointment: on time.
 */
export async function procedureCounts(sql: SqlRunner, p: Period): Promise<ProcedureCounts[]> {
  const cut = cutOf(p);
  const rows = await sql.query<Record<string, unknown>>(
    `select g.*, pf.paper_result, pf.fee_counter, pf.fee_online, pf.online_level
       from (select procedure_code, procedure_version, channel,
                    count(*) filter (where rec) as received,
                    count(*) filter (where dec) as decided,
                    count(*) filter (where dec and in_time and early_day) as early,
                    count(*) filter (where dec and in_time and not early_day) as on_time,
                    count(*) filter (where dec and not coalesce(in_time, false)) as late,
                    coalesce(extract(epoch from sum(dur) filter (where dec)), 0) as seconds,
                    count(dur) filter (where dec) as timed,
                    count(*) filter (where overdue) as overdue_open,
                    count(*) filter (where h) as handled,
                    count(*) filter (where h and h_late) as handled_late,
                    count(*) filter (where h and fault) as handled_fault,
                    count(*) filter (where h and (h_late or fault)) as handled_late_or_fault,
                    count(*) filter (where rec and e_result) as received_electronic,
                    count(*) filter (where rec and not waived) as not_waived,
                    count(*) filter (where rec and not waived and paid_online) as paid_online,
                    count(*) filter (where fin) as finished,
                    count(*) filter (where fin and e_result) as finished_electronic,
                    count(*) filter (where fin and has_files) as finished_files,
                    count(*) filter (where fin and has_files and e_result) as finished_files_electronic,
                    count(*) filter (where rec and data_reused) as reused
               from (select procedure_code, procedure_version, channel, rec, dec, in_time, early_day, dur,
                            overdue, h, fault, e_result, waived, paid_online, has_files, data_reused,
                            rec and decision = 'approved' and decided_at < $4 as fin,
                            h and (supplement_requests > 1
                                   or (status <> 3 and appointment_at is not null
                                       and (case when ended then e_raw
                                                 when supplement_requests = 1 and supplement_open_since < $4
                                                   then supplement_open_since
                                                 else $4 end) - supplement_paused > appointment_at)) as h_late
                       from (select f.procedure_code, f.procedure_version, f.channel, f.status, f.decision,
                                    f.decided_at, f.has_files, f.data_reused,
                                    f.supplement_requests,
                                    coalesce(x.paused, interval '0') as supplement_paused,
                                    x.open_since as supplement_open_since,
                                    coalesce(x.appointment_at, f.due_at) as appointment_at,
                                    f.submitted_at >= $2 as rec,
                                    coalesce(f.decided_at >= $2 and f.decided_at < $3, false) as dec,
                                    f.decided_at <= f.due_at as in_time,
                                    f.decided_at < date_bin('1 day', f.due_at, timestamptz '2000-01-01 00:00+07') as early_day,
                                    f.decided_at - f.valid_received_at as dur,
                                    coalesce(f.decided_at is null and f.finished_at is null and f.due_at < $4, false) as overdue,
                                    coalesce(f.decided_at, f.finished_at) as e_raw,
                                    coalesce(coalesce(f.decided_at, f.finished_at) < $4, false) as ended,
                                    (coalesce(f.valid_received_at < $4, false)
                                       or (f.status = 3 and coalesce(f.finished_at < $4, false)))
                                      and not coalesce(coalesce(f.decided_at, f.finished_at) < $2, false) as h,
                                    coalesce(x.disliked, false)
                                      or f.code in (select dossier_code from feedback_facts
                                                   where dossier_code is not null and not merged and received_at < $4) as fault,
                                    coalesce(x.e_result, false) as e_result,
                                    coalesce(x.waived, false) as waived,
                                    coalesce(x.paid_online, false) as paid_online
                               from dossier_facts f
                               left join (
                                 select dossier_id, max(paused) as paused,
                                        max(open_since) as open_since, max(appointment_at) as appointment_at,
                                        bool_or(paid_online) as paid_online, bool_and(waived) as waived,
                                        bool_or(disliked) as disliked, bool_or(e_result) as e_result
                                   from (select dossier_id, paused, open_since, appointment_at,
                                                null::boolean as paid_online, null::boolean as waived,
                                                null::boolean as disliked, null::boolean as e_result
                                           from dossier_supplement_facts
                                         union all
                                         select dossier_id, null, null, null,
                                                status = 'paid' and method = any($6::text[]) and paid_at < $4,
                                                status = 'waived', null, null
                                           from payment_facts where unit_path like $1
                                         union all
                                         select dossier_id, null, null, null, null, null, true, null
                                           from rating_facts
                                          where unit_path like $1 and score = any($5::int[]) and created_at < $4
                                         union all
                                         select dossier_id, null, null, null, null, null, null, true
                                           from issued_result_facts where signed_at < $4) u
                                  group by dossier_id) x on x.dossier_id = f.id
                              where f.unit_path like $1 and f.submitted_at < $3
                                and (f.submitted_at >= $2 or f.decided_at >= $2 or f.finished_at >= $2
                                     or (f.decided_at is null and f.finished_at is null))
                             offset 0) a
                     offset 0) b
              group by procedure_code, procedure_version, channel) g
       left join dossier_procedure_facts pf
         on pf.procedure_code = g.procedure_code and pf.version = g.procedure_version`,
    [`${p.path}%`, p.from, p.to, cut, DISLIKE_SCORES, PAID_ONLINE_METHODS],
  );
  return fromGroups(rows);
}

/**
 * The groups (procedure, version as filed, channel) summed per procedure, with what the version
 * says applied: online dossiers count only with an electronic result where the result is a paper;
 * fees only where one is owed at the channel's price; 4.1 only for results on paper.
 */
export function fromGroups(rows: Record<string, unknown>[]): ProcedureCounts[] {
  const byCode = new Map<string, ProcedureCounts>();
  for (const r of rows) {
    const code = String(r.procedure_code);
    const channel = int(r.channel);
    const paper = r.paper_result !== false;
    const fee = (channel === 2 ? r.fee_online : r.fee_counter) === true;
    const full = r.online_level === 'full';
    const received = int(r.received);
    const c = byCode.get(code) ?? { procedureCode: code, ...ZERO_COUNTS };
    const add = (k: keyof typeof ZERO_COUNTS, n: number) => {
      c[k] += n;
    };
    add('received', received);
    if (channel === 1 || channel === 2 || channel === 3) add(`channel${channel}`, received);
    add('decided', int(r.decided));
    add('early', int(r.early));
    add('onTime', int(r.on_time));
    add('late', int(r.late));
    add('seconds', Number(r.seconds ?? 0));
    add('timed', int(r.timed));
    add('overdueOpen', int(r.overdue_open));
    add('handled', int(r.handled));
    add('handledLate', int(r.handled_late));
    add('handledFault', int(r.handled_fault));
    add('handledLateOrFault', int(r.handled_late_or_fault));
    if (channel === 2) add('onlineCounted', paper ? int(r.received_electronic) : received);
    if (full) {
      add('fullEligible', received);
      if (channel === 2) add('fullOnline', received);
    }
    if (fee) {
      add('feeDossiers', int(r.not_waived));
      add('paidOnline', int(r.paid_online));
    }
    add('finished', int(r.finished));
    if (paper) {
      add('paperFinished', int(r.finished));
      add('paperElectronic', int(r.finished_electronic));
    }
    add('digitised', paper ? int(r.finished_files_electronic) : int(r.finished_files));
    add('reused', int(r.reused));
    byCode.set(code, c);
  }
  return [...byCode.values()];
}

/** Every count of a procedure at 0 (a procedure with no dossier in the period). */
export const ZERO_COUNTS: Omit<ProcedureCounts, 'procedureCode'> = {
  received: 0,
  channel1: 0,
  channel2: 0,
  channel3: 0,
  decided: 0,
  early: 0,
  onTime: 0,
  late: 0,
  seconds: 0,
  timed: 0,
  overdueOpen: 0,
  handled: 0,
  handledLate: 0,
  handledFault: 0,
  handledLateOrFault: 0,
  onlineCounted: 0,
  fullEligible: 0,
  fullOnline: 0,
  feeDossiers: 0,
  paidOnline: 0,
  finished: 0,
  paperFinished: 0,
  paperElectronic: 0,
  digitised: 0,
  reused: 0,
};

/** The catalogue's procedures a place applies, as the index counts them (1.3, 3.1, 3.2, 3.5, 3.5b). */
export interface CatalogueProcedure {
  code: string;
  online: boolean;
  hasFee: boolean;
  complete: boolean;
}

/**
 * The procedures of the place's level: a commune applies the commune-level procedures, a province
 * (or the country) every procedure of the catalogue. A few hundred rows at most.
 */
export async function catalogueProcedures(sql: SqlRunner, level: string): Promise<CatalogueProcedure[]> {
  const rows = await sql.query<{ code: string; online: boolean; has_fee: boolean; complete: boolean }>(
    `select code, online_level in ('full', 'partial') as online, has_fee, complete
       from procedure_facts
      where $1 <> 'commune' or competent_level = 'commune'
      order by code`,
    [level],
  );
  return rows.map((r) => ({ code: r.code, online: r.online, hasFee: r.has_fee, complete: r.complete }));
}

/**
 * 5.1 (tracking only): the reports received in the period about the place, and those accepted
 * before the cut that are about rules and procedures (a report naming a dossier) or officials'
 * behaviour (`FEEDBACK_CLASSIFIED_CATEGORIES`). A merged duplicate is the report it joined.
 */
export async function classifiedFeedback(
  sql: SqlRunner,
  p: Period,
): Promise<{ numerator: number; denominator: number }> {
  const [r] = await sql.query<{ received: unknown; classified: unknown }>(
    `select count(*) as received,
            count(*) filter (where accepted_at < $3
                               and (dossier_code is not null or category = any($4::text[]))) as classified
       from feedback_facts
      where place_path like $1 and received_at >= $2 and received_at < $3 and not merged`,
    [`${p.path}%`, p.from, cutOf(p), FEEDBACK_CLASSIFIED_CATEGORIES],
  );
  return { numerator: int(r?.classified), denominator: int(r?.received) };
}
