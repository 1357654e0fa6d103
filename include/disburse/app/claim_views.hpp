#pragma once
// The JSON shape of claims, shared by the CLI and the HTTP API. Personal data is masked unless
// the caller revealed it (which the use case audited).

#include <nlohmann/json.hpp>

#include "disburse/app/claims.hpp"

namespace disburse::app {

nlohmann::json claim_json(const domain::Claim& claim, bool revealed);
nlohmann::json claim_page_json(const ClaimPage& page);
nlohmann::json claim_detail_json(const ClaimDetail& detail);
nlohmann::json decision_json(const DecisionResult& result);

}  // namespace disburse::app
