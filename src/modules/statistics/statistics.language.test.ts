import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getPlaceByCode } from '#modules/places/index.ts';
import { COMMUNE_A, createTestApp, PROVINCE, type TestApp } from '#test/support/app.ts';
import { vietnameseLeft } from '#test/support/language.ts';
import { staffOf } from '#test/support/outputs.ts';

const url = (qs: string) => `/quan-tri/thong-ke?place=${COMMUNE_A}&${qs}`;

describe('the statistics page and CSV in Vietnamese and in English', () => {
  let t: TestApp;
  let cookie: string;
  let placeName: string;

  before(async () => {
    t = await createTestApp({ clock: { now: () => new Date('2026-12-05T03:00:00Z') } });
    await staffOf(t, 'lang_admin', 'admin', PROVINCE);
    cookie = await t.signIn('lang_admin');
    placeName = (await getPlaceByCode(t.platform.database.db, COMMUNE_A)).fullName;
  });
  after(() => t.close());

  it('when the page is opened in English, then figures, charts and their labels are English; Vietnamese stays the default', async () => {
    const en = await t.app.inject({ url: url('from=2026-11-01&to=2026-11-30&lang=en'), headers: { cookie } });
    assert.equal(en.statusCode, 200, en.body);
    for (const label of [
      'Electronic one-stop shop statistics',
      'Dossiers received',
      'Share decided early or on time',
      'Points by indicator group',
      'Transparency',
      'no data yet',
      'Dossiers received by channel',
      'Public postal service',
      'Download CSV',
    ])
      assert.match(en.body, new RegExp(label));
    // The place's name is a name; the decision's number is a citation.
    assert.deepEqual(vietnameseLeft(en.body, [placeName, '766/QĐ-TTg']), []);

    const vi = await t.app.inject({ url: url('from=2026-11-01&to=2026-11-30'), headers: { cookie } });
    assert.match(vi.body, /<html lang="vi">/);
    for (const label of [
      'Hồ sơ tiếp nhận',
      'Điểm theo nhóm chỉ số',
      'Công khai, minh bạch',
      'chưa có dữ liệu',
    ])
      assert.match(vi.body, new RegExp(label));
    assert.doesNotMatch(vi.body, /Dossiers received|no data yet/);
  });

  it('when the dates are the wrong way round, then the error shows in the page language', async () => {
    const en = await t.app.inject({ url: url('from=2026-11-30&to=2026-11-01&lang=en'), headers: { cookie } });
    assert.equal(en.statusCode, 400);
    assert.match(en.body, /<strong class="err">The start must be before the end\.<\/strong>/);
    assert.deepEqual(vietnameseLeft(en.body), []);
    const vi = await t.app.inject({ url: url('from=2026-11-30&to=2026-11-01&lang=vi'), headers: { cookie } });
    assert.equal(vi.statusCode, 400);
    assert.match(vi.body, /<strong class="err">Ngày bắt đầu phải trước ngày kết thúc\.<\/strong>/);
  });

  it('when the CSV is downloaded in English, then its column names and figure keys stay the same and the names are English', async () => {
    const csv = (lang: string) =>
      t.app.inject({
        url: `/quan-tri/thong-ke.csv?place=${COMMUNE_A}&from=2026-11-01&to=2026-11-30&lang=${lang}`,
        headers: { cookie },
      });
    const en = (await csv('en')).body;
    const vi = (await csv('vi')).body;
    const keys = (body: string) => body.split('\r\n').map((l) => l.split(',')[0]);
    assert.equal(
      en.split('\r\n')[0],
      '\uFEFFchi_tieu,ten,gia_tri,tu_so,mau_so,cong_thuc,nguong,diem,diem_toi_da,ghi_chu',
    );
    assert.deepEqual(keys(en), keys(vi));
    assert.match(en, /\r\ntiep_nhan,Dossiers received,0,,,,,,,\r\n/);
    assert.match(en, /\r\ndiem_transparency,Points: Transparency \(out of 18\),,,,,,,18,\r\n/);
    assert.match(vi, /\r\ntiep_nhan,Hồ sơ tiếp nhận,0,,,,,,,\r\n/);
    assert.doesNotMatch(en.replace(placeName, ''), /Hồ sơ|Điểm|Tỷ lệ/);
  });
});
