-- A report may be about one dossier: a complaint about how it was handled, which the Decision 766
-- index counts against the dossier (5.4: dossiers with a complaint or a dislike; decision 032). Set
-- only when the reporter's contact phone is the dossier's applicant's (feedback.submission.ts).
alter table feedback_reports add column dossier_code text;
create index feedback_reports_dossier_idx on feedback_reports (dossier_code) where dossier_code is not null;

-- The feedback module's report view (migration 20261204-0302) gains `dossier_code` at its end; its
-- other columns are unchanged, so the indicators' collector reads it as before.
create or replace view feedback_facts as
  select r.id,
         r.service_request_id as code,
         r.place_path,
         r.commune_path,
         c.code as category,
         r.channel,
         r.created_at as received_at,
         r.status,
         r.handling_level,
         r.handling_place_path,
         r.accept_due_at,
         r.accept_late_at,
         case when r.refused_at is null then r.accept_done_at end as accepted_at,
         r.refused_at,
         r.accept_done_at < r.accept_late_at as accept_on_time,
         r.info_due_at,
         r.info_late_at,
         r.info_done_at as info_requested_at,
         r.info_done_at < r.info_late_at as info_on_time,
         r.answer_due_at,
         r.answer_late_at,
         r.answer_done_at as answered_at,
         r.answer_done_at < r.answer_late_at as answer_on_time,
         r.publish_due_at,
         r.publish_late_at,
         r.published_at,
         r.published_at < r.publish_late_at as publish_on_time,
         r.escalated_at,
         r.merged_into_id is not null as merged,
         r.rating,
         r.complaints,
         r.closed_at,
         r.updated_at,
         r.dossier_code
    from feedback_reports r
    join feedback_categories c on c.id = r.category_id;
