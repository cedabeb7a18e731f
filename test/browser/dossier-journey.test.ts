/**
 * The one-stop shop end to end, in a real browser, on a phone-sized screen: a citizen finds birth
 * registration without typing diacritics, files it online with two attachments; the desk receives
 * and assigns it; the specialist asks for a supplement; the citizen sends it from the tracking page;
 * the leader approves; the desk returns the result. The tracking page then shows every step and the
 * development SMS outbox holds every status message. The same journey runs with JavaScript off.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { browserSession, browserSkipReason, DEMO_PASSWORD, measurePageLoad, screenshots } from './support.ts';

const FORM_BUDGET_BYTES = 50 * 1024;
const STEPS = [
  'submit',
  'receive',
  'assign',
  'request_supplement',
  'supplement_received',
  'submit_for_approval',
  'approve',
  'result_ready',
  'result_returned',
];

function pdf(label: string) {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% ${label}\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
    'latin1',
  );
}

describe('a dossier from filing to result, in a real browser', { skip: browserSkipReason() }, () => {
  const session = browserSession();
  let png: Buffer;

  before(async () => {
    png = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
  });

  const openPage = (javaScript: boolean) => session.openPage(javaScript);

  /** Click and wait for the navigation the click causes (a form post and its redirect). */
  async function submit(page: Page, click: () => Promise<void>) {
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), click()]);
  }

  async function signIn(javaScript: boolean, username: string) {
    const page = await openPage(javaScript);
    await page.goto('/dang-nhap');
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
    await submit(page, () => page.getByRole('button', { name: 'Đăng nhập', exact: true }).click());
    assert.equal(new URL(page.url()).pathname, '/quan-tri');
    return page;
  }

  /** Screenshots of the JavaScript-on run (the citizen's and the officials' journeys), none otherwise. */
  let snap: (page: Page, step: string) => Promise<void> = async () => {};
  let snapStaff: (page: Page, step: string) => Promise<void> = async () => {};

  async function act(
    page: Page,
    code: string,
    action: string,
    button: string,
    fill?: (form: ReturnType<Page['locator']>) => Promise<void>,
  ) {
    await page.goto(`/quan-tri/ho-so/${encodeURIComponent(code)}`);
    await snapStaff(page, action);
    const form = page.locator(`[data-action="${action}"]`);
    assert.equal(
      await form.count(),
      1,
      `${action} is offered on ${page.url()}:\n${await page.locator('main').innerText()}`,
    );
    if (fill) await fill(form);
    await submit(page, () => form.getByRole('button', { name: button }).click());
    assert.match(
      new URL(page.url()).search,
      new RegExp(`ok=${action}`),
      await page.locator('main').innerText(),
    );
  }

  async function journey(javaScript: boolean, phone: string) {
    if (javaScript) {
      snap = screenshots('citizen-360px');
      snapStaff = screenshots('official-360px');
    } else {
      snap = snapStaff = async () => {};
    }
    // The citizen finds the procedure without diacritics.
    const citizen = await openPage(javaScript);
    await citizen.goto('/');
    await snap(citizen, 'home');
    await citizen.goto('/thu-tuc');
    await citizen.getByLabel('Tìm thủ tục').fill('dang ky khai sinh');
    await submit(citizen, () => citizen.getByRole('button', { name: 'Tìm', exact: true }).click());
    await snap(citizen, 'search');
    await submit(citizen, () =>
      citizen.getByRole('link', { name: 'Thủ tục đăng ký khai sinh', exact: true }).click(),
    );
    await snap(citizen, 'procedure');
    await submit(citizen, () => citizen.getByRole('link', { name: 'Nộp hồ sơ trực tuyến' }).first().click());
    await citizen.getByLabel('Tên tỉnh, xã, phường hoặc thôn, bản').fill('mau son');
    await submit(citizen, () => citizen.getByRole('button', { name: 'Tìm', exact: true }).click());
    await snap(citizen, 'choose-commune');
    await submit(citizen, () => citizen.getByRole('link', { name: 'Xã Mẫu Sơn' }).click());

    const formUrl = citizen.url();
    const load = await measurePageLoad(citizen, formUrl);
    console.log(`submission page bytes transferred (JavaScript ${javaScript ? 'on' : 'off'}):`, load.total);
    assert.ok(
      load.total <= FORM_BUDGET_BYTES,
      `the submission page transferred ${load.total} bytes (budget ${FORM_BUDGET_BYTES})`,
    );

    await citizen.getByLabel('Họ và tên', { exact: true }).fill('Hoàng Thị Mai');
    await citizen.getByLabel('Số CCCD').fill('020190000123');
    await citizen.getByLabel('Số điện thoại di động').fill(phone);
    await citizen.getByLabel('Địa chỉ', { exact: true }).fill('Thôn Khuổi Tào, xã Mẫu Sơn, Lạng Sơn');
    await citizen.getByLabel('Họ, chữ đệm và tên của trẻ').fill('Hoàng Văn An');
    await citizen.getByLabel('Ngày sinh', { exact: true }).fill('2026-02-20');
    await citizen.getByLabel('Giới tính').selectOption('nam');
    await citizen.getByLabel('Nơi sinh').fill('Trạm y tế xã Mẫu Sơn');
    await citizen.getByLabel('Dân tộc').fill('Dao');
    await citizen.getByLabel('Quốc tịch').fill('Việt Nam');
    await citizen.getByLabel('Họ, chữ đệm và tên người mẹ').fill('Hoàng Thị Mai');
    await citizen.getByLabel('Bạn là gì của trẻ?').selectOption('me');
    await citizen.locator('input[name="doc.birthCertificate"]').setInputFiles({
      name: 'giay-chung-sinh.png',
      mimeType: 'image/png',
      buffer: png,
    });
    await citizen.locator('input[name="doc.parentsMarriage"]').setInputFiles({
      name: 'giay-ket-hon.pdf',
      mimeType: 'application/pdf',
      buffer: pdf('ket hon'),
    });
    await snap(citizen, 'form-filled');
    await submit(citizen, () => citizen.getByRole('button', { name: 'Tiếp tục: xem lại' }).click());
    await citizen.getByRole('heading', { name: 'Xem lại trước khi gửi' }).waitFor();
    await snap(citizen, 'check-answers');
    assert.match(await citizen.locator('main').innerText(), /giay-chung-sinh\.png/);
    await submit(citizen, () => citizen.getByRole('button', { name: 'Gửi hồ sơ' }).click());
    await citizen.getByRole('heading', { name: 'Đã gửi hồ sơ' }).waitFor();
    await snap(citizen, 'sent');
    const code = (await citizen.locator('#dossier-code').innerText()).trim();
    assert.match(code, /^20\.06541-\d{6}-\d{4}$/);

    // The desk receives and assigns; the specialist asks for a supplement.
    const desk = await signIn(javaScript, 'motcua');
    await desk.goto('/quan-tri/ho-so');
    await snapStaff(desk, 'queue');
    assert.match(await desk.locator('main').innerText(), new RegExp(code.replace(/\./g, '\\.')));
    await act(desk, code, 'receive', 'Tiếp nhận (hồ sơ hợp lệ)');
    await act(desk, code, 'assign', 'Phân công xử lý', (f) =>
      f
        .getByLabel('Cán bộ xử lý')
        .selectOption({ label: 'Nông Văn Xử' })
        .then(() => {}),
    );
    const specialist = await signIn(javaScript, 'chuyenvien');
    await act(specialist, code, 'request_supplement', 'Yêu cầu bổ sung', async (f) => {
      await f.getByLabel('Giấy chứng sinh do cơ sở y tế cấp').check();
      await f.getByLabel('Ghi chú, lý do').fill('Ảnh giấy chứng sinh bị mờ, xin chụp lại');
    });

    // The citizen sees what is missing and sends it from the tracking page.
    await citizen.goto('/tra-cuu');
    await citizen.getByLabel('Mã hồ sơ').fill(code);
    await citizen.getByLabel('4 số cuối điện thoại').fill(phone.slice(-4));
    await submit(citizen, () => citizen.getByRole('button', { name: 'Tra cứu' }).click());
    await snap(citizen, 'tracking-supplement');
    const missing = await citizen.locator('#missing').innerText();
    assert.match(missing, /Giấy chứng sinh do cơ sở y tế cấp/);
    assert.match(missing, /Ảnh giấy chứng sinh bị mờ/);
    await citizen.locator('input[name="doc.birthCertificate"]').setInputFiles({
      name: 'chung-sinh-ro.png',
      mimeType: 'image/png',
      buffer: png,
    });
    await submit(citizen, () => citizen.getByRole('button', { name: 'Gửi bổ sung' }).click());
    assert.match(await citizen.locator('main').innerText(), /Đã gửi giấy tờ bổ sung/);
    await snap(citizen, 'supplement-sent');

    await act(specialist, code, 'submit_for_approval', 'Trình lãnh đạo ký');
    const leader = await signIn(javaScript, 'lanhdao');
    await act(leader, code, 'approve', 'Phê duyệt');
    await act(desk, code, 'result_ready', 'Kết quả đã sẵn sàng');
    await act(desk, code, 'result_returned', 'Đã trả kết quả cho công dân');

    // Every step is on the citizen's tracking page.
    await citizen.goto(`/tra-cuu?ma=${encodeURIComponent(code)}&so=${phone.slice(-4)}`);
    const steps = await citizen
      .locator('ol.timeline li')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-type')));
    await snap(citizen, 'tracking-done');
    assert.deepEqual(steps, STEPS);
    const text = await citizen.locator('main').innerText();
    assert.match(text, /Đã trả kết quả/);
    assert.match(text, /Cần bổ sung giấy tờ\./);
    assert.match(text, /Lãnh đạo đã ký duyệt/);

    // Each status change sent one SMS, delivered through the outbox by the job worker. Read by the
    // province's admin: the development outbox shows a commune's admin only messages that name
    // their commune, and the dossiers module does not name it yet (notifications README).
    const admin = await signIn(javaScript, 'quantritinh');
    const expected = [
      /đã được gửi, chờ xã tiếp nhận/,
      /đã được tiếp nhận, hẹn trả kết quả/,
      /đang được xử lý/,
      /cần bổ sung: Ảnh giấy chứng sinh bị mờ/,
      /đang được xử lý/,
      /đã được giải quyết/,
      // The result being ready sends the message the approval promised (issue 14 item 6).
      /đã có kết quả\. Mời bạn mang giấy hẹn đến bộ phận một cửa để nhận/,
      /đã trả kết quả/,
    ];
    let bodies: string[] = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      await admin.goto(`/quan-tri/tin-nhan?to=${phone}`);
      // This module's status messages; the rating invitation (accented too now) follows the return.
      bodies = (await admin.locator(`li[data-recipient="${phone}"] .message-body`).allInnerTexts())
        .reverse()
        .filter((b) => /^(Hồ sơ|Xin lỗi)/.test(b) && !/Mời bạn đánh giá/.test(b));
      if (bodies.length >= expected.length) break;
      await sleep(1000);
    }
    assert.equal(bodies.length, expected.length, `SMS delivered:\n${bodies.join('\n')}`);
    for (const [i, re] of expected.entries()) assert.match(bodies[i] ?? '', re);
    for (const b of bodies) assert.ok(b.includes(code), b);
  }

  it('when the journey runs with JavaScript on, then every step is tracked and every status message is in the outbox', async () => {
    await journey(true, '0912300001');
  });

  it('when the same journey runs with JavaScript off, then it works just the same', async () => {
    await journey(false, '0912300002');
  });

  it('when the journeys are done, then the server logged no errors', () => {
    assert.deepEqual(session.server.errorLogs(), []);
  });
});
