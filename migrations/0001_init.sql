-- The foundation: programs, users, the audit log, durable jobs and idempotency keys.
-- Amounts are BIGINT cents with a currency next to them; states are text checked against the
-- names the domain's state machines use.

CREATE TABLE programs (
  id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name                TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  currency            CHAR(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  fund_cents          BIGINT NOT NULL CHECK (fund_cents > 0),
  reserve_cents       BIGINT NOT NULL DEFAULT 0 CHECK (reserve_cents >= 0),
  min_payment_cents   BIGINT NOT NULL DEFAULT 0 CHECK (min_payment_cents >= 0),
  weighting_rule      TEXT NOT NULL DEFAULT '',
  paypal_window_days  INTEGER NOT NULL DEFAULT 30 CHECK (paypal_window_days > 0),
  check_window_days   INTEGER NOT NULL DEFAULT 90 CHECK (check_window_days > 0),
  cure_window_days    INTEGER NOT NULL DEFAULT 30 CHECK (cure_window_days > 0),
  status              TEXT NOT NULL DEFAULT 'setup'
                        CHECK (status IN ('setup', 'distributing', 'closed', 'purged')),
  created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK (reserve_cents < fund_cents)
);
CREATE UNIQUE INDEX programs_name_unique ON programs (lower(name));

CREATE TABLE users (
  id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username       TEXT NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
  role           TEXT NOT NULL CHECK (role IN ('admin', 'reviewer', 'finance', 'auditor')),
  password_hash  TEXT NOT NULL,
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  disabled_at    TIMESTAMPTZ
);
CREATE UNIQUE INDEX users_username_unique ON users (username);

-- Append-only and hash-chained: each record's hash covers its own fields and the previous
-- record's hash, so an edited or deleted record breaks every hash after it. Records name people
-- only by pseudonymous ids, so that a purge of personal data leaves the chain verifiable.
CREATE TABLE audit_log (
  id              BIGINT PRIMARY KEY,
  occurred_at     TIMESTAMPTZ NOT NULL,
  actor           TEXT NOT NULL,
  action          TEXT NOT NULL,
  subject_type    TEXT NOT NULL,
  subject_id      TEXT NOT NULL,
  program_id      BIGINT,
  details         TEXT NOT NULL,
  previous_hash   TEXT NOT NULL,
  hash            TEXT NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log (subject_type, subject_id);
CREATE INDEX audit_log_program ON audit_log (program_id, id);

-- One row that serialises appends to the chain: a writer locks it, appends, and moves it on.
CREATE TABLE audit_chain_head (
  singleton   BOOLEAN PRIMARY KEY DEFAULT true CHECK (singleton),
  last_id     BIGINT NOT NULL,
  last_hash   TEXT NOT NULL
);
INSERT INTO audit_chain_head (last_id, last_hash) VALUES (0, '');

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

-- Durable background work. A runner claims a job with FOR UPDATE SKIP LOCKED and holds a
-- lease; a job whose lease expired (its runner crashed) is claimed again.
CREATE TABLE jobs (
  id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind              TEXT NOT NULL,
  payload           JSONB NOT NULL DEFAULT '{}',
  state             TEXT NOT NULL DEFAULT 'queued'
                      CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
  attempts          INTEGER NOT NULL DEFAULT 0,
  max_attempts      INTEGER NOT NULL DEFAULT 5 CHECK (max_attempts > 0),
  run_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
  lease_expires_at  TIMESTAMPTZ,
  locked_by         TEXT,
  last_error        TEXT,
  result            JSONB,
  created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  finished_at       TIMESTAMPTZ
);
CREATE INDEX jobs_ready ON jobs (run_at) WHERE state IN ('queued', 'running');

-- Stored responses of money-moving POSTs, keyed by the client's Idempotency-Key within a scope
-- (the route and the acting user). The row is written in the same transaction as the effect.
CREATE TABLE idempotency_keys (
  scope            TEXT NOT NULL,
  key              TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
  request_sha256   TEXT NOT NULL,
  status_code      INTEGER NOT NULL,
  content_type     TEXT NOT NULL,
  response_body    TEXT NOT NULL,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);

-- Per-user bearer tokens for API clients. Only a SHA-256 of each token is stored: the token
-- itself is shown once, when it is created.
CREATE TABLE api_tokens (
  id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id        BIGINT NOT NULL REFERENCES users (id),
  name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  token_sha256   TEXT NOT NULL UNIQUE,
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_used_at   TIMESTAMPTZ,
  revoked_at     TIMESTAMPTZ
);
