-- Bench fixture shared by ops/bench/status and ops/bench/mixed: :claimants approved claimants of
-- program :program_id, each with a valid claim number (check character included) and one
-- submitted PayPal payment, all in SQL with generate_series.
--
--   psql -v ON_ERROR_STOP=1 -v program_id=1 -v claimants=1000000 -f ops/bench/claimants.sql
--
-- Claim numbers: ten body symbols from a hash of the row number, then the check symbol that makes
-- sum(weight × value) ≡ 0 (mod 31) with weights 11..1 (domain/claim_number.hpp). The portal's
-- check-character test proves them valid: a wrong one would answer 400, not 200, and wrk counts
-- every non-2xx answer.
INSERT INTO allocation_runs (program_id, round, state, seed, distributable_cents, min_payment_cents,
  weighting_rule, allocated_cents, claimants_paid, claimants_dropped, weight_total, inputs_sha256,
  output_sha256, created_by)
VALUES (:program_id, 1, 'approved', 1, 560000000, 1000, '', 560000000, :claimants, 0, :claimants,
  'bench', 'bench', 'bench');
CREATE FUNCTION pg_temp.bench_claim_number(row_number bigint) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  alphabet CONSTANT text := '0123456789ABCDEFGHJKMNPQRTVWXYZ';
  bits bigint := ('x' || substr(md5('bench ' || row_number), 1, 15))::bit(60)::bigint;
  symbol int;
  weighted_sum int := 0;
  claim_number text := '';
BEGIN
  FOR position IN 0..9 LOOP
    symbol := bits % 31;
    bits := bits / 31;
    weighted_sum := weighted_sum + (11 - position) * symbol;
    claim_number := claim_number || substr(alphabet, symbol + 1, 1);
    IF position IN (3, 7) THEN claim_number := claim_number || '-'; END IF;
  END LOOP;
  RETURN claim_number || substr(alphabet, (31 - weighted_sum % 31) % 31 + 1, 1);
END
$$;
INSERT INTO claimants (program_id, customer_id, claim_number, claim_state, payment_method,
  first_name, last_name, email, postal_code, record_fingerprint, portal_zip5)
SELECT :program_id, 'C' || i, pg_temp.bench_claim_number(i), 'approved', 'paypal', 'Bench',
  'Customer', 'c' || i || '@example.com', lpad((10000 + i % 89999)::text, 5, '0'), 'bench',
  lpad((10000 + i % 89999)::text, 5, '0')
FROM generate_series(1, :claimants) AS i
ON CONFLICT DO NOTHING;
INSERT INTO payments (program_id, claimant_id, round, attempt, run_id, method, amount_cents,
  currency, state, reference, submitted_at)
SELECT c.program_id, c.id, 1, 1, r.id, 'paypal', 4785, 'USD', 'submitted', 'bench-' || c.id,
  now() - interval '3 days'
FROM claimants c JOIN allocation_runs r ON r.program_id = c.program_id;
ANALYZE claimants;
ANALYZE payments;
