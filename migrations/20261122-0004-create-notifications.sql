-- The notification outbox: a row is written in the same transaction as the change it reports,
-- and delivered later by a job, with retries and back-off.
create table notifications (
  id bigint generated always as identity primary key,
  channel text not null check (channel in ('sms', 'email')),
  recipient text not null,
  subject text,
  body text not null,
  template text,
  dedupe_key text unique,
  status text not null default 'queued' check (status in ('queued', 'sending', 'sent', 'failed')),
  attempts integer not null default 0,
  last_error text,
  next_attempt_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  provider_id text
);
create index notifications_due_idx on notifications (next_attempt_at) where status = 'queued';

-- What the development adapter "sent": an admin reads them on a page instead of a phone.
create table dev_messages (
  id bigint generated always as identity primary key,
  notification_id bigint not null references notifications (id),
  channel text not null,
  recipient text not null,
  subject text,
  body text not null,
  delivered_at timestamptz not null default now()
);
