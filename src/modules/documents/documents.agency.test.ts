import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { act, submitDossier } from '#modules/dossiers/index.ts';
import { saveProcedure } from '#modules/procedures/index.ts';
import { COMMUNE_A, createTestApp, type TestApp } from '#test/support/app.ts';
import {
  ctxFor,
  OUTPUT_APPLICANT,
  OUTPUT_PROCEDURE,
  type OutputSetup,
  setupOutputs,
} from '#test/support/outputs.ts';

/**
 * Issue 12, item 8: residence procedures belong to the commune police, with the forms of Circular
 * 66/2023/TT-BCA (docs/rules.md § Procedures catalogue). The one-stop forms 01–03 are refused for
 * them with a message saying so. Before this change form 01 was printed for them.
 */
describe('papers of a procedure the commune police decides', () => {
  let t: TestApp;
  let s: OutputSetup;
  const POLICE = { ...OUTPUT_PROCEDURE, code: '9.000406', agency: 'police' as const };

  before(async () => {
    t = await createTestApp({ clock: { now: () => new Date('2026-11-23T02:00:00Z') } });
    s = await setupOutputs(t);
    await saveProcedure(s.admin.ctx, POLICE);
  });
  after(() => t.close());

  it('when its dossier is received, then forms 01–03 are refused with the reason and not listed; form 06 is still there', async () => {
    const pdf = Buffer.from(
      '%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
      'latin1',
    );
    const toKhai = await t.platform.files.save(Readable.from([pdf]), { originalName: 'to-khai.pdf' });
    const { dossier } = await submitDossier(ctxFor(t, { kind: 'anonymous' }), s.deps, {
      procedureCode: POLICE.code,
      unitCode: COMMUNE_A,
      applicant: OUTPUT_APPLICANT,
      form: { mucDich: 'Đăng ký tạm trú', tinhTrang: 'docThan' },
      files: [{ documentId: 'toKhai', fileId: toKhai.id }],
    });
    await act(s.desk.ctx, s.deps, dossier.code, { type: 'receive' });
    const cookie = await t.signIn(s.desk.username);
    const slip = await t.app.inject({
      url: `/ho-so/${encodeURIComponent(dossier.code)}/giay-to/tiep-nhan.pdf`,
      headers: { cookie, accept: 'text/html' },
    });
    assert.equal(slip.statusCode, 409);
    assert.match(slip.body, /do Công an xã tiếp nhận và giải quyết/);
    assert.match(slip.body, /Thông tư số 66\/2023\/TT-BCA/);
    const list = await t.app.inject({ url: `/ho-so/${encodeURIComponent(dossier.code)}/giay-to?so=4321` });
    assert.equal(list.statusCode, 200);
    assert.doesNotMatch(list.body, /tiep-nhan\.pdf/);
    assert.match(list.body, /kiem-soat\.pdf/);
  });
});
