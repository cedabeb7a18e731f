-- The tracking lookup (the busiest public read): a dossier by code with its whole action log, as
-- JSON, in one call. In PL/pgSQL so each connection plans the query once and reuses the plan: on
-- embedded PGlite planning was most of the lookup's cost. What the public page never shows (the
-- e-form, ID number, address, email) is left out of the answer.
create function dossier_with_log(dossier_code text)
returns table (dossier json, log json)
language plpgsql stable as $$
begin
  return query
    select (to_jsonb(d) - 'form_data' - 'applicant_id_number' - 'applicant_address' - 'applicant_email'
              - 'idempotency_key')::json,
           coalesce((select json_agg(a order by a.id) from dossier_actions a where a.dossier_id = d.id), '[]'::json)
    from dossiers d
    where d.code = dossier_code;
end
$$;
