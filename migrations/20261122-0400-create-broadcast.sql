-- Commune loudspeakers (truyền thanh thông minh): clusters of speakers in villages, bulletins with
-- their audio and approval log, programmes of scheduled plays per group of clusters, what was pushed
-- to each device and whether it confirmed, proof of play, and CAP 1.2 emergency alerts.

-- Every change that alters what a device should hold takes a number from here, so a device's
-- "desired" version only ever grows, across clusters and app instances.
create sequence broadcast_sync_seq;

create table broadcast_clusters (
  id bigint generated always as identity primary key,
  -- Also the MQTT client id and the topic segment: no '/', '+', '#' or spaces.
  code text not null unique check (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  name text not null,
  -- The village (thôn, bản) it serves, or the commune itself for a cluster at the commune seat.
  place_id bigint not null references places (id),
  place_path text not null,
  commune_id bigint not null references places (id),
  latitude double precision check (latitude between -90 and 90),
  longitude double precision check (longitude between -180 and 180),
  languages text[] not null default '{vi}',
  volume smallint not null default 70 check (volume between 0 and 100),
  mqtt_username text not null unique,
  -- Mosquitto's own format ($7$ = PBKDF2-SHA512), so the same hash serves the embedded broker and
  -- a password file for an external Mosquitto.
  mqtt_password_hash text not null,
  status text not null default 'never' check (status in ('never', 'online', 'offline')),
  last_seen_at timestamptz,
  last_heartbeat jsonb,
  disabled_at timestamptz,
  sync_version bigint not null default 0,
  pushed_version bigint not null default 0,
  pushed_at timestamptz,
  acked_version bigint not null default 0,
  acked_at timestamptz,
  horizon_until timestamptz,
  created_by bigint references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index broadcast_clusters_place_path_idx on broadcast_clusters (place_path text_pattern_ops);
create index broadcast_clusters_commune_idx on broadcast_clusters (commune_id);

create table broadcast_bulletins (
  id bigint generated always as identity primary key,
  commune_id bigint not null references places (id),
  commune_path text not null,
  title text not null,
  body text,
  -- One language per bulletin (mixed text breaks speech synthesis).
  language text not null default 'vi',
  priority text not null check (priority in ('normal', 'priority', 'emergency')),
  -- Derived from broadcast_bulletin_actions by a pure function; kept here for queries.
  status text not null default 'draft'
    check (status in ('draft', 'pending', 'approved', 'rejected', 'withdrawn', 'broadcast')),
  voice text,
  spoken_text text,
  audio_source text check (audio_source in ('tts', 'upload')),
  audio_file_id uuid references files (id),
  audio_sha256 text,
  audio_sha1 text,
  audio_bytes integer,
  audio_duration_ms integer check (audio_duration_ms > 0),
  audio_format text check (audio_format in ('opus', 'mp3')),
  audio_mime text,
  audio_kbps real check (audio_kbps <= 32.5),
  created_by bigint references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((audio_file_id is null) = (audio_sha256 is null)),
  check (body is not null or audio_file_id is not null or status = 'draft')
);
create index broadcast_bulletins_commune_idx on broadcast_bulletins (commune_id, created_at desc);
create index broadcast_bulletins_sha_idx on broadcast_bulletins (audio_sha256);

-- The bulletin's history and its approvals: who wrote, submitted, approved, rejected, broadcast.
create table broadcast_bulletin_actions (
  id bigint generated always as identity primary key,
  bulletin_id bigint not null references broadcast_bulletins (id),
  action text not null
    check (action in ('create', 'edit', 'submit', 'approve', 'reject', 'withdraw', 'broadcast')),
  actor_user_id bigint references users (id),
  actor_label text not null,
  note text,
  at timestamptz not null default now()
);
create index broadcast_bulletin_actions_bulletin_idx on broadcast_bulletin_actions (bulletin_id, id);

create function broadcast_actions_are_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'broadcast_bulletin_actions is append-only';
end $$;
create trigger broadcast_bulletin_actions_no_update before update or delete on broadcast_bulletin_actions
  for each row execute function broadcast_actions_are_append_only();

-- A programme is a named group of clusters with its schedule entries.
create table broadcast_programmes (
  id bigint generated always as identity primary key,
  commune_id bigint not null references places (id),
  commune_path text not null,
  name text not null,
  active boolean not null default true,
  created_by bigint references users (id),
  created_at timestamptz not null default now(),
  unique (commune_id, name)
);

create table broadcast_programme_clusters (
  programme_id bigint not null references broadcast_programmes (id),
  cluster_id bigint not null references broadcast_clusters (id),
  primary key (programme_id, cluster_id)
);
create index broadcast_programme_clusters_cluster_idx on broadcast_programme_clusters (cluster_id);

-- One bulletin in a programme at a local time (Asia/Ho_Chi_Minh) on some weekdays between two
-- dates, played `repeat` times back to back. weekdays: bit 0 Monday … bit 6 Sunday; 127 = daily.
create table broadcast_schedule_entries (
  id bigint generated always as identity primary key,
  programme_id bigint not null references broadcast_programmes (id),
  bulletin_id bigint not null references broadcast_bulletins (id),
  start_time time not null,
  weekdays smallint not null check (weekdays between 1 and 127),
  start_date date not null,
  end_date date,
  repeat smallint not null default 1 check (repeat between 1 and 5),
  cancelled_at timestamptz,
  created_by bigint references users (id),
  created_at timestamptz not null default now(),
  check (end_date is null or end_date >= start_date)
);
create index broadcast_schedule_entries_programme_idx on broadcast_schedule_entries (programme_id);
create index broadcast_schedule_entries_bulletin_idx on broadcast_schedule_entries (bulletin_id);

-- CAP 1.2 alerts, composed here or received from elsewhere; `xml` is the document as published.
create table broadcast_alerts (
  id bigint generated always as identity primary key,
  identifier text not null,
  sender text not null,
  sent timestamptz not null,
  status text not null check (status in ('Actual', 'Exercise', 'System', 'Test', 'Draft')),
  msg_type text not null check (msg_type in ('Alert', 'Update', 'Cancel', 'Ack', 'Error')),
  scope text not null check (scope in ('Public', 'Restricted', 'Private')),
  refs text,
  language text not null,
  category text not null,
  event text not null,
  urgency text not null,
  severity text not null,
  certainty text not null,
  headline text,
  description text,
  instruction text,
  expires_at timestamptz,
  repeat smallint not null default 3 check (repeat between 1 and 10),
  source text not null check (source in ('composed', 'ingested')),
  bulletin_id bigint references broadcast_bulletins (id),
  xml text not null,
  created_by bigint references users (id),
  created_at timestamptz not null default now(),
  cancelled_at timestamptz,
  unique (sender, identifier, sent)
);

create table broadcast_alert_areas (
  alert_id bigint not null references broadcast_alerts (id),
  place_id bigint not null references places (id),
  place_code text not null,
  place_path text not null,
  area_desc text not null,
  primary key (alert_id, place_id)
);
create index broadcast_alert_areas_path_idx on broadcast_alert_areas (place_path text_pattern_ops);

-- A command to devices (play now, stop, volume). Emergency plays are commands.
create table broadcast_commands (
  id uuid primary key,
  commune_id bigint not null references places (id),
  type text not null check (type in ('play', 'stop', 'volume')),
  priority text check (priority in ('normal', 'priority', 'emergency')),
  bulletin_id bigint references broadcast_bulletins (id),
  alert_id bigint references broadcast_alerts (id),
  repeat smallint not null default 1,
  volume smallint check (volume between 0 and 100),
  issued_by bigint references users (id),
  issued_at timestamptz not null default now(),
  expires_at timestamptz
);

-- What was pushed to each device and whether the device confirmed it: one row per schedule
-- version or command per cluster.
create table broadcast_deliveries (
  id bigint generated always as identity primary key,
  cluster_id bigint not null references broadcast_clusters (id),
  kind text not null check (kind in ('schedule', 'command')),
  version bigint,
  command_id uuid references broadcast_commands (id),
  payload_sha256 text,
  entries integer,
  created_at timestamptz not null default now(),
  pushed_at timestamptz,
  push_count integer not null default 0,
  acknowledged_at timestamptz,
  ack_status text check (ack_status in ('ok', 'error', 'expired')),
  ack_detail text,
  check ((kind = 'schedule') = (version is not null)),
  check ((kind = 'command') = (command_id is not null))
);
create unique index broadcast_deliveries_schedule_idx on broadcast_deliveries (cluster_id, version)
  where kind = 'schedule';
create unique index broadcast_deliveries_command_idx on broadcast_deliveries (command_id, cluster_id)
  where kind = 'command';
create index broadcast_deliveries_unpushed_idx on broadcast_deliveries (created_at) where pushed_at is null;

-- Proof of play, as reported by each device (possibly long after, when it was offline).
create table broadcast_plays (
  id bigint generated always as identity primary key,
  uid uuid not null unique,
  cluster_id bigint not null references broadcast_clusters (id),
  entry_key text,
  command_id uuid,
  bulletin_id bigint references broadcast_bulletins (id),
  alert_id bigint references broadcast_alerts (id),
  audio_sha256 text not null,
  priority text not null check (priority in ('normal', 'priority', 'emergency')),
  scheduled_at timestamptz,
  started_at timestamptz not null,
  ended_at timestamptz not null,
  outcome text not null check (outcome in ('completed', 'interrupted', 'skipped', 'failed')),
  interrupted_by text,
  offline boolean not null default false,
  reported_at timestamptz not null default now()
);
create index broadcast_plays_cluster_idx on broadcast_plays (cluster_id, started_at desc);
create index broadcast_plays_started_idx on broadcast_plays (started_at desc);
