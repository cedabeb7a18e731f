import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type DossierRecord, getDossierRecord } from '#modules/dossiers/index.ts';
import { confirmPayment } from '#modules/payments/index.ts';
import type { Actor } from '#platform/auth/actor.ts';
import { fixedClock } from '#platform/clock.ts';
import { tableSchema } from '../../../scripts/mock-dvcqg/fields.ts';
import type { CallRecord } from '../../../scripts/mock-dvcqg/portal.ts';
import {
  actApi,
  ctxFor,
  MADONVI,
  multipart,
  NATIONAL_CODE,
  pdfBytes,
  type SyncTest,
  setupSync,
  submitOnline,
  vnStamp,
} from './dvcqg.test-support.ts';

/**
 * A dossier's whole life, filed online, received, asked for a supplement, supplemented by the
 * applicant online, decided, its result handed over: after each step the worker delivers, and the
 * mock portal (which checks every field against docs/integrations/dvcqg.md) must have received the
 * right calls in the right order and hold what this side holds. "What this side holds" is read
 * from the dossiers module's own record (its log's status after each action), not from the module
 * under test.
 */
function staff(s: SyncTest, userId: number, role: 'receptionist'): Actor {
  const a = s.t.places.a;
  return {
    kind: 'staff',
    userId,
    username: 'desk_a',
    displayName: 'desk_a',
    grants: [{ role, placeId: a.id, placePath: a.path, placeName: a.fullName }],
  };
}

describe('a dossier’s life reaches the national portal, step by step', () => {
  const clock = fixedClock(new Date('2026-03-02T01:30:00Z')); // Mon 08:30 in Vietnam
  let s: SyncTest;
  let code: string;
  const tokens: Record<string, string> = {};
  let seen = 0;

  before(async () => {
    s = await setupSync(clock);
    for (const u of ['desk_a', 'spec_a', 'lead_a']) tokens[u] = await s.t.token(u);
  });
  after(() => s.close());

  /** Calls the mock received since the last look, for this dossier (the session call included). */
  const newCalls = (): CallRecord[] => {
    const calls = s.portal.state.calls.slice(seen);
    seen = s.portal.state.calls.length;
    return calls.filter((c) => c.service === 'login' || c.maHoSo.includes(code));
  };
  const shape = (calls: CallRecord[]) =>
    calls.map((c) =>
      c.service === 'DongBoHoSoMC'
        ? `DongBoHoSoMC:${(c.request as { isUpdating: string }).isUpdating}`
        : c.service,
    );

  /** The mock's dossier against ours: status, dates, and one progress entry per action, in order. */
  function assertSameView(d: DossierRecord) {
    const stored = s.portal.state.dossier(d.code);
    assert.ok(stored, `${d.code} is at the portal`);
    assert.equal(stored.madonvi, MADONVI);
    const cur = stored.current;
    assert.equal(cur.MaHoSo, d.code);
    assert.equal(cur.MaTTHC, NATIONAL_CODE);
    assert.equal(cur.TrangThaiHoSo, String(d.status), 'the national status the dossiers module computed');
    assert.equal(cur.ChuHoSo, d.applicant.name);
    assert.equal(cur.KenhThucHien, String(d.channel));
    assert.equal(cur.NgayNopHoSo, vnStamp(d.submittedAt));
    assert.equal(cur.NgayTiepNhan, vnStamp(d.validReceivedAt));
    assert.equal(cur.NgayHenTra, vnStamp(d.dueAt));
    assert.equal(cur.NgayKetThucXuLy, vnStamp(d.decidedAt));
    assert.deepEqual(
      stored.progress.map((p) => [p.entry.ThoiDiemXuLy, p.entry.TrangThai]),
      d.actions.map((a) => [vnStamp(a.at), String(a.statusAfter)]),
      'one progress entry per action, in order, none twice',
    );
    // What the mock keeps is exactly what it validated: check it again against the field table.
    tableSchema('HoSo').parse(cur);
    for (const p of stored.progress) tableSchema('TienDo').parse(p.entry);
  }

  const step = async (who: string, body: Record<string, unknown>) => {
    clock.advance(30 * 60_000);
    await actApi(s.t, tokens[who] as string, code, body);
  };
  const deliver = async () => {
    const r = await s.drain();
    assert.equal(r.failed + r.dead + r.held, 0, 'nothing failed');
    const d = await getDossierRecord(s.t.platform.database.db, { code });
    assertSameView(d);
    return d;
  };

  it('when filed online, then it is looked up, created, and its submission recorded, with valid fields', async () => {
    code = await submitOnline(s.t);
    await deliver();
    const calls = newCalls();
    assert.deepEqual(shape(calls), ['login', 'TraCuuHoSo', 'DongBoHoSoMC:False', 'CapNhatTienDoHoSoMC']);
    for (const c of calls)
      assert.equal((c.answer as { error_code: number }).error_code, 0, JSON.stringify(c.answer));
    const cur = s.portal.state.dossier(code)?.current ?? {};
    assert.equal(cur.TrangThaiHoSo, '1');
    assert.equal(cur.NgayTiepNhan, undefined, 'not received yet');
    assert.deepEqual(cur.DanhSachLePhi, [
      {
        TenPhiLePhi: 'Phí cấp bản sao trích lục',
        MaPhiLePhi: 'banSao',
        HinhThucThu: '1',
        Gia: '8000',
        LoaiPhiLePhi: '1',
      },
    ]);
    const files = cur.TaiLieuNop as { DuongDanTaiTepTin: string; TenTepDinhKem: string }[];
    assert.equal(files.length, 1);
    assert.equal(files[0]?.TenTepDinhKem, 'to-khai.pdf');
    // The portal can download it, by the signed link, and nothing else by a changed one.
    const url = new URL(files[0]?.DuongDanTaiTepTin ?? '');
    const got = await s.t.app.inject({ method: 'GET', url: `${url.pathname}${url.search}` });
    assert.equal(got.statusCode, 200);
    assert.deepEqual(got.rawPayload, pdfBytes('to khai 0'));
    const forged = await s.t.app.inject({ method: 'GET', url: `${url.pathname}?t=AAAAAAAAAAAAAAAAAAAAAA` });
    assert.equal(forged.statusCode, 404);
  });

  it('when received, then the dossier is updated (no second look-up, no second dossier), with the fee now due', async () => {
    await step('desk_a', { type: 'receive' });
    const d = await deliver();
    // The fee falls due at receipt: the payments module marks it (6) in the same breath.
    assert.deepEqual(
      d.actions.map((a) => a.type),
      ['submit', 'receive', 'payment_requested'],
    );
    assert.equal(d.status, 6);
    const calls = newCalls();
    assert.deepEqual(shape(calls), ['DongBoHoSoMC:True', 'CapNhatTienDoHoSoMC']);
    const progress = calls.at(-1)?.request as { data: { TrangThai: string }[] };
    assert.deepEqual(
      progress.data.map((e) => e.TrangThai),
      ['2', '6'],
      'two changes waiting: one update, one progress call carrying both, in order',
    );
  });

  it('when the fee is paid by transfer, then the payment reaches the portal', async () => {
    clock.advance(30 * 60_000);
    const dues = await s.t.platform.database.query<{ id: number }>(
      'select d.id from payment_dues d join dossiers x on x.id = d.dossier_id where x.code = $1',
      [code],
    );
    const desk = await s.t.user('desk_a', 'receptionist', '06541');
    await confirmPayment(
      ctxFor(s.t, staff(s, desk, 'receptionist'), clock),
      { publicUrl: s.t.platform.config.PUBLIC_URL },
      code,
      { dueIds: dues.map((x) => Number(x.id)), method: 'transfer' },
    );
    const d = await deliver();
    assert.equal(d.status, 4, 'paid at receipt: on to in progress (dossiers README)');
    assert.deepEqual(shape(newCalls()), ['DongBoHoSoMC:True', 'CapNhatTienDoHoSoMC']);
    assert.equal(s.portal.state.dossier(code)?.current.DuocThanhToanTrucTuyen, '1');
  });

  it('when a supplement is asked for and sent online, then both reach the portal with the supplement record', async () => {
    await step('desk_a', { type: 'assign', assigneeId: s.ids.specialist });
    await step('spec_a', { type: 'request_supplement', note: 'Tờ khai chưa có chữ ký' });
    const asked = await deliver();
    assert.equal(asked.status, 5);
    assert.deepEqual(shape(newCalls()), ['DongBoHoSoMC:True', 'CapNhatTienDoHoSoMC']);
    const request0 = s.portal.state.dossier(code)?.progress.at(-1)?.entry;
    assert.equal(request0?.NoiDungXuLy, 'Yêu cầu bổ sung hồ sơ: Tờ khai chưa có chữ ký');
    const request = (
      s.portal.state.dossier(code)?.current.DanhSachHoSoBoSung as Record<string, unknown>[] | undefined
    )?.[0];
    assert.equal(request?.NoiDungBoSung, 'Tờ khai chưa có chữ ký');
    assert.equal(request?.TrangThaiBoSung, '0');

    clock.advance(24 * 3600_000);
    const body = await multipart([
      { name: 'phone4', value: asked.applicant.phone.slice(-4) },
      { name: 'doc.toKhai', file: { filename: 'to-khai-ky.pdf', data: pdfBytes('co chu ky') } },
    ]);
    const sent = await s.t.app.inject({
      method: 'POST',
      url: `/api/v1/dossiers/${code}/supplements`,
      remoteAddress: '198.51.100.7',
      ...body,
    });
    assert.equal(sent.statusCode, 200, sent.body);
    const d = await deliver();
    assert.equal(d.status, 4);
    const cur = s.portal.state.dossier(code)?.current ?? {};
    const answered = (cur.DanhSachHoSoBoSung as Record<string, unknown>[])[0];
    assert.equal(answered?.TrangThaiBoSung, '1');
    assert.equal(answered?.NgayHenTraMoi, vnStamp(d.dueAt));
    assert.equal((answered?.DanhSachGiayToBoSung as unknown[] | undefined)?.length, 1);
    assert.equal((cur.TaiLieuNop as unknown[]).length, 2, 'the submission’s paper and the supplement’s');
    // A day later the portal's session (8 hours in the mock) has expired: it says so, the worker
    // signs in again once and repeats the call.
    assert.deepEqual(shape(newCalls()), [
      'DongBoHoSoMC:True',
      'login',
      'DongBoHoSoMC:True',
      'CapNhatTienDoHoSoMC',
    ]);
  });

  it('when decided, the result made ready and handed over, then the portal ends at 10 with the result', async () => {
    await step('spec_a', { type: 'submit_for_approval' });
    await step('lead_a', { type: 'approve' });
    const decided = await deliver();
    assert.equal(decided.status, 9);
    await step('desk_a', { type: 'result_ready' });
    await step('desk_a', { type: 'result_returned' });
    const d = await deliver();
    assert.equal(d.status, 10);
    const calls = newCalls();
    assert.deepEqual(shape(calls), [
      'DongBoHoSoMC:True',
      'CapNhatTienDoHoSoMC',
      'DongBoHoSoMC:True',
      'CapNhatTienDoHoSoMC',
    ]);
    // Two changes waiting are one update and one progress call carrying both entries, in order.
    const last = calls.at(-1)?.request as { data: { TrangThai: string }[] };
    assert.deepEqual(
      last.data.map((e) => e.TrangThai),
      ['9', '10'],
    );
    const cur = s.portal.state.dossier(code)?.current ?? {};
    assert.equal(cur.NgayTra, vnStamp(d.finishedAt));
    const result = (cur.DanhSachGiayToKetQua as { TenGiayTo: string; DuongDanTepTinKetQua: string }[])[0];
    assert.equal(result?.TenGiayTo, 'Giấy khai sinh');
    assert.match(result?.DuongDanTepTinKetQua ?? '', /\/ho-so\/.+\/giay-to\/ket-qua\.pdf\?t=/);
    // Created once, updated at every later step; every call answered 0.
    const versions = s.portal.state.dossier(code)?.versions ?? [];
    assert.deepEqual(
      versions.map((v) => v.isUpdating),
      ['False', ...Array(versions.length - 1).fill('True')],
    );
    assert.deepEqual(
      s.portal.state.calls.map((c) => (c.answer as { error_code: number }).error_code).filter((e) => e !== 0),
      [-2],
      'no call was refused, but for the one made with the expired session',
    );
    const row = await s.t.platform.database.query<{ state: string; n: number; sends: number }>(
      `select s.state, count(o.*)::int as n, max(o.sends)::int as sends
       from dvcqg_dossiers s join dvcqg_outbox o using (dossier_id) where s.code = $1 group by s.state`,
      [code],
    );
    assert.deepEqual(row, [{ state: 'synced', n: d.actions.length, sends: 1 }]);
  });
});
