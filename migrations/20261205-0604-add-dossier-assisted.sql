-- Assisted filing (issue 16): a dossier filed for the applicant by a community digital team member.
-- The channel stays the national one (2, online); who helped and where are helped_by and
-- helped_place_id, as for any staff filing. Reports see the mark in dossier_facts (a column added
-- at the end, so the view's earlier columns keep their meaning).
alter table dossiers add column assisted boolean not null default false;

create or replace view dossier_facts as
  select id, code, procedure_code, channel, unit_path, submitted_at, valid_received_at, due_at,
         decided_at, finished_at, status, decision, assisted
    from dossiers;
