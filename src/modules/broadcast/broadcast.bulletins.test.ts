import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { COMMUNE_A, cookiesOf } from '#test/support/app.ts';
import { parseCap } from './broadcast.cap.ts';
import { recordPlays } from './broadcast.sync.service.ts';
import {
  audioSkip,
  type BroadcastTestApp,
  requireAudioTools,
  startBroadcastApp,
} from './broadcast.test-support.ts';
import { inspectAudio } from './tts/index.ts';
import { runTool } from './tts/run-tool.ts';

type Row = Record<string, unknown>;

async function multipart(
  fields: Record<string, string>,
  file?: { name: string; filename: string; type: string; data: Buffer },
) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  if (file) fd.append(file.name, new Blob([new Uint8Array(file.data)], { type: file.type }), file.filename);
  const res = new Response(fd);
  return {
    payload: Buffer.from(await res.arrayBuffer()),
    headers: { 'content-type': res.headers.get('content-type') ?? '' },
  };
}

/**
 * The operator's pages on a phone, without JavaScript: compose and hear a bulletin, get it approved,
 * schedule it, broadcast an emergency with a confirmation step, read the reports; and the public page.
 */
describe('operator and public pages', { skip: audioSkip }, () => {
  let t: BroadcastTestApp;
  const cookies = new Map<string, string>();
  const query = <T = Row>(text: string, params?: unknown[]) => t.platform.database.query<T>(text, params);

  const get = (user: string | undefined, url: string) =>
    t.app.inject({
      method: 'GET',
      url,
      headers: { cookie: user ? (cookies.get(user) ?? '') : '', accept: 'text/html' },
    });

  async function post(user: string, page: string, action: string, fields: Record<string, string | string[]>) {
    const { csrf, cookie } = await t.formToken(page, cookies.get(user));
    cookies.set(user, cookie);
    const body = new URLSearchParams();
    body.append('_csrf', csrf);
    for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) body.append(k, x);
    return t.app.inject({
      method: 'POST',
      url: action,
      headers: { cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      payload: body.toString(),
    });
  }

  async function compose(
    user: string,
    fields: Record<string, string>,
    file?: Parameters<typeof multipart>[1],
  ) {
    const page = `/quan-tri/loa/xa/${COMMUNE_A}/ban-tin/moi`;
    const { csrf, cookie } = await t.formToken(page, cookies.get(user));
    const body = await multipart({ _csrf: csrf, ...fields }, file);
    return t.app.inject({
      method: 'POST',
      url: page,
      headers: { ...body.headers, cookie, accept: 'text/html' },
      payload: body.payload,
    });
  }

  before(async () => {
    requireAudioTools();
    t = await startBroadcastApp({ villages: 2, start: false });
    for (const u of ['op_a', 'leader_a', 'admin_a', 'op_b']) cookies.set(u, await t.signIn(u));
  });
  after(() => t?.shutdown());

  let bulletinId = 0;

  it('when an operator writes a bulletin on the page, then it is spoken with numbers read as words, stored as Opus ≤ 32 kbps with its hash and duration, and can be heard without JavaScript', async () => {
    const res = await compose('op_a', {
      title: 'Lịch tiêm phòng',
      body: 'UBND xã thông báo: 7h30 ngày 15/3, trạm y tế tiêm phòng cho trẻ em cách trung tâm 10 km.',
      priority: 'normal',
      voice: 'vi',
    });
    assert.equal(res.statusCode, 303, res.body);
    const location = res.headers.location as string;
    bulletinId = Number(/\/ban-tin\/(\d+)$/.exec(location)?.[1]);
    const page = await get('op_a', location);
    assert.equal(page.statusCode, 200);
    assert.match(
      page.body,
      new RegExp(`<audio controls preload="none" src="/quan-tri/loa/ban-tin/${bulletinId}/am-thanh"`),
    );
    assert.match(page.body, /<track kind="captions"/);
    assert.match(page.body, /Gửi duyệt/);

    const [row] = await query<Row>('select * from broadcast_bulletins where id = $1', [bulletinId]);
    assert.ok(row);
    assert.match(row.spoken_text as string, /Ủy ban nhân dân xã/);
    assert.match(row.spoken_text as string, /bảy giờ ba mươi ngày mười lăm tháng ba/);
    assert.match(row.spoken_text as string, /mười ki-lô-mét/);
    assert.equal(row.status, 'draft');
    assert.equal(row.audio_source, 'tts');

    const audio = await get('op_a', `/quan-tri/loa/ban-tin/${bulletinId}/am-thanh`);
    assert.equal(audio.statusCode, 200);
    assert.equal(audio.headers['content-type'], 'audio/ogg; codecs=opus');
    const bytes = audio.rawPayload;
    assert.equal(createHash('sha256').update(bytes).digest('hex'), row.audio_sha256);
    assert.equal(bytes.length, row.audio_bytes);
    const probe = await inspectAudio(bytes);
    assert.equal(probe.codec, 'opus');
    assert.ok(probe.durationSeconds > 3 && probe.durationSeconds < 30, `${probe.durationSeconds} s`);
    assert.ok(Math.abs(probe.durationSeconds * 1000 - (row.audio_duration_ms as number)) < 100);
    assert.ok((row.audio_kbps as number) <= 32, `${row.audio_kbps} kbps`);
    const vtt = await get('op_a', `/quan-tri/loa/ban-tin/${bulletinId}/phu-de.vtt`);
    assert.match(vtt.body, /^WEBVTT\n\n1\n00:00:00\.000 --> /);
  });

  it('when the text mixes languages, or is Vietnamese without diacritics, then the form refuses it and says why', async () => {
    const mixed = await compose('op_a', {
      title: 'Thông báo',
      body: 'Bà con chú ý phòng chống dịch bệnh. Please wash your hands before every meal.',
    });
    assert.equal(mixed.statusCode, 400);
    assert.match(mixed.body, /Mỗi bản tin chỉ dùng một ngôn ngữ/);
    assert.match(mixed.body, /Please wash your hands/);
    const plain = await compose('op_a', {
      title: 'Thông báo',
      body: 'hom nay troi mua to ba con chu y khong ra dong',
    });
    assert.equal(plain.statusCode, 400);
    assert.match(plain.body, /chưa có dấu/);
    assert.match(plain.body, /hom nay troi mua to/, 'what was typed is kept');
  });

  it('when a recording is uploaded, then it is checked by decoding and stored as Opus; a file that is not audio is refused', async () => {
    const mp3 = await runTool(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=440:duration=3',
        '-c:a',
        'libmp3lame',
        '-f',
        'mp3',
        'pipe:1',
      ],
      { timeoutMs: 30_000, installHint: '' },
    );
    const ok = await compose(
      'op_a',
      { title: 'Bản ghi âm của trưởng thôn', body: 'Thông báo họp thôn tối nay.' },
      { name: 'audio', filename: 'hop-thon.mp3', type: 'audio/mpeg', data: mp3.stdout },
    );
    assert.equal(ok.statusCode, 303, ok.body);
    const id = Number(/(\d+)$/.exec(ok.headers.location as string)?.[1]);
    const [row] = await query<Row>(
      'select audio_source, audio_format, audio_duration_ms from broadcast_bulletins where id = $1',
      [id],
    );
    assert.equal(row?.audio_source, 'upload');
    assert.equal(row?.audio_format, 'opus');
    assert.ok(Math.abs((row?.audio_duration_ms as number) - 3000) < 150);

    const bad = await compose(
      'op_a',
      { title: 'Tệp hỏng', body: 'Thông báo.' },
      { name: 'audio', filename: 'x.mp3', type: 'audio/mpeg', data: Buffer.from('đây không phải âm thanh') },
    );
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Không đọc được tệp âm thanh này/);
  });

  it('when the operator submits, then only a leader may approve: the author cannot, and the form is not offered to them', async () => {
    assert.equal(
      (
        await post(
          'op_a',
          `/quan-tri/loa/ban-tin/${bulletinId}`,
          `/quan-tri/loa/ban-tin/${bulletinId}/gui-duyet`,
          {},
        )
      ).statusCode,
      303,
    );
    const opPage = await get('op_a', `/quan-tri/loa/ban-tin/${bulletinId}`);
    assert.doesNotMatch(opPage.body, /\/duyet"/);
    const forged = await post(
      'op_a',
      `/quan-tri/loa/ban-tin/${bulletinId}`,
      `/quan-tri/loa/ban-tin/${bulletinId}/duyet`,
      {},
    );
    assert.equal(forged.statusCode, 403);
    const leaderPage = await get('leader_a', `/quan-tri/loa/ban-tin/${bulletinId}`);
    assert.match(leaderPage.body, new RegExp(`/quan-tri/loa/ban-tin/${bulletinId}/duyet"`));
    const approved = await post(
      'leader_a',
      `/quan-tri/loa/ban-tin/${bulletinId}`,
      `/quan-tri/loa/ban-tin/${bulletinId}/duyet`,
      {},
    );
    assert.equal(approved.statusCode, 303);
    const again = await post(
      'leader_a',
      `/quan-tri/loa/ban-tin/${bulletinId}`,
      `/quan-tri/loa/ban-tin/${bulletinId}/duyet`,
      {},
    );
    assert.equal(again.statusCode, 409, 'approving twice is refused, not logged twice');
    const log = await query<{ action: string; actor_label: string }>(
      'select action, actor_label from broadcast_bulletin_actions where bulletin_id = $1 order by id',
      [bulletinId],
    );
    assert.deepEqual(
      log.map((a) => `${a.action}:${a.actor_label}`),
      ['create:op_a', 'submit:op_a', 'approve:leader_a'],
    );
    await assert.rejects(t.platform.database.query('delete from broadcast_bulletin_actions'), /append-only/);
  });

  it('when clusters are registered and grouped, then the approved bulletin is scheduled on them from the page and their devices are due a push', async () => {
    const village = t.villagesA[0];
    assert.ok(village);
    const reg = await post('op_a', `/quan-tri/loa/xa/${COMMUNE_A}`, `/quan-tri/loa/xa/${COMMUNE_A}/cum-loa`, {
      placeCode: village.code,
      name: 'Loa nhà văn hoá',
      volume: '80',
      languages: 'vi',
    });
    assert.equal(reg.statusCode, 200, reg.body);
    assert.match(reg.body, new RegExp(`data-username="true">${village.code.replace('.', '\\.')}-1<`));
    const password = /data-password="true">([^<]+)</.exec(reg.body)?.[1];
    assert.ok(password && password.length >= 20, 'the password is shown once');
    const [cluster] = await query<{ id: number; mqtt_password_hash: string; sync_version: number }>(
      'select id, mqtt_password_hash, sync_version from broadcast_clusters',
    );
    assert.ok(cluster);
    assert.ok(cluster.mqtt_password_hash.startsWith('$7$101$'));
    assert.ok(!cluster.mqtt_password_hash.includes(password));

    const prog = await post(
      'op_a',
      `/quan-tri/loa/xa/${COMMUNE_A}/chuong-trinh`,
      `/quan-tri/loa/xa/${COMMUNE_A}/chuong-trinh`,
      {
        name: 'Toàn xã',
        clusterIds: [String(cluster.id)],
      },
    );
    assert.equal(prog.statusCode, 303);
    const [programme] = await query<{ id: number }>('select id from broadcast_programmes');
    const sched = await post(
      'op_a',
      `/quan-tri/loa/ban-tin/${bulletinId}`,
      `/quan-tri/loa/ban-tin/${bulletinId}/lich`,
      {
        programmeId: String(programme?.id),
        startTime: '06:30',
        days: ['1', '4'],
        startDate: '2026-11-23',
        repeat: '2',
      },
    );
    assert.equal(sched.statusCode, 303, sched.body);
    assert.match(sched.headers.location as string, /\?lich=1$/);
    const [entry] = await query<Row>(
      'select start_time::text, weekdays, repeat from broadcast_schedule_entries',
    );
    assert.deepEqual(entry, { start_time: '06:30:00', weekdays: 1 | 8, repeat: 2 });
    const [after] = await query<{ sync_version: number }>('select sync_version from broadcast_clusters');
    assert.ok((after?.sync_version ?? 0) > cluster.sync_version, 'the device is due a new schedule');
    const page = await get('op_a', `/quan-tri/loa/ban-tin/${bulletinId}`);
    assert.match(page.body, /Toàn xã: 06:30, T2, T5, 23\/11\/2026, phát 2 lần liền/);
    // Dates typed as people write them are taken too, and shown the same way.
    const written = await post(
      'op_a',
      `/quan-tri/loa/ban-tin/${bulletinId}`,
      `/quan-tri/loa/ban-tin/${bulletinId}/lich`,
      {
        programmeId: String(programme?.id),
        startTime: '17:00',
        startDate: '24/11/2026',
        endDate: '30/11/2026',
        repeat: '1',
      },
    );
    assert.equal(written.statusCode, 303, written.body);
    const again = await get('op_a', `/quan-tri/loa/ban-tin/${bulletinId}`);
    assert.match(again.body, /Toàn xã: 17:00, [^,]+, 24\/11\/2026 → 30\/11\/2026, phát 1 lần liền/);

    const badTime = await post(
      'op_a',
      `/quan-tri/loa/ban-tin/${bulletinId}`,
      `/quan-tri/loa/ban-tin/${bulletinId}/lich`,
      {
        programmeId: String(programme?.id),
        startTime: '25:00',
        startDate: '2026-11-23',
      },
    );
    assert.equal(badTime.statusCode, 400);
    assert.match(badTime.body, /Giờ phát dạng 06:30/);
  });

  it('when the operator sends "Phát khẩn cấp", then a confirmation with the spoken preview comes first, and only a confirmed form broadcasts a CAP alert', async () => {
    const village = t.villagesA[0];
    assert.ok(village);
    const form = `/quan-tri/loa/xa/${COMMUNE_A}/khan-cap`;
    const fields = {
      headline: 'Cảnh báo lũ quét',
      instruction: 'Bà con ở ven suối di chuyển lên chỗ cao ngay.',
      category: 'Met',
      severity: 'Extreme',
      event: 'Lũ quét',
      targets: [village.code],
      repeat: '3',
      expiresMinutes: '90',
    };
    const step1 = await post('op_a', form, form, fields);
    assert.equal(step1.statusCode, 200, step1.body);
    assert.match(step1.body, /Xác nhận phát khẩn cấp/);
    assert.match(step1.body, /1 cụm loa sẽ ngắt bản tin đang phát và phát cảnh báo 3 lần/);
    assert.match(step1.body, /<audio controls/);
    const draftId = /name="bulletinId" value="(\d+)"/.exec(step1.body)?.[1];
    assert.ok(draftId);
    const [before] = await query<{ n: number }>('select count(*)::int as n from broadcast_alerts');
    assert.equal(before?.n, 0, 'nothing is broadcast before confirming');

    const confirmUrl = `${form}/xac-nhan`;
    const unconfirmed = await post('op_a', form, confirmUrl, { ...fields, bulletinId: draftId });
    assert.equal(unconfirmed.statusCode, 400);
    assert.match(unconfirmed.body, /Hãy xác nhận để phát/);
    const confirmed = await post('op_a', form, confirmUrl, {
      ...fields,
      bulletinId: draftId,
      confirm: 'yes',
    });
    assert.equal(confirmed.statusCode, 303, confirmed.body);
    const alertPage = await get('op_a', confirmed.headers.location as string);
    assert.match(alertPage.body, /Đã phát cảnh báo tới 1 cụm loa/);
    assert.match(alertPage.body, /data-delivery="/);

    const [alert] = await query<{ id: number; identifier: string; xml: string }>(
      'select id, identifier, xml from broadcast_alerts',
    );
    assert.ok(alert);
    const cap = parseCap(alert.xml);
    assert.ok(cap.ok, JSON.stringify(cap));
    assert.equal(cap.alert.info[0]?.area[0]?.geocode?.[0]?.value, village.code);
    assert.equal(cap.alert.info[0]?.instruction, fields.instruction);
    assert.equal(cap.alert.info[0]?.resource?.[0]?.mimeType, 'audio/ogg');
    const feed = await get(undefined, '/cap/alerts.xml');
    assert.equal(feed.statusCode, 200);
    assert.match(feed.headers['content-type'] as string, /application\/atom\+xml/);
    assert.ok(feed.body.includes(`<identifier>${alert.identifier}</identifier>`));
    const one = await get(undefined, `/cap/alerts/${alert.id}.xml`);
    assert.equal(one.headers['content-type'], 'application/cap+xml; charset=utf-8');
    assert.ok(parseCap(one.body).ok);
    // The same confirmation sent twice (a double tap) leads to the same alert, not a second one.
    const twice = await post('op_a', form, confirmUrl, { ...fields, bulletinId: draftId, confirm: 'yes' });
    assert.equal(twice.statusCode, 303);
    assert.equal(twice.headers.location, confirmed.headers.location);
    const [count] = await query<{ alerts: number; commands: number }>(
      'select (select count(*)::int from broadcast_alerts) as alerts, (select count(*)::int from broadcast_commands) as commands',
    );
    assert.deepEqual(count, { alerts: 1, commands: 1 });
  });

  it('when the emergency is a recording (a language the voice does not speak), then that recording is what the alert plays', async () => {
    const ogg = await runTool(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=330:duration=2',
        '-c:a',
        'libopus',
        '-f',
        'ogg',
        'pipe:1',
      ],
      { timeoutMs: 30_000, installHint: '' },
    );
    const res = await compose(
      'op_a',
      { title: 'Cảnh báo bằng tiếng Dao', priority: 'emergency' },
      { name: 'audio', filename: 'canh-bao-dao.ogg', type: 'audio/ogg', data: ogg.stdout },
    );
    assert.equal(res.statusCode, 303, res.body);
    const id = Number(/(\d+)$/.exec(res.headers.location as string)?.[1]);
    const page = await get('op_a', `/quan-tri/loa/ban-tin/${id}`);
    const link = `/quan-tri/loa/xa/${COMMUNE_A}/khan-cap?ban-tin=${id}`;
    assert.ok(page.body.includes(`href="${link}"`));
    const form = await get('op_a', link);
    assert.match(form.body, new RegExp(`name="recordedBulletinId" value="${id}"`));
    const village = t.villagesA[1];
    assert.ok(village);
    const fields = {
      recordedBulletinId: String(id),
      headline: 'Cảnh báo sạt lở đất',
      instruction: 'Bà con ở gần taluy dương rời khỏi nhà ngay.',
      targets: [village.code],
      repeat: '2',
    };
    const action = `/quan-tri/loa/xa/${COMMUNE_A}/khan-cap`;
    const step1 = await post('op_a', link, action, fields);
    assert.equal(step1.statusCode, 200, step1.body);
    assert.ok(step1.body.includes(`name="bulletinId" value="${id}"`), 'the recording itself is confirmed');
    const done = await post('op_a', link, `${action}/xac-nhan`, {
      ...fields,
      bulletinId: String(id),
      confirm: 'yes',
    });
    assert.equal(done.statusCode, 303, done.body);
    const [alert] = await query<Row>(
      "select bulletin_id from broadcast_alerts where headline = 'Cảnh báo sạt lở đất'",
    );
    assert.equal(alert?.bulletin_id, id);
  });

  it('when devices report plays, then the report page says what played where and when, and lists clusters offline for more than N minutes', async () => {
    const [cluster] = await query<{ code: string }>('select code from broadcast_clusters');
    assert.ok(cluster);
    const [b] = await query<{ audio_sha256: string }>(
      'select audio_sha256 from broadcast_bulletins where id = $1',
      [bulletinId],
    );
    const now = Date.now();
    await recordPlays(
      t.platform.database.db,
      cluster.code,
      [
        {
          uid: crypto.randomUUID(),
          entryId: 'x',
          bulletinId,
          sha256: b?.audio_sha256 as string,
          priority: 'normal',
          scheduledAt: new Date(now - 10 * 60_000).toISOString(),
          startedAt: new Date(now - 7 * 60_000).toISOString(),
          endedAt: new Date(now - 6 * 60_000).toISOString(),
          outcome: 'completed',
          offline: true,
        },
      ],
      new Date(),
    );
    const res = await get('op_a', `/quan-tri/loa/xa/${COMMUNE_A}/bao-cao?minutes=15`);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, new RegExp(`data-play="${cluster.code.replace('.', '\\.')}"`));
    assert.match(res.body, /Lịch tiêm phòng/);
    assert.match(res.body, /phát khi mất mạng/);
    assert.match(res.body, /trễ 3 phút/);
    assert.match(res.body, /Cụm loa mất kết nối quá 15 phút/);
    assert.match(res.body, new RegExp(`data-offline="${cluster.code.replace('.', '\\.')}"`));
  });

  it('when anyone opens the public page, then the commune’s approved bulletins are there with their audio, and drafts are not', async () => {
    const list = await get(undefined, '/loa');
    assert.match(list.body, new RegExp(`href="/loa/xa/${COMMUNE_A}"`));
    const page = await get(undefined, `/loa/xa/${COMMUNE_A}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Lịch tiêm phòng/);
    assert.match(page.body, new RegExp(`src="/loa/ban-tin/${bulletinId}/am-thanh"`));
    assert.match(page.body, /Cảnh báo lũ quét/, 'the alert in force is shown');
    const audio = await get(undefined, `/loa/ban-tin/${bulletinId}/am-thanh`);
    assert.equal(audio.statusCode, 200);
    const [draft] = await query<{ id: number }>(
      "select id from broadcast_bulletins where status = 'draft' limit 1",
    );
    assert.equal((await get(undefined, `/loa/ban-tin/${draft?.id}/am-thanh`)).statusCode, 404);
    const home = await get(undefined, '/');
    assert.match(home.body, /href="\/loa"/);
    void cookiesOf;
  });
});
