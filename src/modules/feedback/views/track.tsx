import type { Place } from '#modules/places/index.ts';
import { formatDate, formatDateTime } from '#platform/i18n/dates.ts';
import { ActionForm, Notice, TextArea } from '#web/form.tsx';
import type { FormState } from '#web/form-action.ts';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { PHOTOS_PER_REPORT, type PhotoProblem } from '../feedback.photos.ts';
import type { publicTimeline } from '../feedback.read.ts';
import type { Category, Report } from '../feedback.service.ts';
import { type ActionType, REOPEN_WITHIN_DAYS } from '../feedback.workflow.ts';
import { categoryName, Fact, Photo, PhotoInput, placeLine, StatusTag } from './common.tsx';

// The reporter's private page (/phan-anh/theo-doi/{token}): status, answer, history without the
// internal notes, and what the reporter may do: add photos, rate, reopen.

const PROBLEMS: readonly PhotoProblem[] = ['size', 'type', 'broken', 'too-many'];

/** What happened to the photos just sent, from the redirect's query (`anh`, `loi`). */
function PhotoOutcome({ page, query }: { page: PageCtx; query: Record<string, unknown> }) {
  const t = page.t;
  const added = Number(query.anh ?? 0);
  const raw = query.loi;
  const problems = (Array.isArray(raw) ? raw : raw ? [raw] : [])
    .map(String)
    .map((s) => {
      const at = s.indexOf(':');
      return { problem: s.slice(0, at) as PhotoProblem, name: s.slice(at + 1) };
    })
    .filter((x) => PROBLEMS.includes(x.problem));
  return (
    <>
      {added > 0 && <Notice text={t('feedback:track.photosAdded', { count: added })} />}
      {problems.length > 0 && (
        <div class="errors" role="alert">
          <p>{t('feedback:track.photosFailed', { count: problems.length })}</p>
          <ul>
            {problems.map((p) => (
              <li key={`${p.problem}${p.name}`}>
                {t(`feedback:track.problem.${p.problem}`, { name: p.name, max: PHOTOS_PER_REPORT })}
              </li>
            ))}
          </ul>
          <p>
            <a href="#f-photos">{t('feedback:track.sendAgain')}</a>
          </p>
        </div>
      )}
    </>
  );
}

export interface TrackProps {
  page: PageCtx;
  state: FormState;
  report: Report;
  /** The redirect's query: `moi` just sent, `anh` and `loi` what happened to the photos. */
  query: Record<string, unknown>;
  categories: Map<number, Category>;
  places: Map<number, Place>;
  photos: { id: number }[];
  timeline: ReturnType<typeof publicTimeline>;
  /** The code of the report this one was merged into. */
  mergedInto: string | undefined;
  /** What the reporter may do now. */
  can: ActionType[];
  /** Where messages go, partly hidden (…123, n…@mail). */
  notifyTo: string;
}

export function TrackPage(props: TrackProps) {
  const { page, state, report, query, categories, places, mergedInto, notifyTo } = props;
  const t = page.t;
  return (
    <Layout page={page} title={t('feedback:track.title', { code: report.serviceRequestId })}>
      <h1>
        {t('feedback:track.title', { code: report.serviceRequestId })}{' '}
        <StatusTag page={page} status={report.status} />
      </h1>
      {query.moi === '1' && (
        <div class="notice" role="status">
          <p>
            <strong>{t('feedback:track.sent', { code: report.serviceRequestId })}</strong>
          </p>
          <p>{t('feedback:track.keepLink')}</p>
        </div>
      )}
      <PhotoOutcome page={page} query={query} />
      <Notice text={state.message} />
      {mergedInto !== undefined && <p class="notice">{t('feedback:track.merged', { code: mergedInto })}</p>}
      <table>
        <tbody>
          <Fact label={t('feedback:track.category')}>
            {categoryName(categories.get(report.categoryId), page)}
          </Fact>
          <Fact label={t('feedback:track.where')}>
            {report.landmark ? `${report.landmark}, ` : ''}
            {placeLine(places, report)}
          </Fact>
          <Fact label={t('feedback:track.office')}>{places.get(report.handlingPlaceId)?.fullName}</Fact>
          {/* Waiting for the reporter, the deadline starts again when they answer; refused, there is none. */}
          {report.status !== 'awaiting_info' && !report.refusedAt && (
            <Fact label={t('feedback:track.dueAt')}>{formatDate(report.dueAt)}</Fact>
          )}
        </tbody>
      </table>
      <p class="muted">
        {notifyTo ? t('feedback:track.notify', { to: notifyTo }) : t('feedback:track.noContact')}
      </p>
      <AskedOrRefused {...props} />
      {report.publicReply && (
        <div class="notice">
          <h2>{t('feedback:track.answer')}</h2>
          <p style="white-space:pre-line">{report.publicReply}</p>
        </div>
      )}
      {report.publishedAt && <p class="muted">{t('feedback:track.public')}</p>}
      {report.rating && (
        <p>{t('feedback:track.yourRating', { label: t(`feedback:track.ratings.${report.rating}`) })}</p>
      )}
      <RateAndReopen {...props} />
      <h2>{t('feedback:track.description')}</h2>
      <p style="white-space:pre-line">{report.description}</p>
      <Photos {...props} />
      <Timeline {...props} />
    </Layout>
  );
}

/** The office's question, with the form to answer it; or why the report was not accepted. */
function AskedOrRefused({ page, state, report, timeline, can }: TrackProps) {
  const t = page.t;
  const last = (type: ActionType) => timeline.findLast((a) => a.type === type)?.body;
  if (report.refusedAt) {
    return (
      <div class="notice">
        <p>
          <strong>{t('feedback:track.refused')}</strong>
        </p>
        <p style="white-space:pre-line">
          {t('feedback:track.reason')} {last('refuse')}
        </p>
      </div>
    );
  }
  if (!can.includes('supplement')) return null;
  return (
    <div class="notice">
      <p>
        <strong>{t('feedback:track.asked')}</strong>
      </p>
      <p style="white-space:pre-line">{last('request_info')}</p>
      <ActionForm
        page={page}
        action={`/phan-anh/theo-doi/${report.token}/bo-sung`}
        errors={state.errors}
        label={t('feedback:track.infoSubmit')}
      >
        <TextArea
          name="info"
          label={t('feedback:track.info')}
          value={state.values.info}
          error={state.errors.info}
          rows={4}
        />
      </ActionForm>
    </div>
  );
}

function RateAndReopen({ page, state, report, can }: TrackProps) {
  const t = page.t;
  const base = `/phan-anh/theo-doi/${report.token}`;
  return (
    <>
      {can.includes('rate') && (
        <ActionForm
          page={page}
          action={`${base}/danh-gia`}
          errors={state.errors}
          label={t('feedback:track.rateSubmit')}
        >
          <fieldset>
            <legend>{t('feedback:track.rate')}</legend>
            {[5, 4, 3, 2, 1].map((n) => (
              <label key={n} style="font-weight:400">
                <input type="radio" name="rating" value={String(n)} style="width:auto;display:inline" />{' '}
                {t(`feedback:track.ratings.${n}`)}
              </label>
            ))}
          </fieldset>
        </ActionForm>
      )}
      {can.includes('reopen') && (
        <>
          <h2>{t('feedback:track.reopen')}</h2>
          <p class="muted">{t('feedback:track.reopenHint', { days: REOPEN_WITHIN_DAYS })}</p>
          <ActionForm
            page={page}
            action={`${base}/mo-lai`}
            errors={state.errors}
            label={t('feedback:track.reopenSubmit')}
            kind="secondary"
          >
            <TextArea
              name="reason"
              label={t('feedback:track.reopenBody')}
              value={state.values.reason}
              error={state.errors.reason}
              rows={3}
            />
          </ActionForm>
        </>
      )}
    </>
  );
}

/** The photos (through the private link), and a form for more while the report is open. */
function Photos({ page, report, photos }: TrackProps) {
  const t = page.t;
  return (
    <>
      {photos.length > 0 && (
        <>
          <h2>{t('feedback:track.photos')}</h2>
          {photos.map((p) => (
            <Photo
              key={p.id}
              src={`/phan-anh/anh/${p.id}?t=${report.token}`}
              alt={t('feedback:track.photos')}
            />
          ))}
        </>
      )}
      {report.status !== 'closed' && photos.length < PHOTOS_PER_REPORT && (
        <>
          <h2>{t('feedback:track.addPhotos')}</h2>
          <ActionForm
            page={page}
            action={`/phan-anh/theo-doi/${report.token}/anh`}
            enctype="multipart/form-data"
            label={t('feedback:track.addPhotosSubmit')}
          >
            <PhotoInput
              page={page}
              label={t('feedback:form.photos', { max: PHOTOS_PER_REPORT - photos.length })}
            />
          </ActionForm>
        </>
      )}
    </>
  );
}

function Timeline({ page, timeline }: TrackProps) {
  const t = page.t;
  return (
    <>
      <h2>{t('feedback:track.history')}</h2>
      <ol>
        {timeline.map((a, i) => (
          <li key={`${a.type}${i}`}>
            {formatDateTime(a.at)}: {t(`feedback:actions.${a.type}`, { code: a.intoCode, rating: a.rating })}
            {a.body && <p style="white-space:pre-line">{a.body}</p>}
          </li>
        ))}
      </ol>
    </>
  );
}
