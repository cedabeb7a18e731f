-- The catalogue of administrative procedures (thủ tục hành chính). `definition` holds the whole
-- record as validated by ProcedureDefinition (documents, e-form, fees, workflow…); the columns
-- beside it repeat what lists, search and filters need, and are written from it in the same
-- statement. See docs/decisions/010-procedure-catalogue.md.
create table procedures (
  id bigint generated always as identity primary key,
  code text not null unique,
  name text not null,
  field text not null,
  online_level text not null check (online_level in ('full', 'partial')),
  -- Working days; 0 = the same working day, 0.5 = half a day.
  days double precision not null check (days >= 0 and days <= 365),
  competent_level text not null check (competent_level in ('commune', 'province')),
  -- False until an administrator has checked the record against the legal texts.
  verified boolean not null default false,
  verified_at timestamptz,
  verified_by text,
  definition jsonb not null,
  -- Incremented on every change, so a dossier can say which version it was filed under and two
  -- editors cannot overwrite each other unknowingly.
  version integer not null default 1 check (version >= 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (definition ->> 'code' = code)
);
create index procedures_search_idx on procedures using gin (search_key(name) gin_trgm_ops);
create index procedures_field_idx on procedures (field);
