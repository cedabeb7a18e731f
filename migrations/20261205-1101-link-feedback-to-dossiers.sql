-- Feedback module: a report may be about one dossier (a complaint about how it was handled), which
-- the Decision 766 index counts (5.4: dossiers with a complaint or a dislike, decision 032). Set
-- only when the reporter's phone is the dossier's applicant's (feedback.submission.ts).
alter table feedback_reports add column dossier_code text;
create index feedback_reports_dossier_idx on feedback_reports (dossier_code) where dossier_code is not null;

-- What the feedback module publishes for reports about dossiers: one row per report that names a
-- dossier and was not merged into another (a merged duplicate is the same complaint).
create view feedback_dossier_facts as
  select id as report_id, dossier_code, created_at
    from feedback_reports
   where dossier_code is not null and merged_into_id is null;
