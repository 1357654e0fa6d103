#pragma once

#include <optional>
#include <string>

#include "disburse/pg/database.hpp"

namespace disburse::pg {

struct StoredResponse {
  std::string request_sha256;
  int status_code = 0;
  std::string content_type;
  std::string body;
};

// Claims the key for this transaction, or returns the response stored by an earlier request
// with the same key. A concurrent transaction holding the same key makes this wait until it
// ends (the primary key's uniqueness check), so exactly one of them runs the work.
std::optional<StoredResponse> claim_idempotency_key(Transaction& transaction,
                                                    const std::string& scope,
                                                    const std::string& key,
                                                    const std::string& request_sha256);

void store_idempotent_response(Transaction& transaction, const std::string& scope,
                               const std::string& key, int status_code,
                               const std::string& content_type, const std::string& body);

}  // namespace disburse::pg
