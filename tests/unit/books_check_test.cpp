#include "disburse/domain/books_check.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

using namespace disburse::domain;
using ledger::Account;

namespace {

Money cents(std::int64_t amount) {
  return Money::from_cents(amount);
}

std::uint64_t next_below(std::mt19937_64& random, std::uint64_t bound) {
  return random() % bound;
}

struct Payment {
  std::int64_t claimant_id = 0;
  Money amount;
  PaymentState state = PaymentState::allocated;
};

// A program as the adapter would see it: postings summed per account, payments by state, and
// each claimant's allocation recorded apart from its payments.
struct Program {
  Money fund;
  LedgerFigures accounts;
  std::vector<Payment> payments;
  std::vector<Money> allocated_by_claimant;

  void book(const ledger::Entry& entry) {
    REQUIRE(ledger::is_balanced(entry));
    for (const ledger::Posting& posting : entry.postings) {
      AccountFigures figures = accounts.of(posting.account);
      figures.balance += posting.amount;
      if (posting.amount > Money()) figures.debits += posting.amount;
      accounts.set(posting.account, figures);
    }
  }

  void create_payment(std::int64_t claimant_id, Money amount) {
    payments.push_back({claimant_id, amount, PaymentState::allocated});
    allocated_by_claimant[static_cast<std::size_t>(claimant_id)] += amount;
  }

  void step(std::size_t index, PaymentEvent event) {
    const Payment payment = payments[index];
    const PaymentTransition result = transition(payment.state, event);
    if (!result.ok()) return;
    const auto entry = ledger::entry_for_transition(payment.state, result.next, payment.amount);
    if (entry) book(*entry);
    payments[index].state = result.next;
    if (result.next == PaymentState::reissued) create_payment(payment.claimant_id, payment.amount);
  }

  BooksInput books() const {
    BooksInput input;
    input.fund = fund;
    input.accounts = accounts;
    std::vector<ClaimantFigures> claimants(allocated_by_claimant.size());
    for (std::size_t index = 0; index < claimants.size(); index++) {
      claimants[index].claimant_id = static_cast<std::int64_t>(index);
      claimants[index].allocated = allocated_by_claimant[index];
    }
    for (const Payment& payment : payments) {
      input.payments.add(payment.state, payment.amount);
      claimants[static_cast<std::size_t>(payment.claimant_id)].add_payment(payment.state,
                                                                           payment.amount);
    }
    input.claimants = std::move(claimants);
    return input;
  }
};

// A program with `claimant_count` claimants allocated round one, after `steps` random events.
Program simulate(std::uint64_t seed, std::size_t claimant_count, int steps) {
  std::mt19937_64 random(seed);
  Program program;
  program.allocated_by_claimant.resize(claimant_count);
  std::vector<Money> shares;
  Money round_one;
  for (std::size_t claimant = 0; claimant < claimant_count; claimant++) {
    shares.push_back(cents(static_cast<std::int64_t>(1'000 + next_below(random, 14'000))));
    round_one += shares.back();
  }
  const Money reserve = cents(25'000);
  program.fund = round_one + reserve + cents(3);
  program.book(ledger::fund_deposit(program.fund));
  program.book(ledger::reserve(reserve));
  program.book(ledger::allocate(round_one));
  for (std::size_t claimant = 0; claimant < claimant_count; claimant++) {
    program.create_payment(static_cast<std::int64_t>(claimant), shares[claimant]);
  }
  for (int step = 0; step < steps; step++) {
    const std::size_t index = next_below(random, program.payments.size());
    program.step(index, all_payment_events[next_below(random, all_payment_events.size())]);
  }
  return program;
}

std::vector<BreakCode> codes_of(const std::vector<Break>& breaks) {
  std::vector<BreakCode> codes;
  for (const Break& one : breaks) codes.push_back(one.code);
  return codes;
}

const Program& healthy_program() {
  static const Program program = simulate(7, 30, 2'000);
  return program;
}

}  // namespace

TEST_CASE("books kept by the rules tie out after every random step") {
  for (const std::uint64_t seed : {11u, 12u, 13u}) {
    CAPTURE(seed);
    std::mt19937_64 random(seed);
    Program program = simulate(seed, 25, 0);
    for (int step = 0; step < 1'500; step++) {
      const std::size_t index = next_below(random, program.payments.size());
      program.step(index, all_payment_events[next_below(random, all_payment_events.size())]);
      const std::vector<Break> breaks = check_books(program.books());
      if (!breaks.empty()) FAIL_CHECK(breaks.front().message);
      REQUIRE(breaks.empty());
    }
  }
}

TEST_CASE("a second round and the close keep the books tied out") {
  Program program = healthy_program();
  const Money pool = program.accounts.of(Account::returned_pool).balance;
  REQUIRE(pool >= cents(2));
  const Money second_round = cents(pool.cents() / 2 * 2);
  program.book(ledger::allocate_second_round(second_round));
  program.create_payment(0, cents(second_round.cents() / 2));
  program.create_payment(1, cents(second_round.cents() / 2));
  CHECK(check_books(program.books()).empty());
  const Money unallocated = program.accounts.of(Account::unallocated_fund).balance;
  const Money rest_of_pool = program.accounts.of(Account::returned_pool).balance;
  program.book(ledger::close_to_treasury(unallocated, rest_of_pool, Money()));
  CHECK(check_books(program.books()).empty());
}

TEST_CASE("an entry whose postings do not sum to zero is named") {
  BooksInput input = healthy_program().books();
  input.unbalanced_entries.push_back({42, cents(5)});
  const std::vector<Break> breaks = check_books(input);
  REQUIRE(breaks.size() == 1);
  CHECK(breaks[0].code == BreakCode::entries_do_not_sum_to_zero);
  CHECK(breaks[0].subject == "entry 42");
  CHECK(breaks[0].expected == Money());
  CHECK(breaks[0].actual == cents(5));
  CHECK(breaks[0].message ==
        "entry 42: its postings do not sum to zero (expected $0.00, "
        "found $0.05)");
}

TEST_CASE("an account below zero or a source above zero is named") {
  BooksInput input = healthy_program().books();
  AccountFigures paid_out = input.accounts.of(Account::paid_out);
  paid_out.balance = cents(-1);
  input.accounts.set(Account::paid_out, paid_out);
  AccountFigures source = input.accounts.of(Account::settlement_deposit);
  source.balance = cents(1);
  input.accounts.set(Account::settlement_deposit, source);
  const std::vector<Break> breaks = check_books(input);
  const std::vector<BreakCode> codes = codes_of(breaks);
  CHECK(std::count(codes.begin(), codes.end(), BreakCode::account_has_wrong_sign) == 2);
  CHECK(breaks[0].subject == "account settlement_deposit");
  CHECK(breaks[1].subject == "account paid_out");
}

TEST_CASE("a fund that differs from the deposit breaks the roll-forward") {
  BooksInput input = healthy_program().books();
  input.fund += cents(1);
  const std::vector<Break> breaks = check_books(input);
  REQUIRE(breaks.size() == 2);
  CHECK(breaks[0].code == BreakCode::rollforward_does_not_tie);
  CHECK(breaks[0].subject == "account settlement_deposit");
  CHECK(breaks[1].code == BreakCode::rollforward_does_not_tie);
  CHECK(breaks[1].subject == "rollforward");
}

TEST_CASE("money that appears in an account without an entry breaks the roll-forward") {
  BooksInput input = healthy_program().books();
  AccountFigures reserve = input.accounts.of(Account::admin_reserve);
  reserve.balance += cents(100);
  input.accounts.set(Account::admin_reserve, reserve);
  const std::vector<Break> breaks = check_books(input);
  REQUIRE(breaks.size() == 1);
  CHECK(breaks[0].code == BreakCode::rollforward_does_not_tie);
  CHECK(breaks[0].expected == input.fund);
  CHECK(breaks[0].actual == input.fund + cents(100));
}

TEST_CASE("a payment whose state changed without its entry disagrees with the ledger") {
  Program program = healthy_program();
  auto submitted =
      std::find_if(program.payments.begin(), program.payments.end(),
                   [](const Payment& payment) { return payment.state == PaymentState::submitted; });
  if (submitted == program.payments.end()) {
    program.payments.push_back({0, cents(700), PaymentState::submitted});
    program.allocated_by_claimant[0] += cents(700);
    program.book(ledger::allocate_second_round(cents(700)));
    program.book(ledger::submit(cents(700)));
    REQUIRE(check_books(program.books()).empty());
    submitted = program.payments.end() - 1;
  }
  // Marked paid in the payments table, but no payment_paid entry was written.
  submitted->state = PaymentState::paid;
  const std::vector<Break> breaks = check_books(program.books());
  const std::vector<BreakCode> codes = codes_of(breaks);
  REQUIRE(codes.size() == 2);
  CHECK(codes[0] == BreakCode::payment_states_disagree_with_ledger);
  CHECK(breaks[0].subject == "account in_flight");
  CHECK(codes[1] == BreakCode::payment_states_disagree_with_ledger);
  CHECK(breaks[1].subject == "account paid_out");
  CHECK(breaks[1].actual + submitted->amount == breaks[1].expected);
}

TEST_CASE("a payment created without an allocation disagrees with the ledger") {
  Program program = healthy_program();
  program.payments.push_back({3, cents(500), PaymentState::allocated});
  program.allocated_by_claimant[3] += cents(500);
  const std::vector<Break> breaks = check_books(program.books());
  const std::vector<BreakCode> codes = codes_of(breaks);
  CHECK(std::count(codes.begin(), codes.end(), BreakCode::payment_states_disagree_with_ledger) ==
        2);
  CHECK(std::count(codes.begin(), codes.end(), BreakCode::claimants_disagree_with_ledger) == 1);
  CHECK(std::count(codes.begin(), codes.end(), BreakCode::claimant_does_not_tie) == 0);
}

TEST_CASE("a claimant whose payments do not account for its allocation is named") {
  BooksInput input = healthy_program().books();
  input.claimants[4].allocated += cents(1);
  const std::vector<Break> breaks = check_books(input);
  REQUIRE(breaks.size() == 2);
  CHECK(breaks[0].code == BreakCode::claimant_does_not_tie);
  CHECK(breaks[0].subject == "claimant 4");
  CHECK(breaks[0].expected == breaks[0].actual + cents(1));
  CHECK(breaks[1].code == BreakCode::claimants_disagree_with_ledger);
  CHECK(breaks[1].subject == "all claimants");
}

TEST_CASE("a systematic claimant fault is summarised after the first thousand") {
  BooksInput input;
  input.fund = cents(100);
  input.accounts.set(Account::settlement_deposit, {cents(-100), Money()});
  input.accounts.set(Account::unallocated_fund, {cents(100), cents(100)});
  for (std::int64_t claimant = 0; claimant < 1'500; claimant++) {
    ClaimantFigures figures;
    figures.claimant_id = claimant;
    figures.paid = cents(1);
    input.claimants.push_back(figures);
  }
  const std::vector<Break> breaks = check_books(input);
  const std::vector<BreakCode> codes = codes_of(breaks);
  CHECK(std::count(codes.begin(), codes.end(), BreakCode::claimant_does_not_tie) == 1'001);
  const auto summary = std::find_if(breaks.begin(), breaks.end(), [](const Break& one) {
    return one.subject == "more claimants";
  });
  REQUIRE(summary != breaks.end());
  CHECK(summary->message == "500 more claimants do not tie");
}

TEST_CASE("each payment state counts in exactly one claimant bucket") {
  CHECK(payment_bucket(PaymentState::allocated) == PaymentBucket::awaiting_submission);
  CHECK(payment_bucket(PaymentState::batched) == PaymentBucket::awaiting_submission);
  CHECK(payment_bucket(PaymentState::submitted) == PaymentBucket::in_flight);
  CHECK(payment_bucket(PaymentState::unclaimed) == PaymentBucket::in_flight);
  CHECK(payment_bucket(PaymentState::paid) == PaymentBucket::paid);
  CHECK(payment_bucket(PaymentState::expired) == PaymentBucket::returned);
  CHECK(payment_bucket(PaymentState::returned) == PaymentBucket::returned);
  CHECK(payment_bucket(PaymentState::failed) == PaymentBucket::returned);
  CHECK(payment_bucket(PaymentState::pooled) == PaymentBucket::returned);
  CHECK(payment_bucket(PaymentState::voided) == PaymentBucket::voided);
  CHECK(payment_bucket(PaymentState::reissued) == PaymentBucket::reissued);
  ClaimantFigures figures;
  for (const PaymentState state : all_payment_states) figures.add_payment(state, cents(1));
  CHECK(figures.accounted() == cents(static_cast<std::int64_t>(payment_state_count)));
  CHECK(figures.returned == cents(4));
}

TEST_CASE("a returned and reissued payment ties with its allocation counted twice") {
  ClaimantFigures claimant;
  claimant.claimant_id = 9;
  claimant.allocated = cents(10'000);  // The $50 share plus the $50 reissue.
  claimant.add_payment(PaymentState::reissued, cents(5'000));
  claimant.add_payment(PaymentState::paid, cents(5'000));
  CHECK_FALSE(check_claimant(claimant));
  claimant.allocated = cents(5'000);
  const std::optional<Break> broken = check_claimant(claimant);
  REQUIRE(broken);
  CHECK(broken->subject == "claimant 9");
}

TEST_CASE("break codes have stable names") {
  CHECK(to_string(BreakCode::entries_do_not_sum_to_zero) == "entries_do_not_sum_to_zero");
  CHECK(to_string(BreakCode::account_has_wrong_sign) == "account_has_wrong_sign");
  CHECK(to_string(BreakCode::rollforward_does_not_tie) == "rollforward_does_not_tie");
  CHECK(to_string(BreakCode::payment_states_disagree_with_ledger) ==
        "payment_states_disagree_with_ledger");
  CHECK(to_string(BreakCode::claimants_disagree_with_ledger) == "claimants_disagree_with_ledger");
  CHECK(to_string(BreakCode::claimant_does_not_tie) == "claimant_does_not_tie");
  CHECK(to_string(PaymentBucket::awaiting_submission) == "awaiting_submission");
}
