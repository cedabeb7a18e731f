-- Electronic fee receipts (issue 12, item 9; decision 029). Each commune (or province) that collects
-- fees declares the receipt series its tax office accepted: template symbol (ký hiệu mẫu biên lai),
-- series symbol (ký hiệu biên lai), its tax code and name, and the first number. Numbers are taken
-- from `next_number` by an UPDATE in the transaction that records the payment: the row lock queues
-- concurrent payments and a rolled-back payment gives its number back, so a series has no gap.
create table receipt_series (
  id bigint generated always as identity primary key,
  place_id bigint not null references places (id),
  template_code text not null check (template_code ~ '^[0-9A-Z][0-9A-Z/.-]{0,19}$'),
  series text not null check (series ~ '^[0-9A-Z][0-9A-Z/.-]{0,19}$'),
  tax_code text not null check (tax_code ~ '^[0-9]{10}(-[0-9]{3})?$'),
  unit_name text not null check (length(unit_name) between 1 and 200),
  first_number integer not null check (first_number > 0),
  next_number integer not null,
  active boolean not null default true,
  updated_by bigint references users (id),
  updated_at timestamptz not null default now(),
  unique (place_id, template_code, series),
  check (next_number >= first_number)
);
-- One series in use per place at a time.
create unique index receipt_series_active_idx on receipt_series (place_id) where active;

-- One receipt per payment (a desk confirmation, or a bank line matched): the fees it paid point to
-- it. Without a declared series the receipt has no number (and says it is not an e-receipt).
create table fee_receipts (
  id uuid primary key,
  dossier_id bigint not null references dossiers (id),
  dossier_code text not null,
  place_id bigint not null references places (id),
  series_id bigint references receipt_series (id),
  template_code text,
  series text,
  number integer,
  tax_code text,
  unit_name text not null,
  payer_name text not null,
  payer_address text,
  total bigint not null check (total > 0),
  method text not null check (method in ('cash', 'transfer')),
  issued_at timestamptz not null,
  created_at timestamptz not null default now(),
  check ((series_id is null) = (number is null)),
  unique (series_id, number)
);
create index fee_receipts_dossier_idx on fee_receipts (dossier_id);

-- payment_dues.receipt_id was reserved for a receipt kept as an issued document; it now names the
-- receipt above (no row used it: nothing wrote it before this migration).
alter table payment_dues drop constraint payment_dues_receipt_id_fkey;
alter table payment_dues add constraint payment_dues_receipt_id_fkey foreign key (receipt_id) references fee_receipts (id);
