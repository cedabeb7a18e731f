import { Field } from '#web/form.tsx';
import { Layout, type PageCtx } from '#web/layout.tsx';
import type { FeedbackFigures, Rate } from '../feedback.figures.ts';
import { STAGES } from '../feedback.workflow.ts';
import './common.tsx';

// The figures page (/quan-tri/phan-anh/thong-ke): a GET form (place, period) and, once asked, each
// stage's on-time share with the counts behind it, and the 766 indicators 5.2 and 5.3.

/** "66,7% (2/3)" in Vietnamese, "66.7% (2/3)" in English; a dash with nothing to divide by. */
function share(page: PageCtx, r: Rate) {
  if (r.value === null) return page.t('feedback:figures.none');
  const n = (r.value * 100).toFixed(1);
  const of = page.t('feedback:figures.of', { numerator: r.numerator, denominator: r.denominator });
  return `${page.locale === 'en' ? n : n.replace('.', ',')}% (${of})`;
}

export interface FiguresProps {
  page: PageCtx;
  values: { place: string; from: string; to: string };
  errors: Record<string, string>;
  figures: FeedbackFigures | undefined;
}

export function FiguresPage({ page, values, errors, figures }: FiguresProps) {
  const t = page.t;
  return (
    <Layout page={page} title={t('feedback:figures.title')}>
      <p>
        <a href="/quan-tri/phan-anh">{t('feedback:staff.queue')}</a>
      </p>
      <h1>{t('feedback:figures.title')}</h1>
      <form method="get" action="/quan-tri/phan-anh/thong-ke" novalidate>
        <Field name="place" label={t('feedback:figures.place')} value={values.place} error={errors.place} />
        <Field
          name="from"
          type="date"
          label={t('feedback:figures.from')}
          value={values.from}
          error={errors.from}
        />
        <Field name="to" type="date" label={t('feedback:figures.to')} value={values.to} error={errors.to} />
        <button type="submit">{t('feedback:figures.show')}</button>
      </form>
      {figures && <Figures page={page} f={figures} />}
    </Layout>
  );
}

function Figures({ page, f }: { page: PageCtx; f: FeedbackFigures }) {
  const t = page.t;
  return (
    <section>
      <h2>
        {f.place.fullName}: {f.from} – {f.to}
      </h2>
      <p>
        {t('feedback:figures.received')}: <strong data-figure="received">{f.received}</strong>
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('feedback:figures.stage')}</th>
            <th scope="col">{t('feedback:figures.done')}</th>
            <th scope="col">{t('feedback:figures.doneOnTime')}</th>
            <th scope="col">{t('feedback:figures.pending')}</th>
            <th scope="col">{t('feedback:figures.pendingInTerm')}</th>
            <th scope="col">{t('feedback:figures.share')}</th>
          </tr>
        </thead>
        <tbody>
          {STAGES.map((k) => {
            const s = f.stages[k];
            return (
              <tr key={k} data-stage={k}>
                <th scope="row">{t(`feedback:stage.${k}`)}</th>
                <td>{s.done}</td>
                <td>{s.doneOnTime}</td>
                <td>{s.pending}</td>
                <td>{s.pendingInTerm}</td>
                <td>{share(page, s.onTime)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <table>
        <tbody>
          <tr data-figure="5.2">
            <th scope="row">{t('feedback:figures.handledOnTime')}</th>
            <td>{share(page, f.handledOnTime)}</td>
          </tr>
          <tr data-figure="5.3">
            <th scope="row">{t('feedback:figures.satisfied')}</th>
            <td>{share(page, f.satisfied)}</td>
          </tr>
        </tbody>
      </table>
      <p class="muted">{t('feedback:figures.rules')}</p>
    </section>
  );
}
