-- What the dossiers module publishes for the audit log: one row per step of a dossier's action log,
-- with the dossier's code and the unit that decides it now (so a commune's admin sees the steps of
-- the commune's dossiers). A contract owned by the dossiers module (README, "Read by other
-- modules"): the audit module reads this view, never `dossier_actions` or `dossiers`.
create view dossier_action_facts as
  select a.id, d.code, d.unit_id, d.unit_path, a.type, a.at, a.actor_kind, a.actor_user_id, a.actor_name
    from dossier_actions a
    join dossiers d on d.id = a.dossier_id;

-- The audit page reads the steps newest first by (at, id); without this a page sorted every step of
-- the scope (about 1 s a page over 1,000,000 steps; 1–10 ms with it).
create index dossier_actions_at_idx on dossier_actions (at, id);
