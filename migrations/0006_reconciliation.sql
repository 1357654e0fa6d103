-- Reconciliation of provider results (issue 6). Every imported result file is one
-- reconciliation; every line of it is kept with its outcome, so that the report can be shown
-- and downloaded later and the unresolved lines are the program's discrepancies.

CREATE TABLE reconciliations (
  id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  program_id      BIGINT NOT NULL REFERENCES programs (id),
  batch_id        BIGINT NOT NULL REFERENCES batches (id),
  kind            TEXT NOT NULL CHECK (kind IN ('paypal_results', 'nacha_returns', 'paid_checks')),
  file_sha256     TEXT NOT NULL,
  lines           BIGINT NOT NULL DEFAULT 0,
  -- The report's counts by outcome, as a JSON object (keys are a contract: see docs).
  counts          JSONB NOT NULL DEFAULT '{}',
  created_by      TEXT NOT NULL,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX reconciliations_batch ON reconciliations (batch_id, id);
CREATE INDEX reconciliations_program ON reconciliations (program_id, id);

-- One line of a result file. `fingerprint` is the SHA-256 of what the line says (rail,
-- reference, status, amount, currency, time); an applied fingerprint is never applied again,
-- which makes importing the same file twice change nothing.
CREATE TABLE reconciliation_lines (
  reconciliation_id  BIGINT NOT NULL REFERENCES reconciliations (id),
  line_number        BIGINT NOT NULL,
  batch_id           BIGINT NOT NULL REFERENCES batches (id),
  reference          TEXT NOT NULL DEFAULT '',
  payment_id         BIGINT REFERENCES payments (id),
  reported_status    TEXT NOT NULL DEFAULT '',
  amount_cents       BIGINT,
  currency           TEXT NOT NULL DEFAULT '',
  outcome            TEXT NOT NULL CHECK (outcome IN ('applied', 'already_applied',
                       'unknown_reference', 'amount_mismatch', 'currency_mismatch', 'duplicate',
                       'contradicting', 'unchanged', 'ignored_pending', 'malformed',
                       'change_applied')),
  from_state         TEXT,
  to_state           TEXT,
  fingerprint        TEXT NOT NULL,
  detail             TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (reconciliation_id, line_number)
);
-- The idempotency guard: one applied line per fingerprint, ever.
CREATE UNIQUE INDEX reconciliation_lines_applied_once ON reconciliation_lines (fingerprint)
  WHERE outcome IN ('applied', 'change_applied');
CREATE INDEX reconciliation_lines_batch ON reconciliation_lines (batch_id)
  WHERE outcome IN ('applied', 'change_applied');
-- The discrepancies: lines a person must look at.
CREATE INDEX reconciliation_lines_discrepancies ON reconciliation_lines (reconciliation_id, line_number)
  WHERE outcome IN ('unknown_reference', 'amount_mismatch', 'currency_mismatch', 'duplicate',
                    'contradicting', 'malformed');
