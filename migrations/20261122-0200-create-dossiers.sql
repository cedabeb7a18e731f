-- Dossiers (hồ sơ) of the electronic one-stop shop: the dossier row is a cached projection of its
-- append-only action log (dossier_actions), kept for the staff queue and the tracking page.

-- The procedure as it was when a dossier was filed: later edits to the catalogue do not change the
-- documents, days or workflow a dossier is judged by. One row per (code, version), shared by every
-- dossier filed under that version.
create table dossier_procedure_versions (
  procedure_code text not null,
  version text not null,
  definition jsonb not null,
  created_at timestamptz not null default now(),
  primary key (procedure_code, version)
);

-- Agency codes (mã đơn vị, QCVN 102:2016 (check)) of receiving units, set by an admin. A unit
-- without a row gets a derived code: '{province code}.{commune code}' (see the module README).
create table dossier_agency_codes (
  place_id bigint primary key references places (id),
  agency_code text not null unique check (agency_code ~ '^[A-Z0-9][A-Z0-9.]{0,29}$'),
  updated_by bigint references users (id),
  updated_at timestamptz not null default now()
);

-- Daily sequence per agency: the last number handed out. Incremented with an upsert inside the
-- submitting transaction, so concurrent submissions queue on the row and a rolled-back one leaves
-- no gap.
create table dossier_sequences (
  agency_code text not null,
  day date not null,
  last_value integer not null,
  primary key (agency_code, day)
);

create table dossiers (
  id bigint generated always as identity primary key,
  -- '{agency code}-{yymmdd}-{daily sequence, 4 digits}', e.g. 'H15.50.05.13-261008-0975'.
  code text not null unique,
  agency_code text not null,
  procedure_code text not null,
  procedure_version text not null,
  procedure_name text not null,
  applicant_name text not null,
  -- CCCD: 12 digits.
  applicant_id_number text check (applicant_id_number ~ '^[0-9]{12}$'),
  applicant_phone text not null check (applicant_phone ~ '^0[0-9]{9}$'),
  applicant_address text,
  applicant_email text,
  -- The citizen account that filed it, when signed in.
  citizen_id bigint references citizens (id),
  form_data jsonb not null default '{}',
  -- 1 in person, 2 online, 3 public postal service (national portal's HinhThuc).
  channel smallint not null check (channel in (1, 2, 3)),
  -- Who decides, now: the competent unit; a forward moves it. Paths are copied (as role_grants do)
  -- so scope checks and the queue need no join.
  unit_id bigint not null references places (id),
  unit_path text not null,
  -- Where the dossier was received, and where and by whom the applicant was helped (a counter, a
  -- community digital team in a village). Kept apart since Decree 118/2025.
  received_place_id bigint references places (id),
  helped_place_id bigint references places (id),
  helped_by bigint references users (id),
  submitted_at timestamptz not null,
  valid_received_at timestamptz,
  due_at timestamptz,
  decided_at timestamptz,
  finished_at timestamptz,
  -- National status code 1–10 and the finer step, both derived from dossier_actions.
  status smallint not null check (status between 1 and 10),
  step text not null,
  assignee_id bigint references users (id),
  decision text check (decision in ('approved', 'rejected')),
  overdue_at timestamptz,
  last_action_id bigint,
  -- The queue's order: due time once the clock runs, else the submission time.
  sort_at timestamptz generated always as (coalesce(due_at, submitted_at)) stored,
  idempotency_key text unique,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Staff queue. Open dossiers (not refused, withdrawn, stopped or returned) in due order, by unit
-- subtree; wide scopes (a province) walk the second index and filter. Checked with EXPLAIN in
-- dossiers.queue.test.ts and measured over 1,000,000 rows by the bench.
create index dossiers_open_unit_idx on dossiers (unit_path text_pattern_ops, sort_at, id)
  where status not in (3, 7, 8, 10);
create index dossiers_open_idx on dossiers (sort_at, id) where status not in (3, 7, 8, 10);
-- Finished dossiers, newest first, by unit subtree.
create index dossiers_unit_id_idx on dossiers (unit_path text_pattern_ops, id);
create index dossiers_assignee_idx on dossiers (assignee_id, sort_at, id)
  where status not in (3, 7, 8, 10) and assignee_id is not null;
-- Search by name (with or without diacritics) and by phone; a citizen's own dossiers.
-- Names are searched from their start first (family name first: "hoang thi mai", "hoang"), then
-- anywhere in them (trigrams) when that finds nothing.
create index dossiers_name_prefix_idx on dossiers (search_key(applicant_name) text_pattern_ops, id);
create index dossiers_name_idx on dossiers using gin (search_key(applicant_name) gin_trgm_ops);
create index dossiers_phone_idx on dossiers (applicant_phone, id);
create index dossiers_citizen_idx on dossiers (citizen_id, id) where citizen_id is not null;
-- The daily overdue sweep: clocks running past their due time, not yet marked.
create index dossiers_overdue_idx on dossiers (due_at)
  where status in (2, 4) and overdue_at is null;

-- The action log: the audit trail, the tracking sheet (form 06) and the source of the status.
create table dossier_actions (
  id bigint generated always as identity primary key,
  dossier_id bigint not null references dossiers (id),
  type text not null check (type in (
    'submit', 'receive', 'refuse', 'assign', 'forward', 'request_supplement', 'supplement_received',
    'submit_for_approval', 'approve', 'reject', 'result_ready', 'result_returned', 'withdraw', 'stop',
    'overdue'
  )),
  at timestamptz not null,
  actor_kind text not null check (actor_kind in ('staff', 'citizen', 'applicant', 'system')),
  actor_user_id bigint references users (id),
  actor_citizen_id bigint references citizens (id),
  actor_name text not null,
  -- The unit the dossier was at when the action was taken.
  unit_id bigint not null references places (id),
  note text,
  payload jsonb not null default '{}',
  status_after smallint not null check (status_after between 1 and 10)
);
create index dossier_actions_dossier_idx on dossier_actions (dossier_id, id);

create function dossier_actions_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'dossier_actions is append-only';
end $$;
create trigger dossier_actions_no_update before update or delete on dossier_actions
  for each row execute function dossier_actions_is_append_only();
create trigger dossier_actions_no_truncate before truncate on dossier_actions
  for each statement execute function dossier_actions_is_append_only();

-- Uploaded documents: each stored file belongs to one dossier, under one required-document id of
-- the procedure; a supplement's files point at the action that brought them.
create table dossier_files (
  id bigint generated always as identity primary key,
  dossier_id bigint not null references dossiers (id),
  file_id uuid not null unique references files (id),
  document_id text not null,
  action_id bigint references dossier_actions (id),
  created_at timestamptz not null default now()
);
create index dossier_files_dossier_idx on dossier_files (dossier_id, id);

-- The government's announcement of a year's days off (Tết, swaps), entered by an administrator:
-- a calendar YearOverride as JSON, one row per year.
create table calendar_overrides (
  year integer primary key check (year between 2000 and 2200),
  override jsonb not null,
  updated_by bigint references users (id),
  updated_at timestamptz not null default now()
);

-- SMS texts an administrator has edited; a key without a row uses the default in the code.
create table dossier_sms_templates (
  key text primary key,
  body text not null check (length(body) between 1 and 480),
  -- Send without diacritics: GSM-7, 160 characters a segment instead of 70.
  plain boolean not null default false,
  updated_by bigint references users (id),
  updated_at timestamptz not null default now()
);
