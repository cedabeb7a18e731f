import type { FastifyInstance } from 'fastify';
import { listCitizenDossiers, MyDossierCards } from '#modules/dossiers/index.ts';
import { type CitizenReport, listCitizenReports } from '#modules/feedback/index.ts';
import { addMessages } from '#platform/i18n/index.ts';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';

/**
 * A signed-in citizen's home (`/cong-dan`): their latest dossiers and their feedback reports with
 * the answers. It gathers two modules' data, so it is composed here rather than in identity, which
 * both of them import.
 */

addMessages('citizenHome', {
  vi: {
    dossiers: 'Hồ sơ của tôi',
    noDossiers: 'Bạn chưa có hồ sơ nào gắn với số điện thoại này.',
    file: 'Nộp hồ sơ mới',
    reports: 'Phản ánh của tôi',
    noReports: 'Bạn chưa gửi phản ánh, kiến nghị nào với số điện thoại này.',
    report: 'Gửi phản ánh, kiến nghị',
    answer: 'Trả lời của cơ quan:',
    waiting: 'Chưa có trả lời. Bạn sẽ nhận tin nhắn khi có.',
    details: 'Xem chi tiết, đánh giá câu trả lời',
  },
  en: {
    dossiers: 'My dossiers',
    noDossiers: 'No dossier is linked to this phone number yet.',
    file: 'File a new dossier',
    reports: 'My feedback',
    noReports: 'You have sent no feedback with this phone number yet.',
    report: 'Send feedback',
    answer: 'The office’s answer:',
    waiting: 'No answer yet. A text message will tell you when there is one.',
    details: 'See the details, rate the answer',
  },
});

/** How many of each the home shows; the full list of dossiers is a link away. */
const SHOWN = 5;

function ReportCards({ page, reports }: { page: PageCtx; reports: CitizenReport[] }) {
  const t = page.t;
  return (
    <ul class="cards" id="my-reports">
      {reports.map((r) => (
        <li key={r.code} data-code={r.code}>
          <h2>
            <a href={r.href}>{(page.locale === 'en' && r.category.en) || r.category.vi}</a>
          </h2>
          <p>
            <span class="tag">{t(`feedback:status.${r.status}`)}</span>
          </p>
          {r.answer ? (
            <p>
              <strong>{t('citizenHome:answer')}</strong> {r.answer}
            </p>
          ) : (
            <p class="muted">{t('citizenHome:waiting')}</p>
          )}
          <small class="muted">
            {r.code} · <a href={r.href}>{t('citizenHome:details')}</a>
          </small>
        </li>
      ))}
    </ul>
  );
}

export function registerCitizenHome(app: FastifyInstance) {
  app.get('/cong-dan', async (req, reply) => {
    if (req.actor.kind !== 'citizen') return reply.redirect('/cong-dan/dang-nhap', 303);
    const ctx = req.ctx();
    const [dossiers, reports] = await Promise.all([
      listCitizenDossiers(ctx, SHOWN + 1),
      listCitizenReports(ctx, SHOWN),
    ]);
    const page = await pageCtx(req, reply);
    const t = page.t;
    return sendPage(
      reply,
      <Layout page={page} title={t('identity:citizen.home')}>
        <h1>{t('identity:citizen.home')}</h1>
        <p>{t('identity:citizen.welcome', { phone: req.actor.phone })}</p>
        <h2>{t('citizenHome:dossiers')}</h2>
        {dossiers.length === 0 ? (
          <p>
            {t('citizenHome:noDossiers')} <a href="/thu-tuc">{t('citizenHome:file')}</a>
          </p>
        ) : (
          <>
            <MyDossierCards page={page} rows={dossiers.slice(0, SHOWN)} />
            <p>
              <a href="/cong-dan/ho-so">{t('dossiers:mine.all')}</a>
            </p>
          </>
        )}
        <h2>{t('citizenHome:reports')}</h2>
        {reports.length === 0 ? (
          <p>
            {t('citizenHome:noReports')} <a href="/phan-anh">{t('citizenHome:report')}</a>
          </p>
        ) : (
          <ReportCards page={page} reports={reports} />
        )}
      </Layout>,
    );
  });
}
