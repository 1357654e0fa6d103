#include "disburse/domain/ledger.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <set>
#include <vector>

using namespace disburse::domain;
using ledger::Account;
using ledger::Entry;
using ledger::EntryKind;
using ledger::Posting;

namespace {

Money cents(std::int64_t amount) {
  return Money::from_cents(amount);
}

// The balance change an entry makes to one account.
Money change_to(const Entry& entry, Account account) {
  Money sum;
  for (const Posting& posting : entry.postings) {
    if (posting.account == account) sum += posting.amount;
  }
  return sum;
}

// Checks that an entry moves `amount` from one account to another and touches nothing else.
void check_movement(const Entry& entry, EntryKind kind, Money amount, Account from, Account to) {
  CAPTURE(to_string(kind));
  CHECK(entry.kind == kind);
  CHECK(ledger::is_balanced(entry));
  CHECK(entry.postings.size() == 2);
  CHECK(change_to(entry, to) == amount);
  CHECK(change_to(entry, from) == -amount);
}

std::uint64_t next_below(std::mt19937_64& random, std::uint64_t bound) {
  return random() % bound;
}

struct SimulatedPayment {
  std::size_t claimant = 0;
  Money amount;
  PaymentState state = PaymentState::allocated;
};

// A program driven by random legal payment transitions, booking each transition's entry.
struct Simulation {
  ledger::Balances balances;
  std::vector<SimulatedPayment> payments;
  std::vector<Money> allocated_by_claimant;
  std::set<PaymentState> visited_states;

  void book(const Entry& entry) {
    REQUIRE(ledger::is_balanced(entry));
    balances = ledger::apply(balances, entry);
  }

  void create_payment(std::size_t claimant, Money amount) {
    payments.push_back({claimant, amount, PaymentState::allocated});
    allocated_by_claimant[claimant] += amount;
  }

  // Tries one event on one payment; books and follows it when the state machine allows it.
  void step(std::size_t payment_index, PaymentEvent event) {
    const SimulatedPayment payment = payments[payment_index];
    const PaymentTransition result = transition(payment.state, event);
    if (!result.ok()) return;
    const auto entry = ledger::entry_for_transition(payment.state, result.next, payment.amount);
    if (entry) book(*entry);
    payments[payment_index].state = result.next;
    visited_states.insert(result.next);
    if (result.next == PaymentState::reissued) create_payment(payment.claimant, payment.amount);
  }

  // Every claimant's allocation equals the amounts of all its attempts, whatever their state,
  // and each account holds exactly the payments whose money sits in it.
  void check_invariants() const {
    REQUIRE(balances.total() == Money());
    std::vector<Money> attempts_by_claimant(allocated_by_claimant.size());
    Money allocated_unsent;
    Money in_flight;
    Money paid;
    for (const SimulatedPayment& payment : payments) {
      attempts_by_claimant[payment.claimant] += payment.amount;
      const PaymentState state = payment.state;
      if (state == PaymentState::allocated || state == PaymentState::batched) {
        allocated_unsent += payment.amount;
      }
      if (state == PaymentState::submitted || state == PaymentState::unclaimed) {
        in_flight += payment.amount;
      }
      if (state == PaymentState::paid) paid += payment.amount;
    }
    REQUIRE(attempts_by_claimant == allocated_by_claimant);
    REQUIRE(balances.of(Account::allocated) == allocated_unsent);
    REQUIRE(balances.of(Account::in_flight) == in_flight);
    REQUIRE(balances.of(Account::paid_out) == paid);
    for (const Account account : ledger::all_accounts) {
      if (account != Account::settlement_deposit) REQUIRE_FALSE(balances.of(account).is_negative());
    }
  }
};

}  // namespace

TEST_CASE("each builder moves its amount between the right two accounts") {
  const Money amount = cents(4'785);
  check_movement(ledger::fund_deposit(amount), EntryKind::fund_deposit, amount,
                 Account::settlement_deposit, Account::unallocated_fund);
  check_movement(ledger::reserve(amount), EntryKind::reserve_set_aside, amount,
                 Account::unallocated_fund, Account::admin_reserve);
  check_movement(ledger::allocate(amount), EntryKind::allocation_approved, amount,
                 Account::unallocated_fund, Account::allocated);
  check_movement(ledger::submit(amount), EntryKind::payment_submitted, amount, Account::allocated,
                 Account::in_flight);
  check_movement(ledger::mark_paid(amount), EntryKind::payment_paid, amount, Account::in_flight,
                 Account::paid_out);
  check_movement(ledger::return_to_pool(amount, Account::in_flight), EntryKind::payment_returned,
                 amount, Account::in_flight, Account::returned_pool);
  check_movement(ledger::return_to_pool(amount, Account::paid_out), EntryKind::payment_returned,
                 amount, Account::paid_out, Account::returned_pool);
  check_movement(ledger::expire_to_pool(amount), EntryKind::payment_expired, amount,
                 Account::in_flight, Account::returned_pool);
  check_movement(ledger::fail_to_pool(amount), EntryKind::payment_failed, amount,
                 Account::in_flight, Account::returned_pool);
  check_movement(ledger::void_allocated(amount), EntryKind::payment_voided, amount,
                 Account::allocated, Account::returned_pool);
  check_movement(ledger::void_in_flight(amount), EntryKind::payment_voided, amount,
                 Account::in_flight, Account::returned_pool);
  check_movement(ledger::reissue(amount), EntryKind::reissue, amount, Account::returned_pool,
                 Account::allocated);
  check_movement(ledger::allocate_second_round(amount), EntryKind::second_round_allocated, amount,
                 Account::returned_pool, Account::allocated);
}

TEST_CASE("closing sends every remaining amount to the Treasury and skips the empty ones") {
  const Entry full = ledger::close_to_treasury(cents(100), cents(2'000), cents(30));
  CHECK(full.kind == EntryKind::residual_to_treasury);
  CHECK(ledger::is_balanced(full));
  CHECK(full.postings.size() == 4);
  CHECK(change_to(full, Account::residual_treasury) == cents(2'130));
  CHECK(change_to(full, Account::unallocated_fund) == cents(-100));
  CHECK(change_to(full, Account::returned_pool) == cents(-2'000));
  CHECK(change_to(full, Account::admin_reserve) == cents(-30));

  const Entry pool_only = ledger::close_to_treasury(Money(), cents(2'000), Money());
  CHECK(ledger::is_balanced(pool_only));
  CHECK(pool_only.postings.size() == 2);
  CHECK(change_to(pool_only, Account::returned_pool) == cents(-2'000));
}

TEST_CASE("an entry is balanced only when it has two postings summing to zero") {
  CHECK_FALSE(ledger::is_balanced(Entry{EntryKind::fund_deposit, {}}));
  CHECK_FALSE(ledger::is_balanced(Entry{EntryKind::fund_deposit, {{Account::paid_out, Money()}}}));
  CHECK_FALSE(ledger::is_balanced(Entry{
      EntryKind::payment_paid, {{Account::paid_out, cents(10)}, {Account::in_flight, cents(-9)}}}));
  CHECK(ledger::is_balanced(
      Entry{EntryKind::payment_paid,
            {{Account::paid_out, cents(10)}, {Account::in_flight, cents(-10)}}}));
}

TEST_CASE("each payment effect books its entry and only none books nothing") {
  const Money amount = cents(1'234);
  CHECK_FALSE(ledger::entry_for(LedgerEffect::none, amount));
  CHECK(ledger::entry_for(LedgerEffect::submitted, amount) == ledger::submit(amount));
  CHECK(ledger::entry_for(LedgerEffect::paid, amount) == ledger::mark_paid(amount));
  CHECK(ledger::entry_for(LedgerEffect::expired, amount) == ledger::expire_to_pool(amount));
  CHECK(ledger::entry_for(LedgerEffect::returned_in_flight, amount) ==
        ledger::return_to_pool(amount, Account::in_flight));
  CHECK(ledger::entry_for(LedgerEffect::returned_after_paid, amount) ==
        ledger::return_to_pool(amount, Account::paid_out));
  CHECK(ledger::entry_for(LedgerEffect::failed, amount) == ledger::fail_to_pool(amount));
  CHECK(ledger::entry_for(LedgerEffect::voided_before_submission, amount) ==
        ledger::void_allocated(amount));
  CHECK(ledger::entry_for(LedgerEffect::voided_in_flight, amount) ==
        ledger::void_in_flight(amount));
  CHECK(ledger::entry_for(LedgerEffect::reissued, amount) == ledger::reissue(amount));
  CHECK(ledger::entry_for_transition(PaymentState::paid, PaymentState::returned, amount) ==
        ledger::return_to_pool(amount, Account::paid_out));
  CHECK_FALSE(ledger::entry_for_transition(PaymentState::allocated, PaymentState::batched, amount));
}

TEST_CASE("applying entries moves balances and the roll-forward of the Ring fund ties") {
  const Money fund = cents(580'000'000);
  const Money reserve = cents(20'000'000);
  ledger::Balances balances;
  balances = ledger::apply(balances, ledger::fund_deposit(fund));
  balances = ledger::apply(balances, ledger::reserve(reserve));
  balances = ledger::apply(balances, ledger::allocate(cents(559'999'990)));
  balances = ledger::apply(balances, ledger::submit(cents(500'000'000)));
  balances = ledger::apply(balances, ledger::mark_paid(cents(450'000'000)));
  balances = ledger::apply(balances, ledger::expire_to_pool(cents(30'000'000)));
  CHECK(balances.of(Account::settlement_deposit) == -fund);
  CHECK(balances.of(Account::unallocated_fund) == cents(10));
  CHECK(balances.of(Account::allocated) == cents(59'999'990));
  CHECK(balances.of(Account::in_flight) == cents(20'000'000));
  CHECK(balances.of(Account::returned_pool) == cents(30'000'000));
  CHECK(balances.total() == Money());

  const ledger::RollForward roll = ledger::roll_forward(fund, balances);
  CHECK(roll.ties());
  CHECK(roll.deposited == fund);
  CHECK(roll.total == fund);
  CHECK(roll.rows[0].key == "admin_reserve");
  CHECK(roll.rows[0].amount == reserve);
  CHECK(roll.rows[2].key == "allocated_unsent");
  CHECK(roll.rows[4].key == "paid_out");
  CHECK(roll.rows[4].amount == cents(450'000'000));
  CHECK(roll.rows[6].key == "residual_treasury");
}

TEST_CASE("a roll-forward does not tie when the deposit or the accounts differ from the fund") {
  ledger::Balances balances = ledger::apply({}, ledger::fund_deposit(cents(1'000)));
  CHECK(ledger::roll_forward(cents(1'000), balances).ties());
  CHECK_FALSE(ledger::roll_forward(cents(1'001), balances).ties());
  balances.add(Account::paid_out, cents(5));
  const ledger::RollForward broken = ledger::roll_forward(cents(1'000), balances);
  CHECK(broken.deposited == cents(1'000));
  CHECK(broken.total == cents(1'005));
  CHECK_FALSE(broken.ties());
}

TEST_CASE("account and entry kind names are the stored contract and parse back") {
  const std::array<std::string_view, ledger::account_count> account_names = {
      "settlement_deposit", "unallocated_fund", "admin_reserve", "allocated",
      "in_flight",          "paid_out",         "returned_pool", "residual_treasury"};
  for (std::size_t index = 0; index < account_names.size(); index++) {
    CHECK(to_string(ledger::all_accounts[index]) == account_names[index]);
    CHECK(ledger::parse_account(account_names[index]) == ledger::all_accounts[index]);
  }
  CHECK_FALSE(ledger::parse_account("cash"));
  for (const EntryKind kind : ledger::all_entry_kinds) {
    CHECK(ledger::parse_entry_kind(to_string(kind)) == kind);
  }
  CHECK(to_string(EntryKind::reserve_set_aside) == "reserve_set_aside");
  CHECK(to_string(EntryKind::residual_to_treasury) == "residual_to_treasury");
  CHECK_FALSE(ledger::parse_entry_kind("payment"));
}

TEST_CASE("random legal payment transitions keep the books balanced and every claimant tied") {
  for (const std::uint64_t seed : {1u, 2u, 3u, 20240417u}) {
    CAPTURE(seed);
    std::mt19937_64 random(seed);
    Simulation simulation;
    constexpr std::size_t claimant_count = 40;
    simulation.allocated_by_claimant.resize(claimant_count);
    Money round_one;
    std::vector<Money> shares;
    for (std::size_t claimant = 0; claimant < claimant_count; claimant++) {
      shares.push_back(cents(static_cast<std::int64_t>(1 + next_below(random, 15'000))));
      round_one += shares.back();
    }
    const Money reserve = cents(50'000);
    const Money fund = round_one + reserve + cents(77);
    simulation.book(ledger::fund_deposit(fund));
    simulation.book(ledger::reserve(reserve));
    simulation.book(ledger::allocate(round_one));
    for (std::size_t claimant = 0; claimant < claimant_count; claimant++) {
      simulation.create_payment(claimant, shares[claimant]);
    }
    for (int step = 0; step < 3'000; step++) {
      const std::size_t payment = next_below(random, simulation.payments.size());
      const auto event = all_payment_events[next_below(random, all_payment_events.size())];
      simulation.step(payment, event);
      if (step % 1'000 == 999) {
        // A second round: half the pool, shared among three claimants.
        const Money half_pool = cents(simulation.balances.of(Account::returned_pool).cents() / 2);
        if (half_pool >= cents(3)) {
          simulation.book(ledger::allocate_second_round(half_pool));
          const Money share = cents(half_pool.cents() / 3);
          simulation.create_payment(0, share);
          simulation.create_payment(1, share);
          simulation.create_payment(2, half_pool - share - share);
        }
      }
      simulation.check_invariants();
      REQUIRE(ledger::roll_forward(fund, simulation.balances).ties());
    }
    // The walk is only a proof if it went everywhere.
    CHECK(simulation.visited_states.size() == payment_state_count);
    const Money unallocated = simulation.balances.of(Account::unallocated_fund);
    const Money pool = simulation.balances.of(Account::returned_pool);
    simulation.book(ledger::close_to_treasury(unallocated, pool, Money()));
    const ledger::RollForward closed = ledger::roll_forward(fund, simulation.balances);
    CHECK(closed.ties());
    CHECK(simulation.balances.of(Account::residual_treasury) == unallocated + pool);
    CHECK(simulation.balances.of(Account::returned_pool) == Money());
  }
}
