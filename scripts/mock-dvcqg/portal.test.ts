import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { TABLES, type TableId, tableSchema } from './fields.ts';
import { type MockPortal, startMockPortal } from './portal.ts';

/**
 * The mock national portal seen from outside, over real HTTP: what a sync client will meet.
 */
type Json = Record<string, unknown>;

const AGENCY = 'H15.50.05.13';
const CODE = 'H15.50.05.13-261008-0975';

/** A dossier with every field of the table filled, in the forms the document gives. */
function fullDossier(overrides: Json = {}): Json {
  const file = {
    TepDinhKemId: '41',
    TenTepDinhKem: 'Giấy chứng sinh',
    IsDeleted: 'False',
    MaThanhPhanHoSo: 'GT-KS-02',
    DuongDanTaiTepTin: 'https://xaso.example/files/41',
    DuocSoHoa: '1',
    DuocTaiSuDung: '0',
    DuocLayTuKhoDMQG: '0',
    MaKetQuaThayThe: 'KQ.G14.000009',
  };
  const fee = {
    TenPhiLePhi: 'Lệ phí',
    MaPhiLePhi: 'LP-KS',
    HinhThucThu: '1',
    Gia: '8000',
    LoaiPhiLePhi: '1',
  };
  return {
    MaHoSo: CODE,
    MaTTHC: '1.001193',
    TenTTHC: 'Đăng ký khai sinh',
    MaLinhVuc: 'G14-TP05',
    TenLinhVuc: 'Hộ tịch',
    KenhThucHien: '2',
    SoBienNhan: 'BN-0975',
    ChuHoSo: 'Hoàng Thị Mai',
    SoGiayToChuHoSo: '020190001234',
    LoaiDoiTuong: '1',
    MaDoiTuong: 'tech-123',
    ThongTinKhac: 'Không',
    Email: 'mai@example.vn',
    Fax: '0205387000',
    SoDienThoai: '0912345678',
    TrichYeuHoSo: 'Đăng ký khai sinh cho con',
    NgayNopHoSo: '20261008091500',
    NgayTiepNhan: '20261008143000',
    NgayHenTra: '20261009170000',
    TrangThaiHoSo: '2',
    NgayTra: '20261009160000',
    ThongTinTra: 'Trả tại Bộ phận Một cửa',
    HinhThuc: '0',
    NgayKetThucXuLy: '20261009150000',
    NgayTuChoi: '',
    DonViXuLy: 'Ủy ban nhân dân xã Tân Thanh',
    GhiChu: 'Ghi chú',
    NoiNopHoSo: '2',
    HoSoCoThanhPhanSoHoa: '1',
    TaiKhoanDuocXacThucVoiVNeID: '1',
    DuocThanhToanTrucTuyen: '0',
    TaiLieuNop: [file],
    DanhSachGiayToKetQua: [
      {
        TenGiayTo: 'Giấy khai sinh',
        MaThanhPhanHoSo: 'KQ',
        GiayToId: '77',
        DuongDanTepTinKetQua: 'https://xaso.example/files/77',
        MaGiayToKetQua: 'KQ.G14.000001',
      },
    ],
    DanhSachLePhi: [fee],
    DanhSachTepDinhKemKhac: [{ TenGiayTo: 'Sổ hộ khẩu', SoLuong: 1, LoaiGiayTo: 1 }],
    DanhSachHoSoBoSung: [
      {
        HoSoBoSungId: '5',
        NguoiYeuCauBoSung: 'Lường Văn Hải',
        NoiDungBoSung: 'Bổ sung giấy chứng sinh bản chính',
        NgayBoSung: '20261008150000',
        NguoiTiepNhanBoSung: 'Lường Văn Hải',
        ThongTinTiepNhan: 'Đã nhận',
        NgayTiepNhanBoSung: '20261008160000',
        TrangThaiBoSung: '1',
        DanhSachGiayToBoSung: [file],
        DanhSachLePhiBoSung: [fee],
        NgayHenTraTruoc: '20261009170000',
        NgayHenTraMoi: '20261012170000',
      },
    ],
    DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: '020190001234' }],
    DSKetNoiCSDL: [{ MaCSDL: '7' }],
    ...overrides,
  };
}

function progressEntry(overrides: Json = {}): Json {
  return {
    MaHoSo: CODE,
    NguoiXuLy: 'Lường Văn Hải',
    ChucDanh: 'Công chức tư pháp – hộ tịch',
    ThoiDiemXuLy: '20261008143000',
    PhongBanXuLy: 'Bộ phận Một cửa',
    NoiDungXuLy: 'Tiếp nhận hồ sơ',
    TrangThai: '2',
    NgayBatDau: '20261008143000',
    NgayKetThucTheoQuyDinh: '20261009170000',
    ...overrides,
  };
}

let portal: MockPortal;

async function post(route: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(portal.url + route, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

async function session(): Promise<string> {
  const { body } = await post(portal.paths.auth, portal.credentials);
  assert.equal(body.error_code, 0, JSON.stringify(body));
  return body.session as string;
}

async function call(service: string, fields: Json, pathKey: 'integration' | 'share' = 'integration') {
  return post(portal.paths[pathKey], { session: await session(), madonvi: AGENCY, service, ...fields });
}

const sync = (data: Json[], isUpdating = 'False') => call('DongBoHoSoMC', { isUpdating, data });

async function control(route: string, method: string, body?: unknown) {
  const res = await fetch(`${portal.url}/_mock/${route}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as Json };
}

/** The answer must match the document's answer table for that call. */
function assertAnswer(table: TableId, answer: Json) {
  const parsed = tableSchema(table).safeParse(answer);
  assert.ok(parsed.success, `${table}: ${JSON.stringify(parsed.error?.issues)}`);
}

before(async () => {
  portal = await startMockPortal({ port: 0 });
});
after(async () => {
  await portal.close();
});
beforeEach(() => {
  portal.state.reset();
  portal.faults.clear();
});

describe('mock portal: accepted calls', () => {
  it('when a dossier is looked up, created, progressed and updated, then each answer is 0 and the mock keeps it all', async () => {
    const before = await call('TraCuuHoSo', { mahoso: CODE });
    assertAnswer('TraCuuHoSo.answer', before.body);
    assert.deepEqual(before.body.result, []);

    const created = await sync([fullDossier()]);
    assert.equal(created.body.error_code, 0, JSON.stringify(created.body));
    assertAnswer('DongBoHoSoMC.answer', created.body);
    assert.match(String(created.body.message), /thành công/);

    const progressed = await call('CapNhatTienDoHoSoMC', { data: [progressEntry()] });
    assert.equal(progressed.body.error_code, 0, JSON.stringify(progressed.body));
    assertAnswer('CapNhatTienDoHoSoMC.answer', progressed.body);

    const found = await call('TraCuuHoSo', { mahoso: CODE });
    assertAnswer('TraCuuHoSo.answer', found.body);
    assert.equal((found.body.result as Json[])[0]?.TrangThaiHoSo, '2');

    const updated = await sync([fullDossier({ TrangThaiHoSo: '4' })], 'True');
    assert.equal(updated.body.error_code, 0, JSON.stringify(updated.body));

    const view = await fetch(`${portal.url}/_mock/dossiers/${encodeURIComponent(CODE)}`).then(
      (r) => r.json() as Promise<Json>,
    );
    assert.deepEqual(view.current, fullDossier({ TrangThaiHoSo: '4' }));
    assert.equal(view.madonvi, AGENCY);
    assert.deepEqual(
      (view.versions as Json[]).map((v) => [v.isUpdating, (v.data as Json).TrangThaiHoSo]),
      [
        ['False', '2'],
        ['True', '4'],
      ],
    );
    assert.deepEqual(
      (view.progress as Json[]).map((p) => p.entry),
      [progressEntry()],
    );

    const calls = (await control('calls', 'GET')).body.calls as Json[];
    const portalCalls = calls.filter((c) => c.service !== 'login');
    assert.deepEqual(
      portalCalls.map((c) => [c.service, c.applied]),
      [
        ['TraCuuHoSo', false],
        ['DongBoHoSoMC', true],
        ['CapNhatTienDoHoSoMC', true],
        ['TraCuuHoSo', false],
        ['DongBoHoSoMC', true],
      ],
    );
    const login = calls.find((c) => c.service === 'login');
    assert.ok(login, 'the session call is recorded');
    assert.equal((login.request as Json).password, '***', 'the password is never kept');
  });

  it('when a dossier has only its required fields, with empty optional ones, then it is accepted', async () => {
    const required = Object.fromEntries(
      TABLES.HoSo.fields.filter((f) => f.required !== false).map((f) => [f.name, fullDossier()[f.name]]),
    );
    const res = await sync([{ ...required, Email: '', NgayHenTra: null, TaiLieuNop: [] }]);
    assert.equal(res.body.error_code, 0, JSON.stringify(res.body));
  });

  it('when an online dossier is not yet received (status 1), then NgayTiepNhan may be empty', async () => {
    const res = await sync([fullDossier({ TrangThaiHoSo: '1', NgayTiepNhan: '' })]);
    assert.equal(res.body.error_code, 0, JSON.stringify(res.body));
  });

  it('when a create repeats for a dossier the portal holds, then it answers 3 "đã tồn tại" and keeps one dossier', async () => {
    await sync([fullDossier()]);
    const again = await sync([fullDossier()]);
    assert.equal(again.body.error_code, 3);
    assert.match(String(again.body.message), /đã tồn tại/);
    assert.equal(portal.state.dossier(CODE)?.versions.length, 1);
  });

  it('when an update or progress names an unknown dossier, then it answers -4 and keeps nothing', async () => {
    assert.equal((await sync([fullDossier()], 'True')).body.error_code, -4);
    assert.equal((await call('CapNhatTienDoHoSoMC', { data: [progressEntry()] })).body.error_code, -4);
    assert.equal(portal.state.dossiers.size, 0);
  });

  it('when the catalogue is asked for, then every answer follows the document and LayThuTuc finds one procedure', async () => {
    const lists = [
      ['LayDanhMucCoQuan', 'LayDanhMucCoQuan.answer'],
      ['LayDanhMucLinhVuc', 'LayDanhMucLinhVuc.answer'],
      ['LayDanhSachTTHC', 'LayDanhSachTTHC.answer'],
    ] as const;
    for (const [service, table] of lists) {
      const res = await call(service, {}, 'share');
      assertAnswer(table, res.body);
      assert.ok((res.body.result as unknown[]).length > 0, service);
    }
    const one = await call('LayThuTuc', { maTTHC: '1.001193' });
    assertAnswer('LayThuTuc.answer', one.body);
    assert.equal(((one.body.result as Json[])[0] as Json).TENTTHC, 'Đăng ký khai sinh');
    const none = await call('LayThuTuc', { maTTHC: '9.999999' });
    assert.deepEqual(none.body.result, []);
  });
});

describe('mock portal: refused calls', () => {
  /** A value of the wrong kind for each type in the table. */
  function wrong(type: (typeof TABLES.HoSo.fields)[number]['type']): unknown {
    switch (type.kind) {
      case 'array':
        return 'not a list';
      case 'integer':
      case 'number':
        return 'one';
      default:
        return 12;
    }
  }

  const nested: [TableId, (value: Json) => Json[]][] = [
    ['HoSo', (v) => [fullDossier(v)]],
    [
      'TaiLieuNop',
      (v) => [fullDossier({ TaiLieuNop: [{ ...(fullDossier().TaiLieuNop as Json[])[0], ...v }] })],
    ],
    [
      'LePhi',
      (v) => [fullDossier({ DanhSachLePhi: [{ ...(fullDossier().DanhSachLePhi as Json[])[0], ...v }] })],
    ],
    [
      'HoSoBoSung',
      (v) => [
        fullDossier({ DanhSachHoSoBoSung: [{ ...(fullDossier().DanhSachHoSoBoSung as Json[])[0], ...v }] }),
      ],
    ],
  ];
  const prefixes: Record<string, string> = {
    HoSo: 'data[0].',
    TaiLieuNop: 'data[0].TaiLieuNop[0].',
    LePhi: 'data[0].DanhSachLePhi[0].',
    HoSoBoSung: 'data[0].DanhSachHoSoBoSung[0].',
  };

  for (const [table, build] of nested) {
    it(`when any field of ${table} has a value of the wrong type, then the call answers -1 naming that field`, async () => {
      for (const field of TABLES[table].fields) {
        const res = await sync(build({ [field.name]: wrong(field.type) }));
        assert.equal(res.body.error_code, -1, `${table}.${field.name}: ${JSON.stringify(res.body)}`);
        const errors = res.body.errors as { field: string; vi: string; en: string }[];
        assert.ok(
          errors.some((e) => e.field === prefixes[table] + field.name && e.vi && e.en),
          `${table}.${field.name}: ${JSON.stringify(errors)}`,
        );
        assert.match(String(res.body.message), new RegExp(`${field.name}.* / Invalid data`));
      }
      assert.equal(portal.state.dossiers.size, 0, 'a refused call keeps nothing');
    });

    it(`when a required field of ${table} is missing or empty, then the call answers -1 naming it`, async () => {
      for (const field of TABLES[table].fields.filter((f) => f.required === true)) {
        for (const value of [undefined, '']) {
          const res = await sync(build({ [field.name]: value }));
          assert.equal(res.body.error_code, -1, `${table}.${field.name}=${value}`);
          const errors = res.body.errors as { field: string }[];
          assert.ok(
            errors.some((e) => e.field === prefixes[table] + field.name),
            `${field.name}: ${JSON.stringify(errors)}`,
          );
        }
      }
    });
  }

  it('when values break their format, then each is refused with its own message', async () => {
    const cases: [Json, string, RegExp][] = [
      [{ NgayTiepNhan: '20260230143000' }, 'data[0].NgayTiepNhan', /yyyyMMddHHmmss/],
      [{ NgayHenTra: '2026-10-09 17:00:00' }, 'data[0].NgayHenTra', /yyyyMMddHHmmss/],
      [{ MaHoSo: 'HS 975' }, 'data[0].MaHoSo', /mã hồ sơ/],
      [{ MaTTHC: 'khai-sinh' }, 'data[0].MaTTHC', /mã thủ tục/],
      [{ TrangThaiHoSo: '11' }, 'data[0].TrangThaiHoSo', /1, 2, 3/],
      [{ LoaiDoiTuong: '0' }, 'data[0].LoaiDoiTuong', /1, 2, 3, 4/],
      [{ HinhThuc: '2' }, 'data[0].HinhThuc', /0, 1/],
      [{ TrichYeuHoSo: 'x'.repeat(1001) }, 'data[0].TrichYeuHoSo', /1000/],
      [{ TrangThaiHoSo: '2', NgayTiepNhan: '' }, 'data[0].NgayTiepNhan', /TrangThaiHoSo ≠ 1/],
      [{ Ngaytra: '20261009160000' }, 'data[0].Ngaytra', /bảng trường/],
    ];
    for (const [change, field, pattern] of cases) {
      const res = await sync([fullDossier(change)]);
      const errors = res.body.errors as { field: string; vi: string }[];
      const hit = errors?.find((e) => e.field === field);
      assert.ok(hit, `${field}: ${JSON.stringify(res.body)}`);
      assert.match(hit.vi, pattern);
    }
  });

  it('when a progress call has bad entries or more than ten, then it answers -1', async () => {
    await sync([fullDossier()]);
    const bad = await call('CapNhatTienDoHoSoMC', {
      data: [progressEntry({ ThoiDiemXuLy: '', TrangThai: 2 })],
    });
    assert.deepEqual((bad.body.errors as { field: string }[]).map((e) => e.field).sort(), [
      'data[0].ThoiDiemXuLy',
      'data[0].TrangThai',
    ]);
    const many = await call('CapNhatTienDoHoSoMC', {
      data: Array.from({ length: 11 }, () => progressEntry()),
    });
    assert.equal(many.body.error_code, -1);
    assert.equal(portal.state.dossier(CODE)?.progress.length, 0);
  });

  it('when the envelope is wrong, then the call is refused before anything is kept', async () => {
    const s = await session();
    const noSession = await post(portal.paths.integration, {
      madonvi: AGENCY,
      service: 'TraCuuHoSo',
      mahoso: CODE,
    });
    assert.equal(noSession.body.error_code, -2);
    const badAgency = await post(portal.paths.integration, {
      session: s,
      madonvi: 'xã Tân Thanh',
      service: 'TraCuuHoSo',
      mahoso: CODE,
    });
    assert.deepEqual(
      (badAgency.body.errors as { field: string }[]).map((e) => e.field),
      ['madonvi'],
    );
    const unknown = await post(portal.paths.integration, { session: s, madonvi: AGENCY, service: 'XoaHoSo' });
    assert.equal(unknown.body.error_code, -1);
    assert.match(String(unknown.body.message), /XoaHoSo/);
    const notJson = await post(portal.paths.integration, '{"session":', {});
    assert.equal(notJson.body.error_code, -1);
    const wrongType = await post(
      portal.paths.integration,
      JSON.stringify({ session: s, madonvi: AGENCY, service: 'TraCuuHoSo', mahoso: CODE }),
      { 'content-type': 'text/plain' },
    );
    assert.match(String(wrongType.body.message), /Content-Type/);
    const badLogin = await post(portal.paths.auth, {
      username: portal.credentials.username,
      password: 'sai',
    });
    assert.equal(badLogin.body.error_code, -2);
    assert.equal(badLogin.body.session, undefined);
  });

  it('when sessions expire (by the clock passed in, or by the control endpoint), then calls answer -2', async () => {
    let now = new Date('2026-10-08T07:00:00Z');
    const timed = await startMockPortal({ port: 0, sessionTtlMs: 60_000, now: () => now });
    try {
      const login = await fetch(timed.url + timed.paths.auth, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(timed.credentials),
      }).then((r) => r.json() as Promise<Json>);
      const ask = () =>
        fetch(timed.url + timed.paths.integration, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            session: login.session,
            madonvi: AGENCY,
            service: 'TraCuuHoSo',
            mahoso: CODE,
          }),
        }).then((r) => r.json() as Promise<Json>);
      assert.equal((await ask()).error_code, 0);
      now = new Date(now.getTime() + 61_000);
      assert.equal((await ask()).error_code, -2);
    } finally {
      await timed.close();
    }
    const s = await session();
    await control('sessions/expire', 'POST');
    const res = await post(portal.paths.integration, {
      session: s,
      madonvi: AGENCY,
      service: 'TraCuuHoSo',
      mahoso: CODE,
    });
    assert.equal(res.body.error_code, -2);
  });

  it('when started with a dstcode or a "00" success code, then it requires the header and answers "00"', async () => {
    const strict = await startMockPortal({
      port: 0,
      dstcode: 'VN:GOV:000.00.00.G22:vpcpdvcprovider',
      successCode: '00',
    });
    try {
      const login = (headers: Record<string, string>) =>
        fetch(strict.url + strict.paths.auth, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(strict.credentials),
        }).then((r) => r.json() as Promise<Json>);
      assert.equal((await login({})).error_code, -1);
      const ok = await login({ dstcode: 'VN:GOV:000.00.00.G22:vpcpdvcprovider' });
      assert.equal(ok.error_code, '00');
      assert.equal(typeof ok.session, 'string');
    } finally {
      await strict.close();
    }
  });
});

describe('mock portal: faults', () => {
  async function addFault(fault: Json) {
    const res = await control('faults', 'POST', fault);
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }

  it('when told to refuse a session, then the next session call answers -2 without a session, and the one after works', async () => {
    await addFault({ kind: 'refuse-session' });
    const refused = await post(portal.paths.auth, portal.credentials);
    assert.equal(refused.body.error_code, -2);
    assert.equal(refused.body.session, undefined);
    assert.equal(typeof (await session()), 'string');
  });

  it('when told to answer an error code for the next 2 calls, then exactly those fail and keep nothing', async () => {
    await addFault({
      kind: 'error-code',
      service: 'DongBoHoSoMC',
      times: 2,
      errorCode: 7,
      message: 'bảo trì',
    });
    assert.equal((await sync([fullDossier()])).body.error_code, 7);
    assert.equal((await sync([fullDossier()])).body.error_code, 7);
    assert.equal(portal.state.dossiers.size, 0);
    assert.equal((await sync([fullDossier()])).body.error_code, 0);
  });

  it('when told to fail one dossier until cleared, then only that dossier fails', async () => {
    const other = 'H15.50.05.13-261008-0976';
    await addFault({ kind: 'error-code', maHoSo: CODE, untilCleared: true });
    for (let i = 0; i < 3; i++) assert.equal((await sync([fullDossier()])).body.error_code, -9);
    assert.equal((await sync([fullDossier({ MaHoSo: other })])).body.error_code, 0);
    assert.equal((await call('TraCuuHoSo', { mahoso: CODE })).body.error_code, -9);
    await control('faults', 'DELETE');
    assert.equal((await sync([fullDossier()])).body.error_code, 0);
  });

  it('when told to answer HTTP 500, then the status is 500 and nothing is kept unless asked to apply', async () => {
    await addFault({ kind: 'http-500', service: 'DongBoHoSoMC' });
    const res = await fetch(portal.url + portal.paths.integration, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        session: await session(),
        madonvi: AGENCY,
        service: 'DongBoHoSoMC',
        isUpdating: 'False',
        data: [fullDossier()],
      }),
    });
    assert.equal(res.status, 500);
    await res.text();
    assert.equal(portal.state.dossiers.size, 0);
    await addFault({ kind: 'http-500', service: 'DongBoHoSoMC', apply: true });
    const applied = await fetch(portal.url + portal.paths.integration, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        session: await session(),
        madonvi: AGENCY,
        service: 'DongBoHoSoMC',
        isUpdating: 'False',
        data: [fullDossier()],
      }),
    });
    assert.equal(applied.status, 500);
    await applied.text();
    assert.equal(portal.state.dossiers.size, 1);
  });

  it('when told to time out, then a client that waits less gives up while the write still happens, and a patient one gets the answer late', async () => {
    await addFault({ kind: 'timeout', service: 'DongBoHoSoMC', ms: 400 });
    const s = await session();
    const body = JSON.stringify({
      session: s,
      madonvi: AGENCY,
      service: 'DongBoHoSoMC',
      isUpdating: 'False',
      data: [fullDossier()],
    });
    await assert.rejects(
      fetch(portal.url + portal.paths.integration, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(50),
      }),
      /TimeoutError|aborted/,
    );
    assert.equal(portal.state.dossiers.size, 1, 'the portal carried the call out');

    await addFault({ kind: 'timeout', service: 'TraCuuHoSo', ms: 300 });
    const t0 = performance.now();
    const late = await call('TraCuuHoSo', { mahoso: CODE });
    assert.ok(performance.now() - t0 >= 290, 'held for the time asked');
    assert.equal(late.body.error_code, 0);
  });

  it('when told to drop the connection mid-answer, then a real HTTP client sees a cut response while the write happened', async () => {
    await addFault({ kind: 'drop', service: 'DongBoHoSoMC' });
    const payload = JSON.stringify({
      session: await session(),
      madonvi: AGENCY,
      service: 'DongBoHoSoMC',
      isUpdating: 'False',
      data: [fullDossier()],
    });
    const url = new URL(portal.url + portal.paths.integration);
    const outcome = await new Promise<{
      status?: number;
      received: number;
      expected: number;
      error?: string;
    }>((resolve) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          let received = 0;
          const expected = Number(res.headers['content-length']);
          res.on('data', (c: Buffer) => {
            received += c.length;
          });
          res.on('error', (e) => resolve({ status: res.statusCode, received, expected, error: e.message }));
          res.on('end', () => resolve({ status: res.statusCode, received, expected }));
        },
      );
      req.on('error', (e) => resolve({ received: 0, expected: 0, error: e.message }));
      req.end(payload);
    });
    assert.equal(outcome.status, 200);
    assert.ok(outcome.error, 'the response ended in an error, not cleanly');
    assert.ok(outcome.received < outcome.expected, `got ${outcome.received} of ${outcome.expected} bytes`);
    assert.equal(portal.state.dossiers.size, 1, 'the dossier was kept although the answer was lost');

    // fetch sees the same cut: reading the body fails.
    await addFault({ kind: 'drop', service: 'TraCuuHoSo', apply: false });
    const res = await fetch(portal.url + portal.paths.integration, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        session: await session(),
        madonvi: AGENCY,
        service: 'TraCuuHoSo',
        mahoso: CODE,
      }),
    });
    await assert.rejects(res.json());
    const calls = (await control('calls', 'GET')).body.calls as Json[];
    assert.deepEqual(
      calls.filter((c) => c.fault).map((c) => [c.service, (c.fault as Json).kind, c.applied]),
      [
        ['DongBoHoSoMC', 'drop', true],
        ['TraCuuHoSo', 'drop', false],
      ],
    );
  });

  it('when a fault is malformed, then the control endpoint refuses it field by field', async () => {
    const res = await control('faults', 'POST', { kind: 'error-code', errorCode: 0, times: -1 });
    assert.equal(res.status, 400);
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field).sort();
    assert.deepEqual(fields, ['errorCode', 'times']);
    const session = await control('faults', 'POST', { kind: 'refuse-session', service: 'TraCuuHoSo' });
    assert.equal(session.status, 400);
  });
});

describe('npm run mock:dvcqg', () => {
  it('when started as a program, then it prints its address and answers there until stopped', async () => {
    const child = spawn(
      process.execPath,
      [path.resolve('node_modules/tsx/dist/cli.mjs'), 'scripts/mock-dvcqg/main.ts', '--port', '0', '--quiet'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const m = /Mock Cổng DVCQG: (http:\/\/\S+)/.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const health = await fetch(`${url}/_mock/health`).then((r) => r.json() as Promise<Json>);
      assert.deepEqual(health, { status: 'ok' });
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
