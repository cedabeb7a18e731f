-- Which unit a message is about (its place path, copied by the module that queues it), so the
-- development outbox shows a commune's admins only their subtree's messages. Null: the message
-- belongs to no commune (a citizen's sign-in code) or its module has not said; those are shown only
-- to admins of a province or of the whole country.
alter table notifications add column place_path text;
alter table dev_messages add column place_path text;
create index dev_messages_place_idx on dev_messages (place_path text_pattern_ops, id);
