import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toVietnamDate } from '#modules/calendar/index.ts';
import { Invalid } from '#platform/errors.ts';
import { blankToUndefined } from '#platform/validation.ts';
import { Select } from '#web/form.tsx';
import { Layout } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { addStaffLink } from '#web/staff-menu.ts';
import { buildRegister, registerUnits } from './documents.register.ts';
import { registerCsv, renderRegister } from './forms/register.ts';
import './documents.messages.ts';

const BASE = '/quan-tri/so-theo-doi';

const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .replace(/[^\w.-]+/g, '-');

/**
 * Form 07, the register of dossiers: a page to choose the unit and the period (GET, works without
 * script), the PDF and the CSV. Staff of the unit only (the service checks).
 */
export function registerRegisterRoutes(app: FastifyInstance) {
  addStaffLink({
    href: BASE,
    label: { vi: 'Sổ theo dõi hồ sơ (mẫu 07)', en: 'Register of dossiers (form 07)' },
    roles: ['admin', 'approver', 'receptionist', 'specialist'],
  });

  const signIn = (req: FastifyRequest, reply: FastifyReply) =>
    reply.redirect(`/dang-nhap?next=${encodeURIComponent(req.url)}`, 303);

  app.get(BASE, async (req, reply) => {
    if (req.actor.kind !== 'staff') return signIn(req, reply);
    const ctx = req.ctx();
    const page = await pageCtx(req, reply);
    const { t } = page;
    const units = await registerUnits(ctx);
    const query = blankToUndefined(req.query) as Record<string, string | undefined>;
    const today = toVietnamDate(ctx.clock.now());
    const values = {
      'don-vi': query['don-vi'] ?? units[0]?.code ?? '',
      tu: query.tu ?? `${today.slice(0, 8)}01`,
      den: query.den ?? today,
    };
    let count: number | undefined;
    let errors: Record<string, string> = {};
    if (query['don-vi'] || query.tu || query.den) {
      try {
        count = (await buildRegister(ctx, values)).rows.length;
      } catch (e) {
        if (!(e instanceof Invalid)) throw e;
        errors = Object.fromEntries(e.fields.map((f) => [f.field, page.locale === 'en' ? f.en : f.vi]));
      }
    }
    const qs = new URLSearchParams(values).toString();
    return sendPage(
      reply,
      <Layout page={page} title={t('documents:register.title')}>
        <h1>{t('documents:register.title')}</h1>
        <p>{t('documents:register.intro')}</p>
        <form method="get" action={BASE}>
          <Select
            name="don-vi"
            label={t('documents:register.unit')}
            options={units.map((u) => ({ value: u.code, label: u.fullName }))}
            value={values['don-vi']}
            error={errors['don-vi']}
          />
          {(['tu', 'den'] as const).map((k) => (
            <div class={errors[k] ? 'field invalid' : 'field'} key={k}>
              <label for={`f-${k}`}>{t(`documents:register.${k}`)}</label>
              <input id={`f-${k}`} name={k} type="date" value={values[k]} required />
              {errors[k] && <small class="error">{errors[k]}</small>}
            </div>
          ))}
          <button type="submit">{t('documents:register.show')}</button>
        </form>
        {count !== undefined && (
          <section>
            <p role="status" data-count={count}>
              {t('documents:register.count', { count })}
            </p>
            <p>
              <a href={`${BASE}.pdf?${qs}`} download>
                {t('documents:register.pdf')}
              </a>{' '}
              ·{' '}
              <a href={`${BASE}.csv?${qs}`} download>
                {t('documents:register.csv')}
              </a>
            </p>
          </section>
        )}
      </Layout>,
    );
  });

  const file = (ext: 'pdf' | 'csv') =>
    app.get(`${BASE}.${ext}`, async (req, reply) => {
      if (req.actor.kind !== 'staff') return signIn(req, reply);
      const register = await buildRegister(req.ctx(), blankToUndefined(req.query));
      const name = `so-theo-doi-ho-so-${ascii(register.unitName)}-${register.from}-${register.to}.${ext}`;
      reply
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'private, no-store');
      if (ext === 'csv')
        return reply.header('content-type', 'text/csv; charset=utf-8').send(registerCsv(register));
      return reply
        .header('content-type', 'application/pdf')
        .send(Buffer.from(await renderRegister(register)));
    });
  file('pdf');
  file('csv');
}
