-- What the procedures, payments and ratings modules publish for reports (statistics), as the
-- dossiers module publishes dossier_facts (migration 0501): contracts owned by those modules. Other
-- modules read these views, never the tables, so a table may change as long as its view keeps its
-- columns. Plain projections: the planner inlines them, so a query over a view costs what the same
-- query over the table does (the partial indexes on payment_dues and dossier_ratings still serve).

-- Procedures module: a catalogue record's code and what reports group or filter by.
create view procedure_facts as
  select code, name, field, online_level, competent_level, verified
    from procedures;

-- Payments module: one row per fee that fell due on a dossier, with how and when it was paid.
create view payment_facts as
  select id, dossier_id, dossier_code, unit_path, fee_id, moment, amount, status, due_at, paid_at, method
    from payment_dues;

-- Ratings module: one row per rated dossier (the comment is left out: reports count, they do not read).
create view rating_facts as
  select dossier_id, dossier_code, unit_path, score, source, created_at
    from dossier_ratings;
