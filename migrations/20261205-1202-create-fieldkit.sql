-- Community digital teams' field kit: the household register of each hamlet, the visits, the
-- province's visit checklist, and what the offline kit needs to sync (decision 025).

-- One row per hamlet whose team has data. Every write to a hamlet's rows first locks this row, so
-- the hamlet's changes commit one after another and their update ids (from the sequence below)
-- rise in commit order: a pull that has seen update id N has seen every earlier change of that
-- hamlet (a reader can never skip a change that committed late).
create table fieldkit_teams (
  hamlet_id bigint primary key references places (id),
  hamlet_path text not null,
  created_at timestamptz not null default now()
);
create index fieldkit_teams_path_idx on fieldkit_teams (hamlet_path text_pattern_ops);

create sequence fieldkit_update_seq;

create table fieldkit_households (
  -- Made by the client that registered it (a kit offline) or by the server (import, form).
  id uuid primary key,
  hamlet_id bigint not null references fieldkit_teams (hamlet_id),
  hamlet_path text not null,
  -- Personal data only with the household's consent to be recorded.
  head_name text,
  members integer not null check (members between 1 and 50),
  phones text[] not null default '{}',
  address text not null,
  lat double precision,
  lng double precision,
  consent boolean not null,
  version integer not null default 1,
  update_id bigint not null,
  -- Open conflicts wait for the team leader (fieldkit_conflicts).
  needs_review boolean not null default false,
  visit_count integer not null default 0,
  -- The latest visit, as the kit shows it offline: {id, at, memberName, smartphone, …}.
  last_visit jsonb,
  -- A deletion is a tombstone: the row stays (its personal data erased) with a new update id, so
  -- every kit learns of it and an offline edit made before it is caught, never resurrects it.
  deleted_at timestamptz,
  deleted_by bigint references users (id),
  delete_reason text,
  created_at timestamptz not null default now(),
  created_by bigint references users (id),
  updated_at timestamptz not null default now(),
  updated_by bigint references users (id),
  check ((lat is null) = (lng is null)),
  check (consent or (head_name is null and phones = '{}' and lat is null)),
  check (deleted_at is null or (head_name is null and phones = '{}' and lat is null))
);
create index fieldkit_households_feed_idx on fieldkit_households (hamlet_id, update_id);
create index fieldkit_households_path_idx on fieldkit_households (hamlet_path text_pattern_ops);
create index fieldkit_households_search_idx on fieldkit_households
  using gin (search_key(coalesce(head_name, '') || ' ' || address) gin_trgm_ops);

-- The visit checklist of a province, one row per version; visits name the version they answered.
create table fieldkit_checklists (
  id bigint generated always as identity primary key,
  province_id bigint not null references places (id),
  items jsonb not null,
  created_at timestamptz not null default now(),
  created_by bigint references users (id)
);
create index fieldkit_checklists_province_idx on fieldkit_checklists (province_id, id desc);

-- Visits are facts: append-only (a trigger refuses UPDATE, DELETE and TRUNCATE).
create table fieldkit_visits (
  id uuid primary key,
  household_id uuid not null references fieldkit_households (id),
  hamlet_id bigint not null references places (id),
  hamlet_path text not null,
  member_id bigint not null references users (id),
  member_name text not null,
  started_at timestamptz not null,
  ended_at timestamptz not null,
  lat double precision,
  lng double precision,
  accuracy_m double precision,
  checklist_id bigint not null references fieldkit_checklists (id),
  answers jsonb not null,
  -- The indicators, copied out of the answers for the dashboards.
  smartphone boolean,
  vneid_adults integer,
  cashless boolean,
  public_service_account boolean,
  -- The household had been deleted when this visit arrived (flagged for the leader).
  after_delete boolean not null default false,
  received_at timestamptz not null default now(),
  check (ended_at >= started_at),
  check ((lat is null) = (lng is null))
);
create index fieldkit_visits_hamlet_idx on fieldkit_visits (hamlet_path text_pattern_ops, ended_at);
create index fieldkit_visits_household_idx on fieldkit_visits (household_id, ended_at desc);

create function fieldkit_visits_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'fieldkit_visits is append-only';
end $$;
create trigger fieldkit_visits_no_update before update or delete on fieldkit_visits
  for each row execute function fieldkit_visits_append_only();
create trigger fieldkit_visits_no_truncate before truncate on fieldkit_visits
  for each statement execute function fieldkit_visits_append_only();

-- A kit installation (one browser profile, one person): commands are keyed by it.
create table fieldkit_clients (
  id uuid primary key,
  user_id bigint not null references users (id),
  app_version text not null,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);

-- Every command a kit sent, once: the answer is kept, so a replay gets the same answer and
-- changes nothing. The row is written in the transaction that applies the command.
create table fieldkit_commands (
  client_id uuid not null references fieldkit_clients (id),
  command_id uuid not null,
  user_id bigint not null references users (id),
  type text not null,
  protocol integer not null,
  received_at timestamptz not null default now(),
  result jsonb not null,
  primary key (client_id, command_id)
);

-- An edit that met a newer server value, a deleted household, or a stale deletion: both values
-- kept, the household flagged, until the team leader (or an admin) resolves it.
create table fieldkit_conflicts (
  id bigint generated always as identity primary key,
  household_id uuid not null references fieldkit_households (id),
  hamlet_id bigint not null references places (id),
  hamlet_path text not null,
  kind text not null check (kind in ('edit', 'deleted', 'visit-after-delete', 'delete-stale')),
  -- [{field, server, client, base}] for an edit; the member's whole record for the others.
  fields jsonb not null default '[]',
  client_record jsonb,
  base_version integer,
  server_version integer not null,
  user_id bigint not null references users (id),
  member_name text not null,
  client_id uuid,
  command_id uuid,
  created_at timestamptz not null default now(),
  resolved_at timestamptz,
  resolved_by bigint references users (id),
  resolution text check (resolution in ('server', 'client', 'restored', 'kept-deleted', 'deleted', 'noted'))
);
create index fieldkit_conflicts_open_idx on fieldkit_conflicts (hamlet_path text_pattern_ops)
  where resolved_at is null;
create index fieldkit_conflicts_household_idx on fieldkit_conflicts (household_id);
