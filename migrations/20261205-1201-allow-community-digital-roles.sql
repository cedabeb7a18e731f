-- Community digital teams (fieldkit): members and the team leader, granted at a hamlet.
alter table role_grants drop constraint role_grants_role_check;
alter table role_grants add constraint role_grants_role_check check (role in (
  'admin', 'receptionist', 'specialist', 'approver', 'radio_operator', 'feedback_handler',
  'community_digital_member', 'community_digital_leader'
));
