import type { Place } from '#modules/places/index.ts';
import { formatDate } from '#platform/i18n/dates.ts';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { redact } from '../feedback.privacy.ts';
import type { Category, Report } from '../feedback.service.ts';
import { categoryName, Pager, Photo, PlaceSearch, placeLine, StatusTag } from './common.tsx';

// Pages anyone may read: the start page, a commune's published answers, one report by its code.
// Free text shown here passes through redact(): no reporter's phone, email or name.

export function LandingPage({
  page,
  q,
  results,
  listed,
  isHandler,
}: {
  page: PageCtx;
  /** The commune search as typed, and what it found. */
  q: string;
  results: Place[];
  /** Communes with published answers, and how many each. */
  listed: { commune: Place; count: number }[];
  /** Whether to link to the staff queue. */
  isHandler: boolean;
}) {
  const t = page.t;
  return (
    <Layout page={page} title={t('feedback:title')}>
      <h1>{t('feedback:title')}</h1>
      <p>{t('feedback:lead')}</p>
      <p>
        <a class="button" href="/phan-anh/gui">
          {t('feedback:send')}
        </a>
      </p>
      {isHandler && (
        <p>
          <a href="/quan-tri/phan-anh">{t('feedback:staffQueue')}</a>
        </p>
      )}
      <h2>{t('feedback:readAnswers')}</h2>
      <PlaceSearch page={page} action="/phan-anh" q={q} />
      {q.length >= 2 && results.length === 0 && <p>{t('feedback:place.none')}</p>}
      {results.length > 0 && (
        <ul>
          {results.map((p) => (
            <li key={p.id}>
              <a href={`/phan-anh/xa/${p.code}`}>{p.fullName}</a>
            </li>
          ))}
        </ul>
      )}
      {listed.length > 0 && (
        <>
          <h2>{t('feedback:communesWithAnswers')}</h2>
          <ul>
            {listed.map((c) => (
              <li key={c.commune.id}>
                <a href={`/phan-anh/xa/${c.commune.code}`}>{c.commune.fullName}</a>{' '}
                <span class="muted">({t('feedback:answersCount', { count: c.count })})</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>{t('feedback:lookup')}</h2>
      <form method="get" action="/phan-anh/so">
        <div class="field">
          <label for="ma">{t('feedback:lookupCode')}</label>
          <input id="ma" name="ma" type="search" autocomplete="off" />
        </div>
        <button type="submit">{t('feedback:lookupSubmit')}</button>
      </form>
    </Layout>
  );
}

interface PublicItemProps {
  page: PageCtx;
  r: Report;
  photos: { id: number }[];
  categories: Map<number, Category>;
  places: Map<number, Place>;
}

/** A published report with its answer, as the public sees it. */
function PublicItem({ page, r, photos, categories, places }: PublicItemProps) {
  const t = page.t;
  return (
    <article>
      <h2>
        <a href={`/phan-anh/so/${r.serviceRequestId}`}>{categoryName(categories.get(r.categoryId), page)}</a>{' '}
        <StatusTag page={page} status={r.status} />
      </h2>
      <p class="muted">
        {r.serviceRequestId} · {placeLine(places, r)} ·{' '}
        {t('feedback:public.sentOn', { date: formatDate(r.createdAt) })}
      </p>
      {r.landmark && <p class="muted">{redact(r.landmark, r)}</p>}
      <p style="white-space:pre-line">{redact(r.publicDescription ?? r.description, r)}</p>
      {r.publicPhotos &&
        photos.map((p) => (
          <Photo
            key={p.id}
            src={`/phan-anh/anh/${p.id}`}
            alt={categoryName(categories.get(r.categoryId), page)}
          />
        ))}
      {r.publicReply && (
        <div class="notice">
          <strong>{t('feedback:public.reply')}</strong>{' '}
          {r.answeredAt && (
            <span class="muted">({t('feedback:public.answeredOn', { date: formatDate(r.answeredAt) })})</span>
          )}
          <p style="white-space:pre-line">{redact(r.publicReply, r)}</p>
        </div>
      )}
    </article>
  );
}

export function CommuneAnswersPage({
  page,
  commune,
  items,
  categories,
  places,
  current,
  total,
}: {
  page: PageCtx;
  commune: Place;
  items: { report: Report; photos: { id: number }[] }[];
  categories: Map<number, Category>;
  places: Map<number, Place>;
  current: number;
  total: number;
}) {
  const t = page.t;
  return (
    <Layout page={page} title={t('feedback:public.title', { place: commune.fullName })}>
      <h1>{t('feedback:public.title', { place: commune.fullName })}</h1>
      <p>
        <a href={`/phan-anh/gui?xa=${commune.code}`}>{t('feedback:public.sendHere')}</a>
      </p>
      {items.length === 0 && <p>{t('feedback:public.none')}</p>}
      {items.map((i) => (
        <PublicItem
          key={i.report.id}
          page={page}
          r={i.report}
          photos={i.photos}
          categories={categories}
          places={places}
        />
      ))}
      <Pager page={page} base={`/phan-anh/xa/${commune.code}`} current={current} total={total} />
    </Layout>
  );
}

/** One report by its code: all of it once published, else only its category, place and status. */
export function ReportByCodePage(props: PublicItemProps) {
  const { page, r, categories, places } = props;
  const t = page.t;
  return (
    <Layout page={page} title={r.serviceRequestId}>
      <h1>{t('feedback:track.title', { code: r.serviceRequestId })}</h1>
      {r.publishedAt ? (
        <PublicItem {...props} />
      ) : (
        <p>
          {categoryName(categories.get(r.categoryId), page)} · {placeLine(places, r)} ·{' '}
          {t('feedback:public.notPublished', { status: t(`feedback:status.${r.status}`) })}
        </p>
      )}
    </Layout>
  );
}
