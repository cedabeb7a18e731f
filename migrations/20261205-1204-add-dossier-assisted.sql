-- Assisted filing (issue 16): a dossier filed for the applicant by a community digital team member.
-- The channel stays the national one (2, online); who helped and where are helped_by and
-- helped_place_id, as for any staff filing. Reports see the mark in dossier_facts: a column added
-- at the end of the view as migration 20261205-1100 left it, so the earlier columns keep their
-- meaning (a later widening of the view must keep `assisted` where it is, or append after it).
alter table dossiers add column assisted boolean not null default false;

create or replace view dossier_facts as
  select d.id, d.code, d.procedure_code, d.channel, d.unit_path, d.submitted_at, d.valid_received_at,
         d.due_at, d.decided_at, d.finished_at, d.status, d.decision,
         d.step,
         d.procedure_version,
         d.supplement_requests::int as supplement_requests,
         coalesce(s.paused, interval '0') as supplement_paused,
         s.open_since as supplement_open_since,
         case when s.dossier_id is null then d.due_at else s.appointment_at end as appointment_at,
         d.id in (select dossier_id from dossier_files) as has_files,
         -- No dossier takes a component from earlier digitised data yet (formula 4.3, a component
         -- marked reused): true once a feature records it.
         false as data_reused,
         p.paper_result,
         case when d.channel = 2 then p.fee_online else p.fee_counter end as fee_required,
         p.online_level,
         d.assisted
    from dossiers d
    left join dossier_supplement_facts s on s.dossier_id = d.id
    left join dossier_procedure_facts p on p.procedure_code = d.procedure_code and p.version = d.procedure_version;
