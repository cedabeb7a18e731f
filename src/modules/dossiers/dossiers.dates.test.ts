import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { COMMUNE_A, cookiesOf, createTestApp, type TestApp } from '#test/support/app.ts';
import {
  APPLICANT,
  FORM,
  multipart,
  pdfBytes,
  pngBytes,
  setupDossiers,
  TEST_PROCEDURE,
} from './dossiers.test-support.ts';

const P = TEST_PROCEDURE.code;

/** The text of the page's description-list entries (`<dd>`), where answers are shown. */
const shown = (html: string) => [...html.matchAll(/<dd>([^<]*)<\/dd>/g)].map((m) => m[1]);

describe('dates as people write them, on the filing form and the pages that show the answers', () => {
  let t: TestApp;
  const clock = fixedClock(new Date('2026-03-02T02:00:00Z'));
  before(async () => {
    t = await createTestApp({ clock });
    await setupDossiers(t);
  });
  after(() => t.close());

  it('when the form is opened, then the date field is typed, with a dd/mm/yyyy example in the page’s language only', async () => {
    const vi = await t.app.inject({ url: `/thu-tuc/${P}/nop?xa=${COMMUNE_A}` });
    assert.equal(vi.statusCode, 200);
    assert.match(
      vi.body,
      /<input[^>]*name="form.ngaySinh"[^>]*type="text"|<input[^>]*type="text"[^>]*name="form.ngaySinh"/,
    );
    assert.match(vi.body, /Ngày\/tháng\/năm, ví dụ 15\/03\/2026/);
    assert.doesNotMatch(vi.body, /e\.g\.|2026-03-15/, 'no English and no ISO example on the Vietnamese page');
    const en = await t.app.inject({ url: `/thu-tuc/${P}/nop?xa=${COMMUNE_A}&lang=en` });
    assert.match(en.body, /Day\/month\/year, e\.g\. 15\/03\/2026/);
  });

  it('when the birth date is typed 20/02/2026, then the check page and the staff page show 20/02/2026 and the dossier stores the ISO date', async () => {
    const form = await t.app.inject({ url: `/thu-tuc/${P}/nop?xa=${COMMUNE_A}` });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const idem = /name="idem" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const cookie = cookiesOf(form);
    const body = await multipart([
      { name: '_csrf', value: csrf },
      { name: 'idem', value: idem },
      { name: 'xa', value: COMMUNE_A },
      ...Object.entries(APPLICANT).map(([k, v]) => ({ name: `applicant.${k}`, value: v })),
      ...Object.entries({ ...FORM, ngaySinh: '20/02/2026' }).map(([k, v]) => ({
        name: `form.${k}`,
        value: v,
      })),
      { name: 'doc.toKhai', file: { filename: 'to-khai.pdf', data: pdfBytes() } },
      { name: 'doc.giayChungSinh', file: { filename: 'chung-sinh.png', data: await pngBytes() } },
    ]);
    const check = await t.app.inject({
      method: 'POST',
      url: `/thu-tuc/${P}/nop`,
      headers: { ...body.headers, cookie, accept: 'text/html' },
      payload: body.payload,
    });
    assert.equal(check.statusCode, 200, check.body);
    assert.ok(shown(check.body).includes('20/02/2026'), 'the check page shows the date as typed');
    assert.ok(!shown(check.body).includes('2026-02-20'), 'and not in ISO');

    const send = check.body.slice(check.body.indexOf(`action="/thu-tuc/${P}/nop/gui"`));
    const hidden = [...send.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map(
      (m) =>
        [m[1] as string, (m[2] as string).replace(/&amp;/g, '&').replace(/&quot;/g, '"')] as [string, string],
    );
    const sent = await t.app.inject({
      method: 'POST',
      url: `/thu-tuc/${P}/nop/gui`,
      headers: {
        cookie: cookiesOf(check, cookie),
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: new URLSearchParams(hidden).toString(),
    });
    assert.equal(sent.statusCode, 303, sent.body);
    const code = decodeURIComponent(
      /\/ho-so\/([^/]+)\/da-nop/.exec(String(sent.headers.location))?.[1] ?? '',
    );
    const [row] = await t.platform.database.query<{ form_data: Record<string, string> }>(
      'select form_data from dossiers where code = $1',
      [code],
    );
    assert.equal(row?.form_data.ngaySinh, '2026-02-20', 'machines keep ISO');

    const staff = await t.app.inject({
      url: `/quan-tri/ho-so/${encodeURIComponent(code)}`,
      headers: { cookie: await t.signIn('desk_a') },
    });
    assert.equal(staff.statusCode, 200);
    assert.ok(shown(staff.body).includes('20/02/2026'), 'the staff page shows dd/mm/yyyy');
    assert.ok(!shown(staff.body).includes('2026-02-20'), 'where it showed ISO before');
  });
});
