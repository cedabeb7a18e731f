import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActionType, BulletinStatus, Priority } from './broadcast.tables.ts';
import { availableActions, statusFromActions, type WorkflowActor } from './broadcast.workflow.ts';

const log = (...types: ActionType[]) => types.map((type) => ({ type, actorUserId: 1 }));
const operator: WorkflowActor = { userId: 1, operator: true, approver: false };
const approver: WorkflowActor = { userId: 2, operator: false, approver: true };
const both: WorkflowActor = { userId: 1, operator: true, approver: true };

const subject = (status: BulletinStatus, priority: Priority = 'normal', hasAudio = true) => ({
  status,
  priority,
  hasAudio,
  authorUserId: 1,
});

describe('bulletin workflow', () => {
  it('when the log is replayed, then the status follows draft → pending → approved', () => {
    assert.equal(statusFromActions(log('create')), 'draft');
    assert.equal(statusFromActions(log('create', 'submit')), 'pending');
    assert.equal(statusFromActions(log('create', 'submit', 'approve')), 'approved');
    assert.equal(statusFromActions(log('create', 'submit', 'reject', 'edit')), 'draft');
    assert.equal(statusFromActions(log('create', 'submit', 'approve', 'withdraw')), 'withdrawn');
    assert.equal(statusFromActions(log('create', 'broadcast')), 'broadcast');
  });

  it('when the log is impossible, then replaying it throws instead of guessing', () => {
    assert.throws(() => statusFromActions(log('submit')));
    assert.throws(() => statusFromActions(log('create', 'approve')));
    assert.throws(() => statusFromActions(log('create', 'submit', 'approve', 'edit')));
    assert.throws(() => statusFromActions(log('create', 'broadcast', 'broadcast')));
    assert.throws(() => statusFromActions([]));
  });

  it('when an operator has a draft with audio, then they may edit and submit it, not approve it', () => {
    assert.deepEqual(availableActions(subject('draft'), operator), ['edit', 'submit']);
  });

  it('when the draft has no audio yet, then it cannot be submitted', () => {
    assert.deepEqual(availableActions(subject('draft', 'normal', false), operator), ['edit']);
  });

  it('when a leader sees a pending bulletin, then they may approve, reject or withdraw it', () => {
    assert.deepEqual(availableActions(subject('pending'), approver), ['approve', 'reject', 'withdraw']);
  });

  it('when the author also holds the approver role, then they still cannot approve their own bulletin', () => {
    assert.deepEqual(availableActions(subject('pending'), both), ['withdraw']);
  });

  it('when a bulletin is approved, then the operator may schedule or withdraw it', () => {
    assert.deepEqual(availableActions(subject('approved'), operator), ['schedule', 'withdraw']);
    assert.deepEqual(availableActions(subject('approved'), approver), ['withdraw']);
  });

  it('when a bulletin is an emergency, then it skips approval: the operator broadcasts it, a leader has nothing to approve', () => {
    assert.deepEqual(availableActions(subject('draft', 'emergency'), operator), ['edit', 'broadcast']);
    assert.deepEqual(availableActions(subject('draft', 'emergency'), approver), []);
    // Broadcast once: a double tap on a bad link must not sound the alert twice.
    assert.deepEqual(availableActions(subject('broadcast', 'emergency'), operator), []);
  });

  it('when the bulletin is withdrawn, then nothing more can be done with it', () => {
    for (const who of [operator, approver, both])
      assert.deepEqual(availableActions(subject('withdrawn'), who), []);
  });
});
