-- What the dossiers module publishes for reports (statistics): the facts of each dossier that the
-- one-stop shop's indicators count, and which dossiers have scanned documents. A contract owned by
-- the dossiers module: the statistics read these views, never the tables, so the tables may change
-- as long as the views keep their columns. Plain projections: the planner inlines them, so a query
-- over a view costs what the same query over the table does.
create view dossier_facts as
  select id, code, procedure_code, channel, unit_path, submitted_at, valid_received_at, due_at,
         decided_at, finished_at, status, decision
    from dossiers;

-- One row per stored document (upload or supplement) of a dossier.
create view dossier_file_facts as
  select dossier_id, document_id, created_at
    from dossier_files;
