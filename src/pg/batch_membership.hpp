#pragma once
// Which payments are in a batch, in SQL. Internal to src/pg.
//
// No index mentions payments.batch_id (an index on it would make every batch move a non-HOT
// update, see migrations/0007_payout_throughput.sql). A batch records the id range of the
// payments its creation took instead, so the payments of one batch are a primary-key range
// scan, and `batch_id` decides membership exactly: a range may also hold payments of other
// batches or of none.

namespace disburse::pg {

// A condition on the payments aliased `p`: in the batch whose id is the statement's $1.
inline constexpr const char* payment_in_batch_1 =
    "p.batch_id = $1 AND p.id BETWEEN (SELECT first_payment_id FROM batches WHERE id = $1) "
    "AND (SELECT last_payment_id FROM batches WHERE id = $1)";

}  // namespace disburse::pg
