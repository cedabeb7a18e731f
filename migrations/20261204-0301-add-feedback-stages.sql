-- Feedback deadlines as the national measure counts them (issue 12 item 7, decision 023): 2 working
-- days to accept or refuse, 5 to ask for more information, 15 to answer, 2 to publish the answer
-- (docs/rules.md, "Feedback"). Each category keeps its own days; every report records each stage's
-- due time, the instant from which it is late, and when it was done.

alter table feedback_categories
  add column accept_days integer not null default 2 check (accept_days between 1 and 30),
  add column info_days integer not null default 5 check (info_days between 1 and 30),
  add column publish_days integer not null default 2 check (publish_days between 1 and 30),
  alter column deadline_days set default 15;

-- The eight categories seeded on first start with the old default of 10 days, never edited since,
-- take the national 15. A category an admin created or changed keeps what they chose.
update feedback_categories set deadline_days = 15
 where deadline_days = 10 and updated_at = created_at
   and code in ('roads', 'electricity', 'water', 'environment', 'land', 'security', 'attitude', 'other');

-- A refusal, a question to the reporter, and the reporter's answer to it.
alter table feedback_actions drop constraint feedback_actions_kind_check;
alter table feedback_actions add constraint feedback_actions_kind_check check (kind in (
  'submit', 'acknowledge', 'refuse', 'request_info', 'supplement', 'assign', 'note', 'reply', 'merge',
  'publish', 'close', 'reopen', 'rate', 'escalate'
));

alter table feedback_reports drop constraint feedback_reports_status_check;
alter table feedback_reports add constraint feedback_reports_status_check check (status in (
  'new', 'awaiting_info', 'acknowledged', 'in_progress', 'answered', 'closed', 'reopened'
));

-- Like the other derived columns, a cache of the log (stateFromActions), rewritten with each action.
-- `<stage>_due_at`: the close of office on the stage's last working day; `<stage>_late_at`: the start
-- of the next working day, from when the stage is late; `<stage>_done_at`: when it was done (the
-- acceptance stage by an acceptance or a refusal). The answer's due time is also `due_at`, as before.
alter table feedback_reports
  -- The commune of the report's place (the place itself, or its village's commune): where the
  -- indicators count it.
  add column commune_path text,
  add column accept_due_at timestamptz,
  add column accept_late_at timestamptz,
  add column accept_done_at timestamptz,
  add column refused_at timestamptz,
  add column info_due_at timestamptz,
  add column info_late_at timestamptz,
  add column info_done_at timestamptz,
  add column answer_due_at timestamptz,
  add column answer_late_at timestamptz,
  add column answer_done_at timestamptz,
  add column publish_due_at timestamptz,
  add column publish_late_at timestamptz,
  -- The due time of the stage the office must do next (null: the reporter's turn, or closed).
  add column next_due_at timestamptz,
  add column escalated_at timestamptz,
  add column complaints integer not null default 0;

-- Reports made before: a report's place is a current commune or one of its villages, and current
-- communes sit right under their province, so the commune is the first three ids of the path.
-- What the log says is carried over; the clocks they never had stay empty, except the answer's,
-- which was `due_at` (late after it, as before: what stateFromActions gives a log without clocks).
update feedback_reports r set
  commune_path = substring(r.place_path from '^/[0-9]+/[0-9]+/[0-9]+/'),
  accept_done_at = (select min(a.at) from feedback_actions a where a.report_id = r.id and a.kind = 'acknowledge'),
  answer_due_at = r.due_at,
  answer_late_at = r.due_at,
  answer_done_at = case when r.status in ('answered', 'closed') then r.answered_at end,
  next_due_at = case when r.status in ('new', 'acknowledged', 'in_progress', 'reopened') then r.due_at end,
  escalated_at = (select max(a.at) from feedback_actions a where a.report_id = r.id and a.kind = 'escalate'),
  complaints = (select count(*) from feedback_actions a
                 where a.report_id = r.id and a.kind = 'reopen' and a.actor_user_id is null);
alter table feedback_reports alter column commune_path set not null;

create index feedback_reports_commune_path_idx on feedback_reports (commune_path text_pattern_ops, created_at);
-- What the escalation sweep and the queue's "overdue" read.
create index feedback_reports_next_due_idx on feedback_reports (next_due_at) where next_due_at is not null;
