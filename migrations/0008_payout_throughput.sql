-- Payout throughput (issue 5): batching and submitting a million payments costs a few times a
-- COPY of the same rows instead of tens of times (docs/payouts.md). Three changes, each
-- measured with `ops/bench/payout` and EXPLAIN (ANALYZE, BUFFERS, WAL):
--
-- 1. A batch moves its payments with heap-only-tuple (HOT) updates. An UPDATE is HOT when no
--    column that an index mentions (in its key, expression or predicate) changes value and the
--    page has room for the new version. Before, `state` was in payments_one_live's predicate and
--    payments_program_state's key and `batch_id` in payments_batch's key, so every moved payment
--    wrote a new entry into all eight indexes (ten WAL records a payment). Now:
--    - one live payment per claimant per round is still enforced by a unique index, whose
--      predicate reads the generated column `live`: it only changes when a payment dies
--      (returned, failed, expired, voided, ...), never when a batch takes or submits it;
--    - no index mentions `state` or `batch_id`. Picking a batch's payments scans the program's
--      payments, which is what the planner did anyway for a program-sized batch. A batch's own
--      payments are found through the id range it records (first_payment_id..last_payment_id,
--      a primary-key range scan), `batch_id = b.id` deciding membership exactly;
--    - fillfactor 45 leaves room on every page for one new version of each of its payments
--      (about 140 bytes each); pruning reclaims the old version before the next move.
-- 2. Two per-row foreign keys go, each a lookup and a row lock per row written:
--    - payments.batch_id: it is only ever set, by batch creation, to the batch inserted by the
--      same statement, and only ever cleared, by cancellation;
--    - payment_events.payment_id: every event is written in the transaction that creates or
--      moves its payment (the moving statement's own rows), and a cancelled batch copies its
--      events to a million payments at once.
--    Both hold by construction as long as no batch and no payment is ever deleted, which the
--    triggers below enforce, as the foreign keys did.
-- 3. A transition that a batch applies to all of its payments at once (taken into the batch,
--    submitted) is recorded as one payment_events row naming the batch instead of one row per
--    payment. The view payment_history gives every payment's transitions exactly as before: its
--    own rows, and the rows of the batch it is in. A payment only leaves a batch by
--    cancellation, which first copies the batch's rows to each of its payments.

ALTER TABLE payments SET (fillfactor = 45);
ALTER TABLE payments ADD COLUMN live BOOLEAN NOT NULL
  GENERATED ALWAYS AS (state IN ('allocated', 'batched', 'submitted', 'unclaimed', 'paid')) STORED;
DROP INDEX payments_one_live;
CREATE UNIQUE INDEX payments_one_live ON payments (program_id, round, claimant_id) WHERE live;
DROP INDEX payments_program_state;
DROP INDEX payments_batch;
ALTER TABLE payments DROP CONSTRAINT payments_batch_id_fkey;

ALTER TABLE batches ADD COLUMN first_payment_id BIGINT, ADD COLUMN last_payment_id BIGINT;
UPDATE batches b SET first_payment_id = r.first_id, last_payment_id = r.last_id
FROM (SELECT batch_id, min(id) AS first_id, max(id) AS last_id FROM payments
      WHERE batch_id IS NOT NULL GROUP BY batch_id) r
WHERE r.batch_id = b.id;

CREATE FUNCTION rows_are_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are never deleted: other rows refer to them', TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER batches_never_deleted BEFORE DELETE ON batches
  FOR EACH ROW EXECUTE FUNCTION rows_are_never_deleted();
CREATE TRIGGER batches_never_truncated BEFORE TRUNCATE ON batches
  FOR EACH STATEMENT EXECUTE FUNCTION rows_are_never_deleted();
CREATE TRIGGER payments_never_deleted BEFORE DELETE ON payments
  FOR EACH ROW EXECUTE FUNCTION rows_are_never_deleted();
CREATE TRIGGER payments_never_truncated BEFORE TRUNCATE ON payments
  FOR EACH STATEMENT EXECUTE FUNCTION rows_are_never_deleted();

ALTER TABLE payment_events DROP CONSTRAINT payment_events_payment_id_fkey;
ALTER TABLE payment_events ALTER COLUMN payment_id DROP NOT NULL,
  ADD COLUMN batch_id BIGINT REFERENCES batches (id),
  ADD CONSTRAINT payment_events_one_subject CHECK (num_nonnulls(payment_id, batch_id) = 1);
CREATE INDEX payment_events_batch ON payment_events (batch_id, id) WHERE batch_id IS NOT NULL;

-- Every payment's transitions: event_id orders them (one sequence for both kinds of row).
CREATE VIEW payment_history AS
  SELECT e.id AS event_id, e.payment_id, e.from_state, e.to_state, e.actor, e.reason,
         e.occurred_at
  FROM payment_events e WHERE e.payment_id IS NOT NULL
  UNION ALL
  SELECT e.id, p.id, e.from_state, e.to_state, e.actor, e.reason, e.occurred_at
  FROM payment_events e JOIN payments p ON p.batch_id = e.batch_id
  WHERE e.batch_id IS NOT NULL;

-- A PayPal file of a million items is about 100 MB in 67 parts: stored as written, without
-- compressing it first (pglz took longer than writing it).
ALTER TABLE batch_files ALTER COLUMN content SET STORAGE EXTERNAL;
