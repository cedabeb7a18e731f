-- Uploads wait in a staging area until the write that uses them commits (decision 034): a file row
-- with `staged_at` set belongs to nothing yet. The sweep (`sweepFiles`) deletes staged rows older
-- than its grace period that no foreign key refers to, and their bytes.
alter table files add column staged_at timestamptz;
create index files_staged_at_idx on files (staged_at) where staged_at is not null;

-- Rows already here that nothing refers to (files of refused requests, kept for a retry that never
-- came) are staged from the time they were made, so the first sweep removes the old ones. What
-- refers to a file is read from the foreign keys, as the sweep does.
do $$
declare
  r record;
  unreferenced text := 'true';
begin
  for r in
    select c.conrelid::regclass::text as tbl, a.attname as col
    from pg_constraint c
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
    where c.contype = 'f' and c.confrelid = 'files'::regclass
  loop
    unreferenced := unreferenced
      || format(' and not exists (select 1 from %s x where x.%I = files.id)', r.tbl, r.col);
  end loop;
  execute 'update files set staged_at = created_at where ' || unreferenced;
end
$$;
