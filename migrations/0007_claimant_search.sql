-- Claimant search in the console and the API (issue 8): within a program, by the first letters of
-- the last name in any letter case, and by ZIP. Claim numbers use claimants_claim_number and
-- emails claimants_email_key (keyed hashes, never the address).
-- text_pattern_ops lets LIKE 'prefix%' use the index whatever the database's collation.
-- Purged claimants have neither value and drop out of both.
CREATE INDEX claimants_last_name_search ON claimants (program_id, lower(last_name) text_pattern_ops)
  WHERE last_name IS NOT NULL;
CREATE INDEX claimants_zip5 ON claimants (program_id, portal_zip5)
  WHERE portal_zip5 IS NOT NULL;
