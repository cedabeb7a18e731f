-- A tree of administrative units of any depth. A row is one unit over its lifetime
-- (valid_from..valid_to); attribute changes (xã → phường, renames) are kept in place_changes;
-- merges and splits link old units to new ones in place_successions.
create table places (
  id bigint generated always as identity primary key,
  code text not null,
  level text not null check (level in ('country', 'province', 'district', 'commune', 'village')),
  type text not null,
  name text not null,
  full_name text not null,
  name_en text,
  parent_id bigint references places (id),
  -- '/1/25/300/': ids from the root; a subtree is every path that starts with its root's path.
  path text not null default '',
  valid_from date,
  valid_to date,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (valid_to is null or valid_from is null or valid_to >= valid_from)
);
create unique index places_code_level_era_idx on places (code, level, valid_to) nulls not distinct;
create index places_parent_idx on places (parent_id);
create index places_path_idx on places (path text_pattern_ops);
create index places_search_idx on places using gin (search_key(full_name) gin_trgm_ops);

create table place_changes (
  id bigint generated always as identity primary key,
  place_id bigint not null references places (id),
  field text not null,
  old_value text,
  new_value text,
  effective_date date not null,
  legal_basis text,
  unique (place_id, field, effective_date)
);

create table place_successions (
  id bigint generated always as identity primary key,
  from_place_id bigint not null references places (id),
  to_place_id bigint not null references places (id),
  effective_date date not null,
  split boolean not null default false,
  note text,
  unique (from_place_id, to_place_id)
);
create index place_successions_to_idx on place_successions (to_place_id);
