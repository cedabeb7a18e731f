import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Invalid } from '#platform/errors.ts';
import { COMMUNE_A, type TestApp } from '#test/support/app.ts';
import {
  ctxFor,
  fileDossier,
  OUTPUT_APPLICANT,
  type OutputSetup,
  setupOutputs,
} from '#test/support/outputs.ts';
import { feedbackTestApp } from './feedback.test-support.ts';
import { createReport } from './index.ts';

/** A complaint about a dossier, which the Decision 766 index counts against it (5.4). */
describe('feedback about a dossier', () => {
  let t: TestApp;
  let s: OutputSetup;
  let code: string;

  before(async () => {
    t = await feedbackTestApp();
    s = await setupOutputs(t);
    code = await fileDossier(t, s, 'refused');
  });
  after(() => t.close());

  const complaint = (dossierCode: string, contactPhone: string) =>
    createReport(
      ctxFor(t, { kind: 'anonymous' }),
      {
        categoryCode: 'other',
        placeCode: COMMUNE_A,
        description: 'Hồ sơ của tôi bị từ chối mà không nói rõ lý do.',
        contactPhone,
        dossierCode,
      },
      { channel: 'web' },
    );

  it('when the applicant names the dossier from its phone, then the report is about it and the report view feedback_facts publishes it', async () => {
    const { report } = await complaint(code.toLowerCase(), OUTPUT_APPLICANT.phone);
    assert.equal(report.dossierCode, code);
    const rows = await t.platform.database.query<{ dossier_code: string; code: string }>(
      'select dossier_code, code from feedback_facts where id = $1',
      [report.id],
    );
    assert.deepEqual(rows, [{ dossier_code: code, code: report.serviceRequestId }]);
  });

  it('when another phone or an unknown code names a dossier, then the field says so in both languages and nothing is made', async () => {
    for (const [dossierCode, phone] of [
      [code, '0912000111'],
      ['H99-260101-0001', OUTPUT_APPLICANT.phone],
    ] as const) {
      const err = await complaint(dossierCode, phone).catch((e: unknown) => e);
      assert.ok(err instanceof Invalid, String(err));
      assert.equal(err.fields[0]?.field, 'dossierCode');
      assert.match(err.fields[0]?.vi ?? '', /Không có hồ sơ mang mã này/);
      assert.match(err.fields[0]?.en ?? '', /No dossier with this code/);
    }
    const [{ n } = { n: 0 }] = await t.platform.database.query<{ n: number }>(
      'select count(*)::int as n from feedback_reports',
    );
    assert.equal(n, 1);
  });
});
