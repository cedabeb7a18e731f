-- The tracking lookup with a version: the caller says which version of the dossier it last made a
-- view of, and gets the dossier and its log only when that is no longer the current one. Every call
-- still reads the row (the phone proof and the version are checked each time); an unchanged dossier
-- costs no JSON. The version is the last action and the last write of the row: every change to a
-- dossier appends to its log and rewrites its projection, in one transaction.
drop function dossier_with_log(text);

create function dossier_tracking(dossier_code text, known_version text)
returns table (version text, applicant_phone text, dossier json, log json)
language plpgsql stable as $$
declare
  d dossiers;
  v text;
begin
  select * into d from dossiers where code = dossier_code;
  if not found then
    return;
  end if;
  v := d.last_action_id || '@' || extract(epoch from d.updated_at);
  if v = known_version then
    return query select v, d.applicant_phone, null::json, null::json;
  else
    return query
      select v, d.applicant_phone,
             (to_jsonb(d) - 'form_data' - 'applicant_id_number' - 'applicant_address' - 'applicant_email'
                - 'idempotency_key')::json,
             coalesce((select json_agg(a order by a.id) from dossier_actions a where a.dossier_id = d.id),
                      '[]'::json);
  end if;
end
$$;
