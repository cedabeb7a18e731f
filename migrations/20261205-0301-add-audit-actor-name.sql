-- The audit log names people as they are called, not by their username: the staff member's display
-- name at the time of the entry (a later rename does not rewrite history, as the log never changes).
-- Entries written before this migration have none; pages fall back to `actor_label`.
alter table audit_log add column actor_name text;

