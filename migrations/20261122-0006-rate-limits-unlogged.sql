-- Rate-limit counters are worth nothing after a crash and are written on every limited request
-- (tracking lookups, sign-ins, OTPs): keep them out of the write-ahead log, so a hit never waits
-- for a WAL flush. PostgreSQL empties an unlogged table after a crash, which resets the windows.
alter table rate_limits set unlogged;
