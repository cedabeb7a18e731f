import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ensureDemo } from '#app/demo.ts';
import { PROVINCE } from '#test/support/app.ts';
import { staffOf } from '#test/support/outputs.ts';
import { GROUPS } from './index.ts';
import { type Office, openOffice } from './statistics.test-support.ts';

/** Every sub-indicator of the index, in the order the page lists them (docs/rules.md § Statistics). */
const KEYS = [
  '1_1',
  '1_2',
  '1_3',
  '1_4',
  '2_1',
  '2_2',
  'toan_trinh',
  '3_1',
  '3_2',
  '3_3',
  '3_5',
  '3_5b',
  '3_6',
  '5_1',
  '5_2',
  '5_3',
  '5_4',
  '4_1',
  '4_2',
  'chung_thuc',
  '4_3',
  '4_4',
  '4_5b',
  '4_5a',
];
/** Figures that come from outside this platform (the national procedure database, e-copies). */
const NOT_MEASURED = ['1_1', '1_2', 'chung_thuc'];

describe('the statistics page of the demo province', () => {
  let o: Office;
  let cookie: string;

  before(async () => {
    o = await openOffice('2026-06-01T08:00');
    // The first start's data: the catalogue of 20 commune procedures, feedback categories, the demo commune.
    await ensureDemo({ ...o.t.platform, config: { ...o.t.platform.config, DEMO_SEED: true } });
    // A few dossiers of the demo commune, through the workflow: a marital-status certificate filed
    // online, its fee paid by transfer, decided; a land-dispute mediation at the counter, open; a
    // poverty-household request filed online and refused.
    const certificate = await o.file({
      procedure: '1.004873',
      channel: 2,
      when: '2026-06-02T08:00',
      scan: 'previousCertificate',
      form: { currentStatus: 'chua_ket_hon', purpose: 'Đăng ký kết hôn tại xã Đồng Đăng' },
    });
    await o.step(certificate, '2026-06-02T09:00', 'receive');
    await o.pay(certificate, '2026-06-02T10:00', 'transfer');
    await o.decide(certificate, '2026-06-04T15:00');
    await o.file({
      procedure: '1.012812',
      channel: 1,
      when: '2026-06-03T09:00',
      form: {
        otherPartyName: 'Hoàng Văn Slử',
        otherPartyAddress: 'Thôn Pò Đứa, xã Mẫu Sơn',
        landAddress: 'Thửa 112, tờ bản đồ số 7, thôn Pò Đứa',
        description: 'Tranh chấp ranh giới nương ngô giữa hai hộ.',
      },
    });
    const refused = await o.file({
      procedure: '1.011607',
      channel: 2,
      when: '2026-06-03T10:00',
      form: {
        requestType: 'ho_ngheo',
        householdHeadName: 'Lò Văn Páo',
        village: 'Khòn Quang',
        members: '5',
        situation: 'Nhà bị sạt lở sau mưa lũ, không còn nguồn thu nhập ổn định.',
      },
    });
    await o.step(refused, '2026-06-03T11:00', 'refuse', { note: 'Đề nghị nộp qua trưởng thôn để bình xét.' });
    await staffOf(o.t, 'tinh_admin', 'admin', PROVINCE);
    cookie = await o.t.signIn('tinh_admin');
    o.at('2026-07-01T09:00');
  });
  after(() => o.close());

  it('when a province admin opens June for the province, then every sub-indicator shows its formula, numerator and denominator, rate, threshold and points', async () => {
    const res = await o.t.app.inject({
      url: `/quan-tri/thong-ke?place=${PROVINCE}&from=2026-06-01&to=2026-06-30`,
      headers: { cookie },
    });
    assert.equal(res.statusCode, 200);
    assert.doesNotMatch(res.body, /<script/);
    // Every label found its text (i18next shows a missing key as the key itself).
    assert.doesNotMatch(res.body, />\s*(col|ind|note|detail|group|figure)\.[\w.]+\s*</);
    const rows = [...res.body.matchAll(/<tbody data-indicator="([^"]+)">([\s\S]*?)<\/tbody>/g)].map((m) => ({
      key: m[1] ?? '',
      html: m[2] ?? '',
    }));
    assert.deepEqual(
      rows.map((r) => r.key),
      KEYS,
    );
    const cell = (html: string, name: string) =>
      new RegExp(`<td data-${name}(?:="true")?>([^<]*)</td>`).exec(html)?.[1];
    for (const { key, html } of rows) {
      assert.match(html, /<small data-formula(?:="true")?>[^<]{20,}<\/small>/, `${key}: formula`);
      for (const name of ['numerator', 'denominator', 'rate', 'threshold', 'points'])
        assert.notEqual(cell(html, name), undefined, `${key}: ${name}`);
      if (NOT_MEASURED.includes(key)) {
        assert.equal(cell(html, 'rate'), 'không đo', key);
        continue;
      }
      assert.match(cell(html, 'numerator') ?? '', /^\d+(,\d+)?$/, `${key}: numerator`);
      assert.match(cell(html, 'denominator') ?? '', /^\d+$/, `${key}: denominator`);
    }
    // What the dossiers above make of it: 3 received in the demo commune, all handled on time.
    const get = (key: string) => rows.find((r) => r.key === key)?.html ?? '';
    assert.deepEqual([cell(get('2_1'), 'numerator'), cell(get('2_1'), 'denominator')], ['3', '3']);
    assert.deepEqual([cell(get('3_6'), 'numerator'), cell(get('3_6'), 'denominator')], ['1', '1']);
    assert.deepEqual([cell(get('1_4'), 'numerator'), cell(get('1_4'), 'denominator')], ['0', '3']);
    assert.match(get('1_4'), /0 khi xã chưa bật đồng bộ/);
    for (const g of GROUPS) assert.match(res.body, new RegExp(`<section data-group="${g.key}">`));
  });
});
