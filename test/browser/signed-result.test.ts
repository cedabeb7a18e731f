/**
 * A signed result end to end, in a real browser on a phone-sized screen: a citizen's dossier for a
 * marital-status certificate goes through the desk, the specialist and the leader; the leader signs
 * the result; the citizen downloads it with the tracking proof; the public verify page says the
 * downloaded file is valid and a copy with one byte changed is not. The QR code's link (the
 * document id) says valid too. Runs with JavaScript off: none of it needs a script.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSession, browserSkipReason, DEMO_PASSWORD } from './support.ts';

const PHONE = '0912300404';

describe('a signed result, downloaded and verified in a real browser', { skip: browserSkipReason() }, () => {
  const session = browserSession();

  const openPage = (javaScript = false) => session.openPage(javaScript);

  async function submit(page: Page, click: () => Promise<void>) {
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), click()]);
  }

  async function signIn(username: string) {
    const page = await openPage();
    await page.goto('/dang-nhap');
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
    await submit(page, () => page.getByRole('button', { name: 'Đăng nhập', exact: true }).click());
    return page;
  }

  async function act(
    page: Page,
    code: string,
    action: string,
    button: string,
    fill?: (f: ReturnType<Page['locator']>) => Promise<void>,
  ) {
    await page.goto(`/quan-tri/ho-so/${encodeURIComponent(code)}`);
    const form = page.locator(`[data-action="${action}"]`);
    assert.equal(await form.count(), 1, `${action} is offered:\n${await page.locator('main').innerText()}`);
    if (fill) await fill(form);
    await submit(page, () => form.getByRole('button', { name: button }).click());
  }

  /** Upload a file on the verify page and return the verdict shown. */
  async function verify(page: Page, file: string) {
    await page.goto('/xac-thuc-van-ban');
    await page.getByLabel('Tệp PDF cần kiểm tra').setInputFiles(file);
    await submit(page, () => page.getByRole('button', { name: 'Kiểm tra', exact: true }).click());
    return {
      verdict: await page.locator('[data-verdict]').getAttribute('data-verdict'),
      text: await page.locator('main').innerText(),
      sha256: await page.locator('[data-sha256]').innerText(),
    };
  }

  it('when the leader signs, the citizen downloads the result and the verify page says valid; a tampered copy is not', async () => {
    // The citizen files online through the API (the form itself is the dossiers module's test).
    const form = new FormData();
    form.append('procedureCode', '1.004873');
    form.append('unitCode', '06541');
    form.append(
      'applicant',
      JSON.stringify({
        name: 'Triệu Thị Mẩy',
        idNumber: '020190009876',
        phone: PHONE,
        address: 'Bản Nà Pàn, xã Mẫu Sơn, Lạng Sơn',
      }),
    );
    form.append(
      'form',
      JSON.stringify({ currentStatus: 'chua_ket_hon', purpose: 'Đăng ký kết hôn tại xã Đồng Đăng' }),
    );
    const filed = await fetch(`${session.server.url}/api/v1/dossiers`, { method: 'POST', body: form });
    assert.equal(filed.status, 201, await filed.clone().text());
    const { code } = (await filed.json()) as { code: string };

    const desk = await signIn('motcua');
    await act(desk, code, 'receive', 'Tiếp nhận (hồ sơ hợp lệ)');
    await act(desk, code, 'assign', 'Phân công xử lý', (f) =>
      f
        .getByLabel('Cán bộ xử lý')
        .selectOption({ label: 'Nông Văn Xử' })
        .then(() => {}),
    );
    const specialist = await signIn('chuyenvien');
    await act(specialist, code, 'submit_for_approval', 'Trình lãnh đạo ký');
    const leader = await signIn('lanhdao');
    await act(leader, code, 'approve', 'Phê duyệt');

    // The leader signs the result on the dossier's papers page.
    await leader.goto(`/quan-tri/ho-so/${encodeURIComponent(code)}/giay-to`);
    await submit(leader, () => leader.getByRole('button', { name: 'Ký số và ban hành kết quả' }).click());
    const signedLine = await leader.locator('[data-signed-result]').innerText();
    // The year's next register number: on PostgreSQL the browser tests share one database, and the
    // approver's path (approver-path.test.ts) signs results too.
    assert.match(signedLine, /Đã ký số: số \d+\/\d{4}\/KQ/);
    assert.match(signedLine, /Vi Văn Duyệt/);
    const documentId = await leader.locator('[data-signed-result]').getAttribute('data-signed-result');

    // The citizen, with the tracking proof, downloads it.
    const citizen = await openPage();
    await citizen.goto(`/ho-so/${encodeURIComponent(code)}/giay-to?so=${PHONE.slice(-4)}`);
    const [download] = await Promise.all([
      citizen.waitForEvent('download'),
      // The result comes first on the papers page, by its own name (issue 14 item 8).
      citizen.getByRole('link', { name: 'Giấy xác nhận tình trạng hôn nhân' }).click(),
    ]);
    const file = await download.path();
    assert.ok(file);
    const bytes = fs.readFileSync(file);
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');

    // The verify page: valid, with the hash, the signer and the time.
    const good = await verify(citizen, file);
    assert.equal(good.verdict, 'valid', good.text);
    // Valid because it was issued here, which the verdict now says (issue 11 item 9).
    assert.match(
      good.text,
      /HỢP LỆ: chữ ký số đúng, văn bản không bị sửa đổi sau khi ký và do hệ thống này ban hành\./,
    );
    assert.match(good.sha256, /^[0-9a-f]{64}$/);
    assert.match(good.text, /Xã Số – chứng thư số thử nghiệm/);
    assert.match(good.text, /Thời điểm ký\s+\d{2} giờ \d{2} phút, ngày \d{2} tháng \d{2} năm \d{4}/);
    assert.match(good.text, /Tệp trùng khớp từng byte với bản lưu tại hệ thống/);

    // One byte changed inside the signed range: invalid, and a different hash.
    const tampered = Buffer.from(bytes);
    const at = tampered.indexOf('/Producer');
    tampered[at + 12] = (tampered[at + 12] ?? 0) ^ 0x01;
    const tamperedFile = `${file}-sua.pdf`;
    fs.writeFileSync(tamperedFile, tampered);
    const bad = await verify(citizen, tamperedFile);
    assert.equal(bad.verdict, 'invalid', bad.text);
    assert.match(bad.text, /KHÔNG HỢP LỆ/);
    assert.match(bad.text, /đã bị thay đổi sau khi ký/);
    assert.notEqual(bad.sha256, good.sha256);

    // The QR code printed on the result leads to the stored copy's check.
    await citizen.goto(`/xac-thuc-van-ban?ma=${documentId}`);
    assert.equal(await citizen.locator('[data-verdict]').getAttribute('data-verdict'), 'valid');
    assert.equal((await citizen.locator('[data-sha256]').innerText()).trim(), good.sha256.trim());
  });

  it('when it is done, then the server logged no errors', () => {
    assert.deepEqual(session.server.errorLogs(), []);
  });
});
