import type { ComponentChildren } from 'preact';
import type { Place } from '#modules/places/index.ts';
import type { PageCtx } from '#web/layout.tsx';
import '../feedback.messages.ts';
import '../feedback.stages.messages.ts';
import type { Category, Report } from '../feedback.service.ts';
import type { Status } from '../feedback.workflow.ts';

// Small pieces every feedback page uses.

/** Reports on one page of a list (a commune's answers, the staff queue). */
export const PAGE_SIZE = 20;

export function categoryName(c: Category | undefined, page: PageCtx) {
  if (!c) return '';
  return (page.locale === 'en' && c.nameEn) || c.nameVi;
}

/** Where a report is: the village, then its commune (once, if the report is about the commune). */
export function placeLine(places: Map<number, Place>, r: Report) {
  const place = places.get(r.placeId);
  const commune = places.get(r.communeId);
  return [place, place?.id === commune?.id ? undefined : commune]
    .filter(Boolean)
    .map((p) => p?.fullName)
    .join(', ');
}

export function StatusTag({ page, status }: { page: PageCtx; status: Status }) {
  return <span class="tag">{page.t(`feedback:status.${status}`)}</span>;
}

export function Pager({
  page,
  base,
  current,
  total,
}: {
  page: PageCtx;
  base: string;
  current: number;
  total: number;
}) {
  const last = Math.max(1, Math.ceil(total / PAGE_SIZE));
  if (last === 1) return null;
  const sep = base.includes('?') ? '&' : '?';
  return (
    <p>
      {current > 1 && <a href={`${base}${sep}trang=${current - 1}`}>{page.t('feedback:public.prev')}</a>}{' '}
      {current < last && <a href={`${base}${sep}trang=${current + 1}`}>{page.t('feedback:public.next')}</a>}
    </p>
  );
}

/** One line of a report's facts table. */
export function Fact({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <tr>
      <th>{label}</th>
      <td>{children}</td>
    </tr>
  );
}

/** A report's photo, shrunk to the screen and loaded only when scrolled to. */
export function Photo({ src, alt }: { src: string; alt: string }) {
  return <img src={src} alt={alt} loading="lazy" style="max-width:100%;height:auto" />;
}

/** The search box that finds a commune (or a village) by name, with or without diacritics. */
export function PlaceSearch({ page, action, q }: { page: PageCtx; action: string; q: string }) {
  const t = page.t;
  return (
    <form method="get" action={action}>
      <div class="field">
        <label for="q">{t('feedback:place.search')}</label>
        <small class="hint">{t('feedback:place.searchHint')}</small>
        <input id="q" name="q" type="search" value={q} />
      </div>
      <button type="submit">{t('feedback:place.searchSubmit')}</button>
    </form>
  );
}

/** The file input for photos: several at once, only the types the server keeps. */
export function PhotoInput({ page, label }: { page: PageCtx; label: string }) {
  return (
    <div class="field">
      <label for="f-photos">{label}</label>
      <small class="hint" id="f-photos-hint">
        {page.t('feedback:form.photosHint')}
      </small>
      <input
        id="f-photos"
        name="photos"
        type="file"
        accept="image/jpeg,image/png,image/webp"
        multiple
        aria-describedby="f-photos-hint"
      />
    </div>
  );
}
