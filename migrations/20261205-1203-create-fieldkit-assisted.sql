-- Assisted filing (issue 16, item 5): a member files a dossier for a household member. The dossier
-- itself lives in the dossiers module (its channel, "helped by" and helped place); this table is the
-- team's own record of it, for the kit and the dashboards.
create table fieldkit_assisted (
  -- The id the kit gave the filing offline; also the dossier's idempotency key.
  id uuid primary key,
  household_id uuid not null references fieldkit_households (id),
  hamlet_id bigint not null references places (id),
  hamlet_path text not null,
  member_id bigint not null references users (id),
  member_name text not null,
  procedure_code text not null,
  dossier_code text,
  -- How the citizen agreed: a code sent to their phone, or a photographed signed consent.
  consent_kind text not null check (consent_kind in ('otp', 'paper')),
  consent_file_id uuid references files (id),
  created_at timestamptz not null,
  filed_at timestamptz
);
create index fieldkit_assisted_hamlet_idx on fieldkit_assisted (hamlet_path text_pattern_ops, filed_at);

-- One-time codes a member asks the server to send to a citizen's phone, to record their consent.
create table fieldkit_consent_codes (
  id bigint generated always as identity primary key,
  phone text not null,
  code_hash text not null,
  member_id bigint not null references users (id),
  attempts integer not null default 0,
  expires_at timestamptz not null,
  -- Set when the code was typed back: the proof an assisted filing carries.
  token text unique,
  verified_at timestamptz,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
create index fieldkit_consent_codes_phone_idx on fieldkit_consent_codes (phone, created_at desc);

-- Resumable uploads of photographed papers from the kit: the bytes arrive in pieces, each piece
-- once (by its offset), and become a stored file when complete.
create table fieldkit_uploads (
  id uuid primary key,
  member_id bigint not null references users (id),
  total_bytes integer not null check (total_bytes between 1 and 2000000),
  received bytea not null default '',
  file_id uuid references files (id),
  created_at timestamptz not null default now()
);

-- The visits as reports read them (no personal data): for the indicators, DHIS2-like, of the
-- digital-society figures. Renaming a visits column means changing this view, not its readers.
create view fieldkit_visit_facts as
  select id, household_id, hamlet_id, hamlet_path, member_id, ended_at, checklist_id,
         smartphone, vneid_adults, cashless, public_service_account, after_delete
    from fieldkit_visits;
