create table users (
  id bigint generated always as identity primary key,
  username text not null,
  display_name text not null,
  email text,
  phone text,
  password_hash text not null,
  totp_secret text,
  totp_enabled boolean not null default false,
  failed_attempts integer not null default 0,
  locked_until timestamptz,
  disabled boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index users_username_idx on users (lower(username));

-- A role granted at a place holds for the place's whole subtree.
create table role_grants (
  id bigint generated always as identity primary key,
  user_id bigint not null references users (id) on delete cascade,
  role text not null check (role in ('admin', 'receptionist', 'specialist', 'approver', 'radio_operator', 'feedback_handler')),
  place_id bigint not null references places (id),
  -- The place's path, copied: a unit keeps its place in the tree for life, and the copy lets
  -- "who may act here" be answered without reading another module's table.
  place_path text not null,
  granted_by bigint references users (id),
  granted_at timestamptz not null default now(),
  unique (user_id, role, place_id)
);
create index role_grants_place_path_idx on role_grants (place_path text_pattern_ops);

create table citizens (
  id bigint generated always as identity primary key,
  phone text not null unique,
  full_name text,
  created_at timestamptz not null default now(),
  last_sign_in_at timestamptz
);

create table otp_codes (
  id bigint generated always as identity primary key,
  phone text not null,
  code_hash text not null,
  attempts integer not null default 0,
  expires_at timestamptz not null,
  consumed_at timestamptz,
  created_at timestamptz not null default now()
);
create index otp_codes_phone_idx on otp_codes (phone, created_at desc);

-- Web sessions and API bearer tokens. Only a hash of the secret is stored.
create table sessions (
  token_hash text primary key,
  kind text not null check (kind in ('web', 'api')),
  user_id bigint references users (id) on delete cascade,
  citizen_id bigint references citizens (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  last_seen_at timestamptz not null default now(),
  ip text,
  user_agent text,
  check ((user_id is null) <> (citizen_id is null))
);
create index sessions_expires_idx on sessions (expires_at);
create index sessions_user_idx on sessions (user_id);

-- Append-only: who did what, when, from where. Updates and deletes are refused by the database.
create table audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  actor_user_id bigint,
  actor_citizen_id bigint,
  actor_label text not null,
  action text not null,
  target_type text,
  target_id text,
  place_id bigint,
  place_path text,
  ip text,
  user_agent text,
  details jsonb not null default '{}'
);
create index audit_log_at_idx on audit_log (at desc);
create index audit_log_place_path_idx on audit_log (place_path text_pattern_ops);

create function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only';
end $$;
create trigger audit_log_no_update before update or delete on audit_log
  for each row execute function audit_log_is_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_is_append_only();
