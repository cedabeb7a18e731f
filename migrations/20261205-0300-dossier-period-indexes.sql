-- A period's dossiers without reading every dossier ever filed (decision 028, issue 19): the
-- statistics' one pass (statistics.queries.ts, dossierCounts) reads, under a place, the dossiers
-- filed before the period's end that were filed or decided in it or are still undecided. Over ten
-- years of a province that pass read the whole table; with these three, the planner reads each part
-- through its index (a BitmapOr) and only the period's rows and the open ones reach the heap.
-- The period's end bounds the first two as well (PostgreSQL gives each arm of the OR the query's
-- other conditions), hence decided_at with submitted_at.
create index dossiers_submitted_idx on dossiers (submitted_at);
create index dossiers_decided_idx on dossiers (decided_at, submitted_at) where decided_at is not null;
-- Undecided and unfinished: the open dossiers, a small part of ten years.
create index dossiers_undecided_idx on dossiers (submitted_at)
  where decided_at is null and finished_at is null;
