#include "disburse/app/allocation_views.hpp"

#include "disburse/app/views.hpp"

namespace disburse::app {

nlohmann::json weighting_rule_json(const WeightingRuleView& view) {
  nlohmann::json points = nlohmann::json::object();
  for (const auto& entry : view.rule.device_points()) points[entry.device_type] = entry.points;
  return {{"program_id", view.program_id},
          {"is_default", view.is_default},
          {"editable", view.editable},
          {"months_cap", view.rule.months_cap()},
          {"device_points", points},
          {"text", domain::to_canonical_text(view.rule)}};
}

namespace {

nlohmann::json statistics_json(const pg::AllocationRunRecord& run) {
  nlohmann::json statistics = {{"claimants_paid", run.statistics.claimants_paid}};
  put_money(statistics, "minimum", run.statistics.minimum);
  put_money(statistics, "median", run.statistics.median);
  put_money(statistics, "mean", run.statistics.mean);
  put_money(statistics, "maximum", run.statistics.maximum);
  nlohmann::json by_device_type = nlohmann::json::array();
  for (const auto& device : run.by_device_type) {
    nlohmann::json item = {{"device_type", device.device_type},
                           {"claimants_paid", device.claimants_paid},
                           {"claimants_dropped", device.claimants_dropped}};
    put_money(item, "total", device.total);
    put_money(item, "mean", device.mean);
    by_device_type.push_back(item);
  }
  statistics["by_device_type"] = by_device_type;
  return statistics;
}

}  // namespace

nlohmann::json allocation_run_json(const pg::AllocationRunRecord& run) {
  nlohmann::json object = {{"run_id", run.id},
                           {"program_id", run.program_id},
                           {"round", run.round},
                           {"state", run.state},
                           {"outcome", run.outcome},
                           {"seed", run.seed},
                           {"claimants_paid", run.claimants_paid},
                           {"claimants_dropped", run.claimants_dropped},
                           {"claimants_capped", run.claimants_capped},
                           {"claimants_total", run.claimants_paid + run.claimants_dropped},
                           {"reallocation_rounds", run.reallocation_rounds},
                           {"weight_total", run.paid_weight_total},
                           {"weighting_rule", run.weighting_rule},
                           {"inputs_sha256", run.inputs_sha256},
                           {"output_sha256", run.output_sha256},
                           {"created_by", run.created_by},
                           {"created_at", run.created_at},
                           {"approved_by", run.approved_by.empty() ? nlohmann::json() : nlohmann::json(run.approved_by)},
                           {"approved_at", run.approved_at.empty() ? nlohmann::json() : nlohmann::json(run.approved_at)},
                           {"statistics", statistics_json(run)}};
  put_money(object, "distributable", run.distributable);
  put_money(object, "allocated", run.allocated);
  put_money(object, "unallocated", run.unallocated);
  put_money(object, "min_payment", run.min_payment);
  put_money(object, "cap", run.cap);
  return object;
}

nlohmann::json approval_json(const ApprovalOutcome& outcome) {
  nlohmann::json object = allocation_run_json(outcome.run);
  object["payments_created"] = outcome.payments_created;
  object["runs_superseded"] = outcome.runs_superseded;
  object["ledger_entry_id"] = outcome.ledger_entry_id;
  object["program_status"] = outcome.program_status;
  return object;
}

nlohmann::json explanation_json(const ShareExplanation& explanation) {
  nlohmann::json object = {{"run_id", explanation.run_id},
                           {"claim_number", explanation.claim_number},
                           {"weight", explanation.weight},
                           {"status", domain::to_string(explanation.status)},
                           {"explanation", explanation.sentence}};
  put_money(object, "share", explanation.share);
  return object;
}

}  // namespace disburse::app
