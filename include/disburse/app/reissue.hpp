#pragma once
// Reissue (issue 6, DESIGN.md "Payment"): an attempt whose money came back (expired, returned,
// failed, voided) or that is still on its way but will never arrive (allocated, submitted,
// unclaimed: voided first) ends as `reissued`, and attempt N+1 of the same claimant and round
// is created for the same amount with a new reference, ready for the next batch. Never two live
// payments: the old attempt is final before the new one exists, and the unique partial index
// refuses a second live payment anyway.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "disburse/app/actor.hpp"
#include "disburse/domain/customer_row.hpp"
#include "disburse/domain/money.hpp"
#include "disburse/pg/database.hpp"
#include "disburse/security/crypto.hpp"

namespace disburse::app {

struct ReissueRequest {
  std::int64_t payment_id = 0;
  std::string method;  // paypal | check | ach; the method of the new attempt
  // A corrected mailing address for a check (the FTC's step 4: update addresses and reissue),
  // as typed; validated with the customer-row rules.
  std::optional<domain::MailingAddress> address;
};

struct ReissueResult {
  std::int64_t previous_payment_id = 0;
  std::string previous_state;  // Before the reissue.
  bool voided = false;         // The old attempt was still live and was voided first.
  std::int64_t payment_id = 0;
  std::string reference;
  int attempt = 0;
  std::string method;
  domain::Money amount;
  bool address_changed = false;
};

// Runs in the caller's transaction, the address change included. NotFound, InvalidInput for an
// unknown method or an invalid address (or one given for anything but a check), Conflict for a
// paid, batched or final payment, or a program where no money moves any more.
ReissueResult reissue_payment(pg::Transaction& transaction, const security::SecretBox& secrets,
                              const Actor& actor, const ReissueRequest& request);

nlohmann::json reissue_json(const ReissueResult& result);

}  // namespace disburse::app
