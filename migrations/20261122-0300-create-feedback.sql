-- Citizen feedback (phản ánh kiến nghị), exposed as Open311 GeoReport v2 (docs/decisions/012).

-- What people can report about; an Open311 "service". Routed to a role at the report's commune or
-- its province, with a deadline in working days.
create table feedback_categories (
  id bigint generated always as identity primary key,
  code text not null unique check (code ~ '^[a-z][a-z0-9-]{1,39}$'),
  name_vi text not null,
  name_en text,
  description_vi text,
  description_en text,
  keywords text,
  handler_role text not null default 'feedback_handler'
    check (handler_role in ('admin', 'receptionist', 'specialist', 'approver', 'radio_operator', 'feedback_handler')),
  handler_level text not null default 'commune' check (handler_level in ('commune', 'province')),
  deadline_days integer not null default 10 check (deadline_days between 1 and 90),
  active boolean not null default true,
  sort_order integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Keys for third-party Open311 clients (a Zalo mini-app, an NGO's tool). Only a hash is kept;
-- a key may post reports for places inside its place's subtree.
create table feedback_api_keys (
  id bigint generated always as identity primary key,
  name text not null,
  key_prefix text not null,
  key_hash text not null unique,
  place_id bigint not null references places (id),
  place_path text not null,
  requests_per_minute integer not null default 60 check (requests_per_minute > 0),
  created_by bigint,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

-- Daily counter behind the report code PA-yymmdd-nnnn.
create table feedback_counters (
  day date primary key,
  last integer not null
);

create table feedback_reports (
  id bigint generated always as identity primary key,
  -- Open311 service_request_id, also the code people read out at the counter.
  service_request_id text not null unique,
  -- Open311 tokens/{token}, and the reporter's private link (add photos, rate, reopen).
  token text not null unique,
  -- A retried form or API call with the same key makes one report ('w:' web form, 'k<id>:' API key).
  idempotency_key text unique,
  category_id bigint not null references feedback_categories (id),
  -- Where the problem is: a village or a commune; the path is copied for subtree queries.
  place_id bigint not null references places (id),
  place_path text not null,
  commune_id bigint not null references places (id),
  landmark text,
  lat numeric(9, 6) check (lat between -90 and 90),
  long numeric(9, 6) check (long between -180 and 180),
  description text not null,
  media_url text,
  -- Never shown in public pages or Open311 answers.
  contact_name text,
  contact_phone text,
  contact_email text,
  channel text not null check (channel in ('web', 'counter', 'open311')),
  citizen_id bigint,
  filed_by_user_id bigint,
  api_key_id bigint references feedback_api_keys (id),
  -- Who handles it now: a role at a place (the commune, or the province after escalation).
  handler_role text not null,
  handling_level text not null check (handling_level in ('commune', 'province')),
  handling_place_id bigint not null references places (id),
  handling_place_path text not null,
  due_at timestamptz not null,
  -- Everything below is derived from feedback_actions by deriveState() and rewritten in the same
  -- transaction as each action; the log is the truth.
  status text not null default 'new'
    check (status in ('new', 'acknowledged', 'in_progress', 'answered', 'closed', 'reopened')),
  assignee_user_id bigint,
  assignee_label text,
  public_reply text,
  answered_at timestamptz,
  published_at timestamptz,
  public_description text,
  public_photos boolean not null default false,
  merged_into_id bigint references feedback_reports (id),
  rating integer check (rating between 1 and 5),
  closed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (contact_phone is null or contact_phone ~ '^0[0-9]{9}$')
);
create index feedback_reports_place_path_idx on feedback_reports (place_path text_pattern_ops);
create index feedback_reports_handling_path_idx on feedback_reports (handling_place_path text_pattern_ops);
create index feedback_reports_created_idx on feedback_reports (created_at desc);
create index feedback_reports_due_idx on feedback_reports (due_at) where status <> 'closed';
create index feedback_reports_public_idx on feedback_reports (commune_id, published_at desc)
  where published_at is not null;

create table feedback_photos (
  id bigint generated always as identity primary key,
  report_id bigint not null references feedback_reports (id),
  file_id uuid not null references files (id),
  width integer not null,
  height integer not null,
  -- Hash of the bytes as sent, so sending the same photo again after a dropped link adds nothing.
  source_sha256 text not null,
  added_by text not null check (added_by in ('reporter', 'staff', 'open311')),
  created_at timestamptz not null default now(),
  unique (report_id, source_sha256)
);

-- Append-only: every step of a report, who took it, when. Status and the rest are derived from it.
create table feedback_actions (
  id bigint generated always as identity primary key,
  report_id bigint not null references feedback_reports (id),
  kind text not null check (kind in (
    'submit', 'acknowledge', 'assign', 'note', 'reply', 'merge', 'publish', 'close', 'reopen', 'rate', 'escalate'
  )),
  at timestamptz not null default now(),
  actor_kind text not null check (actor_kind in ('staff', 'citizen', 'reporter', 'system', 'api')),
  actor_user_id bigint,
  actor_label text not null,
  -- Public text (a reply) or internal text (a note); which is which follows from the kind.
  body text,
  details jsonb not null default '{}'
);
create index feedback_actions_report_idx on feedback_actions (report_id, id);

create function feedback_actions_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'feedback_actions is append-only';
end $$;
create trigger feedback_actions_no_update before update or delete on feedback_actions
  for each row execute function feedback_actions_append_only();
create trigger feedback_actions_no_truncate before truncate on feedback_actions
  for each statement execute function feedback_actions_append_only();

-- Official addresses of a commune or province office that hear about escalated reports.
create table feedback_notify_contacts (
  id bigint generated always as identity primary key,
  place_id bigint not null references places (id),
  place_path text not null,
  channel text not null check (channel in ('sms', 'email')),
  recipient text not null,
  created_at timestamptz not null default now(),
  unique (place_id, channel, recipient)
);
