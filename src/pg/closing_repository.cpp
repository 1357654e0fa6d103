#include "disburse/pg/closing_repository.hpp"

#include <pqxx/pqxx>

namespace disburse::pg {

namespace {

std::int64_t affected(Transaction& transaction, const std::string& sql, std::int64_t program_id) {
  return static_cast<std::int64_t>(transaction.sql().exec_params0(sql, program_id).affected_rows());
}

}  // namespace

std::int64_t count_unsettled_payments(Transaction& transaction, std::int64_t program_id) {
  return transaction.sql()
      .exec_params1(
          "SELECT count(*) FROM payments WHERE program_id = $1 AND state IN "
          "('allocated', 'batched', 'submitted', 'unclaimed')",
          program_id)[0]
      .as<std::int64_t>();
}

PurgeCounts erase_personal_data(Transaction& transaction, std::int64_t program_id) {
  PurgeCounts counts;
  // The keyed hashes and the fingerprint go too: they would let anyone holding the service key
  // confirm a guessed email or address.
  counts.claimants = affected(
      transaction,
      "UPDATE claimants SET first_name = NULL, last_name = NULL, email = NULL, phone = NULL, "
      "address1 = NULL, address2 = NULL, city = NULL, state = NULL, postal_code = NULL, "
      "country = NULL, bank_routing_sealed = NULL, bank_account_sealed = NULL, "
      "bank_account_type = NULL, email_key = NULL, address_key = NULL, portal_zip5 = NULL, "
      "record_fingerprint = 'purged', purged_at = now() WHERE program_id = $1",
      program_id);
  counts.import_rejection_records =
      affected(transaction,
               "UPDATE import_rejections r SET raw_record = NULL FROM imports i "
               "WHERE i.id = r.import_id AND i.program_id = $1 AND r.raw_record IS NOT NULL",
               program_id);
  counts.import_chunks = affected(
      transaction,
      "DELETE FROM import_chunks c USING imports i WHERE i.id = c.import_id AND i.program_id = $1",
      program_id);
  counts.claimant_change_proposals =
      affected(transaction,
               "UPDATE claimant_changes x SET proposed_sealed = NULL FROM claimants c "
               "WHERE c.id = x.claimant_id AND c.program_id = $1 AND x.proposed_sealed IS NOT NULL",
               program_id);
  // Payouts files, check registers and Positive Pay files carry names, emails and addresses.
  counts.batch_files =
      affected(transaction,
               "UPDATE batch_files f SET content = '', content_sealed = false FROM batches b "
               "WHERE b.id = f.batch_id AND b.program_id = $1 AND f.content <> ''",
               program_id);
  return counts;
}

}  // namespace disburse::pg
