-- A signed-in citizen's home lists their own feedback reports with the answers (issue 14 item 8):
-- those filed from the account, and those that left the phone they signed in with. As dossiers
-- do for their applicants (dossiers_phone_idx, dossiers_citizen_idx).
create index feedback_reports_citizen_idx on feedback_reports (citizen_id, id) where citizen_id is not null;
create index feedback_reports_contact_phone_idx on feedback_reports (contact_phone, id)
  where contact_phone is not null;
