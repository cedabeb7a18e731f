import { isIPv6 } from 'node:net';
import { provinceCalendar } from '#modules/calendar/index.ts';
import { requireStaff, scopeOf } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import { Forbidden, Invalid, NotFound, TooManyRequests, Unauthorized } from '#platform/errors.ts';
import { phoneSchema } from '#platform/validation.ts';
import { dbCache } from './dossiers.cache.ts';
import { dossierClock, ruleContext } from './dossiers.clock.ts';
import type { DossierDeps } from './dossiers.deps.ts';
import { toLogged } from './dossiers.log.ts';
import { PLACE_TTL_MS, placesById } from './dossiers.places.ts';
import { procedureOf } from './dossiers.procedure.ts';
import * as q from './dossiers.queries.ts';
import type { QueueQuery } from './dossiers.schemas.ts';
import type { ActionRow, DossierRow } from './dossiers.tables.ts';
import { atRiskBefore, atRiskDaysOf, isAtRisk } from './dossiers.unit-settings.ts';
import {
  type ActionType,
  availableActions,
  mayView,
  stateFromActions,
  WORKFLOW_ROLES,
  workflowActor,
} from './dossiers.workflow.ts';

/**
 * Reads: the staff record and queue, the public tracking view, a citizen's own dossiers. Nothing
 * here writes to this module's tables; the tracking lookup only counts its flood limits.
 */

const DAY_MS = 24 * 3_600_000;

/**
 * The limits on the tracking proof (the code and the last 4 digits of the phone: 10,000 values).
 * Codes are sequential, so anyone can name a day's dossiers; a limit on a code alone would let a
 * stranger lock its owner out. So guesses are limited by where they come from, and a right proof is
 * never refused unless its own address floods. The odds are in the module's README.
 */
export const TRACK_LIMITS = {
  /** Every lookup from one address, right or wrong: a flood. */
  perAddress: { max: 60, windowMs: 15 * 60_000 },
  /** Wrong guesses from one address, whatever the code. */
  guessesPerAddress: { max: 30, windowMs: DAY_MS },
  /** Wrong guesses on one code from one address; fewer while the code is under attack. */
  guessesPerCodeAndAddress: { max: 10, underAttack: 3, windowMs: DAY_MS },
  /**
   * Wrong guesses on one code from everywhere: never a wall (that is how an owner was locked out),
   * only the sign that the code is under attack, which shrinks each address's guesses on it.
   */
  guessesPerCode: { underAttackAfter: 30, windowMs: DAY_MS },
};

const notFound = () => new NotFound({ vi: 'Không tìm thấy hồ sơ này.', en: 'No such dossier.' });
export const trackingMiss = () =>
  new NotFound({
    vi: 'Không tìm thấy hồ sơ với mã và số điện thoại này. Vui lòng kiểm tra lại.',
    en: 'No dossier matches this code and phone number. Please check them.',
  });

// ---------------------------------------------------------------------------------------------
// Staff

/** Everything the staff page of one dossier shows, for a staff member who may see it. */
export async function getStaffView(ctx: Ctx, code: string) {
  const staff = requireStaff(ctx.actor);
  const d = await q.findDossierByCode(ctx.db, code.toUpperCase());
  if (!d) throw notFound();
  if (!mayView(staff, d)) throw new Forbidden();
  return describe(ctx, d, workflowActor(staff, { applicantPhone: d.applicantPhone }));
}

async function describe(ctx: Ctx, d: DossierRow, who: ReturnType<typeof workflowActor>) {
  const rows = await q.listActions(ctx.db, d.id);
  const log = rows.map(toLogged);
  const state = stateFromActions(log);
  const procedure = await procedureOf(ctx.db, d);
  const cal = await provinceCalendar(ctx.db, { path: d.unitPath });
  const now = ctx.clock.now();
  const clock = dossierClock(state, log, procedure, cal, now);
  const files = await q.listDossierFiles(ctx.db, d.id);
  const available = availableActions(state, who, ruleContext(state, procedure, cal, now));
  // At risk: a running clock whose due time falls within the unit's window (form 04 may still go).
  const running = clock.dueAt && !clock.paused && !state.decidedAt && !state.finishedAt;
  const riskDays = running ? await atRiskDaysOf(ctx.db, d.unitId) : 0;
  const atRisk =
    running && clock.dueAt && isAtRisk(now, clock.dueAt, riskDays, cal) ? { days: riskDays } : null;
  const specialists = available.includes('assign') ? await q.findSpecialists(ctx.db, state.unit.path) : [];
  const places = await placesById(ctx.db, [
    d.unitId,
    d.receivedPlaceId,
    d.helpedPlaceId,
    ...rows.map((r) => r.unitId),
  ]);
  return {
    dossier: d,
    actions: rows,
    state,
    procedure,
    clock,
    files,
    available,
    specialists,
    places,
    atRisk,
  };
}
export type StaffView = Awaited<ReturnType<typeof describe>>;

/** A file of a dossier, for a staff member who may see the dossier. */
export async function getStaffFile(ctx: Ctx, code: string, fileId: string) {
  const staff = requireStaff(ctx.actor);
  const d = await q.findDossierByCode(ctx.db, code.toUpperCase());
  if (!d) throw notFound();
  if (!mayView(staff, d)) throw new Forbidden();
  const f = (await q.listDossierFiles(ctx.db, d.id)).find((x) => x.fileId === fileId);
  if (!f) throw new NotFound();
  return f;
}

export interface QueuePage {
  rows: q.QueueRow[];
  next: string | undefined;
}

const CODE_LIKE = /^[A-Z0-9][A-Z0-9.]*-[0-9-]*$/i;

/** A cursor names the last row, and ('a' first) that the name search had to match anywhere. */
function encodeCursor(row: q.QueueRow, closed: boolean, anywhere: boolean) {
  return `${anywhere ? 'a' : ''}${closed ? String(row.id) : `${row.sortAtUs}_${row.id}`}`;
}

/** Microseconds from 1970 the queue's times can hold (some 285 years either way). */
const MAX_CURSOR_US = 2n ** 53n;

/** A page link that names no row the queue could hold: a bilingual 400, not a database error. */
const badCursor = () =>
  new Invalid([
    {
      field: 'after',
      vi: 'Liên kết trang không hợp lệ. Hãy mở lại danh sách từ trang đầu.',
      en: 'The page link is not valid. Open the list again from its first page.',
    },
  ]);

function decodeCursor(raw: string | undefined, closed: boolean) {
  if (!raw) return undefined;
  const s = raw.startsWith('a') ? raw.slice(1) : raw;
  if (closed) {
    const id = Number(s);
    if (!/^\d{1,16}$/.test(s) || !Number.isSafeInteger(id)) throw badCursor();
    return { id };
  }
  const [us, id] = s.split('_');
  if (!us || !id || !/^-?\d{1,19}$/.test(us) || !/^\d{1,16}$/.test(id) || !Number.isSafeInteger(Number(id))) {
    throw badCursor();
  }
  const big = BigInt(us);
  if (big > MAX_CURSOR_US || big < -MAX_CURSOR_US) throw badCursor();
  return { sortAtUs: us, id: Number(id) };
}

/**
 * The staff queue: 'mine' is what waits on the actor's own roles (the desk: to receive, assign,
 * return; the specialist: their assigned files; the approver: files to sign); 'open' and 'closed'
 * list everything in the actor's units. Keyset pages; search by code prefix, phone or name.
 */
export async function listQueue(ctx: Ctx, query: QueueQuery): Promise<QueuePage> {
  const filter = await queueFilter(ctx, query);
  // A name is looked up from its start first (an index range); only if that finds nothing, anywhere
  // in it ("mai" for "Hoàng Thị Mai"), which reads many more rows. Later pages keep the first page's way.
  let anywhere = Boolean(filter.name && query.after?.startsWith('a'));
  let rows = await q.queue(ctx.db, { ...filter, nameAnywhere: anywhere });
  if (filter.name && !anywhere && !query.after && rows.length === 0) {
    anywhere = true;
    rows = await q.queue(ctx.db, { ...filter, nameAnywhere: true });
  }
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  const last = page[page.length - 1];
  return {
    rows: page,
    next: more && last ? encodeCursor(last, query.view === 'closed', anywhere) : undefined,
  };
}

/** The queue's filter for this actor and query (one row more than a page, to know if another follows). */
export async function queueFilter(ctx: Ctx, query: QueueQuery): Promise<q.QueueFilter> {
  const staff = requireStaff(ctx.actor);
  const scope = scopeOf(staff, [...WORKFLOW_ROLES, 'admin']);
  if (scope.length === 0) throw new Forbidden();
  const closed = query.view === 'closed';
  const now = ctx.clock.now();
  let due: q.QueueFilter['due'];
  if (query.due === 'late') due = { before: now };
  if (query.due === 'near') {
    // At risk: due within the window of the first place the actor works at (its setting, default
    // one working day), on that place's province calendar.
    const first = scope[0] as string;
    const cal = await provinceCalendar(ctx.db, { path: first });
    const placeId = Number(first.split('/').filter(Boolean).at(-1));
    due = { after: now, before: atRiskBefore(now, await atRiskDaysOf(ctx.db, placeId), cal) };
  }
  let code: string | undefined;
  let phone: string | undefined;
  let name: string | undefined;
  if (query.q) {
    const p = phoneSchema.safeParse(query.q);
    if (p.success) phone = p.data;
    else if (CODE_LIKE.test(query.q)) code = query.q.toUpperCase();
    else name = query.q;
  }
  return {
    view: query.view,
    scope,
    mine: {
      receptionist: scopeOf(staff, 'receptionist'),
      specialist: scopeOf(staff, 'specialist'),
      approver: scopeOf(staff, 'approver'),
      userId: staff.userId,
    },
    status: query.status,
    procedure: query.procedure,
    due,
    code,
    phone,
    name,
    after: decodeCursor(query.after, closed),
    limit: query.limit + 1,
  };
}

// ---------------------------------------------------------------------------------------------
// Citizens

/** What anyone holding the tracking proof sees: no staff names, no internal notes. */
export interface PublicView {
  dossier: q.TrackedDossier;
  unitName: string;
  dueAt: Date | null;
  paused: boolean;
  /** A fee fell due and is unpaid (national status 6 while the step allows it). */
  payment: { amount: number | null } | null;
  missing: { documents: { id: string; name: string }[]; note: string | null } | null;
  timeline: {
    at: Date;
    type: ActionType;
    statusAfter: number;
    note: string | null;
    unitName: string | null;
    channel: number | null;
    /** The due time announced by this step (receipt, supplement), if any. */
    dueAt: Date | null;
    /** payment_requested: what is owed; payment_received: what was paid, in đồng. */
    amount: number | null;
    /** result_ready: the result was signed and issued here, to download (else: collect it). */
    online: boolean;
  }[];
  /** What the applicant may do now (send a supplement, withdraw). */
  available: ActionType[];
  documents: { id: string; name: string }[];
  /** The procedure as filed charges a fee (the fees page is worth a link). */
  hasFees: boolean;
}

/** The staff's own steps of an extension: the citizen hears of the signed one (its new date), not these. */
const INTERNAL_ACTIONS: readonly ActionType[] = ['extension_drafted', 'extension_declined'];

/** Notes meant for the citizen (forms 02, 03, 05 and the apology); others stay internal. */
const PUBLIC_NOTES: readonly ActionType[] = ['refuse', 'reject', 'stop', 'request_supplement', 'overdue'];

export async function publicView(ctx: Ctx, d: q.TrackedDossier, actions?: ActionRow[]): Promise<PublicView> {
  const rows = actions ?? (await q.listActions(ctx.db, d.id));
  const state = stateFromActions(rows.map(toLogged));
  const procedure = await procedureOf(ctx.db, d);
  const places = await placesById(ctx.db, [d.unitId, ...rows.map((r) => r.unitId)]);
  const docName = new Map(procedure.documents.map((x) => [x.id, x.name.vi]));
  return {
    dossier: d,
    unitName: places.get(d.unitId)?.fullName ?? '',
    dueAt: d.dueAt,
    paused: state.pauses.some((p) => p.until === null),
    payment: state.payment && state.finishedAt === null ? { amount: state.payment.amount } : null,
    missing: state.supplement
      ? {
          documents: state.supplement.documents.map((id) => ({ id, name: docName.get(id) ?? id })),
          note: state.supplement.note,
        }
      : null,
    timeline: rows
      .filter((r) => !INTERNAL_ACTIONS.includes(r.type))
      .map((r) => {
        const p = q.storedPayload(r.payload);
        return {
          at: r.at,
          type: r.type,
          statusAfter: r.statusAfter,
          note: PUBLIC_NOTES.includes(r.type) ? r.note : null,
          unitName: r.type === 'forward' ? (p.unitName ?? null) : (places.get(r.unitId)?.fullName ?? null),
          channel: p.channel ?? null,
          dueAt: p.dueAt ? new Date(p.dueAt) : null,
          amount: typeof p.amount === 'number' ? p.amount : null,
          online: p.delivery === 'online',
        };
      }),
    available: availableActions(state, { kind: 'applicant' }),
    documents: procedure.documents.map((x) => ({ id: x.id, name: x.name.vi })),
    hasFees: procedure.fees.some((f) => f.amount > 0 || (f.onlineAmount ?? 0) > 0),
  };
}

/**
 * Where a lookup comes from, as the limits count it: an IPv4 address, or an IPv6 address's /64 (one
 * subscriber's network; a host holds a whole /64, so counting single IPv6 addresses would give an
 * attacker billions of fresh budgets).
 */
export function addressOf(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (isIPv6(ip)) {
    const [head = '', tail = ''] = ip.toLowerCase().split('::');
    const left = head ? head.split(':') : [];
    const right = tail ? tail.split(':') : [];
    const groups = ip.includes('::')
      ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
      : left;
    return `${groups
      .slice(0, 4)
      .map((g) => g.replace(/^0+(?=.)/, ''))
      .join(':')}::/64`;
  }
  return ip;
}

const tooManyLookups = (retryAfterSeconds: number) =>
  new TooManyRequests(retryAfterSeconds, {
    vi: 'Đã tra cứu sai hoặc quá nhiều lần từ mạng này. Vui lòng thử lại sau, hoặc đăng nhập bằng số điện thoại để xem hồ sơ của mình mà không cần mã.',
    en: 'Too many lookups, or wrong ones, from this network. Please try again later, or sign in with your phone number to see your dossiers without the code.',
  });

/**
 * One lookup, counted before the read on every key at once, found or not (so the counts say nothing
 * about the code): the address's lookups, and as a guess — by the address, on the code by the
 * address, on the code by everyone. Counted first, so that parallel guesses cannot all pass the
 * check; a right proof gives its guess back (`right()`), so an owner's lookups never use up a
 * guess. All in the flood limiter's memory: no database round trip (decision 016).
 */
async function countLookup(deps: DossierDeps, ip: string, code: string) {
  const L = TRACK_LIMITS;
  const addr = addressOf(ip);
  const guesses = [
    { key: `dossiers:track:guess-ip:${addr}`, windowMs: L.guessesPerAddress.windowMs },
    { key: `dossiers:track:guess-pair:${code}@${addr}`, windowMs: L.guessesPerCodeAndAddress.windowMs },
    { key: `dossiers:track:guess-code:${code}`, windowMs: L.guessesPerCode.windowMs },
  ];
  const [lookups, byAddress, byPair, byCode] = await deps.limiter.countAll([
    { key: `dossiers:track:ip:${addr}`, windowMs: L.perAddress.windowMs },
    ...guesses,
  ]);
  const underAttack = (byCode?.count ?? 0) > L.guessesPerCode.underAttackAfter;
  const pairMax = underAttack ? L.guessesPerCodeAndAddress.underAttack : L.guessesPerCodeAndAddress.max;
  const over = (
    [
      [lookups, L.perAddress.max],
      [byAddress, L.guessesPerAddress.max],
      [byPair, pairMax],
    ] as const
  ).filter(([h, max]) => (h?.count ?? 0) > max);
  if (over.length > 0) {
    // Refused unseen: not a guess.
    await deps.limiter.giveBack(guesses);
    // Windows follow the limiter's clock (the platform's), not the machine's.
    const now = deps.limiter.clock.now().getTime();
    const wait = Math.max(...over.map(([h]) => Math.ceil(((h?.resetAt.getTime() ?? 0) - now) / 1000)));
    throw tooManyLookups(Math.max(1, wait));
  }
  return { right: () => deps.limiter.giveBack(guesses) };
}

/** The proof holds: exactly four digits, and the applicant's phone ends with them. */
function proves(phone: string | undefined, phone4: string) {
  return phone !== undefined && /^\d{4}$/.test(phone4) && phone.endsWith(phone4);
}

/**
 * The tracking proof: the dossier code and the last four digits of the applicant's phone. Rate
 * limited by where the guesses come from (`countLookup`); a wrong code and a wrong phone get the
 * same answer.
 */
export async function findTracked(ctx: Ctx, deps: DossierDeps, code: string, phone4: string) {
  const c = code.trim().toUpperCase();
  const lookup = await countLookup(deps, ctx.meta.ip, c);
  const d = await q.findDossierByCode(ctx.db, c);
  if (!d || !proves(d.applicantPhone, phone4)) throw trackingMiss();
  await lookup.right();
  return d;
}

/**
 * The last public view made of each dossier, per database, with the dossier version it was made
 * from. A lookup still counts its limits and reads the dossier's current version and phone every
 * time; the view is reused only while that version is the current one, and for at most a minute
 * (place names in it are kept that long anyway).
 */
const trackedViews = dbCache<{ version: string; view: PublicView }>(PLACE_TTL_MS, 10_000);

/**
 * The tracking lookup: the limits first (`countLookup`, in memory), then one read, which
 * sends the dossier and its log only when the view this process holds is out of date.
 */
export async function track(ctx: Ctx, deps: DossierDeps, code: string, phone4: string) {
  const c = code.trim().toUpperCase();
  const views = trackedViews.of(ctx.db);
  const held = views.get(c);
  const lookup = await countLookup(deps, ctx.meta.ip, c);
  const row = await q.findTrackedRow(ctx.sql, c, held?.version ?? null);
  if (!row || !proves(row.applicant_phone, phone4)) throw trackingMiss();
  await lookup.right();
  if (held && held.version === row.version) return held.view;
  const found = q.trackedFromRow(row);
  if (!found) throw new Error(`dossier ${c} came back without its log`);
  const view = await publicView(ctx, found.dossier, found.actions);
  views.set(c, { version: row.version, view });
  return view;
}

/**
 * The e-form fields that name whom a dossier is for, in the catalogue's names: the child of a birth
 * registration, the deceased of a death registration, the person an extract or a correction is
 * about, a household business; a marriage names both. Without one, the dossier is the applicant's own.
 */
const SUBJECT_FIELDS: readonly (readonly string[])[] = [
  ['childName'],
  ['deceasedName'],
  ['personName'],
  ['groomName', 'brideName'],
  ['businessName'],
];

/** Whom a dossier is for, by name, when its e-form says it is someone other than the applicant. */
export function subjectOf(formData: Record<string, unknown>): string | undefined {
  for (const fields of SUBJECT_FIELDS) {
    const names = fields
      .map((f) => formData[f])
      .filter((v): v is string => typeof v === 'string' && v.trim() !== '');
    if (names.length === fields.length) return names.map((n) => n.trim()).join(' và ');
  }
  return undefined;
}

/** A citizen's dossier as their list shows it: what, for whom, where it stands; the code last. */
export interface MyDossier {
  code: string;
  procedureName: string;
  /** Whom it is for, when not the applicant. */
  subject: string | undefined;
  applicantName: string;
  status: number;
  submittedAt: Date;
  dueAt: Date | null;
}

/** A signed-in citizen's dossiers: filed from the account, or under the phone they proved. */
export async function listMine(ctx: Ctx, limit = 50): Promise<MyDossier[]> {
  if (ctx.actor.kind !== 'citizen') throw new Unauthorized();
  const rows = await q.listForCitizen(ctx.db, ctx.actor.citizenId, ctx.actor.phone, limit);
  return rows.map((d) => ({
    code: d.code,
    procedureName: d.procedureName,
    subject: subjectOf(d.formData),
    applicantName: d.applicantName,
    status: d.status,
    submittedAt: d.submittedAt,
    dueAt: d.dueAt,
  }));
}

/** A signed-in citizen's own dossier, as the tracking page shows it. */
export async function getMine(ctx: Ctx, code: string) {
  if (ctx.actor.kind !== 'citizen') throw new Unauthorized();
  const d = await q.findDossierByCode(ctx.db, code.toUpperCase());
  if (!d || d.applicantPhone !== ctx.actor.phone) throw notFound();
  return publicView(ctx, d);
}
