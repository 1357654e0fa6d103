#include "disburse/app/claims.hpp"

#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>

#include "claimant_keys.hpp"
#include "disburse/domain/claim_number.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/domain/text.hpp"
#include "disburse/domain/us_postal.hpp"
#include "disburse/pg/audit_repository.hpp"
#include "disburse/pg/claims_repository.hpp"
#include "disburse/pg/programs_repository.hpp"

namespace disburse::app {

namespace {

constexpr const char* cure_job_actor = "system:claims.cure_deadline";

std::optional<domain::ClaimEvent> parse_decision(const std::string& decision) {
  if (decision == "approve") return domain::ClaimEvent::approve;
  if (decision == "deny") return domain::ClaimEvent::deny;
  if (decision == "deficient") return domain::ClaimEvent::mark_deficient;
  if (decision == "cure") return domain::ClaimEvent::cure;
  return std::nullopt;
}

// Reason codes are short machine words, so that they can never carry personal data into the
// audit log.
void check_reason_code(const std::string& reason) {
  static const std::regex pattern("[a-z][a-z0-9_]{0,63}");
  if (!std::regex_match(reason, pattern)) {
    throw InvalidInput("the reason must be a code of lower-case letters, digits and underscores, "
                       "such as identity_verified");
  }
}

std::int64_t decode_cursor(const std::optional<std::string>& cursor) {
  if (!cursor || cursor->empty()) return 0;
  try {
    std::size_t consumed = 0;
    const std::int64_t id = std::stoll(*cursor, &consumed);
    if (consumed == cursor->size() && id > 0) return id;
  } catch (const std::exception&) {
  }
  throw InvalidInput("the cursor is not one this server returned");
}

constexpr std::size_t min_last_name_prefix_code_points = 2;
constexpr std::size_t max_search_term_bytes = 254;

std::optional<std::string> present(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  std::string trimmed = domain::collapse_whitespace(*text);
  if (trimmed.empty()) return std::nullopt;
  if (trimmed.size() > max_search_term_bytes || !domain::is_valid_utf8(trimmed)) {
    throw InvalidInput("a search term must be UTF-8 text of at most " +
                       std::to_string(max_search_term_bytes) + " bytes");
  }
  return trimmed;
}

std::string last_name_prefix(const std::string& last_name) {
  if (domain::count_code_points(last_name) < min_last_name_prefix_code_points) {
    throw InvalidInput("search a last name by at least its first " +
                       std::to_string(min_last_name_prefix_code_points) + " letters");
  }
  return last_name;
}

std::string zip5_of_search(const std::string& zip) {
  std::string normalized;
  if (!domain::normalize_us_postal_code(zip, normalized)) {
    throw InvalidInput("a ZIP code is 5 digits, or ZIP+4 such as 94105-1234");
  }
  return std::string(domain::zip5_of(normalized));
}

// Fills the filter's search fields from the request's, normalised as the import stored them.
void add_search(pg::ClaimFilter& filter, const ClaimListRequest& request,
                const security::SecretBox& secrets) {
  if (const auto claim_number = present(request.claim_number)) {
    filter.claim_number = canonical_claim_number(*claim_number);
  }
  if (const auto last_name = present(request.last_name)) {
    filter.last_name_prefix = last_name_prefix(*last_name);
  }
  if (const auto email = present(request.email)) {
    if (email->find('@') == std::string::npos) {
      throw InvalidInput("search an email by the whole address, such as name@example.com");
    }
    filter.email_key = detail::claimant_email_key(detail::email_key_secret(secrets), *email);
  }
  if (const auto zip = present(request.zip)) filter.zip5 = zip5_of_search(*zip);
}

bool searches_personal_data(const pg::ClaimFilter& filter) {
  return filter.last_name_prefix || filter.email_key || filter.zip5;
}

// The record of a search by personal data: which fields, and a keyed hash of the terms as
// searched (normalised), never the terms themselves.
void audit_search(pg::Transaction& transaction, const security::SecretBox& secrets,
                  const Actor& actor, const pg::ClaimFilter& filter, std::size_t found) {
  nlohmann::json fields = nlohmann::json::array();
  nlohmann::json terms = nlohmann::json::object();
  if (filter.last_name_prefix) {
    fields.push_back("last_name");
    terms["last_name"] = *filter.last_name_prefix;
  }
  if (filter.email_key) {
    fields.push_back("email");
    terms["email"] = *filter.email_key;
  }
  if (filter.zip5) {
    fields.push_back("zip");
    terms["zip"] = *filter.zip5;
  }
  const nlohmann::json details = {
      {"channel", actor.channel},
      {"fields", fields},
      {"terms_key", security::keyed_hash_hex(secrets.derive_key("audit.claimant_search.v1"),
                                             terms.dump())},
      {"claims_found", found}};
  pg::append_audit(transaction, {actor.name, "claimant.search", "program",
                                 std::to_string(filter.program_id), filter.program_id,
                                 details.dump()});
}

pg::ClaimFilter claim_filter(const ClaimListRequest& request) {
  if (request.limit < 1 || request.limit > 500) {
    throw InvalidInput("limit must be a whole number from 1 to 500");
  }
  pg::ClaimFilter filter;
  filter.program_id = request.program_id;
  if (request.state) {
    filter.state = domain::parse_claim_state(*request.state);
    if (!filter.state) {
      throw InvalidInput("state must be pending_review, approved, denied or deficient");
    }
  }
  filter.review_flag = request.review_flag;
  filter.after_claimant_id = decode_cursor(request.cursor);
  // One more than asked tells whether another page follows.
  filter.limit = request.limit + 1;
  return filter;
}

void audit_reveal(pg::Transaction& transaction, const Actor& actor, const domain::Claim& claim) {
  const nlohmann::json details = {{"channel", actor.channel}};
  pg::append_audit(transaction, {actor.name, "claimant.reveal", "claimant",
                                 std::to_string(claim.claimant_id), claim.program_id,
                                 details.dump()});
}

void audit_transition(pg::Transaction& transaction, const std::string& actor,
                      const domain::Claim& claim, domain::ClaimState to, const std::string& reason,
                      std::int64_t event_id) {
  const nlohmann::json details = {{"from", domain::to_string(claim.state)},
                                  {"to", domain::to_string(to)},
                                  {"reason", reason},
                                  {"claim_event_id", event_id}};
  pg::append_audit(transaction, {actor, "claim.transition", "claimant",
                                 std::to_string(claim.claimant_id), claim.program_id,
                                 details.dump()});
}

// Applies one allowed transition: the new state, its event row and its audit record.
domain::Claim apply_transition(pg::Transaction& transaction, const std::string& actor,
                               domain::Claim claim, domain::ClaimState to,
                               std::optional<std::int64_t> cure_deadline,
                               const std::string& reason, std::int64_t now_epoch_seconds) {
  const std::int64_t event_id = pg::record_claim_state_change(
      transaction,
      {claim.claimant_id, claim.state, to, cure_deadline, reason, actor, now_epoch_seconds});
  audit_transition(transaction, actor, claim, to, reason, event_id);
  claim.state = to;
  claim.cure_deadline_epoch_seconds = cure_deadline;
  return claim;
}

std::int64_t cure_deadline_for(pg::Transaction& transaction, const domain::Claim& claim,
                               std::int64_t now_epoch_seconds) {
  const auto program = pg::find_program(transaction, claim.program_id);
  if (!program) throw NotFound("no program " + std::to_string(claim.program_id));
  return domain::deadline_epoch_seconds(now_epoch_seconds,
                                        program->settings.cure_window_days);
}

}  // namespace

std::int64_t current_epoch_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string canonical_claim_number(const std::string& input) {
  std::string canonical;
  const domain::ClaimNumberCheck check = domain::check_claim_number(input, canonical);
  if (check != domain::ClaimNumberCheck::ok) {
    throw InvalidInput(std::string(
        domain::claim_number_message(check, domain::MessageLanguage::english)));
  }
  return canonical;
}

ClaimPage list_claims(pg::Database& database, const security::SecretBox& secrets,
                      const Actor& actor, const ClaimListRequest& request) {
  require(actor, domain::Permission::read_program);
  if (request.reveal) require(actor, domain::Permission::reveal_personal_data);
  pg::ClaimFilter filter = claim_filter(request);
  add_search(filter, request, secrets);
  ClaimPage page = database.write([&](pg::Transaction& transaction) {
    ClaimPage result;
    result.items = pg::list_claims(transaction, filter);
    if (static_cast<int>(result.items.size()) > request.limit) {
      result.items.pop_back();
      result.next_cursor = std::to_string(result.items.back().claimant_id);
    }
    if (searches_personal_data(filter)) {
      audit_search(transaction, secrets, actor, filter, result.items.size());
    }
    if (request.reveal) {
      for (const auto& claim : result.items) audit_reveal(transaction, actor, claim);
    }
    return result;
  });
  page.revealed = request.reveal;
  return page;
}

ClaimDetail show_claim(pg::Database& database, const security::SecretBox& secrets,
                       const Actor& actor, const std::string& claim_number, bool reveal) {
  require(actor, domain::Permission::read_program);
  if (reveal) require(actor, domain::Permission::reveal_personal_data);
  const std::string canonical = canonical_claim_number(claim_number);
  ClaimDetail detail = database.write([&](pg::Transaction& transaction) {
    const auto claim = pg::find_claim(transaction, canonical);
    if (!claim) throw NotFound("no claim " + canonical);
    if (reveal) audit_reveal(transaction, actor, *claim);
    ClaimDetail result{*claim, pg::claim_history(transaction, claim->claimant_id), {}, reveal};
    for (auto& request : pg::list_change_requests(transaction, claim->claimant_id)) {
      result.change_requests.push_back({std::move(request), ""});
    }
    return result;
  });
  if (reveal) {
    for (auto& change : detail.change_requests) {
      if (!change.request.details_sealed.empty()) {
        change.details_json = secrets.open_hex(change.request.details_sealed);
      }
    }
  }
  return detail;
}

DecisionResult decide_claim(pg::Transaction& transaction, const Actor& actor,
                            const std::string& claim_number, const std::string& decision,
                            const std::string& reason, std::int64_t now_epoch_seconds) {
  require(actor, domain::Permission::review_claims);
  const auto event = parse_decision(decision);
  if (!event) throw InvalidInput("the decision must be approve, deny, deficient or cure");
  check_reason_code(reason);
  const std::string canonical = canonical_claim_number(claim_number);
  const auto claim = pg::lock_claim(transaction, canonical);
  if (!claim) throw NotFound("no claim " + canonical);
  if (*event == domain::ClaimEvent::cure && claim->cure_deadline_epoch_seconds &&
      now_epoch_seconds > *claim->cure_deadline_epoch_seconds) {
    throw Conflict("the cure window of this claim has closed");
  }
  const domain::ClaimTransition transition = domain::transition(claim->state, *event);
  if (transition.outcome == domain::TransitionOutcome::already_in_state) return {*claim, false};
  if (!transition.ok()) {
    throw Conflict("a claim in " + std::string(domain::to_string(claim->state)) +
                   " cannot take the decision " + decision);
  }
  const std::optional<std::int64_t> deadline =
      transition.next == domain::ClaimState::deficient
          ? std::optional<std::int64_t>(cure_deadline_for(transaction, *claim, now_epoch_seconds))
          : std::nullopt;
  return {apply_transition(transaction, actor.name, *claim, transition.next, deadline, reason,
                           now_epoch_seconds),
          true};
}

int deny_claims_past_cure_deadline(pg::Database& database, std::int64_t now_epoch_seconds,
                                   int limit) {
  return database.write([&](pg::Transaction& transaction) {
    int denied = 0;
    for (const domain::Claim& claim :
         pg::lock_claims_past_cure_deadline(transaction, now_epoch_seconds, limit)) {
      const domain::ClaimTransition transition =
          domain::transition(claim.state, domain::ClaimEvent::cure_deadline_passed);
      if (!transition.ok()) continue;
      apply_transition(transaction, cure_job_actor, claim, transition.next, std::nullopt,
                       "cure_deadline_passed", now_epoch_seconds);
      denied++;
    }
    return denied;
  });
}

}  // namespace disburse::app
