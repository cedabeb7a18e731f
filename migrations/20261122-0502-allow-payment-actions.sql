-- The payments module records in a dossier's log when a fee falls due and is unpaid
-- (payment_requested) and when everything due is paid (payment_received); while a fee is unpaid the
-- national status is 6 (payment required). See src/modules/dossiers/README.md.
alter table dossier_actions drop constraint dossier_actions_type_check;
alter table dossier_actions add constraint dossier_actions_type_check check (type in (
  'submit', 'receive', 'refuse', 'assign', 'forward', 'request_supplement', 'supplement_received',
  'submit_for_approval', 'approve', 'reject', 'result_ready', 'result_returned', 'withdraw', 'stop',
  'overdue', 'payment_requested', 'payment_received'
));

-- The statutory clock keeps running while a fee is unpaid, so the daily overdue sweep must also find
-- dossiers at status 6 that are not decided yet (a fee owed at the decision is not a running clock).
drop index dossiers_overdue_idx;
create index dossiers_overdue_idx on dossiers (due_at)
  where status in (2, 4, 6) and decided_at is null and overdue_at is null;
