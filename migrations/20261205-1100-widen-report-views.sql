-- What the Decision 766 index needs from each module, published as report views (decision 032).
-- Every view here is owned by the module whose tables it reads. The statistics module reads the
-- views, never the tables. A view only ever gains columns, at the end (CREATE OR REPLACE VIEW
-- refuses anything else), so whoever reads the earlier columns keeps working.

-- Dossiers module. Three views, for reports over many dossiers:
-- * dossier_supplement_facts: one row per dossier that had a supplement action, with the facts of
--   the on-time rule as the national portal applies it (formula description 2.1): the time the
--   citizen took over the supplements answered after the valid receipt (calendar time, as the
--   portal subtracts it), the request still open, and the appointment announced at receipt
--   (NgayHenTra before any supplement moved it). How many were asked after receipt (more than one
--   is late) is the row's own count, `dossiers.supplement_requests` (migration 20261204-0211).
--   Before receipt a supplement is answered back to "submitted" (national status 1), after it to
--   "in progress" or later: that tells the two apart without reading the dossier row, so the view
--   reads the supplement actions only (an index holds just those) and one receive action each.
-- * dossier_procedure_facts: what each procedure version as filed says (result on paper, a fee at
--   the counter's price and online, the online level), read once per version.
-- * dossier_facts: its first twelve columns as migration 0501 published them, then these facts per
--   dossier. Both joins are on keys the joined views are grouped by, so the planner drops them
--   from any query that reads none of their columns (the indicators collector, the register).
create index dossier_actions_supplement_idx on dossier_actions (dossier_id, at)
  where type in ('request_supplement', 'supplement_received');

create view dossier_supplement_facts as
  select dossier_id,
         coalesce(sum(at - prev_at) filter (where type = 'supplement_received' and status_after <> 1),
                  interval '0') as paused,
         case when count(*) filter (where type = 'request_supplement')
                   > count(*) filter (where type = 'supplement_received')
              then max(at) filter (where type = 'request_supplement') end as open_since,
         (select (r.payload ->> 'dueAt')::timestamptz
            from dossier_actions r
           where r.dossier_id = w.dossier_id and r.type = 'receive'
           order by r.id limit 1) as appointment_at
    from (select dossier_id, type, at, status_after,
                 lag(at) over (partition by dossier_id order by at, id) as prev_at
            from dossier_actions
           where type in ('request_supplement', 'supplement_received')) w
   group by dossier_id;

create view dossier_procedure_facts as
  select procedure_code, version,
         bool_and(coalesce(definition -> 'result' ->> 'kind', 'paper') = 'paper') as paper_result,
         bool_or(exists (select 1 from jsonb_array_elements(definition -> 'fees') f
                          where (f ->> 'amount')::bigint > 0)) as fee_counter,
         bool_or(exists (select 1 from jsonb_array_elements(definition -> 'fees') f
                          where coalesce((f ->> 'onlineAmount')::bigint, (f ->> 'amount')::bigint) > 0)) as fee_online,
         min(definition ->> 'onlineLevel') as online_level
    from dossier_procedure_versions
   group by procedure_code, version;

create or replace view dossier_facts as
  select d.id, d.code, d.procedure_code, d.channel, d.unit_path, d.submitted_at, d.valid_received_at,
         d.due_at, d.decided_at, d.finished_at, d.status, d.decision,
         d.step,
         d.procedure_version,
         d.supplement_requests::int as supplement_requests,
         coalesce(s.paused, interval '0') as supplement_paused,
         s.open_since as supplement_open_since,
         case when s.dossier_id is null then d.due_at else s.appointment_at end as appointment_at,
         d.id in (select dossier_id from dossier_files) as has_files,
         -- No dossier takes a component from earlier digitised data yet (formula 4.3, a component
         -- marked reused): true once a feature records it.
         false as data_reused,
         p.paper_result,
         case when d.channel = 2 then p.fee_online else p.fee_counter end as fee_required,
         p.online_level
    from dossiers d
    left join dossier_supplement_facts s on s.dossier_id = d.id
    left join dossier_procedure_facts p on p.procedure_code = d.procedure_code and p.version = d.procedure_version;

-- Procedures module: a catalogue record's code and what reports group or filter by (the first six
-- columns as migration 20261205-0003 publishes them), and what the index counts
-- procedures by: a fee that is not 0 (3.5, 3.5b), a result on paper (4.1), the seven parts of
-- Decree 63/2010 art. 8(2) (1.3: name, steps, channels, documents, time limit, who applies,
-- agency). The catalogue's schema requires all but the documents, so "complete" is a record that
-- lists at least one document.
create or replace view procedure_facts as
  select code, name, field, online_level, competent_level, verified,
         exists (select 1 from jsonb_array_elements(definition -> 'fees') f
                  where coalesce((f ->> 'onlineAmount')::bigint, 0) > 0 or (f ->> 'amount')::bigint > 0) as has_fee,
         coalesce(definition -> 'result' ->> 'kind', 'paper') = 'paper' as paper_result,
         jsonb_array_length(coalesce(definition -> 'documents', '[]'::jsonb)) > 0 as complete
    from procedures;

-- Documents module: the signed electronic result of a dossier (formula 4.1: a result file issued
-- electronically), the current one only (re-signing revokes the earlier copy).
create or replace view issued_result_facts as
  select dossier_id, dossier_code, signed_at
    from issued_documents
   where kind = 'result' and signed and revoked_at is null;
