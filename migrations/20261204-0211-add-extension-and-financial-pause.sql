-- Issue 12 items 3, 4 and 5 (src/modules/dossiers/README.md, "Statutory clock"):
-- * form 04 before the due date: the specialist drafts an extension with its new date
--   (extension_drafted), the approver signs it (extension_approved) or declines it
--   (extension_declined); the due date moves once;
-- * the time the applicant spends meeting financial obligations (land charges) does not count, for
--   the procedures whose catalogue record excludes it (financial_obligation_notified / _paid);
-- * one supplement request after receipt: the dossier row counts them (supplement_requests), so
--   reports can count a dossier asked more than once as late without reading the log.
alter table dossier_actions drop constraint dossier_actions_type_check;
alter table dossier_actions add constraint dossier_actions_type_check check (type in (
  'submit', 'receive', 'refuse', 'assign', 'forward', 'request_supplement', 'supplement_received',
  'submit_for_approval', 'approve', 'reject', 'result_ready', 'result_returned', 'withdraw', 'stop',
  'overdue', 'payment_requested', 'payment_received',
  'extension_drafted', 'extension_approved', 'extension_declined',
  'financial_obligation_notified', 'financial_obligation_paid'
));

-- A cached projection of the log like the other columns after `channel`: supplement requests made
-- after the dossier was received (the desk's check before receipt, form 02, is not one).
alter table dossiers add column supplement_requests smallint not null default 0
  check (supplement_requests >= 0);
update dossiers d
   set supplement_requests = s.n
  from (select a.dossier_id, count(*)::smallint as n
          from dossier_actions a
          join (select dossier_id, min(id) as receive_id
                  from dossier_actions where type = 'receive' group by dossier_id) r
            on r.dossier_id = a.dossier_id
         where a.type = 'request_supplement' and a.id > r.receive_id
         group by a.dossier_id) s
 where s.dossier_id = d.id;
