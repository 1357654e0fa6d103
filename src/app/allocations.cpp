#include "disburse/app/allocations.hpp"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <vector>

#include "disburse/domain/allocation_inputs.hpp"
#include "disburse/domain/assert.hpp"
#include "disburse/domain/batch_state.hpp"
#include "disburse/domain/claim_number.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/domain/ledger.hpp"
#include "disburse/domain/payment_reference.hpp"
#include "disburse/domain/payment_state.hpp"
#include "disburse/domain/program_state.hpp"
#include "disburse/domain/reconciliation.hpp"
#include "disburse/pg/audit_repository.hpp"
#include "disburse/pg/ledger_repository.hpp"
#include "disburse/pg/programs_repository.hpp"
#include "disburse/pg/second_round_repository.hpp"
#include "disburse/security/crypto.hpp"

namespace disburse::app {

namespace {

// Later rounds are allocated from the returned pool to those who redeemed in the round before
// (DESIGN.md "Second distribution", issue 6), weighted as they were in that round.
constexpr int first_round = 1;
constexpr std::string_view redeemer_label = "redeemer of the previous round";

constexpr std::string_view imported_weight_label = "imported weight";

// The service-wide statement timeout (30 s by default) is sized for requests. A run's COPY of
// 1,000,000 shares, and above all an approval's INSERT of as many payments (about 30 s on a
// loaded 2-vCPU host, measured by ops/bench/allocate), are bulk work that gets longer.
constexpr int bulk_statement_timeout_ms = 600'000;

bool in_setup(const domain::Program& program) {
  return domain::parse_program_state(program.status) == domain::ProgramState::setup;
}

domain::Program locked_program(pg::Transaction& transaction, std::int64_t program_id) {
  auto program = pg::lock_program(transaction, program_id);
  if (!program) throw NotFound("no program " + std::to_string(program_id));
  return *program;
}

void require_named_user(const Actor& actor) {
  // Maker-checker compares users, so the operator's anonymous shell may neither make nor check.
  if (!actor.is_user()) throw Forbidden("allocation runs need a named user: pass --as USER");
}

std::string stored_rule_text(std::string_view text) {
  const bool blank = std::all_of(text.begin(), text.end(), [](char character) {
    return character == ' ' || character == '\t' || character == '\r' || character == '\n';
  });
  if (blank) return "";
  return domain::to_canonical_text(domain::parse_weighting_rule(text));
}

WeightingRuleView rule_view(const domain::Program& program, bool round_approved) {
  WeightingRuleView view;
  view.program_id = program.id;
  view.is_default = program.weighting_rule.empty();
  view.editable = !round_approved && in_setup(program);
  view.rule = domain::program_weighting_rule(program.weighting_rule);
  return view;
}

// The claims of one program, weighed, in claimant id order, with the label each one's
// statistics are grouped under.
struct WeighedClaims {
  std::vector<domain::AllocationClaimant> claimants;
  std::vector<std::uint16_t> label_of_claimant;  // Parallel to claimants.
  std::vector<std::string> labels;               // The rule's device types, then imported.
  domain::WeighingProblems problems;

  std::string_view label_of(std::int64_t claimant_id) const {
    const auto found = std::lower_bound(
        claimants.begin(), claimants.end(), claimant_id,
        [](const domain::AllocationClaimant& claimant, std::int64_t id) { return claimant.claimant_id < id; });
    return labels[label_of_claimant[static_cast<std::size_t>(found - claimants.begin())]];
  }
};

WeighedClaims weigh_approved_claims(pg::Transaction& transaction, std::int64_t program_id,
                                    const domain::WeightingRule& rule) {
  WeighedClaims weighed;
  // A breakdown's device type views the rule's own spelling, so its address names the label.
  std::unordered_map<const char*, std::uint16_t> label_by_spelling;
  for (const domain::DevicePoints& entry : rule.device_points()) {
    label_by_spelling.emplace(entry.device_type.data(), static_cast<std::uint16_t>(weighed.labels.size()));
    weighed.labels.push_back(entry.device_type);
  }
  const auto imported_label = static_cast<std::uint16_t>(weighed.labels.size());
  weighed.labels.emplace_back(imported_weight_label);
  pg::for_each_approved_claim(
      transaction, program_id,
      [&](std::int64_t claimant_id, const domain::ClaimantWeightSource& source) {
        const domain::ClaimantWeight weight = domain::weigh_claimant(rule, source);
        if (!weight.ok()) {
          weighed.problems.add(source, weight);
          return;
        }
        const domain::WeightBreakdown& breakdown = weight.result.breakdown;
        weighed.claimants.push_back({claimant_id, breakdown.weight});
        weighed.label_of_claimant.push_back(
            breakdown.basis == domain::WeightBasis::imported
                ? imported_label
                : label_by_spelling.at(breakdown.device_type.data()));
      });
  return weighed;
}

std::uint64_t parse_seed(const std::optional<std::string>& text, std::int64_t program_id, int round) {
  if (!text) return domain::default_allocation_seed(program_id, round);
  std::uint64_t seed = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), seed);
  constexpr std::uint64_t seed_limit = 1ULL << 63;
  if (error != std::errc() || end != text->data() + text->size() || seed >= seed_limit) {
    throw InvalidInput("the seed must be a whole number from 0 to 9223372036854775807");
  }
  return seed;
}

std::string inputs_sha256(const domain::AllocationParameters& parameters,
                          const std::vector<domain::AllocationClaimant>& claimants) {
  security::Sha256 hash;
  domain::write_canonical_input(parameters, claimants,
                                [&](std::string_view chunk) { hash.update(chunk); });
  return hash.final_hex();
}

std::string output_sha256(const domain::AllocationResult& result) {
  security::Sha256 hash;
  domain::write_canonical_output(result, [&](std::string_view chunk) { hash.update(chunk); });
  return hash.final_hex();
}

domain::AllocationParameters run_parameters(const domain::Program& program, domain::Money cap,
                                            std::uint64_t seed) {
  return {domain::distributable_amount(program.settings), program.settings.min_payment, cap, seed};
}

domain::Money returned_pool(pg::Transaction& transaction, std::int64_t program_id) {
  return pg::ledger_balances(transaction, program_id).of(domain::ledger::Account::returned_pool);
}

// The first round divides the fund less the reserve; a later one the returned pool.
domain::AllocationParameters round_parameters(pg::Transaction& transaction,
                                              const domain::Program& program, int round,
                                              domain::Money cap, std::uint64_t seed) {
  domain::AllocationParameters parameters = run_parameters(program, cap, seed);
  if (round != first_round) parameters.distributable = returned_pool(transaction, program.id);
  return parameters;
}

WeighedClaims weigh_redeemers(pg::Transaction& transaction, std::int64_t program_id, int round) {
  WeighedClaims weighed;
  weighed.labels.emplace_back(redeemer_label);
  weighed.claimants = pg::redeemer_weights(transaction, program_id, round - 1);
  weighed.label_of_claimant.assign(weighed.claimants.size(), 0);
  return weighed;
}

// A later round happens only when every redeemer's share would clear the minimum payment;
// otherwise it says why and allocates nothing.
WeighedClaims weigh_redeemers_or_refuse(pg::Transaction& transaction,
                                        const domain::Program& program, int round) {
  WeighedClaims weighed = weigh_redeemers(transaction, program.id, round);
  std::vector<std::uint64_t> weights;
  weights.reserve(weighed.claimants.size());
  for (const domain::AllocationClaimant& claimant : weighed.claimants) weights.push_back(claimant.weight);
  const domain::Money pool = returned_pool(transaction, program.id);
  const domain::SecondRoundCheck check =
      domain::check_second_round(pool, weights, program.settings.min_payment);
  if (check.outcome != domain::SecondRoundOutcome::feasible) {
    throw Conflict("no round " + std::to_string(round) + " for program " +
                   std::to_string(program.id) + ": " + std::string(domain::to_string(check.outcome)) +
                   " (returned pool " + domain::to_display_string(pool) + ", " +
                   std::to_string(weighed.claimants.size()) + " redeemers, smallest share " +
                   domain::to_display_string(check.smallest_share) + ", minimum payment " +
                   domain::to_display_string(program.settings.min_payment) + ")");
  }
  return weighed;
}

// A later round needs a distributing program whose previous round was approved.
void require_later_round_open(pg::Transaction& transaction, const domain::Program& program,
                              int round) {
  if (domain::parse_program_state(program.status) != domain::ProgramState::distributing) {
    throw Conflict("program " + std::to_string(program.id) + " is " + program.status +
                   "; a later round needs a distributing program");
  }
  if (!pg::approved_run_id(transaction, program.id, round - 1)) {
    throw Conflict("round " + std::to_string(round - 1) + " of program " +
                   std::to_string(program.id) + " has no approved run");
  }
  if (const auto approved = pg::approved_run_id(transaction, program.id, round)) {
    throw Conflict("round " + std::to_string(round) + " of program " + std::to_string(program.id) +
                   " already has an approved run (" + std::to_string(*approved) + ")");
  }
}

void require_round_open(pg::Transaction& transaction, const domain::Program& program, int round) {
  if (round != first_round) {
    require_later_round_open(transaction, program, round);
    return;
  }
  if (const auto approved = pg::approved_run_id(transaction, program.id, round)) {
    throw Conflict("round " + std::to_string(round) + " of program " + std::to_string(program.id) +
                   " already has an approved run (" + std::to_string(*approved) + ")");
  }
  if (!in_setup(program)) {
    throw Conflict("program " + std::to_string(program.id) + " is " + program.status +
                   "; its first round can only be allocated during setup");
  }
}

WeighedClaims weigh_or_refuse(pg::Transaction& transaction, const domain::Program& program,
                              const domain::WeightingRule& rule) {
  WeighedClaims weighed = weigh_approved_claims(transaction, program.id, rule);
  if (!weighed.problems.empty()) {
    throw Conflict("cannot allocate program " + std::to_string(program.id) + ": " +
                   weighed.problems.describe() +
                   "; fix the weighting rule (disburse program rule) or decide those claims");
  }
  if (weighed.claimants.empty()) {
    throw Conflict("program " + std::to_string(program.id) + " has no approved claims to allocate");
  }
  return weighed;
}

void audit_run(pg::Transaction& transaction, const Actor& actor, const pg::AllocationRunRecord& run) {
  const nlohmann::json details = {{"round", run.round},
                                  {"seed", run.seed},
                                  {"allocated_cents", run.allocated.cents()},
                                  {"claimants_paid", run.claimants_paid},
                                  {"claimants_dropped", run.claimants_dropped},
                                  {"inputs_sha256", run.inputs_sha256},
                                  {"output_sha256", run.output_sha256}};
  pg::append_audit(transaction, {actor.name, "allocation.create", "allocation_run",
                                 std::to_string(run.id), run.program_id, details.dump()});
}

}  // namespace

WeightingRuleView show_weighting_rule(pg::Database& database, const Actor& actor,
                                      std::int64_t program_id) {
  require(actor, domain::Permission::read_program);
  return database.read([&](pg::Transaction& transaction) {
    const auto program = pg::find_program(transaction, program_id);
    if (!program) throw NotFound("no program " + std::to_string(program_id));
    return rule_view(*program, pg::approved_run_id(transaction, program_id, first_round).has_value());
  });
}

WeightingRuleView set_weighting_rule(pg::Transaction& transaction, const Actor& actor,
                                     std::int64_t program_id, std::string_view text) {
  require(actor, domain::Permission::manage_program);
  domain::Program program = locked_program(transaction, program_id);
  if (const auto approved = pg::approved_run_id(transaction, program_id, first_round)) {
    throw Conflict("the weighting rule of program " + std::to_string(program_id) +
                   " is fixed: allocation run " + std::to_string(*approved) + " is approved");
  }
  if (!in_setup(program)) {
    throw Conflict("program " + std::to_string(program_id) + " is " + program.status +
                   "; its weighting rule can only change during setup");
  }
  program.weighting_rule = stored_rule_text(text);
  pg::update_weighting_rule(transaction, program_id, program.weighting_rule);
  const nlohmann::json details = {{"weighting_rule", program.weighting_rule}};
  pg::append_audit(transaction, {actor.name, "program.weighting_rule", "program",
                                 std::to_string(program_id), program_id, details.dump()});
  return rule_view(program, false);
}

pg::AllocationRunRecord create_allocation_run(pg::Transaction& transaction, const Actor& actor,
                                              const AllocationRequest& request) {
  require(actor, domain::Permission::run_allocation);
  require_named_user(actor);
  const domain::Money cap = domain::parse_money_or_throw(request.cap, "cap");
  // The program's lock keeps its rule and settings still while the run reads the claims.
  const domain::Program program = locked_program(transaction, request.program_id);
  require_round_open(transaction, program, request.round);
  const domain::WeightingRule rule = domain::program_weighting_rule(program.weighting_rule);
  pg::extend_statement_timeout(transaction, bulk_statement_timeout_ms);
  const WeighedClaims weighed = request.round == first_round
                                    ? weigh_or_refuse(transaction, program, rule)
                                    : weigh_redeemers_or_refuse(transaction, program, request.round);
  const domain::AllocationParameters parameters = round_parameters(
      transaction, program, request.round, cap, parse_seed(request.seed, program.id, request.round));
  const domain::AllocationResult result = domain::allocate(parameters, weighed.claimants);

  pg::NewAllocationRun run{program.id, request.round, domain::to_canonical_text(rule),
                           inputs_sha256(parameters, weighed.claimants), output_sha256(result),
                           domain::share_statistics(result),
                           domain::statistics_by_device_type(
                               result, [&](std::int64_t id) { return weighed.label_of(id); }),
                           actor.user_id, actor.name};
  const std::int64_t run_id = pg::insert_allocation_run(transaction, run, result);
  pg::copy_allocation_shares(transaction, run_id, result);
  pg::AllocationRunRecord stored = *pg::find_allocation_run(transaction, run_id);
  audit_run(transaction, actor, stored);
  return stored;
}

std::vector<pg::AllocationRunRecord> list_allocation_runs(pg::Database& database,
                                                          const Actor& actor,
                                                          std::int64_t program_id, int limit) {
  require(actor, domain::Permission::read_program);
  return database.read([&](pg::Transaction& transaction) {
    if (!pg::find_program(transaction, program_id)) {
      throw NotFound("no program " + std::to_string(program_id));
    }
    return pg::list_allocation_runs(transaction, program_id, limit);
  });
}

pg::AllocationRunRecord show_allocation_run(pg::Database& database, const Actor& actor,
                                            std::int64_t run_id) {
  require(actor, domain::Permission::read_program);
  const auto run = database.read(
      [&](pg::Transaction& transaction) { return pg::find_allocation_run(transaction, run_id); });
  if (!run) throw NotFound("no allocation run " + std::to_string(run_id));
  return *run;
}

namespace {

std::int64_t program_of_run(pg::Transaction& transaction, std::int64_t run_id) {
  const auto run = pg::find_allocation_run(transaction, run_id);
  if (!run) throw NotFound("no allocation run " + std::to_string(run_id));
  return run->program_id;
}

pg::AllocationRunRecord locked_run(pg::Transaction& transaction, std::int64_t run_id) {
  auto run = pg::find_allocation_run(transaction, run_id, true);
  if (!run) throw NotFound("no allocation run " + std::to_string(run_id));
  return *run;
}

// The run's state after approval, or Conflict/Forbidden naming why it cannot be approved.
domain::AllocationRunState require_approvable(pg::Transaction& transaction, const Actor& actor,
                                              const pg::AllocationRunRecord& run) {
  const auto state = domain::parse_allocation_run_state(run.state);
  DISBURSE_ASSERT(state.has_value());
  const auto approval = domain::transition(*state, domain::AllocationRunEvent::approve);
  if (!approval.ok()) {
    throw Conflict("allocation run " + std::to_string(run.id) + " is " + run.state +
                   " and cannot be approved");
  }
  if (domain::check_approval(run.created_by_user_id, actor.user_id) ==
      domain::ApprovalCheck::same_user) {
    throw Forbidden("maker-checker: " + actor.name + " created allocation run " +
                    std::to_string(run.id) + " and may not approve it; another user must");
  }
  if (const auto approved = pg::approved_run_id(transaction, run.program_id, run.round)) {
    throw Conflict("round " + std::to_string(run.round) + " of program " +
                   std::to_string(run.program_id) + " already has an approved run (" +
                   std::to_string(*approved) + ")");
  }
  if (run.allocated.is_zero()) {
    throw Conflict("allocation run " + std::to_string(run.id) + " pays no one (" + run.outcome + ")");
  }
  return approval.next;
}

// The other runs of the round that are still waiting are superseded by the approved one.
std::int64_t supersede_waiting_runs(pg::Transaction& transaction, const pg::AllocationRunRecord& run) {
  constexpr auto waiting = domain::AllocationRunState::created;
  const auto superseded = domain::transition(waiting, domain::AllocationRunEvent::supersede);
  DISBURSE_ASSERT(superseded.ok());
  return pg::supersede_other_runs(transaction, run.program_id, run.round, run.id,
                                  std::string(domain::to_string(waiting)),
                                  std::string(domain::to_string(superseded.next)));
}

// Weighs the current claims again and reruns the engine: approval pays what the run says only
// if the run is still what the claims and settings give now, byte for byte.
domain::AllocationResult recompute_unchanged(pg::Transaction& transaction,
                                             const domain::Program& program,
                                             const pg::AllocationRunRecord& run) {
  const std::string stale = "allocation run " + std::to_string(run.id) + " no longer matches ";
  const domain::WeightingRule rule = domain::program_weighting_rule(program.weighting_rule);
  if (domain::to_canonical_text(rule) != run.weighting_rule) {
    throw Conflict(stale + "the program's weighting rule; allocate again");
  }
  const WeighedClaims weighed = run.round == first_round
                                    ? weigh_approved_claims(transaction, program.id, rule)
                                    : weigh_redeemers(transaction, program.id, run.round);
  const domain::AllocationParameters parameters =
      round_parameters(transaction, program, run.round, run.cap, run.seed);
  if (!weighed.problems.empty() || inputs_sha256(parameters, weighed.claimants) != run.inputs_sha256) {
    throw Conflict(stale + "the approved claims or the program's amounts (inputs hash differs); "
                   "allocate again");
  }
  domain::AllocationResult result = domain::allocate(parameters, weighed.claimants);
  DISBURSE_ASSERT(output_sha256(result) == run.output_sha256);
  return result;
}

std::vector<pg::PaymentReference> payment_references(const domain::AllocationResult& result,
                                                     const pg::AllocationRunRecord& run) {
  std::vector<pg::PaymentReference> references;
  references.reserve(result.claimants_paid);
  for (const domain::ClaimantShare& share : result.shares) {
    if (share.status == domain::ShareStatus::below_minimum) continue;
    references.push_back({share.claimant_id,
                          domain::payment_reference({run.program_id, run.round, share.claimant_id, 1})});
  }
  return references;
}

// The money of earlier rounds' attempts that came back now funds this round: those attempts are
// released to the pool for good (never reissued), then the round's total leaves the pool.
std::int64_t book_later_round(pg::Transaction& transaction, const Actor& actor,
                              const pg::AllocationRunRecord& run) {
  const std::string reason = "released to round " + std::to_string(run.round) + " (run " +
                             std::to_string(run.id) + ")";
  for (const domain::PaymentState from :
       {domain::PaymentState::expired, domain::PaymentState::returned,
        domain::PaymentState::failed, domain::PaymentState::voided}) {
    const domain::PaymentTransition release =
        domain::transition(from, domain::PaymentEvent::release_to_pool);
    DISBURSE_ASSERT(release.ok());
    pg::release_earlier_rounds(transaction, run.program_id, run.round, from, release.next,
                               actor.name, reason);
  }
  const pg::EntryContext context{run.program_id, actor.name,
                                 "allocation run " + std::to_string(run.id) + " approved", run.id};
  return pg::post_entry(transaction, context, domain::ledger::allocate_second_round(run.allocated));
}

std::int64_t book_allocation(pg::Transaction& transaction, const Actor& actor,
                             const pg::AllocationRunRecord& run) {
  if (run.round != first_round) return book_later_round(transaction, actor, run);
  const domain::Money unallocated =
      pg::ledger_balances(transaction, run.program_id).of(domain::ledger::Account::unallocated_fund);
  if (unallocated < run.allocated) {
    throw Conflict("the unallocated fund holds " + domain::to_display_string(unallocated) +
                   ", less than the run's " + domain::to_display_string(run.allocated));
  }
  const pg::EntryContext context{run.program_id, actor.name,
                                 "allocation run " + std::to_string(run.id) + " approved", run.id};
  return pg::post_entry(transaction, context, domain::ledger::allocate(run.allocated));
}

std::string start_distribution(pg::Transaction& transaction, const domain::Program& program) {
  const auto state = domain::parse_program_state(program.status);
  DISBURSE_ASSERT(state.has_value());
  const auto next = domain::transition(*state, domain::ProgramEvent::start_distribution);
  if (!next.ok()) {
    throw Conflict("program " + std::to_string(program.id) + " is " + program.status +
                   " and cannot start distributing");
  }
  const std::string status(domain::to_string(next.next));
  pg::update_program_status(transaction, program.id, status);
  return status;
}

}  // namespace

ApprovalOutcome approve_allocation_run(pg::Transaction& transaction, const Actor& actor,
                                       std::int64_t run_id) {
  require(actor, domain::Permission::run_allocation);
  require_named_user(actor);
  // The program first, then the run: the order every money-moving use case takes its locks in.
  const domain::Program program = locked_program(transaction, program_of_run(transaction, run_id));
  pg::AllocationRunRecord run = locked_run(transaction, run_id);
  const domain::AllocationRunState approved = require_approvable(transaction, actor, run);
  pg::extend_statement_timeout(transaction, bulk_statement_timeout_ms);
  const domain::AllocationResult result = recompute_unchanged(transaction, program, run);

  ApprovalOutcome outcome;
  outcome.program_status =
      run.round == first_round ? start_distribution(transaction, program) : program.status;
  pg::mark_run_approved(transaction, run.id, std::string(domain::to_string(approved)),
                        actor.user_id, actor.name);
  outcome.runs_superseded = supersede_waiting_runs(transaction, run);
  const pg::RunPayments payments{run.id, run.program_id, run.round, 1, program.settings.currency,
                                 std::string(domain::to_string(domain::PaymentState::allocated)),
                                 actor.name, "allocation run " + std::to_string(run.id) + " approved"};
  outcome.payments_created =
      pg::create_run_payments(transaction, payments, payment_references(result, run));
  DISBURSE_ASSERT(static_cast<std::uint64_t>(outcome.payments_created) == run.claimants_paid);
  outcome.ledger_entry_id = book_allocation(transaction, actor, run);
  outcome.run = *pg::find_allocation_run(transaction, run.id);
  const nlohmann::json details = {{"payments_created", outcome.payments_created},
                                  {"allocated_cents", run.allocated.cents()},
                                  {"ledger_entry_id", outcome.ledger_entry_id},
                                  {"runs_superseded", outcome.runs_superseded}};
  pg::append_audit(transaction, {actor.name, "allocation.approve", "allocation_run",
                                 std::to_string(run.id), run.program_id, details.dump()});
  return outcome;
}

namespace {

// Claim numbers are typed by people: accept any spelling the portal accepts.
std::string canonical_claim_number(const std::string& typed) {
  std::string canonical;
  if (domain::check_claim_number(typed, canonical) == domain::ClaimNumberCheck::ok) return canonical;
  return typed;
}

// The weight's breakdown as the claimant's data gives it now, or the bare stored weight when
// that data no longer gives the run's weight (the run, not today's data, is being explained).
domain::WeightBreakdown breakdown_of(const domain::WeightingRule& rule, const pg::ShareOfClaim& share) {
  domain::ClaimantWeightSource source;
  if (share.device_type) source.device_type = *share.device_type;
  source.account_months = share.account_months;
  source.imported_weight = share.imported_weight;
  const domain::ClaimantWeight weight = domain::weigh_claimant(rule, source);
  if (weight.ok() && weight.result.breakdown.weight == share.weight) return weight.result.breakdown;
  return domain::imported_weight(share.weight).breakdown;
}

void append_csv_field(std::string& line, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    line += field;
    return;
  }
  line += '"';
  for (const char character : field) {
    if (character == '"') line += '"';
    line += character;
  }
  line += '"';
}

}  // namespace

ShareExplanation explain_allocation_share(pg::Database& database, const Actor& actor,
                                          std::int64_t run_id, const std::string& claim_number) {
  require(actor, domain::Permission::read_program);
  return database.read([&](pg::Transaction& transaction) {
    const auto run = pg::find_allocation_run(transaction, run_id);
    if (!run) throw NotFound("no allocation run " + std::to_string(run_id));
    const auto share =
        pg::find_share_by_claim_number(transaction, run_id, canonical_claim_number(claim_number));
    if (!share) throw NotFound("that claim number has no share in allocation run " + std::to_string(run_id));
    const domain::WeightingRule rule = domain::program_weighting_rule(run->weighting_rule);
    domain::RunWeightTotals totals{run->paid_weight_total, run->uncapped_weight_total, 0};
    if (share->status == domain::ShareStatus::below_minimum) {
      totals.at_least_as_heavy = pg::weight_total_at_least(transaction, run_id, share->weight);
    }
    const domain::ClaimantShare claimant_share{share->claimant_id, share->weight, share->share,
                                               share->status};
    return ShareExplanation{
        run_id, share->claim_number, share->weight, share->share, share->status,
        domain::explain_share(breakdown_of(rule, *share), claimant_share,
                              domain::explanation_weight_total(share->status, totals),
                              run->min_payment)};
  });
}

void require_readable_run(pg::Database& database, const Actor& actor, std::int64_t run_id) {
  show_allocation_run(database, actor, run_id);
}

std::uint64_t write_shares_csv(pg::Database& database, const Actor& actor, std::int64_t run_id,
                               const std::function<void(std::string_view)>& sink) {
  require(actor, domain::Permission::read_program);
  constexpr std::size_t flush_bytes = 64 * 1024;
  bool streamed = false;
  return database.read([&](pg::Transaction& transaction) {
    // A retried transaction must not write the rows a second time into the same sink.
    if (streamed) throw Unavailable("the database connection was lost while streaming; try again");
    if (!pg::find_allocation_run(transaction, run_id)) {
      throw NotFound("no allocation run " + std::to_string(run_id));
    }
    streamed = true;
    std::string buffer = "claim_number,share,weight,status\n";
    const std::uint64_t rows = pg::for_each_share(transaction, run_id, [&](const pg::ShareLine& line) {
      append_csv_field(buffer, line.claim_number);
      buffer += ',';
      buffer += domain::to_decimal_string(domain::Money::from_cents(line.share_cents));
      buffer += ',';
      buffer += std::to_string(line.weight);
      buffer += ',';
      buffer += line.status;
      buffer += '\n';
      if (buffer.size() >= flush_bytes) {
        sink(buffer);
        buffer.clear();
      }
    });
    sink(buffer);
    return rows;
  });
}

}  // namespace disburse::app
