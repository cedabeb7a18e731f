-- Accounts made by the demo seed (DEMO_SEED=true): they sign in with a password printed in the
-- README, so a start with the demo seed off disables them, and production refuses to start while
-- one is active. Accounts made before this column by the seed are recognised by their published
-- password at that start (src/app/demo.ts).
alter table users add column demo boolean not null default false;
