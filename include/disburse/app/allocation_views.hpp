#pragma once
// The JSON shape of allocation runs, shared by the CLI and the HTTP API (a contract: run_id,
// round, distributable_cents, allocated_cents, claimants_paid, claimants_dropped, output_sha256).

#include <nlohmann/json.hpp>

#include "disburse/app/allocations.hpp"

namespace disburse::app {

nlohmann::json weighting_rule_json(const WeightingRuleView& view);
nlohmann::json allocation_run_json(const pg::AllocationRunRecord& run);
nlohmann::json approval_json(const ApprovalOutcome& outcome);
nlohmann::json explanation_json(const ShareExplanation& explanation);

}  // namespace disburse::app
