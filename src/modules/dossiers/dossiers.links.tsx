import { Fragment } from 'preact';
import type { Ctx } from '#platform/context.ts';
import type { PageCtx } from '#web/layout.tsx';
import type { DossierLinkSources } from './dossiers.deps.ts';
import type { ActionType } from './dossiers.workflow.ts';

/**
 * Links from a dossier's pages (public tracking, the citizen's own page, the staff page) to the
 * pages other modules own about it: its papers (documents), its fees (payments) and the rating
 * (ratings). This module decides from its own data when each is worth showing; the addresses and
 * whether the applicant has rated come from those modules, through `DossierLinkSources`.
 */

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
 * The applicant's links. With the tracking proof (`phone4`) each link carries it; signed in, the
 * session is the proof. Papers once one was issued; fees when the procedure charges one and the
 * dossier was received (nothing falls due before); the rating after the result is returned, until
 * it is given.
 */
export async function citizenLinks(
  ctx: Ctx,
  sources: DossierLinkSources,
  d: LinkFacts,
  actionTypes: readonly ActionType[],
  phone4?: string,
): Promise<DossierLink[]> {
  const links: DossierLink[] = [];
  if (actionTypes.some((a) => PAPER_ACTIONS.includes(a)))
    links.push({ key: 'papers', href: sources.papers(d.code, phone4) });
  if (d.hasFees && d.validReceivedAt) links.push({ key: 'fees', href: sources.fees(d.code, phone4) });
  if (d.status === 10 && !(await sources.rated(ctx, d.id)))
    links.push({ key: 'rating', href: sources.rating(d.code, phone4) });
  return links;
}

/**
 * Staff links: the papers page of the back office always (forms, the result and its signature),
 * fees when the procedure charges one (the desk confirms payments there), the rating once the
 * result is returned (to read what the applicant said; staff cannot rate).
 */
export function staffLinks(sources: DossierLinkSources, d: LinkFacts): DossierLink[] {
  const links: DossierLink[] = [{ key: 'papers', href: sources.staffPapers(d.code) }];
  if (d.hasFees) links.push({ key: 'fees', href: sources.fees(d.code) });
  if (d.status === 10) links.push({ key: 'rating', href: sources.rating(d.code) });
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
