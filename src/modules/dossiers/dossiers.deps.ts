import type { Ctx } from '#platform/context.ts';
import type { RateLimiter } from '#platform/rate-limit.ts';

/** What the use cases need beyond the request context. */
export interface DossierDeps {
  limiter: RateLimiter;
  /** The site's public address, for tracking links in messages. */
  publicUrl: string;
}

/**
 * The pages other modules own about a dossier (its papers: documents; its fees: payments; its
 * rating: ratings) and whether it was rated. Those modules import this one, so this one cannot import
 * them: the composition root (src/app) hands them in, each built by the module that owns the page.
 * `phone4` is the tracking proof (the last 4 digits of the applicant's phone), which the target page
 * checks and rate-limits again; signed in, none is passed.
 */
export interface DossierLinkSources {
  papers(code: string, phone4?: string): string;
  /** The back office's papers page (forms, the result and its signature). */
  staffPapers(code: string): string;
  fees(code: string, phone4?: string): string;
  rating(code: string, phone4?: string): string;
  /** Whether the applicant has rated the dossier: its pages link to the rating until then. */
  rated(ctx: Ctx, dossierId: number): Promise<boolean>;
  /** The draft result (PDF, unsigned), for the approver to read before approving. */
  resultPreview(code: string): string;
  /** Where the approver's "approve and sign" form posts: the approval, then the signature. */
  approveAndSign(code: string): string;
  /** Whether results can be signed here (a signing certificate is configured). */
  canSign(): boolean;
}

/** What the pages need: the use cases' dependencies and the links to the other modules' pages. */
export interface DossierPageDeps extends DossierDeps {
  links: DossierLinkSources;
}
