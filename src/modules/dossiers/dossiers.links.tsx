import { Fragment } from 'preact';
import type { Ctx } from '#platform/context.ts';
import type { PageCtx } from '#web/layout.tsx';
import type { ActionType } from './dossiers.workflow.ts';

/**
 * Links from a dossier's pages (public tracking, the citizen's own page, the staff page) to the
 * pages other modules own about it: its papers (documents), its fees (payments) and the rating
 * (ratings). Those modules import this one, so this one cannot import them: it knows their public
 * paths (stable: they are printed in SMS and on paper), decides from its own data when each is worth
 * showing, and asks the ratings module whether the applicant has rated, through the lookup that
 * module registers at start (`setRatedLookup`).
 */

export type RatedLookup = (ctx: Ctx, dossierId: number) => Promise<boolean>;
let ratedLookup: RatedLookup | undefined;

/** Called by the ratings module when its routes are registered. */
export function setRatedLookup(lookup: RatedLookup) {
  ratedLookup = lookup;
}

export interface DossierLink {
  key: 'papers' | 'fees' | 'rating';
  href: string;
}

export interface LinkFacts {
  id: number;
  code: string;
  status: number;
  validReceivedAt: Date | null;
  /** The procedure as filed charges a fee. */
  hasFees: boolean;
}

/** Actions after which the citizen has a paper to download (forms 01, 02, 03, 06). */
const PAPER_ACTIONS: readonly ActionType[] = ['receive', 'request_supplement', 'refuse'];

/**
 * The applicant's links. With the tracking proof (`phone4`) each link carries it as `?so=`, which
 * the target pages check (and rate-limit) again; signed in, the session is the proof. Papers once
 * one was issued; fees when the procedure charges one and the dossier was received (nothing falls
 * due before); the rating after the result is returned, until it is given.
 */
export async function citizenLinks(
  ctx: Ctx,
  d: LinkFacts,
  actionTypes: readonly ActionType[],
  phone4?: string,
): Promise<DossierLink[]> {
  const base = `/ho-so/${encodeURIComponent(d.code)}`;
  const qs = phone4 ? `?so=${encodeURIComponent(phone4)}` : '';
  const links: DossierLink[] = [];
  if (actionTypes.some((a) => PAPER_ACTIONS.includes(a)))
    links.push({ key: 'papers', href: `${base}/giay-to${qs}` });
  if (d.hasFees && d.validReceivedAt) links.push({ key: 'fees', href: `${base}/le-phi${qs}` });
  if (d.status === 10 && !(await ratedLookup?.(ctx, d.id)))
    links.push({ key: 'rating', href: `${base}/danh-gia${qs}` });
  return links;
}

/**
 * Staff links: the papers page of the back office always (forms, the result and its signature),
 * fees when the procedure charges one (the desk confirms payments there), the rating once the
 * result is returned (to read what the applicant said; staff cannot rate).
 */
export function staffLinks(d: LinkFacts): DossierLink[] {
  const code = encodeURIComponent(d.code);
  const links: DossierLink[] = [{ key: 'papers', href: `/quan-tri/ho-so/${code}/giay-to` }];
  if (d.hasFees) links.push({ key: 'fees', href: `/ho-so/${code}/le-phi` });
  if (d.status === 10) links.push({ key: 'rating', href: `/ho-so/${code}/danh-gia` });
  return links;
}

/** One line of links, plain anchors: works without JavaScript and costs a few hundred bytes. */
export function DossierLinks({
  page,
  links,
  staff = false,
}: {
  page: PageCtx;
  links: DossierLink[];
  staff?: boolean;
}) {
  if (links.length === 0) return null;
  return (
    <p id="dossier-links">
      {links.map((l, i) => (
        <Fragment key={l.key}>
          {i > 0 && ' · '}
          <a href={l.href} data-link={l.key}>
            {page.t(`dossiers:links.${staff ? 'staff.' : ''}${l.key}`)}
          </a>
        </Fragment>
      ))}
    </p>
  );
}
