-- The dvcqg module: dossiers synchronised with the National Public Service Portal (Cổng DVCQG),
-- decision 033. Nothing here references another module's table: dossiers, places and procedures
-- are named by their ids and codes, copied when the row is written.

-- Per commune (or province): whether its dossiers are sent, and as which agency (madonvi). Off by
-- default: a place without a row, or with enabled = false, queues nothing.
create table dvcqg_places (
  place_id bigint primary key,
  place_code text not null,
  place_path text not null,
  madonvi text,
  enabled boolean not null default false,
  updated_by bigint,
  updated_at timestamptz not null default now(),
  constraint dvcqg_places_madonvi check (not enabled or madonvi is not null)
);
create index dvcqg_places_enabled_idx on dvcqg_places (place_path text_pattern_ops) where enabled;

-- One row per dossier that has had a change queued: where its delivery stands. Changes of one
-- dossier are delivered in order by one worker at a time (the lease); `queued_through` and
-- `delivered_through` are action ids, so "is anything left" is a comparison of two columns of the
-- row a delivery updates (safe against a change committing meanwhile).
create table dvcqg_dossiers (
  dossier_id bigint primary key,
  code text not null,
  procedure_code text not null,
  -- The place setting that queued its latest change.
  place_id bigint not null,
  -- The state after its latest queued change (for reports and the reconciliation).
  local_step text not null,
  local_status smallint not null,
  -- pending: something to send · synced: the portal has everything · held: waiting for an admin
  -- (an unmapped procedure) · dead: tried too often, waiting for a resend.
  state text not null default 'pending' check (state in ('pending', 'synced', 'held', 'dead')),
  queued_through bigint not null,
  delivered_through bigint,
  -- The portal acknowledged a DongBoHoSoMC for it: later changes update without a look-up.
  portal_has boolean not null default false,
  portal_status text,
  attempts integer not null default 0,
  next_attempt_at timestamptz,
  lease_owner text,
  lease_until timestamptz,
  hold_reason text,
  last_error text,
  last_error_at timestamptz,
  -- Progress was sent for actions up to this id and its answer is not recorded yet: if the worker
  -- dies now, those entries are sent again and may be recorded twice at the portal.
  progress_sent_through bigint,
  first_queued_at timestamptz not null,
  last_change_at timestamptz not null,
  last_success_at timestamptz
);
create index dvcqg_dossiers_due_idx on dvcqg_dossiers (next_attempt_at, dossier_id) where state = 'pending';
create index dvcqg_dossiers_state_idx on dvcqg_dossiers (place_id, state);
create index dvcqg_dossiers_success_idx on dvcqg_dossiers (last_success_at) where last_success_at is not null;

-- The outbox: one row per action of a dossier the portal must hear of, written in the transaction
-- (or the statement) that appended the action.
create table dvcqg_outbox (
  id bigint generated always as identity primary key,
  dossier_id bigint not null references dvcqg_dossiers (dossier_id),
  action_id bigint not null,
  action_type text not null,
  queued_at timestamptz not null,
  delivered_at timestamptz,
  delivered_by text,
  -- How many progress calls carried it: 2 or more only after an answer was lost.
  sends smallint not null default 0,
  constraint dvcqg_outbox_action unique (dossier_id, action_id)
);
create index dvcqg_outbox_undelivered_idx on dvcqg_outbox (dossier_id, action_id) where delivered_at is null;
create index dvcqg_outbox_queued_idx on dvcqg_outbox (queued_at) where delivered_at is null;

-- Every failed attempt, with what the portal answered (the admin page's "failures").
create table dvcqg_failures (
  id bigint generated always as identity primary key,
  dossier_id bigint not null,
  code text not null,
  at timestamptz not null,
  service text not null,
  kind text not null check (kind in ('unreachable', 'refused', 'held', 'dead')),
  error_code integer,
  message text not null,
  attempt integer not null
);
create index dvcqg_failures_at_idx on dvcqg_failures (at desc);
create index dvcqg_failures_dossier_idx on dvcqg_failures (dossier_id, at desc);

-- Local step and status → national status code (TrangThaiHoSo). The defaults are DOMAIN.md's:
-- the dossiers module's own status; a province may change them (TD sends 5, 6 and 8 as 9).
create table dvcqg_status_map (
  step text not null,
  local_status smallint not null,
  national text not null check (national in ('1', '2', '3', '4', '5', '6', '7', '8', '9', '10')),
  updated_by bigint,
  updated_at timestamptz not null default now(),
  primary key (step, local_status)
);
insert into dvcqg_status_map (step, local_status, national) values
  ('submitted', 1, '1'),
  ('received', 2, '2'),
  ('received', 6, '6'),
  ('refused', 3, '3'),
  ('in_progress', 4, '4'),
  ('in_progress', 6, '6'),
  ('pending_approval', 4, '4'),
  ('pending_approval', 6, '6'),
  ('supplement_requested', 5, '5'),
  ('withdrawn', 7, '7'),
  ('stopped', 8, '8'),
  ('decided', 9, '9'),
  ('decided', 6, '6'),
  ('result_ready', 9, '9'),
  ('result_ready', 6, '6'),
  ('returned', 10, '10');

-- The national catalogue as last read (LayDanhSachTTHC, and LayThuTuc for the detail).
create table dvcqg_national_procedures (
  ma_tthc text primary key,
  ten_tthc text not null,
  detail jsonb,
  fetched_at timestamptz not null
);
create index dvcqg_national_procedures_name_idx on dvcqg_national_procedures
  using gin (search_key(ten_tthc) gin_trgm_ops);

-- Local procedure code → national procedure (MaTTHC), confirmed by an admin. The names come from
-- LayThuTuc, as the portal wants them in every DongBoHoSoMC.
create table dvcqg_procedure_map (
  procedure_code text primary key,
  ma_tthc text not null,
  ten_tthc text not null,
  ma_linh_vuc text not null,
  ten_linh_vuc text not null,
  confirmed_by bigint,
  confirmed_at timestamptz not null
);

-- Differences between the national catalogue and the local one, one per procedure and aspect,
-- for an admin to accept (through the procedures module) or reject.
create table dvcqg_catalogue_diffs (
  id bigint generated always as identity primary key,
  procedure_code text not null,
  ma_tthc text not null,
  aspect text not null check (aspect in ('days', 'fees', 'documents', 'legal_basis')),
  local jsonb not null,
  national jsonb not null,
  proposed jsonb not null,
  local_version integer not null,
  state text not null default 'open' check (state in ('open', 'accepted', 'rejected')),
  found_at timestamptz not null,
  decided_by bigint,
  decided_at timestamptz
);
create unique index dvcqg_catalogue_diffs_open_idx on dvcqg_catalogue_diffs (procedure_code, aspect)
  where state = 'open';

-- Monthly reconciliation per place: counts by national status here and at the portal, and the
-- dossiers that differ.
create table dvcqg_reconciliations (
  id bigint generated always as identity primary key,
  place_id bigint not null,
  month text not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  ran_at timestamptz not null,
  ran_by bigint,
  portal_reachable boolean not null,
  here jsonb not null,
  portal jsonb,
  differences jsonb not null
);
create index dvcqg_reconciliations_idx on dvcqg_reconciliations (place_id, month, ran_at desc);
