import { Form } from '#web/form.tsx';
import type { PageCtx } from '#web/layout.tsx';
import type { DossierLinkSources } from './dossiers.deps.ts';
import { storedPayload } from './dossiers.queries.ts';
import type { StaffView } from './dossiers.read.ts';

/**
 * On the staff page of a dossier: what is still to be done and by whom, whoever is looking (an
 * approver who has just approved used to read "Bạn không có thao tác nào" while the signature still
 * waited on another page), and the approver's one step — read the draft result, then approve and
 * sign it at once.
 */

/** The last assignee's name, as the log recorded it. */
function assigneeOf(view: StaffView): string | undefined {
  for (let i = view.actions.length - 1; i >= 0; i--) {
    const a = view.actions[i];
    if (a?.type === 'assign') return storedPayload(a.payload).assigneeName;
  }
  return undefined;
}

/** The result was signed and issued here (the documents module marked it ready, to download). */
function issuedOnline(view: StaffView): boolean {
  const ready = view.actions.filter((a) => a.type === 'result_ready').at(-1);
  return ready ? storedPayload(ready.payload).delivery === 'online' : false;
}

/** One sentence: who acts next, and what they do. */
export function nextStepText(page: Pick<PageCtx, 't'>, view: StaffView, canSign: boolean): string {
  const t = page.t;
  const s = view.state;
  switch (s.step) {
    case 'submitted':
      return t('dossiers:next.submitted');
    case 'received':
      return t('dossiers:next.received');
    case 'in_progress': {
      const name = assigneeOf(view);
      return name ? t('dossiers:next.in_progress', { name }) : t('dossiers:next.in_progressNobody');
    }
    case 'pending_approval':
      return canSign ? t('dossiers:next.pending_approval') : t('dossiers:next.pending_approvalPaper');
    case 'supplement_requested':
      return t('dossiers:next.supplement_requested');
    case 'decided':
      if (s.decision === 'rejected') return t('dossiers:next.decidedRejected');
      return canSign ? t('dossiers:next.decidedSign') : t('dossiers:next.decidedPaper');
    case 'result_ready':
      return issuedOnline(view) ? t('dossiers:next.result_readyOnline') : t('dossiers:next.result_ready');
    default:
      return t('dossiers:next.closed');
  }
}

/**
 * "Việc tiếp theo": under the status, for everyone. An approver of the unit whose signature is what
 * waits (approved, not signed yet) gets the link to sign straight away.
 */
export function NextStep({
  page,
  view,
  links,
  approver,
}: {
  page: PageCtx;
  view: StaffView;
  links: DossierLinkSources;
  /** The viewer is an approver at a place covering the dossier's unit. */
  approver: boolean;
}) {
  const t = page.t;
  const canSign = links.canSign();
  const signNow = approver && canSign && view.state.step === 'decided' && view.state.decision === 'approved';
  return (
    <p class="notice" id="next-step">
      <strong>{t('dossiers:next.title')}</strong> {nextStepText(page, view, canSign)}
      {signNow && (
        <>
          {' '}
          <a href={links.staffPapers(view.dossier.code)} id="sign-now">
            {t('dossiers:next.signNow')}
          </a>
        </>
      )}
    </p>
  );
}

/**
 * The approver's step in one: the draft result to read (PDF, unsigned, opens without approving),
 * then one button that approves and signs. Posts to the documents module's page (`approveAndSign`),
 * which records the approval and signs; a form, so it works without script.
 */
export function ApproveAndSign({
  page,
  view,
  links,
}: {
  page: PageCtx;
  view: StaffView;
  links: DossierLinkSources;
}) {
  const t = page.t;
  const code = view.dossier.code;
  return (
    <li data-action="approve_sign">
      <p>
        <a href={links.resultPreview(code)} id="result-preview">
          {t('dossiers:approve.preview')}
        </a>
      </p>
      <Form page={page} action={links.approveAndSign(code)}>
        <input type="hidden" name="expected" value={String(view.state.lastActionId)} />
        <button type="submit">{t('dossiers:approve.sign')}</button>
      </Form>
      <small class="muted">{t('dossiers:approve.signHint')}</small>
    </li>
  );
}
