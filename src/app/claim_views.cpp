#include "disburse/app/claim_views.hpp"

#include "disburse/domain/calendar.hpp"
#include "disburse/domain/text.hpp"

namespace disburse::app {

namespace {

nlohmann::json personal_json(const domain::ClaimantPersonalData& personal, bool revealed) {
  const std::string name = personal.first_name + (personal.first_name.empty() ? "" : " ") +
                           personal.last_name;
  if (revealed) {
    return {{"name", name},           {"email", personal.email},
            {"phone", personal.phone}, {"address1", personal.address1},
            {"address2", personal.address2}, {"city", personal.city},
            {"state", personal.state}, {"postal_code", personal.postal_code}};
  }
  return {{"name", domain::mask_name(name)},
          {"email", domain::mask_email(personal.email)},
          {"postal_code", domain::mask_postal_code(personal.postal_code)}};
}

nlohmann::json history_json(const domain::ClaimHistoryEntry& entry) {
  return {{"kind", entry.kind},
          {"occurred_at", domain::to_iso8601_utc(entry.occurred_at_epoch_seconds)},
          {"subject_id", entry.subject_id},
          {"from_state", entry.from_state},
          {"to_state", entry.to_state},
          {"reason", entry.reason},
          {"actor", entry.actor}};
}

// The new address or email only when revealed; otherwise whether there is one.
nlohmann::json change_request_json(const ChangeRequestDetail& change) {
  const domain::CustomerChangeRequest& request = change.request;
  nlohmann::json object = {{"id", request.id},
                           {"kind", request.kind},
                           {"state", request.state},
                           {"requested_at", domain::to_iso8601_utc(request.created_at_epoch_seconds)},
                           {"has_details", !request.details_sealed.empty()},
                           {"details", nullptr}};
  if (!change.details_json.empty()) object["details"] = nlohmann::json::parse(change.details_json);
  return object;
}

}  // namespace

nlohmann::json claim_json(const domain::Claim& claim, bool revealed) {
  nlohmann::json object = {{"claim_number", claim.claim_number},
                           {"program_id", claim.program_id},
                           {"customer_id", claim.customer_id},
                           {"state", domain::to_string(claim.state)},
                           {"flags", claim.review_flags},
                           {"payment_method", claim.payment_method},
                           {"cure_deadline", nullptr},
                           {"masked", !revealed},
                           {"purged", claim.purged}};
  if (claim.cure_deadline_epoch_seconds) {
    object["cure_deadline"] = domain::to_iso8601_utc(*claim.cure_deadline_epoch_seconds);
  }
  object.update(personal_json(claim.personal, revealed));
  return object;
}

nlohmann::json claim_page_json(const ClaimPage& page) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& claim : page.items) items.push_back(claim_json(claim, page.revealed));
  return {{"items", items},
          {"next_cursor", page.next_cursor ? nlohmann::json(*page.next_cursor) : nlohmann::json()}};
}

nlohmann::json claim_detail_json(const ClaimDetail& detail) {
  nlohmann::json object = claim_json(detail.claim, detail.revealed);
  nlohmann::json history = nlohmann::json::array();
  for (const auto& entry : detail.history) history.push_back(history_json(entry));
  object["history"] = history;
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& change : detail.change_requests) changes.push_back(change_request_json(change));
  object["change_requests"] = changes;
  return object;
}

nlohmann::json decision_json(const DecisionResult& result) {
  nlohmann::json object = claim_json(result.claim, false);
  object["changed"] = result.changed;
  return object;
}

}  // namespace disburse::app
