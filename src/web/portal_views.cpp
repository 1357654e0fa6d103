#include "disburse/web/portal_views.hpp"

#include "disburse/domain/calendar.hpp"
#include "disburse/domain/claim_number.hpp"
#include "disburse/domain/text.hpp"

namespace disburse::web {

namespace {

std::string text_of(Language language, const std::string& prefix, std::string_view code) {
  return message(language, prefix + std::string(code));
}

std::string pending_change_text(Language language, const pg::PortalClaim& claim) {
  if (!claim.pending_change_kind || !claim.pending_change_at_epoch_seconds) return "";
  return fill(message(language, "reissue_requested"),
              {{"kind", text_of(language, "kind_", *claim.pending_change_kind)},
               {"date", format_date(language, *claim.pending_change_at_epoch_seconds)}});
}

std::string reissue_text(Language language, const domain::PortalPayment& payment) {
  if (payment.attempt <= 1) return message(language, "reissue_none");
  return fill(message(language, "reissue_attempt"), {{"attempt", std::to_string(payment.attempt)}});
}

std::optional<std::int64_t> expiry_of(const app::StatusResult& result) {
  const domain::NextStep step = result.status.next_step;
  if (step == domain::NextStep::accept_paypal_by || step == domain::NextStep::cash_check_by) {
    return result.status.deadline_epoch_seconds;
  }
  return std::nullopt;
}

nlohmann::json optional_date(Language language, const std::optional<std::int64_t>& epoch_seconds) {
  if (!epoch_seconds) return nullptr;
  return format_date(language, *epoch_seconds);
}

nlohmann::json payment_view(Language language, const app::StatusResult& result) {
  const auto& payment = result.claim->facts.payment;
  if (!payment) return nullptr;
  return {{"amount_text", domain::to_display_string(payment->amount)},
          {"method_text", text_of(language, "method_", domain::to_string(payment->method))},
          {"state_text", text_of(language, "payment_state_", domain::to_string(payment->state))},
          {"sent_text", optional_date(language, payment->submitted_at_epoch_seconds)},
          {"expires_text", optional_date(language, expiry_of(result))},
          {"paid_text", optional_date(language, payment->paid_at_epoch_seconds)},
          {"reissue_text", reissue_text(language, *payment)}};
}

nlohmann::json optional_iso(const std::optional<std::int64_t>& epoch_seconds) {
  if (!epoch_seconds) return nullptr;
  return domain::to_iso8601_utc(*epoch_seconds);
}

// Built by assignment rather than from an initializer list, which copies every value once more:
// this is the body of every status lookup (ops/bench/status).
nlohmann::json payment_json(const app::StatusResult& result) {
  const auto& payment = result.claim->facts.payment;
  if (!payment) return nullptr;
  nlohmann::json json = nlohmann::json::object();
  json["amount_cents"] = payment->amount.cents();
  json["amount"] = domain::to_decimal_string(payment->amount);
  json["currency"] = payment->currency;
  json["method"] = domain::to_string(payment->method);
  json["state"] = domain::to_string(payment->state);
  json["round"] = payment->round;
  json["attempt"] = payment->attempt;
  json["reissued"] = payment->attempt > 1;
  json["sent_at"] = optional_iso(payment->submitted_at_epoch_seconds);
  json["expires_at"] = optional_iso(expiry_of(result));
  json["paid_at"] = optional_iso(payment->paid_at_epoch_seconds);
  return json;
}

std::string mailing_address_text(const pg::PortalClaim& claim) {
  if (claim.mailing_address.size() != 3 || claim.mailing_address[1].empty()) return "";
  const std::string street = domain::mask_address(claim.mailing_address[0]);
  return (street.empty() ? "" : street + ", ") + claim.mailing_address[1] + ", " +
         claim.mailing_address[2];
}

}  // namespace

nlohmann::json base_view(Language language, const std::string& csrf_token,
                         const std::string& title) {
  const Language other = language == Language::spanish ? Language::english : Language::spanish;
  const std::string other_code(language_code(other));
  return {{"lang", language_code(language)},
          {"t", message_catalog(language)},
          {"title", title},
          {"csrf_token", csrf_token},
          {"other_language",
           {{"code", other_code},
            {"label", other == Language::spanish ? "Español" : "English"},
            {"href", "/?lang=" + other_code}}},
          {"language_form", nullptr}};
}

nlohmann::json home_view(Language language, const std::string& csrf_token,
                         const std::vector<std::string>& program_names) {
  nlohmann::json view = base_view(language, csrf_token, message(language, "lookup_heading"));
  view["programs"] = program_names;
  view["has_programs"] = !program_names.empty();
  view["error"] = nullptr;
  view["claim_input"] = "";
  view["zip_input"] = "";
  return view;
}

std::string next_step_text(Language language, const app::StatusResult& result) {
  const domain::PortalStatus& status = result.status;
  const std::string date =
      status.deadline_epoch_seconds ? format_date(language, *status.deadline_epoch_seconds) : "";
  return fill(text_of(language, "next_", domain::to_string(status.next_step)), {{"date", date}});
}

nlohmann::json status_view(Language language, const std::string& csrf_token,
                           const app::StatusResult& result, const std::string& zip5) {
  const pg::PortalClaim& claim = *result.claim;
  nlohmann::json view = base_view(language, csrf_token, message(language, "status_heading"));
  view["status"] = {
      {"claim_number", claim.claim_number},
      {"zip5", zip5},
      {"program_name", claim.program_name},
      {"about_program_text", fill(message(language, "about_program"), {{"program", claim.program_name}})},
      {"claim_state_text",
       text_of(language, "claim_state_", domain::to_string(claim.facts.claim_state))},
      {"next_step_text", next_step_text(language, result)},
      {"pending_change_text", pending_change_text(language, claim)},
      {"mailing_address_text", mailing_address_text(claim)},
      {"payment", payment_view(language, result)},
      {"may_request_change", result.status.may_request_change && !claim.program_closed}};
  // Switching language re-posts the lookup, so that the customer keeps their page.
  view["language_form"] = {{"action", "/status"},
                           {"fields", {{{"name", "claim"}, {"value", claim.claim_number}},
                                       {{"name", "zip"}, {"value", zip5}}}}};
  view["notice"] = nullptr;
  if (claim.program_closed) {
    view["notice"] = message(language, "program_closed");
    view["notice_kind"] = "warning";
  }
  return view;
}

nlohmann::json status_json(Language language, const app::StatusResult& result) {
  const pg::PortalClaim& claim = *result.claim;
  nlohmann::json pending = nullptr;
  if (claim.pending_change_kind) {
    pending = nlohmann::json::object();
    pending["kind"] = *claim.pending_change_kind;
    pending["requested_at"] = optional_iso(claim.pending_change_at_epoch_seconds);
  }
  nlohmann::json next_step = nlohmann::json::object();
  next_step["code"] = domain::to_string(result.status.next_step);
  next_step["deadline"] = optional_iso(result.status.deadline_epoch_seconds);
  next_step["message"] = next_step_text(language, result);
  nlohmann::json json = nlohmann::json::object();
  json["claim_number"] = claim.claim_number;
  json["program"] = claim.program_name;
  json["claim_state"] = domain::to_string(claim.facts.claim_state);
  json["payment"] = payment_json(result);
  json["next_step"] = std::move(next_step);
  json["may_request_change"] = result.status.may_request_change && !claim.program_closed;
  json["program_closed"] = claim.program_closed;
  json["program_closed_message"] =
      claim.program_closed ? nlohmann::json(message(language, "program_closed")) : nullptr;
  json["pending_change_request"] = std::move(pending);
  json["language"] = language_code(language);
  return json;
}

std::string lookup_failure_text(Language language, const app::StatusResult& result) {
  switch (result.outcome) {
    case app::LookupOutcome::invalid_claim_number:
      return std::string(domain::claim_number_message(
          result.claim_number_check, language == Language::spanish
                                         ? domain::MessageLanguage::spanish
                                         : domain::MessageLanguage::english));
    case app::LookupOutcome::invalid_zip: return message(language, "invalid_zip");
    case app::LookupOutcome::program_purged: return message(language, "program_purged");
    case app::LookupOutcome::not_found:
    case app::LookupOutcome::found: return message(language, "not_found");
  }
  return message(language, "not_found");
}

}  // namespace disburse::web
