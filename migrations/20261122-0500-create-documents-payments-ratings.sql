-- Outputs of the one-stop shop (issue 4): issued papers and signed results (documents), fees and
-- their payment (payments), satisfaction ratings (ratings). Read by the statistics module.

-- Papers kept as issued: the signed result, the apology sent when a dossier went late. Forms 01,
-- 02, 03 and 06 are drawn again from the action log whenever asked, so they are not stored.
create table issued_documents (
  id uuid primary key,
  dossier_id bigint not null references dossiers (id),
  dossier_code text not null,
  kind text not null check (kind in ('result', 'apology', 'payment_receipt')),
  -- The number in the issuer's register ('12/2026/KQ'), for results and receipts.
  number text,
  file_id uuid not null unique references files (id),
  -- SHA-256 of the stored bytes (hex): what the verify page compares an uploaded copy with.
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  signed boolean not null default false,
  signer_name text,
  signer_user_id bigint references users (id),
  certificate_subject text,
  certificate_fingerprint text,
  signed_at timestamptz,
  created_by bigint references users (id),
  created_at timestamptz not null default now(),
  -- A result signed again (a corrected one) revokes the earlier copy; both stay verifiable.
  revoked_at timestamptz
);
create index issued_documents_dossier_idx on issued_documents (dossier_id, created_at);
create index issued_documents_sha256_idx on issued_documents (sha256);
create unique index issued_documents_one_result_idx on issued_documents (dossier_id)
  where kind = 'result' and revoked_at is null;

-- Register numbers: the last one given per issuing place, kind and year.
create table document_sequences (
  place_id bigint not null references places (id),
  kind text not null,
  year integer not null,
  last_value integer not null,
  primary key (place_id, kind, year)
);

-- A procedure's result template, edited by catalogue admins; a procedure without a row gets the
-- generic template made from its definition (its result name and e-form answers).
create table result_templates (
  procedure_code text primary key,
  template jsonb not null,
  updated_by bigint references users (id),
  updated_at timestamptz not null default now()
);

-- Fees owed on a dossier, one row per fee of the procedure and moment it falls due (national
-- portal: 1 at receipt, 2 at supplement, 4 at return). Created when the dossier reaches the moment.
create table payment_dues (
  id bigint generated always as identity primary key,
  dossier_id bigint not null references dossiers (id),
  dossier_code text not null,
  -- The deciding unit's path when the fee fell due, for scope and statistics.
  unit_path text not null,
  fee_id text not null,
  fee_name text not null,
  moment text not null check (moment in ('receipt', 'supplement', 'return')),
  quantity integer not null default 1 check (quantity > 0),
  -- In đồng.
  amount bigint not null check (amount > 0),
  status text not null default 'due' check (status in ('due', 'paid', 'waived')),
  due_at timestamptz not null,
  paid_at timestamptz,
  -- cash at the counter; transfer: a bank transfer matched from a statement (VietQR or typed).
  method text check (method in ('cash', 'transfer')),
  -- The bank's transaction reference, or the receipt book number for cash.
  reference text,
  confirmed_by bigint references users (id),
  statement_line_id bigint,
  receipt_id uuid references issued_documents (id),
  created_at timestamptz not null default now(),
  unique (dossier_id, fee_id, moment),
  check ((status = 'paid') = (paid_at is not null and method is not null))
);
create index payment_dues_open_idx on payment_dues (unit_path text_pattern_ops, due_at) where status = 'due';
create index payment_dues_paid_idx on payment_dues (unit_path text_pattern_ops, paid_at) where status = 'paid';
create index payment_dues_dossier_idx on payment_dues (dossier_id);

-- Bank statements imported by staff, and their lines with what each matched.
create table bank_statements (
  id bigint generated always as identity primary key,
  file_name text not null,
  imported_by bigint not null references users (id),
  imported_at timestamptz not null default now(),
  line_count integer not null,
  matched_count integer not null
);
create table bank_statement_lines (
  id bigint generated always as identity primary key,
  statement_id bigint not null references bank_statements (id),
  line_no integer not null,
  booked_at timestamptz,
  amount bigint not null,
  description text not null,
  reference text,
  dossier_code text,
  outcome text not null check (outcome in ('matched', 'no_code', 'no_due', 'amount_mismatch', 'duplicate')),
  created_at timestamptz not null default now()
);
-- A transaction imported twice (two overlapping statements) is recognised by its bank reference.
create unique index bank_statement_lines_reference_idx on bank_statement_lines (reference)
  where reference is not null and outcome = 'matched';

-- Satisfaction, once per dossier, after the result is returned: 4 rất hài lòng, 3 hài lòng,
-- 2 bình thường, 1 không hài lòng.
create table dossier_ratings (
  dossier_id bigint primary key references dossiers (id),
  dossier_code text not null,
  unit_path text not null,
  score smallint not null check (score between 1 and 4),
  comment text check (length(comment) <= 1000),
  -- Where the rating came from: the tracking page, or the link in the SMS.
  source text not null check (source in ('web', 'sms')),
  created_at timestamptz not null default now()
);
create index dossier_ratings_unit_idx on dossier_ratings (unit_path text_pattern_ops, created_at);
