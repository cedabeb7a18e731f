-- Issue 12 item 2: each province keeps its own yearly overrides of the official days off. Until now
-- one set served the whole installation (a row per year). The rows keep meaning what they meant: the
-- one set is copied to every current province, so no province's calendar changes by this migration.
-- A province is named by its path ('/country id/province id/'), which is what every caller of
-- provinceCalendar already holds (a dossier's unit path, a place): no lookup per call.
alter table calendar_overrides add column province_path text;
alter table calendar_overrides drop constraint calendar_overrides_pkey;
insert into calendar_overrides (province_path, year, override, updated_by, updated_at)
  select p.path, o.year, o.override, o.updated_by, o.updated_at
    from calendar_overrides o
    cross join places p
   where o.province_path is null and p.level = 'province' and p.valid_to is null;
delete from calendar_overrides where province_path is null;
alter table calendar_overrides alter column province_path set not null;
alter table calendar_overrides add constraint calendar_overrides_province_path_check
  check (province_path ~ '^/[0-9]+/[0-9]+/$');
alter table calendar_overrides add primary key (province_path, year);
