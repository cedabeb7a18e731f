-- Indicators and periodic reports along the place tree (issue 18, decisions 026 and 027).

-- The model: data elements, indicators and data sets. Each is one jsonb definition validated by
-- the module's schemas on every write (as procedures do, decision 010), beside the few columns the
-- reads filter on. Elements that a module's collector fills are declared in code, not here. `version` grows with every change; every version is kept in
-- indicator_model_history, so a value entered under version 1 of an element is read with the
-- options version 1 had.
create table indicator_model (
  kind text not null check (kind in ('element', 'indicator', 'data_set')),
  code text not null check (code ~ '^[A-Z][A-Z0-9_]{0,39}$'),
  version integer not null default 1 check (version > 0),
  definition jsonb not null,
  -- Indicators the province shows on the public page.
  published boolean not null default false,
  updated_by text not null,
  updated_at timestamptz not null default now(),
  primary key (kind, code),
  check (definition ->> 'code' = code)
);

create table indicator_model_history (
  kind text not null,
  code text not null,
  version integer not null,
  definition jsonb not null,
  changed_by text not null,
  changed_at timestamptz not null default now(),
  primary key (kind, code, version)
);

-- One value of one element (one category option of it, '' when not disaggregated) at one place
-- for one ISO period. Typed values sit at the place that reported them; collected values at the
-- place the module's data names (a dossier's deciding unit). Totals up the tree are read by path
-- prefix, never stored.
create table indicator_values (
  id bigint generated always as identity primary key,
  element text not null,
  option text not null default '',
  place_id bigint not null references places (id),
  place_path text not null,
  period text not null,
  period_type text not null check (period_type in ('week', 'month', 'quarter', 'year')),
  period_start date not null,
  period_end date not null,
  -- Whether the value counts towards coarser periods. Collectors write months and weeks side by
  -- side; their weeks are for weekly views only (the months already hold the same days).
  rollup boolean not null default true,
  value numeric not null,
  -- The element's version and disaggregation when the value was written: changing an element's
  -- disaggregation leaves its old values readable as they were entered.
  element_version integer not null,
  disaggregation text not null default 'none',
  -- Provenance: 'entry' (typed by entered_by) or the collector's name; updated_at says when.
  source text not null,
  entered_by text,
  comment text,
  -- Approved: nothing may change the row until the period is reopened (the trigger below).
  frozen boolean not null default false,
  updated_at timestamptz not null default now(),
  unique (element, option, place_id, period)
);
create index indicator_values_tree_idx on indicator_values (place_path text_pattern_ops, period_start, element);
create index indicator_values_element_idx on indicator_values (element, period_type, period_start);
create index indicator_values_source_idx on indicator_values (source, place_path text_pattern_ops, period_start)
  where source <> 'entry';

-- Approved values are frozen in the database itself: only the flag may change (on reopening).
create function indicator_values_guard() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    if old.frozen then
      raise exception 'indicator value % is approved and frozen', old.id using errcode = 'P0001';
    end if;
    return old;
  end if;
  if old.frozen and (new.value, new.option, new.comment, new.source, new.entered_by, new.element_version)
      is distinct from (old.value, old.option, old.comment, old.source, old.entered_by, old.element_version) then
    raise exception 'indicator value % is approved and frozen', old.id using errcode = 'P0001';
  end if;
  return new;
end $$;
create trigger indicator_values_guard before update or delete on indicator_values
  for each row execute function indicator_values_guard();

-- Approval of a data set's values at a place for a period: an append-only log; the state is
-- folded from it (submitted, approved, returned, reopened).
create table indicator_approvals (
  id bigint generated always as identity primary key,
  data_set text not null,
  place_id bigint not null references places (id),
  place_path text not null,
  period text not null,
  action text not null check (action in ('submit', 'approve', 'return', 'reopen')),
  comment text,
  actor_user_id bigint,
  actor_label text not null,
  at timestamptz not null default now()
);
create index indicator_approvals_key_idx on indicator_approvals (data_set, period, place_id, id);
create index indicator_approvals_tree_idx on indicator_approvals (data_set, period, place_path text_pattern_ops);

create function indicator_approvals_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'indicator_approvals is append-only' using errcode = 'P0001';
end $$;
create trigger indicator_approvals_append_only before update or delete or truncate on indicator_approvals
  for each statement execute function indicator_approvals_append_only();

-- How far each collector has filled its values: a collector never run fills everything once.
create table indicator_collectors (
  source text primary key,
  filled_at timestamptz not null
);
