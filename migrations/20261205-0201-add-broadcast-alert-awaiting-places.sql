-- A CAP alert whose areas are only drawn (polygon or circle, no VN-MADVHC geocode: CAP 1.2 §3.2.4
-- makes geocode optional) names no place of ours, so it waits for a radio operator to choose the
-- places on confirmation. `awaiting_scope` holds the poster's radio-operator grant paths (who may
-- see and confirm it); `places_chosen_at/by` record the confirmation. Null scope = never waited.
alter table broadcast_alerts
  add column awaiting_scope text[],
  add column places_chosen_at timestamptz,
  add column places_chosen_by bigint references users (id);
create index broadcast_alerts_awaiting_idx on broadcast_alerts (id)
  where awaiting_scope is not null and places_chosen_at is null;
