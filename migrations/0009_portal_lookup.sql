-- The portal's status lookup (issue 7) is one statement a customer request; these indexes let
-- each of its probes be a single index descent with no sort (ops/bench/status, EXPLAIN):
-- - a claimant's latest payment (latest round, then latest attempt) is the first entry of an
--   index ordered that way; payments_claimant (claimant_id alone) made every lookup sort the
--   claimant's payments. The new index starts with claimant_id, so it serves every query that
--   used the old one. No column in it changes when a batch takes or submits a payment, so those
--   updates stay heap-only (migration 0008).
-- - a claimant's pending change request was found by scanning every pending request of every
--   claimant (portal_change_requests_pending is ordered by created_at, for the review queue):
--   fine with ten pending requests, a scan of thousands per lookup once customers use the form.
CREATE INDEX payments_claimant_latest ON payments (claimant_id, round DESC, attempt DESC);
DROP INDEX payments_claimant;
CREATE INDEX portal_change_requests_claimant_pending ON portal_change_requests (claimant_id, id)
  WHERE state = 'pending';
