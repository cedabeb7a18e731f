import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { ensureCatalogue } from '#modules/procedures/index.ts';
import { createTestApp, type TestApp } from '#test/support/app.ts';
import { formData } from '#test/support/multipart.ts';
import { cmd, householdFields, kitOf, setUpTeams, type Teams } from './fieldkit.test-support.ts';

const PROCEDURE = '1.011607'; // Công nhận hộ nghèo, hộ cận nghèo: a household's own business
const APPLICANT = {
  name: 'Hoàng Văn Páo',
  idNumber: '020085001234',
  phone: '0912345678',
  address: 'Thôn Khuổi Tào, xã Mẫu Sơn',
};
const FORM = {
  requestType: 'ho_can_ngheo',
  householdHeadName: 'Hoàng Văn Páo',
  village: 'Khuổi Tào',
  members: 5,
  situation: 'Mất mùa do lũ tháng 9, có người ốm lâu ngày.',
};

/** A photographed paper as the kit sends it: a JPEG of some tens of KB. */
function paperPhoto(seed: number) {
  const width = 900;
  const height = 1200;
  const raw = Buffer.alloc(width * height);
  for (let i = 0; i < raw.length; i++) raw[i] = ((i % width) * 7 + (i >> 10) * 13 + seed) & 0xff;
  return sharp(raw, { raw: { width, height, channels: 1 } })
    .jpeg({ quality: 60 })
    .toBuffer();
}

describe('assisted filing', () => {
  let t: TestApp;
  let teams: Teams;
  let token = '';
  let householdId = '';
  const q = <T>(sql: string, params: unknown[] = []) => t.platform.database.query<T>(sql, params);

  async function upload(id: string, bytes: Buffer, piece = 16 * 1024, who = token) {
    let last: { received: number; complete: boolean } = { received: 0, complete: false };
    for (let offset = 0; offset < bytes.length; offset += piece) {
      const res = await t.app.inject({
        method: 'PUT',
        url: `/api/v1/fieldkit/uploads/${id}?offset=${offset}&total=${bytes.length}&name=giay.jpg`,
        headers: { authorization: `Bearer ${who}`, 'content-type': 'application/octet-stream' },
        payload: bytes.subarray(offset, offset + piece),
      });
      assert.equal(res.statusCode, 200, res.body);
      last = res.json();
    }
    return last;
  }

  const filing = (over: Record<string, unknown> = {}) =>
    cmd('dossier.assist', {
      id: randomUUID(),
      householdId,
      procedureCode: PROCEDURE,
      applicant: APPLICANT,
      form: FORM,
      files: [],
      consent: { kind: 'paper', uploadId: randomUUID() },
      ...over,
    });

  before(async () => {
    t = await createTestApp();
    await ensureCatalogue(t.platform.database.db);
    teams = await setUpTeams(t);
    token = await t.token('member_a1');
    householdId = randomUUID();
    const [r] = await kitOf(t, token).push([
      cmd('household.create', { id: householdId, hamletId: teams.a1.id, fields: householdFields() }),
    ]);
    assert.equal(r?.status, 'applied');
  });
  after(() => t.close());

  it('when the kit asks for the catalogue, then it gets the commune’s procedures with their e-forms and papers', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/fieldkit/catalogue',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.statusCode, 200);
    const c = res.json();
    assert.match(c.version, /^[0-9a-f]{12}$/);
    const p = c.procedures.find((x: { code: string }) => x.code === PROCEDURE);
    assert.ok(p.form.some((f: { name: string }) => f.name === 'situation'));
    assert.deepEqual(
      p.documents.map((d: { id: string }) => d.id),
      ['supporting'],
    );
    assert.ok(c.procedures.length <= 60);
  });

  it('when a photo arrives in pieces, some twice and one too early, then it is stored once, whole', async () => {
    const bytes = await paperPhoto(1);
    const id = randomUUID();
    const put = (offset: number, end: number) =>
      t.app.inject({
        method: 'PUT',
        url: `/api/v1/fieldkit/uploads/${id}?offset=${offset}&total=${bytes.length}`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        payload: bytes.subarray(offset, end),
      });
    const piece = 10_000;
    assert.equal((await put(0, piece)).json().received, piece);
    assert.equal((await put(0, piece)).json().received, piece, 'a piece sent again adds nothing');
    const early = await put(piece * 2, piece * 3);
    assert.equal(early.statusCode, 409);
    assert.equal(early.json().received, piece, 'the kit learns where to resume');
    let last = await put(piece / 2, piece * 2); // overlaps what arrived
    for (let offset = piece * 2; offset < bytes.length; offset += piece)
      last = await put(offset, offset + piece);
    assert.deepEqual(last.json(), { id, received: bytes.length, total: bytes.length, complete: true });
    const [stored] = await q<{ size_bytes: number; mime_type: string }>(
      'select f.size_bytes, f.mime_type from fieldkit_uploads u join files f on f.id = u.file_id where u.id = $1',
      [id],
    );
    assert.deepEqual(stored, { size_bytes: bytes.length, mime_type: 'image/jpeg' });
  });

  it('when a member files for a household with a photographed consent, then the dossier is filed like any other, marked assisted, once however often it is sent', async () => {
    const consent = randomUUID();
    const paper = randomUUID();
    await upload(consent, await paperPhoto(2));
    await upload(paper, await paperPhoto(3));
    const command = filing({
      files: [{ documentId: 'supporting', uploadId: paper }],
      consent: { kind: 'paper', uploadId: consent },
    });
    const kit = kitOf(t, token);
    const [first] = await kit.push([command]);
    assert.equal(first?.status, 'applied', JSON.stringify(first));
    const code = first?.dossierCode ?? '';
    assert.match(code, /^20\.06541-\d{6}-0001$/);
    const [again] = await kit.push([command]);
    assert.deepEqual([again?.replayed, again?.dossierCode], [true, code]);

    const [d] = await q<{
      channel: number;
      assisted: boolean;
      helped_by: number;
      helped: string;
      status: number;
    }>(
      `select d.channel, d.assisted, d.helped_by, p.code as helped, d.status
         from dossiers d join places p on p.id = d.helped_place_id where d.code = $1`,
      [code],
    );
    const [member] = await q<{ id: number }>("select id from users where username = 'member_a1'");
    assert.deepEqual(d, {
      channel: 2,
      assisted: true,
      helped_by: member?.id,
      helped: teams.a1.code,
      status: 1,
    });
    const [n] = await q<{ n: number }>('select count(*)::int as n from dossiers where procedure_code = $1', [
      PROCEDURE,
    ]);
    assert.equal(n?.n, 1);
    const [facts] = await q<{ assisted: boolean }>('select assisted from dossier_facts where code = $1', [
      code,
    ]);
    assert.equal(facts?.assisted, true);
    const sms = await q<{ body: string }>(
      "select body from notifications where recipient = '0912345678' and template like 'dossiers.%'",
    );
    assert.equal(sms.length, 1, 'the citizen gets the dossier’s SMS, once');
    assert.match(sms[0]?.body ?? '', new RegExp(code));
    const track = await t.app.inject({ method: 'GET', url: `/api/v1/dossiers/${code}?phone4=5678` });
    assert.equal(track.statusCode, 200, 'the citizen tracks it like any other');
    const [record] = await q<{ consent_kind: string; member_name: string; dossier_code: string }>(
      'select consent_kind, member_name, dossier_code from fieldkit_assisted',
    );
    assert.deepEqual(record, { consent_kind: 'paper', member_name: 'member_a1', dossier_code: code });
  });

  it('when the citizen agrees by a code sent to their phone, then the code proves consent once, for that phone only', async () => {
    const ask = await t.app.inject({
      method: 'POST',
      url: '/api/v1/fieldkit/consent-codes',
      headers: { authorization: `Bearer ${token}` },
      payload: { phone: '0912 345 678' },
    });
    assert.equal(ask.statusCode, 200, ask.body);
    const [sms] = await q<{ body: string; place_path: string | null }>(
      "select body, place_path from notifications where template = 'fieldkit.consent' order by id desc limit 1",
    );
    const code: string = /Ma dong y (\d{6})/.exec(sms?.body ?? '')?.[1] ?? '';
    assert.ok(code, sms?.body ?? 'no consent SMS');
    assert.equal(
      sms?.place_path,
      teams.a1.path,
      'the SMS names the member’s hamlet (for the commune’s outbox)',
    );
    const verify = (c: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/fieldkit/consent-codes/verify',
        headers: { authorization: `Bearer ${token}` },
        payload: { phone: '0912345678', code: c },
      });
    const wrong = await verify(code === '000000' ? '111111' : '000000');
    assert.equal(wrong.statusCode, 400);
    assert.equal(wrong.json().errors[0].vi, 'Mã không đúng hoặc đã hết hạn.');
    const ok = await verify(code);
    assert.equal(ok.statusCode, 200);
    const consentToken = ok.json().token;
    const kit = kitOf(t, token);
    const other = await kit.push([
      filing({
        applicant: { ...APPLICANT, phone: '0987654321' },
        consent: { kind: 'otp', token: consentToken },
      }),
    ]);
    assert.equal(other[0]?.status, 'rejected', 'another phone’s filing cannot use this consent');
    const [filed] = await kit.push([filing({ consent: { kind: 'otp', token: consentToken } })]);
    assert.equal(filed?.status, 'applied', JSON.stringify(filed));
    const [reused] = await kit.push([filing({ consent: { kind: 'otp', token: consentToken } })]);
    assert.equal(reused?.status, 'rejected');
    assert.match(reused?.errors?.[0]?.vi ?? '', /Mã đồng ý không hợp lệ/);
  });

  it('when a photo is not all there yet, then the push fails as a whole and nothing is filed, so the kit sends it again', async () => {
    const consent = randomUUID();
    const bytes = await paperPhoto(4);
    await t.app.inject({
      method: 'PUT',
      url: `/api/v1/fieldkit/uploads/${consent}?offset=0&total=${bytes.length}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      payload: bytes.subarray(0, 1000),
    });
    const command = filing({ consent: { kind: 'paper', uploadId: consent } });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/fieldkit/push',
      headers: { authorization: `Bearer ${token}` },
      payload: { clientId: randomUUID(), appVersion: 't', commands: [command] },
    });
    assert.equal(res.statusCode, 503);
    const [claimed] = await q<{ n: number }>(
      'select count(*)::int as n from fieldkit_commands where command_id = $1',
      [command.id],
    );
    assert.equal(claimed?.n, 0);
  });

  it('when a member of A2 files for an A1 household, or a citizen field is wrong, then it is refused with the reason', async () => {
    const consent = randomUUID();
    await upload(consent, await paperPhoto(5), 16 * 1024, await t.token('member_a2'));
    const a2 = kitOf(t, await t.token('member_a2'));
    const [foreign] = await a2.push([filing({ consent: { kind: 'paper', uploadId: consent } })]);
    assert.equal(foreign?.status, 'rejected');
    const mine = randomUUID();
    await upload(mine, await paperPhoto(6));
    const [bad] = await kitOf(t, token).push([
      filing({ applicant: { ...APPLICANT, idNumber: '123' }, consent: { kind: 'paper', uploadId: mine } }),
    ]);
    assert.equal(bad?.status, 'rejected');
    assert.ok(bad?.errors?.some((e) => e.field === 'applicant.idNumber'));
  });

  it('when a member files without JavaScript, posting the camera’s photos, then the photos are shrunk and the dossier filed once', async () => {
    const cookie = await t.signIn('member_a1');
    const url = `/to-cong-nghe/ho/${householdId}/ho-so/${PROCEDURE}`;
    const page = await t.formToken(url, cookie);
    const html = (await t.app.inject({ method: 'GET', url, headers: { cookie } })).body;
    assert.match(html, /name="form_situation"/);
    assert.match(html, /name="doc_supporting" type="file"/);
    const commandId = /name="commandId" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const camera = await sharp(await paperPhoto(7))
      .resize(3000, 4000)
      .jpeg({ quality: 95 })
      .toBuffer();
    const fields = {
      _csrf: page.csrf,
      commandId,
      dossierId: commandId,
      consent: 'paper',
      'applicant.name': APPLICANT.name,
      'applicant.idNumber': APPLICANT.idNumber,
      'applicant.phone': '0356111222',
      'applicant.address': APPLICANT.address,
      form_requestType: 'ho_ngheo',
      form_householdHeadName: FORM.householdHeadName,
      form_village: FORM.village,
      form_members: '5',
      form_situation: FORM.situation,
    };
    const post = async () => {
      const body = await formData(fields, [
        { name: 'doc_supporting', filename: 'IMG_1.jpg', content: camera, type: 'image/jpeg' },
        { name: 'consent_photo', filename: 'IMG_2.jpg', content: camera, type: 'image/jpeg' },
      ]);
      return t.app.inject({
        method: 'POST',
        url,
        headers: { cookie: page.cookie, ...body.headers },
        payload: body.payload,
      });
    };
    const first = await post();
    assert.equal(first.statusCode, 303, first.body);
    assert.match(first.headers.location as string, /ok=filed&ma=20\.06541-/);
    const second = await post();
    assert.equal(second.headers.location, first.headers.location, 'the same form sent twice files once');
    const [n] = await q<{ n: number }>(
      "select count(*)::int as n from dossiers where applicant_phone = '0356111222'",
    );
    assert.equal(n?.n, 1);
    const sizes = await q<{ size_bytes: number }>(
      `select f.size_bytes from dossier_files df join files f on f.id = df.file_id
         join dossiers d on d.id = df.dossier_id where d.applicant_phone = '0356111222'`,
    );
    assert.equal(sizes.length, 1);
    assert.ok(
      (sizes[0]?.size_bytes ?? 0) < camera.length / 4,
      `shrunk from ${camera.length} to ${sizes[0]?.size_bytes}`,
    );
    const noConsent = await formData({ ...fields, commandId: randomUUID() });
    const missing = await t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: page.cookie, ...noConsent.headers },
      payload: noConsent.payload,
    });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /Chụp giấy đồng ý có chữ ký/);
  });

  it('when the commune looks at its figures, then the assisted dossiers are counted', async () => {
    const cookie = await t.signIn('admin_a');
    const csv = await t.app.inject({
      method: 'GET',
      url: `/quan-tri/to-cong-nghe/thong-ke.csv?noi=${t.places.a.code}&tu=2000-01-01&den=2100-12-31`,
      headers: { cookie },
    });
    const total = csv.body.split('\r\n').find((l) => l.startsWith('tong,'));
    assert.equal(total?.split(',').at(-1), '3');
  });
});
