import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Role } from '#platform/auth/actor.ts';
import {
  type ActionPayload,
  type ActionType,
  availableActions,
  CLOSED_STATUSES,
  type DossierState,
  type LoggedAction,
  nextState,
  PERSON_ACTIONS,
  RULES,
  STEP_STATUS,
  type Step,
  SYSTEM_ACTIONS,
  stateFromActions,
  type WorkflowActor,
  WorkflowError,
  workflowActor,
} from './dossiers.workflow.ts';

const A = { id: 100, path: '/1/20/100/' };
const B = { id: 200, path: '/1/20/200/' };
const VILLAGE_OF_A = '/1/20/100/500/';
const PHONE = '0912345678';

let nextId = 1;
let clock = Date.parse('2026-03-02T01:00:00Z');
function act(type: ActionType, payload: ActionPayload = {}, opts: { note?: string; by?: number } = {}) {
  clock += 3_600_000;
  return {
    id: nextId++,
    type,
    at: new Date(clock),
    actorUserId: opts.by ?? null,
    note: opts.note ?? null,
    payload,
  } satisfies LoggedAction;
}

const submit = () => act('submit', { unit: A, applicantPhone: PHONE });
const staff = (userId: number, ...grants: [Role, string][]): WorkflowActor => ({
  kind: 'staff',
  userId,
  grants: grants.map(([role, placePath]) => ({ role, placePath })),
});

const ACTORS: Record<string, WorkflowActor> = {
  receptionist: staff(10, ['receptionist', A.path]),
  provinceReceptionist: staff(11, ['receptionist', '/1/20/']),
  villageReceptionist: staff(12, ['receptionist', VILLAGE_OF_A]),
  otherCommuneReceptionist: staff(13, ['receptionist', B.path]),
  assignee: staff(2, ['specialist', A.path]),
  otherSpecialist: staff(3, ['specialist', A.path]),
  approver: staff(20, ['approver', A.path]),
  admin: staff(30, ['admin', A.path]),
  applicant: { kind: 'applicant' },
  other: { kind: 'other' },
  system: { kind: 'system' },
};

/** Logs that lead to every step, with the specialist 2 assigned where there is one. */
function logs() {
  const received = () => [submit(), act('receive', {}, { by: 10 })];
  const assigned = () => [...received(), act('assign', { assigneeId: 2 }, { by: 10 })];
  const decided = () => [
    ...assigned(),
    act('submit_for_approval', {}, { by: 2 }),
    act('approve', {}, { by: 20 }),
  ];
  return {
    submitted: [submit()],
    received: received(),
    in_progress: assigned(),
    pending_approval: [...assigned(), act('submit_for_approval', {}, { by: 2 })],
    supplement_after_receipt: [
      ...assigned(),
      act('request_supplement', { documents: ['giay_chung_sinh'] }, { note: 'Ảnh mờ', by: 2 }),
    ],
    supplement_before_receipt: [submit(), act('request_supplement', { documents: ['to_khai'] }, { by: 10 })],
    decided: decided(),
    result_ready: [...decided(), act('result_ready', {}, { by: 10 })],
    returned: [...decided(), act('result_ready', {}, { by: 10 }), act('result_returned', {}, { by: 10 })],
    refused: [submit(), act('refuse', {}, { note: 'Không thuộc thẩm quyền', by: 10 })],
    withdrawn: [...received(), act('withdraw')],
    stopped: [...assigned(), act('stop', {}, { note: 'Người yêu cầu đã chết', by: 20 })],
  };
}

describe('stateFromActions: the national status and the finer step from the log', () => {
  const expected: Record<string, [number, Step]> = {
    submitted: [1, 'submitted'],
    received: [2, 'received'],
    in_progress: [4, 'in_progress'],
    pending_approval: [4, 'pending_approval'],
    supplement_after_receipt: [5, 'supplement_requested'],
    supplement_before_receipt: [5, 'supplement_requested'],
    decided: [9, 'decided'],
    result_ready: [9, 'result_ready'],
    returned: [10, 'returned'],
    refused: [3, 'refused'],
    withdrawn: [7, 'withdrawn'],
    stopped: [8, 'stopped'],
  };
  for (const [name, log] of Object.entries(logs())) {
    it(`when the log leads to ${name}, then the status is ${expected[name]?.[0]} (${expected[name]?.[1]})`, () => {
      const s = stateFromActions(log);
      assert.deepEqual([s.status, s.step], expected[name]);
      assert.equal(s.lastActionId, log.at(-1)?.id);
    });
  }

  it('when the log is empty or does not start with the submission, then it is refused as corrupt', () => {
    assert.throws(() => stateFromActions([]), WorkflowError);
    assert.throws(() => stateFromActions([act('receive')]), WorkflowError);
    assert.throws(() => stateFromActions([submit(), submit()]), WorkflowError);
    assert.throws(() => stateFromActions([act('submit', { unit: A })]), WorkflowError);
  });

  it('when a valid dossier is received, then the clock start is the receipt time, not the submission time', () => {
    const log = logs().received;
    const s = stateFromActions(log);
    assert.equal(s.submittedAt.getTime(), log[0]?.at.getTime());
    assert.equal(s.validReceivedAt?.getTime(), log[1]?.at.getTime());
  });

  it('when a supplement is requested after receipt and then received, then one closed pause is logged and work resumes with the same specialist', () => {
    const log = logs().supplement_after_receipt;
    const waiting = stateFromActions(log);
    assert.equal(waiting.pauses.length, 1);
    assert.equal(waiting.pauses[0]?.until, null);
    assert.deepEqual(waiting.supplement?.documents, ['giay_chung_sinh']);
    assert.equal(waiting.supplement?.note, 'Ảnh mờ');
    const resumed = stateFromActions([...log, act('supplement_received')]);
    assert.equal(resumed.step, 'in_progress');
    assert.equal(resumed.assigneeId, 2);
    assert.equal(resumed.supplement, null);
    assert.equal(resumed.pauses.length, 1);
    assert.equal(resumed.pauses[0]?.from.getTime(), log.at(-1)?.at.getTime());
    assert.ok(resumed.pauses[0]?.until);
  });

  it('when a supplement is requested before receipt, then no pause is logged (the clock has not started) and the dossier waits to be received again', () => {
    const log = logs().supplement_before_receipt;
    assert.deepEqual(stateFromActions(log).pauses, []);
    const back = stateFromActions([...log, act('supplement_received')]);
    assert.equal(back.step, 'submitted');
    assert.equal(back.status, 1);
  });

  it('when the citizen withdraws during a supplement pause, then the pause closes at the withdrawal', () => {
    const log = [...logs().supplement_after_receipt, act('withdraw')];
    const s = stateFromActions(log);
    assert.equal(s.status, 7);
    assert.equal(s.pauses[0]?.until?.getTime(), log.at(-1)?.at.getTime());
    assert.equal(s.finishedAt?.getTime(), log.at(-1)?.at.getTime());
  });

  it('when forwarded to another unit, then the unit changes, the assignment is cleared and the status is in progress', () => {
    const log = [...logs().in_progress, act('forward', { unit: B })];
    const s = stateFromActions(log);
    assert.deepEqual(s.unit, B);
    assert.equal(s.assigneeId, null);
    assert.equal(s.status, 4);
  });

  it('when approved or rejected, then the decision and its time are kept; overdue marks change no status', () => {
    const approved = stateFromActions(logs().decided);
    assert.equal(approved.decision, 'approved');
    assert.ok(approved.decidedAt);
    const rejected = stateFromActions([...logs().pending_approval, act('reject', {}, { note: 'Sai' })]);
    assert.equal(rejected.decision, 'rejected');
    assert.equal(rejected.status, 9);
    const marked = stateFromActions([...logs().in_progress, act('overdue')]);
    assert.equal(marked.status, 4);
    assert.ok(marked.overdueAt);
  });

  it('when folded one action at a time with nextState, then the result equals the fold of the whole log', () => {
    for (const log of Object.values(logs())) {
      let s = stateFromActions(log.slice(0, 1));
      for (const a of log.slice(1)) s = nextState(s, a);
      assert.deepEqual(s, stateFromActions(log));
    }
  });
});

describe('availableActions: who may do what next', () => {
  // Every step × every actor, written out: a change to the rules must change this table.
  const table: Record<string, Record<string, string[]>> = {
    submitted: {
      receptionist: ['receive', 'refuse', 'request_supplement', 'withdraw'],
      provinceReceptionist: ['receive', 'refuse', 'request_supplement', 'withdraw'],
      applicant: ['withdraw'],
    },
    received: {
      receptionist: ['assign', 'forward', 'withdraw'],
      provinceReceptionist: ['assign', 'forward', 'withdraw'],
      approver: ['assign', 'forward', 'stop'],
      applicant: ['withdraw'],
      system: ['overdue', 'payment_requested'],
    },
    in_progress: {
      receptionist: ['assign', 'forward', 'withdraw'],
      provinceReceptionist: ['assign', 'forward', 'withdraw'],
      assignee: ['request_supplement', 'submit_for_approval'],
      approver: ['assign', 'forward', 'stop'],
      applicant: ['withdraw'],
      system: ['overdue', 'payment_requested'],
    },
    pending_approval: {
      receptionist: ['withdraw'],
      provinceReceptionist: ['withdraw'],
      approver: ['approve', 'reject', 'stop'],
      applicant: ['withdraw'],
      system: ['overdue', 'payment_requested'],
    },
    supplement_after_receipt: {
      receptionist: ['supplement_received', 'withdraw'],
      provinceReceptionist: ['supplement_received', 'withdraw'],
      approver: ['stop'],
      applicant: ['supplement_received', 'withdraw'],
      system: ['payment_requested'],
    },
    supplement_before_receipt: {
      receptionist: ['refuse', 'supplement_received', 'withdraw'],
      provinceReceptionist: ['refuse', 'supplement_received', 'withdraw'],
      applicant: ['supplement_received', 'withdraw'],
    },
    decided: {
      receptionist: ['result_ready'],
      provinceReceptionist: ['result_ready'],
      assignee: ['result_ready'],
      otherSpecialist: ['result_ready'],
      // A result signed here is ready at once (the documents module marks it, decision 031).
      system: ['result_ready', 'payment_requested'],
    },
    result_ready: {
      receptionist: ['result_returned'],
      provinceReceptionist: ['result_returned'],
      system: ['payment_requested'],
    },
    returned: {},
    refused: {},
    withdrawn: {},
    stopped: {},
  };
  const all: Record<string, LoggedAction[]> = logs();
  for (const [stepName, byActor] of Object.entries(table)) {
    for (const actorName of Object.keys(ACTORS)) {
      const want = byActor[actorName] ?? [];
      it(`when the dossier is ${stepName}, then ${actorName} may ${want.length ? want.join(', ') : 'do nothing'}`, () => {
        const state = stateFromActions(all[stepName] ?? []);
        assert.deepEqual(availableActions(state, ACTORS[actorName] as WorkflowActor), want);
      });
    }
  }

  it('when the dossier has been forwarded to commune B, then B’s desk acts on it and A’s no longer can', () => {
    const s = stateFromActions([...logs().in_progress, act('forward', { unit: B })]);
    assert.deepEqual(availableActions(s, ACTORS.otherCommuneReceptionist as WorkflowActor), [
      'assign',
      'forward',
      'withdraw',
    ]);
    assert.deepEqual(availableActions(s, ACTORS.receptionist as WorkflowActor), []);
    assert.deepEqual(availableActions(s, ACTORS.assignee as WorkflowActor), []);
    assert.deepEqual(availableActions(s, ACTORS.provinceReceptionist as WorkflowActor), [
      'assign',
      'forward',
      'withdraw',
    ]);
  });

  it('when the daily sweep has already marked the dossier overdue, then it is not marked again', () => {
    const s = stateFromActions([...logs().in_progress, act('overdue')]);
    assert.ok(!availableActions(s, { kind: 'system' }).includes('overdue'));
  });

  it('when one person holds several roles, then they get the union of what each allows', () => {
    const both = staff(2, ['specialist', A.path], ['approver', A.path]);
    const s = stateFromActions(logs().in_progress);
    assert.deepEqual(availableActions(s, both), [
      'assign',
      'forward',
      'request_supplement',
      'submit_for_approval',
      'stop',
    ]);
  });

  it('when a signed-in citizen has the applicant’s phone, then they act as the applicant; another phone or staff never does', () => {
    const s = stateFromActions(logs().received);
    assert.deepEqual(workflowActor({ kind: 'citizen', citizenId: 1, phone: PHONE, name: null }, s), {
      kind: 'applicant',
    });
    assert.deepEqual(workflowActor({ kind: 'citizen', citizenId: 2, phone: '0987654321', name: null }, s), {
      kind: 'other',
    });
    assert.deepEqual(workflowActor({ kind: 'anonymous' }, s), { kind: 'other' });
    assert.equal(
      workflowActor({ kind: 'staff', userId: 9, username: 'x', displayName: 'x', grants: [] }, s).kind,
      'staff',
    );
  });
});

describe('the state machine explored exhaustively', () => {
  // Every sequence of allowed actions up to the depth below, taken by a super-actor holding every
  // role at the province plus the applicant and the system: whatever path is taken, the invariants hold.
  const everyone: WorkflowActor[] = [
    staff(2, ['receptionist', '/1/20/'], ['specialist', '/1/20/'], ['approver', '/1/20/']),
    { kind: 'applicant' },
    { kind: 'system' },
  ];
  const payloadFor = (type: ActionType): ActionPayload =>
    type === 'assign'
      ? { assigneeId: 2 }
      : type === 'forward'
        ? { unit: B }
        : type === 'request_supplement'
          ? { documents: ['x'] }
          : {};

  it('when every path of up to 9 actions is walked, then the status matches the step, closed dossiers accept nothing, and the clock pauses are well-formed', () => {
    let frontier: LoggedAction[][] = [[submit()]];
    const seenSteps = new Set<Step>();
    let paths = 0;
    for (let depth = 0; depth < 9; depth++) {
      const next: LoggedAction[][] = [];
      for (const log of frontier) {
        const s: DossierState = stateFromActions(log);
        seenSteps.add(s.step);
        paths++;
        // A step's own status, except 6 while a fee is unpaid at a step that would show 2, 4 or 9.
        const own = STEP_STATUS[s.step];
        assert.equal(s.status, s.payment && [2, 4, 9].includes(own) ? 6 : own);
        assert.ok(s.payment === null || s.validReceivedAt, 'no fee falls due before receipt');
        const types = new Set(everyone.flatMap((a) => availableActions(s, a)));
        if ((CLOSED_STATUSES as readonly number[]).includes(s.status)) {
          assert.equal(types.size, 0, `closed ${s.step} allows ${[...types]}`);
          assert.ok(s.finishedAt);
        }
        for (const [i, p] of s.pauses.entries()) {
          assert.ok(s.validReceivedAt && p.from >= s.validReceivedAt, 'pauses only after the clock started');
          if (i < s.pauses.length - 1) assert.ok(p.until, 'only the last pause may be open');
        }
        assert.equal(
          s.pauses.at(-1)?.until === null,
          s.step === 'supplement_requested' && !!s.validReceivedAt,
        );
        for (const type of types) next.push([...log, act(type, payloadFor(type))]);
      }
      frontier = next;
    }
    assert.ok(paths > 1000, `walked ${paths} paths`);
    // Every step is reachable.
    assert.deepEqual([...seenSteps].sort(), (Object.keys(STEP_STATUS) as Step[]).sort());
  });

  it('when RULES are read, then every action but the submission has a rule, and only a signed result, overdue and the payment marks are the system’s', () => {
    assert.deepEqual(
      Object.entries(RULES)
        .filter(([, r]) => r.system)
        .map(([k]) => k),
      ['result_ready', 'overdue', 'payment_requested', 'payment_received'],
    );
    for (const type of SYSTEM_ACTIONS) assert.deepEqual(RULES[type].roles, [], `${type} is no person's`);
    assert.ok(!(PERSON_ACTIONS as readonly string[]).includes('payment_received'));
    assert.deepEqual(
      Object.entries(RULES)
        .filter(([, r]) => r.applicant)
        .map(([k]) => k),
      ['supplement_received', 'withdraw'],
    );
  });
});

describe('payment required (6): a fee that fell due and is unpaid', () => {
  const system: WorkflowActor = { kind: 'system' };
  const fold = (log: LoggedAction[]) => stateFromActions(log);
  const at = (log: LoggedAction[]) => {
    const s = fold(log);
    return [s.status, s.step];
  };

  it('when a fee falls due at receipt and is then paid, then the dossier shows 6 while unpaid and 4 (in progress) once paid', () => {
    const log = [...logs().received, act('payment_requested', { amount: 25_000 })];
    assert.deepEqual(at(log), [6, 'received']);
    assert.deepEqual(fold(log).payment, { requestedAt: log.at(-1)?.at, amount: 25_000 });
    log.push(act('payment_received', { amount: 25_000 }));
    assert.deepEqual(at(log), [4, 'in_progress']);
    assert.equal(fold(log).payment, null);
    // In progress without an assignee, as after a forward: the desk assigns it next.
    assert.deepEqual(availableActions(fold(log), ACTORS.receptionist as WorkflowActor), [
      'assign',
      'forward',
      'withdraw',
    ]);
  });

  it('when a fee falls due at the return, then the decided dossier shows 6, 9 once paid, and 10 once handed over', () => {
    const log = [...logs().decided, act('payment_requested', { amount: 8000 })];
    assert.deepEqual(at(log), [6, 'decided']);
    log.push(act('result_ready', {}, { by: 10 }));
    assert.deepEqual(at(log), [6, 'result_ready'], 'a result ready to collect still waits for the fee');
    log.push(act('payment_received', { amount: 8000 }));
    assert.deepEqual(at(log), [9, 'result_ready']);
    log.push(act('result_returned', {}, { by: 10 }));
    assert.deepEqual(at(log), [10, 'returned']);
  });

  it('when a fee is unpaid, then work goes on and the statutory clock keeps running (no pause is logged)', () => {
    const log = [...logs().received, act('payment_requested', { amount: 5000 })];
    log.push(act('assign', { assigneeId: 2 }, { by: 10 }));
    assert.deepEqual(at(log), [6, 'in_progress']);
    assert.deepEqual(availableActions(fold(log), ACTORS.assignee as WorkflowActor), [
      'request_supplement',
      'submit_for_approval',
    ]);
    assert.deepEqual(fold(log).pauses, []);
    assert.deepEqual(availableActions(fold(log), system), ['overdue', 'payment_received']);
    log.push(act('payment_received'));
    assert.deepEqual(at(log), [4, 'in_progress'], 'paid after the assignment: back to the step’s own status');
  });

  it('when a supplement is requested while a fee is unpaid, then 5 shows until it arrives and 6 after', () => {
    const log = [...logs().in_progress, act('payment_requested', { amount: 5000 })];
    log.push(act('request_supplement', { documents: ['x'] }, { by: 2 }));
    assert.deepEqual(at(log), [5, 'supplement_requested']);
    assert.equal(fold(log).pauses.length, 1, 'the supplement, not the fee, pauses the clock');
    log.push(act('supplement_received'));
    assert.deepEqual(at(log), [6, 'in_progress']);
  });

  it('when a request is open, then the system does not request again; before receipt and once closed it marks nothing', () => {
    const open = fold([...logs().in_progress, act('payment_requested', { amount: 5000 })]);
    assert.ok(!availableActions(open, system).includes('payment_requested'));
    assert.ok(!availableActions(fold(logs().in_progress), system).includes('payment_received'));
    assert.deepEqual(availableActions(fold(logs().submitted), system), []);
    const returnedUnpaid = fold([
      ...logs().result_ready,
      act('payment_requested', { amount: 8000 }),
      act('result_returned', {}, { by: 10 }),
    ]);
    assert.deepEqual([returnedUnpaid.status, returnedUnpaid.step], [10, 'returned']);
    assert.deepEqual(availableActions(returnedUnpaid, system), []);
  });

  it('when staff, the applicant or anyone else looks, then the payment marks are never theirs to take', () => {
    const s = fold([...logs().in_progress, act('payment_requested', { amount: 5000 })]);
    for (const [name, actor] of Object.entries(ACTORS)) {
      if (name === 'system') continue;
      const mine = availableActions(s, actor);
      assert.ok(!mine.some((a) => a.startsWith('payment_')), `${name} may ${mine.join(', ')}`);
    }
  });
});
