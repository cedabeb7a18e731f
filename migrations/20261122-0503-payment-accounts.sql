-- The bank account each place collects its fees into (issue 4): a commune's own, else the nearest
-- ancestor's (the province's), else the installation's PAYMENT_* configuration. Set by the place's
-- admins at /quan-tri/le-phi/tai-khoan; every change is in the audit log.
create table payment_accounts (
  place_id bigint primary key references places (id),
  -- Napas bank identification number, the one VietQR carries (970405 Agribank…).
  bank_bin text not null check (bank_bin ~ '^[0-9]{6}$'),
  account_number text not null check (account_number ~ '^[0-9A-Za-z]{4,19}$'),
  account_name text not null check (length(account_name) between 1 and 70),
  updated_by bigint references users (id),
  updated_at timestamptz not null default now()
);
