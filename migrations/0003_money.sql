-- Allocation runs, payments, batches and the double-entry ledger. Amounts are BIGINT cents;
-- each program has one currency (programs.currency), repeated where a file or row leaves us.

CREATE TABLE allocation_runs (
  id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  program_id            BIGINT NOT NULL REFERENCES programs (id),
  round                 INTEGER NOT NULL CHECK (round >= 1),
  state                 TEXT NOT NULL DEFAULT 'created'
                          CHECK (state IN ('created', 'approved', 'superseded')),
  seed                  BIGINT NOT NULL,
  distributable_cents   BIGINT NOT NULL CHECK (distributable_cents >= 0),
  min_payment_cents     BIGINT NOT NULL CHECK (min_payment_cents >= 0),
  cap_cents             BIGINT NOT NULL DEFAULT 0 CHECK (cap_cents >= 0),
  weighting_rule        TEXT NOT NULL,
  allocated_cents       BIGINT NOT NULL CHECK (allocated_cents >= 0),
  claimants_paid        BIGINT NOT NULL,
  claimants_dropped     BIGINT NOT NULL,
  weight_total          NUMERIC(40, 0) NOT NULL,
  inputs_sha256         TEXT NOT NULL,
  output_sha256         TEXT NOT NULL,
  created_by_user_id    BIGINT REFERENCES users (id),
  created_by            TEXT NOT NULL,
  created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
  approved_by_user_id   BIGINT REFERENCES users (id),
  approved_by           TEXT,
  approved_at           TIMESTAMPTZ,
  -- The rest of the engine's result, kept so that showing or explaining a run of 1,000,000
  -- shares never reloads them: runs are immutable, so these are computed once, when the run is.
  outcome               TEXT NOT NULL DEFAULT 'allocated' CHECK (outcome IN ('allocated',
                          'everyone_capped', 'everyone_below_minimum', 'no_claimants')),
  unallocated_cents     BIGINT NOT NULL DEFAULT 0 CHECK (unallocated_cents >= 0),
  claimants_capped      BIGINT NOT NULL DEFAULT 0,
  uncapped_weight_total NUMERIC(40, 0) NOT NULL DEFAULT 0,
  reallocation_rounds   BIGINT NOT NULL DEFAULT 0,
  share_minimum_cents   BIGINT NOT NULL DEFAULT 0,
  share_median_cents    BIGINT NOT NULL DEFAULT 0,
  share_mean_cents      BIGINT NOT NULL DEFAULT 0,
  share_maximum_cents   BIGINT NOT NULL DEFAULT 0,
  -- Maker-checker: the approver is never the creator.
  CHECK (approved_by_user_id IS NULL OR approved_by_user_id IS DISTINCT FROM created_by_user_id)
);
CREATE UNIQUE INDEX allocation_runs_one_approved ON allocation_runs (program_id, round)
  WHERE state = 'approved';
CREATE INDEX allocation_runs_program ON allocation_runs (program_id, round, id);

-- A run's distribution by device type (DESIGN.md "Allocation run"), computed with the run.
CREATE TABLE allocation_run_device_types (
  run_id             BIGINT NOT NULL REFERENCES allocation_runs (id),
  device_type        TEXT NOT NULL,
  claimants_paid     BIGINT NOT NULL,
  claimants_dropped  BIGINT NOT NULL,
  total_cents        BIGINT NOT NULL,
  mean_cents         BIGINT NOT NULL,
  PRIMARY KEY (run_id, device_type)
);

-- No foreign keys here, on purpose: a run writes up to 1,000,000 rows with COPY, and the two
-- per-row foreign-key checks (each a lookup plus a row lock on claimants) made that COPY 4 to
-- 5 times slower than the COPY itself. Both references hold by construction: the run's row and
-- its shares are written in one transaction, from claimants read in that same transaction
-- under the program's lock, and claimant rows are never deleted (a purge erases columns).
CREATE TABLE allocation_shares (
  run_id        BIGINT NOT NULL,
  claimant_id   BIGINT NOT NULL,
  weight        BIGINT NOT NULL CHECK (weight > 0),
  share_cents   BIGINT NOT NULL CHECK (share_cents >= 0),
  status        TEXT NOT NULL CHECK (status IN ('paid', 'paid_at_cap', 'below_minimum')),
  PRIMARY KEY (run_id, claimant_id)
);

CREATE TABLE batches (
  id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  program_id            BIGINT NOT NULL REFERENCES programs (id),
  method                TEXT NOT NULL CHECK (method IN ('paypal', 'check', 'ach')),
  state                 TEXT NOT NULL DEFAULT 'draft'
                          CHECK (state IN ('draft', 'approved', 'submitted', 'reconciled', 'cancelled')),
  items                 INTEGER NOT NULL DEFAULT 0,
  total_cents           BIGINT NOT NULL DEFAULT 0,
  currency              CHAR(3) NOT NULL,
  created_by_user_id    BIGINT REFERENCES users (id),
  created_by            TEXT NOT NULL,
  created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
  approved_by_user_id   BIGINT REFERENCES users (id),
  approved_by           TEXT,
  approved_at           TIMESTAMPTZ,
  submitted_at          TIMESTAMPTZ,
  CHECK (approved_by_user_id IS NULL OR approved_by_user_id IS DISTINCT FROM created_by_user_id)
);
CREATE INDEX batches_program ON batches (program_id, id);

-- A produced provider file, kept so that producing it again yields the identical bytes.
CREATE TABLE batch_files (
  batch_id      BIGINT NOT NULL REFERENCES batches (id),
  part          INTEGER NOT NULL,
  file_name     TEXT NOT NULL,
  content_type  TEXT NOT NULL,
  content       TEXT NOT NULL,
  sha256        TEXT NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- An ACH file holds plain bank account numbers, so its content is stored sealed (libsodium,
  -- hex) like the claimants' bank data; sha256 is always of the plain bytes.
  content_sealed BOOLEAN NOT NULL DEFAULT false,
  PRIMARY KEY (batch_id, part)
);

-- Check numbers, assigned when a check batch's file is produced (payments.check_number).
CREATE SEQUENCE payment_check_numbers AS BIGINT START WITH 100001 MAXVALUE 9999999999;

CREATE TABLE payments (
  id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  program_id            BIGINT NOT NULL REFERENCES programs (id),
  claimant_id           BIGINT NOT NULL REFERENCES claimants (id),
  round                 INTEGER NOT NULL CHECK (round >= 1),
  attempt               INTEGER NOT NULL CHECK (attempt >= 1),
  run_id                BIGINT NOT NULL REFERENCES allocation_runs (id),
  method                TEXT NOT NULL CHECK (method IN ('paypal', 'check', 'ach')),
  amount_cents          BIGINT NOT NULL CHECK (amount_cents > 0),
  currency              CHAR(3) NOT NULL,
  state                 TEXT NOT NULL DEFAULT 'allocated',
  -- The idempotency key, derived from (program, round, claimant, attempt) and stored before any
  -- file exists; it is the provider reference in every file (DESIGN.md "Payment").
  reference             TEXT NOT NULL UNIQUE,
  batch_id              BIGINT REFERENCES batches (id),
  check_number          BIGINT UNIQUE,
  trace_number          TEXT,
  previous_payment_id   BIGINT REFERENCES payments (id),
  created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
  state_changed_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  submitted_at          TIMESTAMPTZ,
  paid_at               TIMESTAMPTZ,
  UNIQUE (program_id, round, claimant_id, attempt)
);
-- One live payment per claimant per round (DESIGN.md "Payment").
CREATE UNIQUE INDEX payments_one_live ON payments (program_id, round, claimant_id)
  WHERE state IN ('allocated', 'batched', 'submitted', 'unclaimed', 'paid');
CREATE INDEX payments_program_state ON payments (program_id, state, method);
CREATE INDEX payments_batch ON payments (batch_id) WHERE batch_id IS NOT NULL;
CREATE INDEX payments_claimant ON payments (claimant_id);

-- Every payment transition: who, why, when, and what caused it.
CREATE TABLE payment_events (
  id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  payment_id    BIGINT NOT NULL REFERENCES payments (id),
  from_state    TEXT,
  to_state      TEXT NOT NULL,
  actor         TEXT NOT NULL,
  reason        TEXT NOT NULL DEFAULT '',
  occurred_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX payment_events_payment ON payment_events (payment_id, id);

-- The double-entry ledger (DESIGN.md "Ledger"). An entry's postings sum to zero; a posting is
-- positive when money arrives in the account. Bulk movements (a batch's submission) book one
-- entry for the batch, not one per payment.
CREATE TABLE ledger_entries (
  id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  program_id    BIGINT NOT NULL REFERENCES programs (id),
  kind          TEXT NOT NULL,
  memo          TEXT NOT NULL DEFAULT '',
  run_id        BIGINT REFERENCES allocation_runs (id),
  batch_id      BIGINT REFERENCES batches (id),
  payment_id    BIGINT REFERENCES payments (id),
  actor         TEXT NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entries_program ON ledger_entries (program_id, id);

CREATE TABLE ledger_postings (
  entry_id      BIGINT NOT NULL REFERENCES ledger_entries (id),
  account       TEXT NOT NULL CHECK (account IN ('settlement_deposit', 'unallocated_fund',
                  'admin_reserve', 'allocated', 'in_flight', 'paid_out', 'returned_pool',
                  'residual_treasury')),
  amount_cents  BIGINT NOT NULL CHECK (amount_cents <> 0),
  PRIMARY KEY (entry_id, account)
);

-- The ledger is append-only, like the audit log: corrections are new entries.
CREATE FUNCTION ledger_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_is_append_only();
CREATE TRIGGER ledger_postings_append_only BEFORE UPDATE OR DELETE ON ledger_postings
  FOR EACH ROW EXECUTE FUNCTION ledger_is_append_only();
