import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { asc, eq } from 'drizzle-orm';
import { fixedClock } from '#platform/clock.ts';
import { createTestApp, type TestApp } from '#test/support/app.ts';
import { fromJsonRow, fromJsonRows } from './dossiers.json-rows.ts';
import * as q from './dossiers.queries.ts';
import { dossierActions, dossiers } from './dossiers.tables.ts';
import { actApi, apiSubmit, created, setupDossiers } from './dossiers.test-support.ts';

/**
 * The tracking read gets a dossier and its log as JSON and decodes them with the columns' own
 * decoders (dossiers.json-rows.ts). Drizzle documents those only through `sql.mapWith`, so this
 * checks the decoding against Drizzle's own select of the same rows: a Drizzle upgrade that changes
 * how either reads a column fails here, not on the tracking page.
 */
describe('rows read back from JSON, as a Drizzle select reads them', () => {
  let t: TestApp;
  let code = '';

  before(async () => {
    t = await createTestApp({ clock: fixedClock(new Date('2026-03-02T01:30:00.123Z')) });
    const { ids } = await setupDossiers(t);
    const desk = await t.token('desk_a');
    const spec = await t.token('spec_a');
    const lead = await t.token('lead_a');
    code = created(await apiSubmit(t, { key: 'json-rows-key-00000001' })).code;
    // A decided dossier fills every kind of column: timestamps (due, decided), bigints (assignee),
    // smallints (status), text, jsonb (form data, payloads), and the nulls left (finished, overdue).
    for (const [token, body] of [
      [desk, { type: 'receive' }],
      [desk, { type: 'assign', assigneeId: ids.specialist, note: 'Giao xử lý' }],
      [spec, { type: 'submit_for_approval' }],
      [lead, { type: 'approve' }],
    ] as const) {
      const r = await actApi(t, token, code, body);
      assert.equal(r.statusCode, 200, r.body);
    }
  });
  after(() => t.close());

  const selected = async () => {
    const db = t.platform.database.db;
    const [dossier] = await db.select().from(dossiers).where(eq(dossiers.code, code));
    assert.ok(dossier);
    const actions = await db
      .select()
      .from(dossierActions)
      .where(eq(dossierActions.dossierId, dossier.id))
      .orderBy(asc(dossierActions.id));
    return { dossier, actions };
  };

  it('when a whole dossier row and its log go through row_to_json, then they read back equal to the select', async () => {
    const { dossier, actions } = await selected();
    assert.ok(dossier.decidedAt instanceof Date && dossier.assigneeId !== null, 'the row is filled in');
    const [row] = await t.platform.database.query<{ d: unknown; log: unknown }>(
      `select row_to_json(d) as d,
              (select json_agg(a order by a.id) from dossier_actions a where a.dossier_id = d.id) as log
       from dossiers d where d.code = $1`,
      [code],
    );
    assert.deepEqual(fromJsonRow(dossiers, row?.d), dossier);
    assert.deepEqual(fromJsonRows(dossierActions, row?.log), actions);
    // As text, as a function's json result may arrive.
    assert.deepEqual(fromJsonRow(dossiers, JSON.stringify(row?.d)), dossier);
  });

  it('when the tracking read sends the dossier and its log, then they equal the select, less what the public view never shows', async () => {
    const { dossier, actions } = await selected();
    const row = await q.findTrackedRow(t.platform.database, code, null);
    assert.ok(row);
    const tracked = q.trackedFromRow(row);
    assert.ok(tracked);
    const {
      formData: _f,
      applicantIdNumber: _i,
      applicantAddress: _a,
      applicantEmail: _e,
      idempotencyKey: _k,
      ...shown
    } = dossier;
    assert.deepEqual(tracked.dossier, shown);
    assert.deepEqual(tracked.actions, actions);
    assert.ok(tracked.dossier.dueAt instanceof Date, 'timestamps come back as dates');
  });
});
