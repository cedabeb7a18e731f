-- Per-unit one-stop settings a unit's admin edits (/quan-tri/mot-cua/ma-don-vi), issue 12 item 4:
-- how many working days before the due time a dossier counts as "at risk", when the specialist
-- sees it and may draft the apology and extension (form 04) while there is still time. A unit
-- without a row uses 1.
create table dossier_unit_settings (
  place_id bigint primary key references places (id),
  at_risk_days smallint not null default 1 check (at_risk_days between 0 and 30),
  updated_by bigint references users (id),
  updated_at timestamptz not null default now()
);
