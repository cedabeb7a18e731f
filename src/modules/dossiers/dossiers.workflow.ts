import { type Actor, hasRole, type Role } from '#platform/auth/actor.ts';

/**
 * The dossier workflow as pure functions over the append-only action log (STYLE.md item 3, after
 * OpenCRVS's getStatusFromActions / availableActions): `stateFromActions` folds the log into the
 * current state, `availableActions` says what an actor may do next. No I/O: the writers
 * (dossiers.actions.ts, dossiers.submit.ts, dossiers.payment-marks.ts) load the log, ask, append, and
 * cache the result on the dossier row.
 */

export const ACTION_TYPES = [
  'submit',
  'receive',
  'refuse',
  'assign',
  'forward',
  'request_supplement',
  'supplement_received',
  'submit_for_approval',
  'approve',
  'reject',
  'result_ready',
  'result_returned',
  'withdraw',
  'stop',
  'overdue',
  'payment_requested',
  'payment_received',
  // Form 04 before the due date: the specialist drafts the extension with its new date, the approver
  // signs it (or declines it); the clock's due date moves once (dossiers README, "Extension").
  'extension_drafted',
  'extension_approved',
  'extension_declined',
  // Time the applicant spends meeting financial obligations (land charges) does not count, for the
  // procedures whose catalogue record says so (`clockExclusions: ['financial_obligations']`).
  'financial_obligation_notified',
  'financial_obligation_paid',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/**
 * The system's marks: the daily sweep's `overdue`, and the payments module's `payment_requested`
 * (a fee fell due and is unpaid) and `payment_received` (everything due is paid). No person takes
 * them from a page or the API.
 */
export const SYSTEM_ACTIONS = ['overdue', 'payment_requested', 'payment_received'] as const;
export type SystemAction = (typeof SYSTEM_ACTIONS)[number];

/** Actions a person takes on an existing dossier (not the submission, not the system's marks). */
export const PERSON_ACTIONS = ACTION_TYPES.filter(
  (a): a is Exclude<ActionType, 'submit' | SystemAction> =>
    a !== 'submit' && !(SYSTEM_ACTIONS as readonly string[]).includes(a),
);
export type PersonAction = (typeof PERSON_ACTIONS)[number];

/**
 * National status codes (DOMAIN.md; the national portal's TrangThaiHoSo):
 * 1 submitted online · 2 received · 3 refused · 4 in progress · 5 supplement requested ·
 * 6 payment required · 7 withdrawn · 8 stopped · 9 decided · 10 result returned.
 */
export type NationalStatus = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;
export const OPEN_STATUSES: readonly NationalStatus[] = [1, 2, 4, 5, 6, 9];
export const CLOSED_STATUSES: readonly NationalStatus[] = [3, 7, 8, 10];

/** The finer state inside a national status. */
export type Step =
  | 'submitted'
  | 'received'
  | 'in_progress'
  | 'pending_approval'
  | 'supplement_requested'
  | 'decided'
  | 'result_ready'
  | 'returned'
  | 'refused'
  | 'withdrawn'
  | 'stopped';

export const STEP_STATUS: Record<Step, NationalStatus> = {
  submitted: 1,
  received: 2,
  refused: 3,
  in_progress: 4,
  pending_approval: 4,
  supplement_requested: 5,
  withdrawn: 7,
  stopped: 8,
  decided: 9,
  result_ready: 9,
  returned: 10,
};

export interface Unit {
  id: number;
  path: string;
}

/** What each action carries beyond its type, time and actor. */
export interface ActionPayload {
  /** submit: the competent unit; forward: the unit it goes to. */
  unit?: Unit;
  /** submit: whose dossier it is (the applicant proves it with this phone). */
  applicantPhone?: string;
  /** assign: the specialist. */
  assigneeId?: number;
  /** request_supplement: the required-document ids that are missing or wrong. */
  documents?: string[];
  /** payment_requested: what is owed now; payment_received: what was paid, in đồng. */
  amount?: number;
  /** extension_drafted, extension_approved: the new due time (ISO), close of office on the new date. */
  newDueAt?: string;
  /** extension_drafted, extension_approved: the due time it replaces (ISO). */
  previousDueAt?: string;
}

export interface LoggedAction {
  id: number;
  type: ActionType;
  at: Date;
  actorUserId: number | null;
  note: string | null;
  payload: ActionPayload;
}

/** Why the statutory clock stood still. */
export type PauseReason = 'supplement' | 'financial_obligations';

/**
 * A stretch during which the statutory clock stood still (a supplement after receipt, or the
 * applicant's financial obligations where the procedure excludes them); `until` null: still waiting.
 */
export interface ClockPause {
  from: Date;
  until: Date | null;
  reason: PauseReason;
}

export interface DossierState {
  status: NationalStatus;
  step: Step;
  /** The unit that holds the dossier now: the competent unit, or where it was forwarded. */
  unit: Unit;
  assigneeId: number | null;
  applicantPhone: string;
  submittedAt: Date;
  /** When a valid dossier was received: the statutory clock starts here. */
  validReceivedAt: Date | null;
  /** Pauses after the clock started (supplement, financial obligations); the last may still be open. */
  pauses: ClockPause[];
  /**
   * Supplement requests after receipt. The on-time rules allow one (docs/rules.md: Decree 118/2025
   * and the national portal's indicator 2.1, which counts a dossier with more than one as late); a
   * second is refused, so this is 0 or 1 for dossiers filed since, more only in older logs.
   */
  supplementRequests: number;
  /**
   * The extension (form 04) drafted by the specialist with its new due time; `grantedAt` once the
   * approver signed it, and then the due time is `newDueAt`. Granted once: a second is refused.
   */
  extension: {
    newDueAt: Date;
    previousDueAt: Date | null;
    reason: string | null;
    draftedAt: Date;
    grantedAt: Date | null;
  } | null;
  /** The open supplement request: what is missing. */
  supplement: { documents: string[]; note: string | null; requestedAt: Date } | null;
  decision: 'approved' | 'rejected' | null;
  decidedAt: Date | null;
  /** Refused, withdrawn, stopped or returned. */
  finishedAt: Date | null;
  /** When the daily sweep found the clock run out (an apology, form 04, is owed). */
  overdueAt: Date | null;
  /**
   * A fee that fell due and is not paid yet (the payments module's `payment_requested`), until
   * `payment_received`. While it is open the national status is 6 wherever the step's own status
   * is 2, 4 or 9; a supplement request (5) and a closed dossier keep theirs.
   */
  payment: { requestedAt: Date; amount: number | null } | null;
  lastActionId: number;
}

export class WorkflowError extends Error {}

/** The step statuses that "payment required" (6) stands in for while a fee is unpaid. */
const PAYABLE: readonly NationalStatus[] = [2, 4, 9];

/** The national status of a step, given whether a fee is waiting to be paid. */
export function statusOf(step: Step, payment: DossierState['payment']): NationalStatus {
  const own = STEP_STATUS[step];
  return payment && PAYABLE.includes(own) ? 6 : own;
}

/** Where a supplement sends the dossier back once it arrives: before or after receipt. */
function resumeStep(state: DossierState): Step {
  return state.validReceivedAt ? 'in_progress' : 'submitted';
}

/** A pause still running (a supplement awaited, financial obligations being met). */
export function openPause(state: Pick<DossierState, 'pauses'>): ClockPause | undefined {
  return state.pauses.find((p) => p.until === null);
}

function apply(state: DossierState, a: LoggedAction): DossierState {
  const s: DossierState = { ...state, lastActionId: a.id };
  const to = (step: Step) => {
    s.step = step;
  };
  /** Ends the open pause of `reason` (any reason when omitted) at this action. */
  const closePause = (reason?: PauseReason) => {
    s.pauses = s.pauses.map((p) =>
      p.until === null && (reason === undefined || p.reason === reason) ? { ...p, until: a.at } : p,
    );
  };
  switch (a.type) {
    case 'submit':
      throw new WorkflowError(`dossier submitted twice (action ${a.id})`);
    case 'receive':
      s.validReceivedAt = a.at;
      to('received');
      break;
    case 'refuse':
      s.finishedAt = a.at;
      to('refused');
      break;
    case 'assign':
      s.assigneeId = a.payload.assigneeId ?? null;
      to('in_progress');
      break;
    case 'forward':
      if (!a.payload.unit) throw new WorkflowError(`forward without a unit (action ${a.id})`);
      s.unit = a.payload.unit;
      s.assigneeId = null;
      // Forwarded before receipt it still waits to be received, now by the new unit.
      to(s.validReceivedAt ? 'in_progress' : 'submitted');
      break;
    case 'request_supplement':
      s.supplement = { documents: a.payload.documents ?? [], note: a.note, requestedAt: a.at };
      if (s.validReceivedAt) {
        s.pauses = [...s.pauses, { from: a.at, until: null, reason: 'supplement' }];
        s.supplementRequests += 1;
      }
      to('supplement_requested');
      break;
    case 'supplement_received':
      closePause('supplement');
      s.supplement = null;
      to(resumeStep(s));
      break;
    case 'submit_for_approval':
      to('pending_approval');
      break;
    case 'approve':
    case 'reject':
      // The clock ends at the decision: financial obligations still being met stop counting there.
      closePause('financial_obligations');
      s.decision = a.type === 'approve' ? 'approved' : 'rejected';
      s.decidedAt = a.at;
      to('decided');
      break;
    case 'result_ready':
      to('result_ready');
      break;
    case 'result_returned':
      s.finishedAt = a.at;
      to('returned');
      break;
    case 'withdraw':
      closePause();
      s.finishedAt = a.at;
      to('withdrawn');
      break;
    case 'stop':
      closePause();
      s.finishedAt = a.at;
      to('stopped');
      break;
    case 'overdue':
      s.overdueAt = a.at;
      break;
    case 'payment_requested':
      s.payment = { requestedAt: a.at, amount: a.payload.amount ?? null };
      break;
    case 'extension_drafted':
      if (!a.payload.newDueAt) throw new WorkflowError(`extension without a new date (action ${a.id})`);
      s.extension = {
        newDueAt: new Date(a.payload.newDueAt),
        previousDueAt: a.payload.previousDueAt ? new Date(a.payload.previousDueAt) : null,
        reason: a.note,
        draftedAt: a.at,
        grantedAt: null,
      };
      break;
    case 'extension_approved':
      if (!s.extension) throw new WorkflowError(`extension approved without a draft (action ${a.id})`);
      s.extension = { ...s.extension, grantedAt: a.at };
      break;
    case 'extension_declined':
      s.extension = null;
      break;
    case 'financial_obligation_notified':
      s.pauses = [...s.pauses, { from: a.at, until: null, reason: 'financial_obligations' }];
      break;
    case 'financial_obligation_paid':
      closePause('financial_obligations');
      break;
    case 'payment_received':
      s.payment = null;
      // Paid after receipt, the dossier has been handled once already: it goes on as in progress
      // (4), as a forward after receipt does, not back to "received" (2), which would read on the
      // national portal as a step backwards. Later steps keep their own status (4, 9).
      if (s.step === 'received') to('in_progress');
      break;
  }
  s.status = statusOf(s.step, s.payment);
  return s;
}

/** The state of a dossier from its whole log, oldest action first. The first action must be `submit`. */
export function stateFromActions(actions: readonly LoggedAction[]): DossierState {
  const [first, ...rest] = actions;
  if (first?.type !== 'submit') throw new WorkflowError('a dossier log starts with its submission');
  if (!first.payload.unit || !first.payload.applicantPhone) {
    throw new WorkflowError('the submission must name the unit and the applicant phone');
  }
  let state: DossierState = {
    status: 1,
    step: 'submitted',
    unit: first.payload.unit,
    assigneeId: null,
    applicantPhone: first.payload.applicantPhone,
    submittedAt: first.at,
    validReceivedAt: null,
    pauses: [],
    supplementRequests: 0,
    extension: null,
    supplement: null,
    decision: null,
    decidedAt: null,
    finishedAt: null,
    overdueAt: null,
    payment: null,
    lastActionId: first.id,
  };
  for (const a of rest) state = apply(state, a);
  return state;
}

/** The new state after one more action, as `stateFromActions` would give it. */
export function nextState(state: DossierState, action: LoggedAction): DossierState {
  return apply(state, action);
}

/**
 * Who is acting, as the workflow sees it. `applicant`: the person who filed, proved by a citizen
 * session with the dossier's phone or by the tracking proof (code + last digits of the phone).
 */
export type WorkflowActor =
  | { kind: 'staff'; userId: number; grants: readonly { role: Role; placePath: string }[] }
  | { kind: 'applicant' }
  | { kind: 'system' }
  | { kind: 'other' };

/** A platform actor as the workflow sees it for this dossier. */
export function workflowActor(actor: Actor, state: Pick<DossierState, 'applicantPhone'>): WorkflowActor {
  if (actor.kind === 'staff') return { kind: 'staff', userId: actor.userId, grants: actor.grants };
  if (actor.kind === 'citizen' && actor.phone === state.applicantPhone) return { kind: 'applicant' };
  return { kind: 'other' };
}

const OPEN_BEFORE_DECISION: readonly Step[] = [
  'submitted',
  'received',
  'in_progress',
  'pending_approval',
  'supplement_requested',
];

/** Where a fee may be owed: after receipt and until the result is handed over. */
const PAYABLE_STEPS: readonly Step[] = [
  'received',
  'in_progress',
  'pending_approval',
  'supplement_requested',
  'decided',
  'result_ready',
];

/**
 * What some rules need beyond the log: the time, the dossier's current due time, and what its
 * procedure excludes from the clock. Callers that do not pass it get none of the actions that need it
 * (the extension, the financial obligations pause).
 */
export interface RuleContext {
  now?: Date | undefined;
  /** The due time before this action (with pauses and any extension). */
  dueAt?: Date | null | undefined;
  /** The procedure's `clockExclusions` (catalogue), e.g. ['financial_obligations']. */
  clockExclusions?: readonly string[] | undefined;
}

/** Who may take each action, and from which steps. The single source of the rules. */
interface Rule {
  from: readonly Step[];
  roles: readonly Role[];
  applicant?: boolean;
  system?: boolean;
  /** Only the specialist the dossier is assigned to. */
  assigneeOnly?: boolean;
  /** Extra condition on the state (and the context, for the rules that need it). */
  when?: (s: DossierState, c: RuleContext) => boolean;
}

/** Before the due time: an extension (form 04) is asked for and signed before the dossier is late. */
export const beforeDue = (c: RuleContext) =>
  c.now !== undefined && !!c.dueAt && c.now.getTime() < c.dueAt.getTime();

/** Steps where the work goes on and the clock may be extended or paused for financial obligations. */
const WORKING_STEPS: readonly Step[] = ['in_progress', 'pending_approval'];

export const RULES: Record<Exclude<ActionType, 'submit'>, Rule> = {
  receive: { from: ['submitted'], roles: ['receptionist'] },
  refuse: {
    from: ['submitted', 'supplement_requested'],
    roles: ['receptionist'],
    when: (s) => s.validReceivedAt === null,
  },
  assign: { from: ['received', 'in_progress'], roles: ['receptionist', 'approver'] },
  forward: { from: ['received', 'in_progress'], roles: ['receptionist', 'approver'] },
  // One request after receipt (docs/rules.md § Dossiers; `supplementRequests`); before receipt the
  // desk's check (form 02) is not counted.
  request_supplement: {
    from: ['submitted', 'in_progress'],
    roles: ['receptionist', 'specialist'],
    when: (s) => s.validReceivedAt === null || (s.supplementRequests === 0 && !openPause(s)),
  },
  supplement_received: { from: ['supplement_requested'], roles: ['receptionist'], applicant: true },
  submit_for_approval: { from: ['in_progress'], roles: ['specialist'], assigneeOnly: true },
  approve: { from: ['pending_approval'], roles: ['approver'] },
  reject: { from: ['pending_approval'], roles: ['approver'] },
  // The system's too: a result signed and issued here is ready the moment it is signed (the
  // documents module says so through `markResultIssued`); a paper result, when the desk says so.
  result_ready: { from: ['decided'], roles: ['receptionist', 'specialist'], system: true },
  result_returned: { from: ['result_ready'], roles: ['receptionist'] },
  withdraw: { from: OPEN_BEFORE_DECISION, roles: ['receptionist'], applicant: true },
  stop: {
    from: ['received', 'in_progress', 'pending_approval', 'supplement_requested'],
    roles: ['approver'],
    when: (s) => s.validReceivedAt !== null,
  },
  overdue: {
    from: ['received', 'in_progress', 'pending_approval'],
    roles: [],
    system: true,
    // A clock stopped for financial obligations is not running late.
    when: (s) => s.overdueAt === null && !openPause(s),
  },
  extension_drafted: {
    from: WORKING_STEPS,
    roles: ['specialist'],
    assigneeOnly: true,
    when: (s, c) => s.extension === null && !openPause(s) && beforeDue(c),
  },
  extension_approved: {
    from: WORKING_STEPS,
    roles: ['approver'],
    when: (s, c) => s.extension !== null && s.extension.grantedAt === null && beforeDue(c),
  },
  extension_declined: {
    from: WORKING_STEPS,
    roles: ['approver'],
    when: (s) => s.extension !== null && s.extension.grantedAt === null,
  },
  financial_obligation_notified: {
    from: WORKING_STEPS,
    roles: ['receptionist', 'specialist'],
    when: (s, c) => (c.clockExclusions ?? []).includes('financial_obligations') && !openPause(s),
  },
  financial_obligation_paid: {
    from: WORKING_STEPS,
    roles: ['receptionist', 'specialist'],
    when: (s) => openPause(s)?.reason === 'financial_obligations',
  },
  // Fees fall due at receipt, after a supplement or at the decision (payments module); processing
  // goes on meanwhile and the statutory clock does not stop (only a supplement pauses it).
  payment_requested: {
    from: PAYABLE_STEPS,
    roles: [],
    system: true,
    when: (s) => s.payment === null && s.validReceivedAt !== null,
  },
  payment_received: { from: PAYABLE_STEPS, roles: [], system: true, when: (s) => s.payment !== null },
};

/**
 * Which role lets a staff member take `type` here, or undefined. Request-supplement is split by
 * step: before receipt it is the one-stop desk's check (form 02 at the counter), after receipt the
 * assigned specialist's.
 */
function staffMay(
  state: DossierState,
  type: Exclude<ActionType, 'submit'>,
  staff: WorkflowActor & { kind: 'staff' },
) {
  const rule = RULES[type];
  let roles = rule.roles;
  if (type === 'request_supplement') roles = state.step === 'submitted' ? ['receptionist'] : ['specialist'];
  const assigneeOnly = rule.assigneeOnly || (type === 'request_supplement' && state.step === 'in_progress');
  if (assigneeOnly && state.assigneeId !== staff.userId) return false;
  return staff.grants.some((g) => roles.includes(g.role) && state.unit.path.startsWith(g.placePath));
}

/** The actions `actor` may take next on a dossier in `state`, in the order of RULES. */
export function availableActions(
  state: DossierState,
  actor: WorkflowActor,
  context: RuleContext = {},
): Exclude<ActionType, 'submit'>[] {
  const out: Exclude<ActionType, 'submit'>[] = [];
  for (const type of Object.keys(RULES) as Exclude<ActionType, 'submit'>[]) {
    const rule = RULES[type];
    if (!rule.from.includes(state.step)) continue;
    if (rule.when && !rule.when(state, context)) continue;
    const allowed =
      actor.kind === 'staff'
        ? staffMay(state, type, actor)
        : actor.kind === 'applicant'
          ? rule.applicant === true
          : actor.kind === 'system'
            ? rule.system === true
            : false;
    if (allowed) out.push(type);
  }
  return out;
}

/** The roles that may act on a dossier at all, for scoping queues and pages. */
export const WORKFLOW_ROLES: readonly Role[] = ['receptionist', 'specialist', 'approver'];

/**
 * Who may open a dossier's staff page and see it in a queue: anyone holding a workflow role, or an
 * admin, at a place covering the unit that holds it now. A forwarded dossier moves to its new unit.
 */
export function mayView(actor: Actor, dossier: { unitPath: string }): boolean {
  return hasRole(actor, [...WORKFLOW_ROLES, 'admin'], dossier.unitPath);
}
