import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSession, browserSkipReason, DEMO_PASSWORD } from './support.ts';

/** The indicator pages and their exports in Chromium with JavaScript turned off. */
describe('indicators in a real browser without JavaScript', { skip: browserSkipReason() }, () => {
  const session = browserSession();

  async function signIn(page: Page, username: string) {
    await page.goto('/dang-nhap');
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await page.waitForLoadState('load');
  }

  it('when the commune admin types a figure, reads the table and downloads it, then every step works without script', async () => {
    const page = await session.openPage(false);
    await signIn(page, 'quantri');
    await page.goto('/quan-tri/chi-so');
    await page
      .getByRole('link', { name: /^Tháng/ })
      .first()
      .click();
    await page.waitForLoadState('load');
    assert.match((await page.textContent('main h1')) ?? '', /Báo cáo tháng của xã – Xã Mẫu Sơn/);
    const field = page.locator('input[name="v_LUOT_HUONG_DAN_DVC"]');
    await field.fill('12');
    await page.getByRole('button', { name: 'Lưu số liệu' }).click();
    await page.waitForLoadState('load');
    assert.match((await page.textContent('main')) ?? '', /Đã lưu/);
    assert.equal(await page.locator('input[name="v_LUOT_HUONG_DAN_DVC"]').inputValue(), '12');
    const period = new URL(page.url()).pathname.split('/').at(-1) as string;

    await page.goto('/quan-tri/chi-so/bang');
    await page.getByLabel('Từ kỳ').fill(period);
    await page.getByLabel('Đến kỳ').fill(period);
    await page.getByLabel('Mã chỉ tiêu khác (cách nhau bởi dấu phẩy)').fill('LUOT_HUONG_DAN_DVC');
    await page.getByRole('button', { name: 'Xem' }).click();
    await page.waitForLoadState('load');
    const total = page.locator('tfoot tr td').last();
    assert.equal((await total.textContent())?.trim(), '12');
    assert.equal((await page.locator('svg[role="img"]').count()) > 0, true, 'charts drawn on the server');

    for (const [link, check] of [
      ['Tải CSV', (b: Buffer) => b.toString('utf8').startsWith('\uFEFFma_dia_ban,dia_ban,ky')],
      ['Tải bảng tính (.xlsx)', (b: Buffer) => b.subarray(0, 2).toString('latin1') === 'PK'],
    ] as const) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: link }).click(),
      ]);
      const file = await download.path();
      assert.ok(file && check(fs.readFileSync(file)), `${link}: ${download.suggestedFilename()}`);
    }
  });
});
