-- What the feedback module publishes for reports (the indicators' collector, statistics): one row
-- per report, with each stage's clock as the national measure times it (decision 023). A contract
-- owned by the feedback module: others read this view, never the tables, so the tables may change
-- as long as the view keeps its columns. A plain projection: the planner inlines it.
--
-- `<stage>_on_time` is null until the stage is done (or when it has no clock: a report made before
-- decision 023, or an acceptance that waited for the reporter's information). A stage not done is
-- still within its term at an instant t while t < `<stage>_late_at`.
create view feedback_facts as
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
         r.updated_at
    from feedback_reports r
    join feedback_categories c on c.id = r.category_id;
