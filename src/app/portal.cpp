#include "disburse/app/portal.hpp"

#include <nlohmann/json.hpp>

#include "disburse/domain/errors.hpp"
#include "disburse/domain/text.hpp"
#include "disburse/domain/us_postal.hpp"
#include "disburse/pg/audit_repository.hpp"

namespace disburse::app {

namespace {

constexpr const char* customer_actor = "customer";

// Keyed hashes, so that the shared counters hold neither addresses nor claim numbers.
std::vector<std::string> buckets_for(const security::SecretBox& secrets,
                                     const std::string& client_address,
                                     const std::string& claim_number) {
  const std::string key = secrets.derive_key("portal rate limit buckets");
  return {"a:" + security::keyed_hash_hex(key, client_address),
          "c:" + security::keyed_hash_hex(key, claim_number)};
}

void count_failure(pg::Database& database, const std::vector<std::string>& buckets,
                   const pg::RateLimitSettings& limits) {
  database.write([&](pg::Transaction& transaction) {
    pg::record_lookup_failure(transaction, buckets, limits);
  });
}

void throw_if_limited(const pg::PortalLookup& lookup) {
  if (lookup.retry_after_seconds) {
    throw RateLimited("too many attempts; please wait before trying again",
                      *lookup.retry_after_seconds);
  }
}

bool is_valid_email(const std::string& email) {
  const std::size_t at = email.find('@');
  return email.size() <= 254 && at != std::string::npos && at > 0 &&
         email.find('.', at) != std::string::npos && email.find_first_of(" \t\r\n<>") == std::string::npos &&
         domain::is_valid_utf8(email);
}

std::string required_field(const std::string& value, const char* what, std::size_t max_length) {
  const std::string collapsed = domain::collapse_whitespace(value);
  if (collapsed.empty() || collapsed.size() > max_length || !domain::is_valid_utf8(collapsed)) {
    throw InvalidInput(std::string(what) + " is missing or too long");
  }
  return collapsed;
}

// The new details, sealed: they are personal data and leave the table only when revealed.
std::optional<std::string> sealed_details(const security::SecretBox& secrets,
                                          const ChangeRequestInput& input) {
  if (input.kind == "switch_to_check") return std::nullopt;
  nlohmann::json details;
  if (input.kind == "paypal_email") {
    const std::string email = domain::to_ascii_lower(domain::trim_ascii_whitespace(input.paypal_email));
    if (!is_valid_email(email)) throw InvalidInput("the PayPal email address is not valid");
    details = {{"paypal_email", email}};
  } else {
    std::string postal_code;
    if (!domain::normalize_us_postal_code(input.postal_code, postal_code)) {
      throw InvalidInput("the ZIP code of the new address is not valid");
    }
    const auto* jurisdiction = domain::find_us_jurisdiction(domain::trim_ascii_whitespace(input.state));
    if (jurisdiction == nullptr) throw InvalidInput("the state of the new address is not valid");
    details = {{"address1", required_field(input.address1, "the street address", 100)},
               {"address2", domain::collapse_whitespace(input.address2).substr(0, 100)},
               {"city", required_field(input.city, "the city", 60)},
               {"state", std::string(jurisdiction->code)},
               {"postal_code", postal_code}};
  }
  return secrets.seal_hex(details.dump());
}

void check_kind(const std::string& kind) {
  if (kind != "switch_to_check" && kind != "mailing_address" && kind != "paypal_email") {
    throw InvalidInput("choose a check, a new mailing address or a new PayPal email");
  }
}

ChangeOutcome outcome_of(LookupOutcome outcome) {
  switch (outcome) {
    case LookupOutcome::invalid_claim_number: return ChangeOutcome::invalid_claim_number;
    case LookupOutcome::invalid_zip: return ChangeOutcome::invalid_zip;
    case LookupOutcome::found: return ChangeOutcome::recorded;
    case LookupOutcome::not_found: return ChangeOutcome::not_verified;
    case LookupOutcome::program_purged: return ChangeOutcome::not_allowed_now;
  }
  return ChangeOutcome::not_verified;
}

std::int64_t record_change(pg::Database& database, const pg::PortalClaim& claim,
                           const std::string& kind, const std::optional<std::string>& sealed) {
  const std::optional<std::int64_t> payment_id =
      claim.facts.payment ? std::optional<std::int64_t>(claim.facts.payment->payment_id)
                          : std::nullopt;
  return database.write([&](pg::Transaction& transaction) {
    pg::lock_claimant(transaction, claim.claimant_id);
    const pg::ChangeRequestRecord record =
        pg::insert_change_request(transaction, claim.claimant_id, payment_id, kind, sealed);
    const nlohmann::json details = {{"kind", kind}, {"change_request_id", record.id}};
    pg::append_audit(transaction, {customer_actor, "portal.change_request", "claimant",
                                   std::to_string(claim.claimant_id), claim.program_id,
                                   details.dump()});
    return record.id;
  });
}

}  // namespace

StatusResult look_up_status(pg::Database& database, pg::PortalLookups& lookups,
                            const security::SecretBox& secrets, const StatusQuery& query) {
  StatusResult result;
  std::string claim_number;
  result.claim_number_check = domain::check_claim_number(query.claim_number, claim_number);
  if (result.claim_number_check != domain::ClaimNumberCheck::ok) {
    result.outcome = LookupOutcome::invalid_claim_number;
    return result;
  }
  std::string postal_code;
  if (!domain::normalize_us_postal_code(domain::trim_ascii_whitespace(query.zip), postal_code)) {
    result.outcome = LookupOutcome::invalid_zip;
    return result;
  }
  const std::vector<std::string> buckets = buckets_for(secrets, query.client_address, claim_number);
  const pg::PortalLookup lookup = lookups.lookup(
      {claim_number, std::string(domain::zip5_of(postal_code)), buckets[0], buckets[1]});
  throw_if_limited(lookup);
  if (!lookup.claim) {
    // A purged program's answer counts as a failure too, so that probing claim numbers stays
    // throttled whatever the answer.
    count_failure(database, buckets, lookups.limits());
    result.outcome =
        lookup.program_purged ? LookupOutcome::program_purged : LookupOutcome::not_found;
    return result;
  }
  result.outcome = LookupOutcome::found;
  result.claim = lookup.claim;
  result.status = domain::decide_portal_status(lookup.claim->facts);
  return result;
}

ChangeResult request_change(pg::Database& database, pg::PortalLookups& lookups,
                            const security::SecretBox& secrets, const ChangeRequestInput& input) {
  check_kind(input.kind);
  const std::optional<std::string> sealed = sealed_details(secrets, input);
  ChangeResult result;
  result.status = look_up_status(database, lookups, secrets, input.who);
  result.outcome = outcome_of(result.status.outcome);
  if (result.outcome != ChangeOutcome::recorded) return result;
  const pg::PortalClaim& claim = *result.status.claim;
  if (!domain::last_name_matches(input.last_name, claim.last_name)) {
    // A wrong last name counts like a wrong ZIP, and looks the same to the customer.
    count_failure(database, buckets_for(secrets, input.who.client_address, claim.claim_number),
                  lookups.limits());
    result.outcome = ChangeOutcome::not_verified;
    result.status = StatusResult{};
    return result;
  }
  if (claim.program_closed ||
      !domain::customer_may_change_payment(claim.facts.claim_state, claim.facts.payment)) {
    result.outcome = ChangeOutcome::not_allowed_now;
    return result;
  }
  result.change_request_id = record_change(database, claim, input.kind, sealed);
  // The page shows the claim as it is now, with the request pending.
  result.status = look_up_status(database, lookups, secrets, input.who);
  return result;
}

std::vector<std::string> open_program_names(pg::Database& database) {
  return database.read(
      [](pg::Transaction& transaction) { return pg::list_open_program_names(transaction); });
}

pg::RateLimitSettings load_rate_limit_settings(const EnvironmentLookup& lookup) {
  pg::RateLimitSettings settings;
  const auto read = [&](std::string_view name, int fallback, int minimum, int maximum) {
    const std::optional<std::string> text = lookup(name);
    if (!text || text->empty()) return fallback;
    try {
      std::size_t consumed = 0;
      const int value = std::stoi(*text, &consumed);
      if (consumed == text->size() && value >= minimum && value <= maximum) return value;
    } catch (const std::exception&) {
    }
    throw InvalidInput(std::string(name) + " must be a whole number from " +
                       std::to_string(minimum) + " to " + std::to_string(maximum));
  };
  settings.max_failures = read("DISBURSE_PORTAL_MAX_FAILURES", settings.max_failures, 1, 1000);
  settings.window_seconds =
      read("DISBURSE_PORTAL_WINDOW_SECONDS", settings.window_seconds, 10, 86400);
  return settings;
}

}  // namespace disburse::app
