-- Eligible customers (claimants), their claims, and the imports they came from.
-- Personal data sits in claimants' nullable columns so that a purge can erase exactly those;
-- ids, claim numbers, amounts and keyed hashes stay.

CREATE TABLE imports (
  id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  program_id         BIGINT NOT NULL REFERENCES programs (id),
  -- Unknown while an upload is still being received.
  file_sha256        TEXT,
  file_name          TEXT NOT NULL DEFAULT '',
  size_bytes         BIGINT NOT NULL DEFAULT 0,
  state              TEXT NOT NULL DEFAULT 'queued'
                       CHECK (state IN ('receiving', 'queued', 'running', 'completed', 'failed')),
  -- The header as read (a JSON array of names), so that rejected rows export under it.
  header             TEXT NOT NULL DEFAULT '[]',
  job_id             BIGINT REFERENCES jobs (id),
  bytes_processed    BIGINT NOT NULL DEFAULT 0,
  rows_total         BIGINT NOT NULL DEFAULT 0,
  rows_accepted      BIGINT NOT NULL DEFAULT 0,
  rows_rejected      BIGINT NOT NULL DEFAULT 0,
  rows_new           BIGINT NOT NULL DEFAULT 0,
  rows_existing      BIGINT NOT NULL DEFAULT 0,
  rows_changed       BIGINT NOT NULL DEFAULT 0,
  rows_flagged       BIGINT NOT NULL DEFAULT 0,
  failure            TEXT,
  created_by         TEXT NOT NULL,
  created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  completed_at       TIMESTAMPTZ
);
-- An import is identified by its file: the same file again in the same program is the same
-- import. A failed import does not count, so that its file can be sent again.
CREATE UNIQUE INDEX imports_program_file ON imports (program_id, file_sha256)
  WHERE state <> 'failed';

-- An uploaded file waiting for its durable import job, in chunks so that no single value is
-- huge. Deleted when the import completes.
CREATE TABLE import_chunks (
  import_id  BIGINT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
  sequence   INTEGER NOT NULL,
  data       BYTEA NOT NULL,
  PRIMARY KEY (import_id, sequence)
);

CREATE TABLE import_rejections (
  import_id    BIGINT NOT NULL REFERENCES imports (id),
  line_number  BIGINT NOT NULL,
  reason       TEXT NOT NULL,
  field        TEXT NOT NULL DEFAULT '',
  raw_record   TEXT,  -- Personal data: erased by a purge.
  PRIMARY KEY (import_id, line_number)
);

CREATE TABLE claimants (
  id                      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  program_id              BIGINT NOT NULL,  -- No foreign key: see the note at the end.
  customer_id             TEXT NOT NULL,
  claim_number            TEXT NOT NULL,
  -- No foreign key: see the note on bulk-loaded tables at the end.
  import_id               BIGINT,
  -- The claim (DESIGN.md "Claim"): one per claimant in a list-based program.
  claim_state             TEXT NOT NULL DEFAULT 'approved'
                            CHECK (claim_state IN ('pending_review', 'approved', 'denied', 'deficient')),
  review_flags            TEXT[] NOT NULL DEFAULT '{}',
  cure_deadline           TIMESTAMPTZ,
  -- What the weight is computed from.
  device_type             TEXT,
  account_months          INTEGER CHECK (account_months >= 0),
  imported_weight         BIGINT CHECK (imported_weight > 0),
  payment_method          TEXT NOT NULL CHECK (payment_method IN ('paypal', 'check', 'ach')),
  -- Personal data (erased by a purge).
  first_name              TEXT,
  last_name               TEXT,
  email                   TEXT,
  phone                   TEXT,
  address1                TEXT,
  address2                TEXT,
  city                    TEXT,
  state                   TEXT,
  postal_code             TEXT,
  country                 TEXT,
  bank_routing_sealed     TEXT,  -- libsodium-sealed, hex; never plain text.
  bank_account_sealed     TEXT,
  bank_account_type       TEXT CHECK (bank_account_type IN ('checking', 'savings')),
  -- Keyed hashes (the service key): duplicate signals and change detection without plain text.
  email_key               TEXT,
  address_key             TEXT,
  record_fingerprint      TEXT NOT NULL,
  -- What the portal verifies a claimant with: the claim number and the ZIP's first five digits.
  portal_zip5             TEXT,
  created_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
  purged_at               TIMESTAMPTZ,
  UNIQUE (program_id, customer_id)
);
CREATE UNIQUE INDEX claimants_claim_number ON claimants (claim_number);
-- The review queue and the lists of denied and deficient claims. Approved claims, nearly all
-- rows, are left out: they are read by program through the (program_id, customer_id) index, and
-- a million-row import then updates one index fewer per row.
CREATE INDEX claimants_program_state ON claimants (program_id, claim_state)
  WHERE claim_state <> 'approved';
CREATE INDEX claimants_email_key ON claimants (program_id, email_key) WHERE email_key IS NOT NULL;
CREATE INDEX claimants_address_key ON claimants (program_id, address_key) WHERE address_key IS NOT NULL;

-- A re-imported customer whose data differs: held for review, never applied silently.
CREATE TABLE claimant_changes (
  id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  claimant_id     BIGINT NOT NULL REFERENCES claimants (id),
  import_id       BIGINT NOT NULL REFERENCES imports (id),
  line_number     BIGINT NOT NULL,
  proposed_sealed TEXT,  -- The proposed record, sealed; erased by a purge.
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'applied', 'rejected')),
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  decided_by      TEXT,
  decided_at      TIMESTAMPTZ
);
CREATE INDEX claimant_changes_pending ON claimant_changes (claimant_id) WHERE state = 'pending';

-- Every claim transition: who, why, when (DESIGN.md "Claim").
CREATE TABLE claim_events (
  id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  claimant_id   BIGINT NOT NULL,  -- No foreign key: see below.
  from_state    TEXT,
  to_state      TEXT NOT NULL,
  reason        TEXT NOT NULL,
  actor         TEXT NOT NULL,
  occurred_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX claim_events_claimant ON claim_events (claimant_id, id);

-- Bulk-loaded tables. An import writes a million claimants and a million claim events in one
-- transaction; PostgreSQL checks a foreign key with one trigger call per row, which measured
-- about a quarter of the whole import. claimants.program_id, claimants.import_id and
-- claim_events.claimant_id therefore carry no foreign key: the importer writes them with ids taken
-- from parent rows it has locked or created in the same transaction, and programs, imports that
-- hold claimants, and claimants are never deleted (a purge erases columns, not rows).
