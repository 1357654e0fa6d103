#pragma once
// Which payments are in a batch, in SQL. Internal to src/pg.
//
// No index mentions payments.batch_id (an index on it would make every batch move a non-HOT
// update, see migrations/0008_payout_throughput.sql). A batch records the id range of the
// payments its creation took instead, so the payments of one batch are a primary-key range
// scan, and `batch_id` decides membership exactly: a range may also hold payments of other
// batches or of none.

#include <cstdint>
#include <pqxx/pqxx>

#include "disburse/pg/database.hpp"

namespace disburse::pg {

// A condition on the payments aliased `p`: in the batch whose id is the statement's $1, its
// payment id range being $2 and $3 (BatchRange). The range is passed as values, not read by a
// subquery, so that the planner knows how many payments it holds: reading a whole program's
// batch by index, row by row, was four times slower than the hash join it picks knowing that.
inline constexpr const char* payment_in_batch_1_2_3 =
    "p.batch_id = $1 AND p.id BETWEEN $2 AND $3";

struct BatchRange {
  std::int64_t first_payment_id = 0;
  std::int64_t last_payment_id = -1;  // Empty unless the batch has payments.
};

inline BatchRange batch_range(Transaction& transaction, std::int64_t batch_id) {
  const pqxx::result rows = transaction.sql().exec_params(
      "SELECT first_payment_id, last_payment_id FROM batches WHERE id = $1 "
      "AND first_payment_id IS NOT NULL",
      batch_id);
  if (rows.empty()) return {};
  return {rows[0][0].as<std::int64_t>(), rows[0][1].as<std::int64_t>()};
}

}  // namespace disburse::pg
