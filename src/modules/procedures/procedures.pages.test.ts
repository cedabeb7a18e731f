import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '#test/support/app.ts';
import { ensureCatalogue } from './procedures.service.ts';

/** Page text without tags, entities decoded, whitespace collapsed: what a reader sees. */
function textOf(html: string) {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** The procedure codes a list page links to, in order. */
function linkedCodes(html: string) {
  return [...html.matchAll(/href="\/thu-tuc\/([0-9][0-9A-Z.]*)"/g)].map((m) => m[1]);
}

describe('public procedure pages', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await ensureCatalogue(t.platform.database.db);
  });
  after(() => t.close());

  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers: { accept: 'text/html', ...headers } });

  it('when someone opens /thu-tuc, then every procedure is listed under its field, with a search box and no script', async () => {
    const res = await get('/thu-tuc');
    assert.equal(res.statusCode, 200);
    assert.equal(new Set(linkedCodes(res.body)).size, 20);
    const text = textOf(res.body);
    for (const heading of ['Hộ tịch 9', 'Chứng thực 4', 'Đăng ký, quản lý cư trú 3', 'Đất đai 2']) {
      assert.ok(text.includes(heading), heading);
    }
    assert.match(res.body, /<form method="get" action="\/thu-tuc">/);
    assert.match(res.body, /name="q"/);
    assert.doesNotMatch(res.body, /<script/);
    // 2G budget: the whole catalogue page stays small before compression.
    assert.ok(res.body.length < 12_000, `${res.body.length} bytes`);
  });

  it('when the search box gets "dang ky khai sinh", then birth registration is the first result', async () => {
    const res = await get('/thu-tuc?q=dang+ky+khai+sinh');
    assert.equal(res.statusCode, 200);
    const codes = linkedCodes(res.body);
    assert.equal(codes[0], '1.001193');
    assert.match(textOf(res.body), /Có \d+ thủ tục phù hợp/);
    assert.match(res.body, /value="dang ky khai sinh"/);
  });

  it('when searching "chung thuc" or choosing the field, then the Chứng thực procedures are listed', async () => {
    const bySearch = linkedCodes((await get('/thu-tuc?q=chung%20thuc')).body);
    assert.deepEqual(bySearch.sort(), ['2.000815', '2.000884', '2.001035', '2.001406']);
    const byField = await get(`/thu-tuc?field=${encodeURIComponent('Chứng thực')}`);
    assert.deepEqual(linkedCodes(byField.body).sort(), bySearch);
    assert.match(byField.body, /<option value="Chứng thực" selected>/);
  });

  it('when nothing matches, then the page says so and suggests fewer words', async () => {
    const res = await get('/thu-tuc?q=xin+giay+phep+lai+tau+bay');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(linkedCodes(res.body), []);
    assert.match(textOf(res.body), /Không tìm thấy thủ tục nào/);
  });

  it('when the birth registration page is opened, then it says what to bring, how long, how much, online, and links to filing', async () => {
    const res = await get('/thu-tuc/1.001193');
    assert.equal(res.statusCode, 200);
    const text = textOf(res.body);
    assert.match(text, /Thủ tục đăng ký khai sinh/);
    assert.match(text, /Cần mang gì/);
    assert.match(text, /Giấy chứng sinh do cơ sở y tế cấp Bản chính · 1 bản · Bắt buộc/);
    assert.match(text, /Văn bản ủy quyền .* Bản chính · 1 bản · Nếu có/);
    assert.match(text, /Mất bao lâu Trong ngày làm việc/);
    assert.match(text, /Tốn bao nhiêu tiền Không mất tiền\./);
    assert.match(text, /60 ngày kể từ ngày sinh/);
    assert.match(text, /toàn trình/);
    assert.match(text, /Bạn nhận được Giấy khai sinh \(bản chính\)/);
    assert.match(text, /Tờ khai sẽ hỏi .*Họ, chữ đệm và tên của trẻ \(bắt buộc\)/);
    assert.match(res.body, /href="\/thu-tuc\/1.001193\/nop"[^>]*>Nộp hồ sơ trực tuyến</);
    // Every seed record is unverified, and the page says so plainly.
    assert.match(text, /chưa được cán bộ đối chiếu với văn bản pháp luật/);
    assert.doesNotMatch(res.body, /<script/);
    assert.ok(res.body.length < 10_000, `${res.body.length} bytes`);
  });

  it('when the certified-copy page is opened, then fees read "2.000 đồng mỗi trang" and the visit is one-step', async () => {
    const text = textOf((await get('/thu-tuc/2.000815')).body);
    assert.match(text, /trang thứ nhất và trang thứ hai: 2\.000 đồng mỗi trang, trả khi nộp hồ sơ/);
    assert.match(text, /từ trang thứ ba trở đi: 1\.000 đồng mỗi trang/);
    assert.match(text, /tối đa 200\.000 đồng/i);
    assert.match(text, /Trong ngày làm việc/);
    assert.match(text, /phải đến nơi giải quyết một lần \(một phần\)/);
    assert.doesNotMatch(text, /Không mất tiền\./);
  });

  it('when a procedure takes days, costs less online or needs no papers, then the page says that in words', async () => {
    const permanent = textOf((await get('/thu-tuc/1.004222')).body);
    assert.match(permanent, /7 ngày làm việc/);
    assert.match(permanent, /20\.000 đồng mỗi hồ sơ \(nộp trên mạng: 10\.000 đồng\)/);
    const confirm = textOf((await get('/thu-tuc/1.010041')).body);
    assert.match(confirm, /Nửa ngày làm việc/);
    assert.match(confirm, /Không cần mang giấy tờ; chỉ cần điền tờ khai\./);
    assert.match(confirm, /Tốn bao nhiêu tiền Không mất tiền\./);
  });

  it('when English is chosen, then the same page reads in English with English number formatting', async () => {
    const text = textOf((await get('/thu-tuc/2.000815?lang=en')).body);
    assert.match(text, /What to bring/);
    assert.match(text, /2,000 đồng per page, paid when filing/);
    assert.match(text, /The same working day/);
    assert.match(text, /Certification of copies from originals/);
  });

  it('when a code does not exist, then a 404 page in plain words', async () => {
    const res = await get('/thu-tuc/9.999999');
    assert.equal(res.statusCode, 404);
    assert.match(textOf(res.body), /Không tìm thấy thủ tục mã 9\.999999\./);
  });

  it('when the home page is opened, then "Nộp hồ sơ" leads to the catalogue', async () => {
    const res = await get('/');
    assert.match(res.body, /<a href="\/thu-tuc">Nộp hồ sơ<\/a>/);
  });
});
