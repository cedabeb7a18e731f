import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { browserSession, browserSkipReason, DEMO_PASSWORD } from './support.ts';

const DESCRIPTION = 'Sạt lở taluy dương trên đường lên thôn Khuổi Tào, đất đá lấp nửa mặt đường.';
const ANSWER = 'Xã đã huy động máy xúc dọn xong đất đá sáng nay; đường đã thông, xin cảm ơn bà con.';
const PHONE = '0912345678';

/** A phone photo: 2400 × 1800, bigger than anything the site keeps. */
function photo() {
  const width = 2400;
  const height = 1800;
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 31 + (i >> 9)) & 0xff;
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
}

describe('feedback in a real browser with JavaScript off', { skip: browserSkipReason() }, () => {
  const session = browserSession();
  let code = '';

  const openPage = (javaScript = false) => session.openPage(javaScript);

  async function submit(page: Page, button: string) {
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: button, exact: true }).click(),
    ]);
  }

  it('when a citizen reports a landslide with a photo, picking the place from lists, then they get a code and a private page with the photo', async () => {
    const page = await openPage();
    await page.goto('/');
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('link', { name: 'Phản ánh, kiến nghị' }).click(),
    ]);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Gửi phản ánh' }).click()]);
    await page.getByLabel('Hoặc chọn tỉnh, thành phố').selectOption({ label: 'Tỉnh Lạng Sơn' });
    await submit(page, 'Tiếp tục');
    await page.getByLabel('Chọn xã, phường').selectOption({ label: 'Xã Mẫu Sơn' });
    await submit(page, 'Tiếp tục');

    await page.getByLabel('Thôn, bản, tổ dân phố').selectOption({ label: 'Thôn Khuổi Tào' });
    await page.getByLabel('Lĩnh vực').selectOption({ label: 'Đường sá, cầu cống' });
    await page.getByLabel('Nội dung phản ánh').fill(DESCRIPTION);
    await page.getByLabel('Mốc dễ nhận biết (không bắt buộc)').fill('Gần cầu treo đầu thôn');
    await page.getByLabel('Số điện thoại').fill(PHONE);
    await page.locator('input[type=file][name=photos]').setInputFiles({
      name: 'IMG_20261123_0815.jpg',
      mimeType: 'image/jpeg',
      buffer: await photo(),
    });
    await page.screenshot({ path: '/tmp/xaso-feedback-form.png', fullPage: true });
    await submit(page, 'Gửi phản ánh');

    assert.match(new URL(page.url()).pathname, /^\/phan-anh\/theo-doi\/[A-Za-z0-9_-]{22}$/);
    const sent = (await page.getByRole('status').first().textContent()) ?? '';
    const m = /Mã của bạn là (PA-\d{6}-\d{4})/.exec(sent);
    assert.ok(m?.[1], `the confirmation names the code: ${sent}`);
    code = m[1];
    await page.getByText('Đã nhận 1 ảnh.').waitFor();
    const src = await page.locator('img').first().getAttribute('src');
    assert.ok(src, 'the photo is on the private page');
    const img = await page.request.get(src);
    assert.equal(img.status(), 200);
    assert.equal(img.headers()['content-type'], 'image/jpeg');
    const meta = await sharp(await img.body()).metadata();
    assert.equal(meta.width, 1280, 'resized on the server');
  });

  it('when the commune handler acknowledges, answers and publishes it with the photo, then the steps work without JavaScript', async () => {
    assert.ok(code, 'the report of the first journey exists');
    const page = await openPage();
    await page.goto('/dang-nhap?next=/quan-tri/phan-anh');
    await page.getByLabel('Tên đăng nhập').fill('phananh');
    await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
    await submit(page, 'Đăng nhập');
    assert.equal(new URL(page.url()).pathname, '/quan-tri/phan-anh');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: code }).click()]);
    assert.match(
      (await page.locator('body').textContent()) ?? '',
      new RegExp(PHONE),
      'staff see the contact',
    );

    await submit(page, 'Tiếp nhận');
    await page.getByText('Đã lưu.').waitFor();
    await page.getByLabel('Trả lời công khai').fill(ANSWER);
    await submit(page, 'Gửi trả lời');
    await page.getByLabel('Công khai cả ảnh').check();
    await submit(page, 'Công khai');
    await page.screenshot({ path: '/tmp/xaso-feedback-staff.png', fullPage: true });
    const status = (await page.locator('h1 .tag').textContent())?.trim();
    assert.equal(status, 'Đã trả lời');
  });

  it('when anyone opens the commune’s public feedback page, then the answer and the photo are there and the phone number is not', async () => {
    assert.ok(code);
    const page = await openPage();
    await page.goto('/phan-anh');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Xã Mẫu Sơn' }).click()]);
    assert.equal(new URL(page.url()).pathname, '/phan-anh/xa/06541');
    const text = (await page.locator('main').textContent()) ?? '';
    assert.ok(text.includes(ANSWER), 'the answer is public');
    assert.ok(text.includes(code));
    assert.ok(!text.replace(/\s/g, '').includes(PHONE.slice(1)), 'no phone number');
    const src = await page.locator('main img').first().getAttribute('src');
    assert.ok(src);
    const img = await page.request.get(src);
    assert.equal(img.status(), 200);
    assert.match(img.headers()['cache-control'] ?? '', /^public/);
    await page.screenshot({ path: '/tmp/xaso-feedback-public.png', fullPage: true });
  });

  it('when the journeys are done, then the server logged no errors', () => {
    assert.deepEqual(session.server.errorLogs(), []);
  });
});
