-- Search with or without Vietnamese diacritics.
create extension if not exists unaccent;
create extension if not exists pg_trgm;

-- unaccent() is only STABLE (its dictionary could change); this wrapper pins the dictionary so
-- expression indexes can use it. Names are schema-qualified: PostgreSQL 17 runs index builds with
-- a search_path of pg_catalog only. đ/Đ are not decomposable, so they are mapped explicitly.
create or replace function f_unaccent(text) returns text
  language sql immutable parallel safe strict
  as $$ select translate(public.unaccent('public.unaccent'::regdictionary, $1), 'đĐ', 'dD') $$;

create or replace function search_key(text) returns text
  language sql immutable parallel safe strict
  as $$ select lower(public.f_unaccent($1)) $$;

create table settings (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now()
);

-- Fixed-window counters shared by every app process (sign-in back-off, OTP limits, HTTP limits).
create table rate_limits (
  key text primary key,
  count integer not null,
  reset_at timestamptz not null
);
create index rate_limits_reset_at_idx on rate_limits (reset_at);

create table files (
  id uuid primary key,
  storage_key text not null unique,
  original_name text not null,
  mime_type text not null,
  size_bytes bigint not null,
  sha256 text not null,
  created_at timestamptz not null default now()
);
