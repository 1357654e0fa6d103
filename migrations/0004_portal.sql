-- The customer portal (issue 7): failed-lookup counters shared by every server, and the change
-- requests verified customers send (a check instead of PayPal, a corrected address or email).

-- One fixed window of failed lookups per bucket. A bucket is a keyed hash of a client address or
-- of a claim number, so the table holds neither in plain text. Every server process counts into
-- the same rows, so a guesser gains nothing by spreading attempts across servers.
CREATE TABLE portal_rate_limits (
  bucket             TEXT PRIMARY KEY,
  window_started_at  TIMESTAMPTZ NOT NULL,
  failures           INTEGER NOT NULL CHECK (failures >= 0)
);
-- Lets a periodic sweep delete old windows without scanning everything.
CREATE INDEX portal_rate_limits_window ON portal_rate_limits (window_started_at);

-- What a verified customer asked for, recorded for an administrator to apply (reissue as a
-- check, update the address or PayPal email). Never applied to claimants directly.
CREATE TABLE portal_change_requests (
  id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  claimant_id     BIGINT NOT NULL REFERENCES claimants (id),
  payment_id      BIGINT REFERENCES payments (id),  -- The payment it concerns, if one exists.
  kind            TEXT NOT NULL CHECK (kind IN ('switch_to_check', 'mailing_address', 'paypal_email')),
  details_sealed  TEXT,  -- The new address or email, sealed; personal data, erased by a purge.
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'applied', 'rejected')),
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  decided_by      TEXT,
  decided_at      TIMESTAMPTZ
);
CREATE INDEX portal_change_requests_claimant ON portal_change_requests (claimant_id, id);
CREATE INDEX portal_change_requests_pending ON portal_change_requests (created_at) WHERE state = 'pending';
