#include "disburse/domain/books_check.hpp"

#include <initializer_list>
#include <utility>

#include "disburse/domain/assert.hpp"

namespace disburse::domain {

namespace {

using ledger::Account;
using State = PaymentState;

constexpr std::array<std::string_view, 6> break_code_names = {
    "entries_do_not_sum_to_zero",     "account_has_wrong_sign",
    "rollforward_does_not_tie",       "payment_states_disagree_with_ledger",
    "claimants_disagree_with_ledger", "claimant_does_not_tie"};
constexpr std::array<std::string_view, 6> payment_bucket_names = {
    "awaiting_submission", "in_flight", "paid", "returned", "voided", "reissued"};

Break make_break(BreakCode code, std::string subject, Money expected, Money actual,
                 std::string_view what) {
  std::string message = subject + ": " + std::string(what) + " (expected " +
                        to_display_string(expected) + ", found " + to_display_string(actual) + ")";
  return Break{code, std::move(subject), expected, actual, std::move(message)};
}

Money sum_of_states(const PaymentTotals& payments, std::initializer_list<State> states) {
  Money sum;
  for (const State state : states) sum += payments.of(state);
  return sum;
}

void check_entries(const BooksInput& input, std::vector<Break>& breaks) {
  for (const UnbalancedEntry& entry : input.unbalanced_entries) {
    breaks.push_back(make_break(BreakCode::entries_do_not_sum_to_zero,
                                "entry " + std::to_string(entry.entry_id), Money(), entry.sum,
                                "its postings do not sum to zero"));
  }
}

void check_signs(const BooksInput& input, std::vector<Break>& breaks) {
  for (const Account account : ledger::all_accounts) {
    const Money balance = input.accounts.of(account).balance;
    const bool is_source = account == Account::settlement_deposit;
    const bool wrong = is_source ? balance > Money() : balance.is_negative();
    if (!wrong) continue;
    breaks.push_back(make_break(BreakCode::account_has_wrong_sign,
                                "account " + std::string(to_string(account)), Money(), balance,
                                is_source ? "the source account holds money instead of owing it"
                                          : "the account holds less than nothing"));
  }
}

void check_roll_forward(const BooksInput& input, std::vector<Break>& breaks) {
  const ledger::RollForward roll = ledger::roll_forward(input.fund, input.accounts.balances());
  if (roll.deposited != input.fund) {
    breaks.push_back(make_break(BreakCode::rollforward_does_not_tie, "account settlement_deposit",
                                input.fund, roll.deposited,
                                "the deposit differs from the program's fund"));
  }
  if (roll.total != input.fund) {
    breaks.push_back(make_break(BreakCode::rollforward_does_not_tie, "rollforward", input.fund,
                                roll.total, "the accounts do not account for the fund"));
  }
}

void compare(Account account, Money ledger_amount, Money payments_amount, std::string_view what,
             std::vector<Break>& breaks) {
  if (ledger_amount == payments_amount) return;
  breaks.push_back(make_break(BreakCode::payment_states_disagree_with_ledger,
                              "account " + std::string(to_string(account)), payments_amount,
                              ledger_amount, what));
}

void check_payment_states(const BooksInput& input, std::vector<Break>& breaks) {
  const PaymentTotals& payments = input.payments;
  const LedgerFigures& accounts = input.accounts;
  compare(Account::allocated, accounts.of(Account::allocated).balance,
          sum_of_states(payments, {State::allocated, State::batched}),
          "its balance differs from the allocated and batched payments", breaks);
  compare(Account::in_flight, accounts.of(Account::in_flight).balance,
          sum_of_states(payments, {State::submitted, State::unclaimed}),
          "its balance differs from the submitted and unclaimed payments", breaks);
  compare(Account::paid_out, accounts.of(Account::paid_out).balance,
          sum_of_states(payments, {State::paid}), "its balance differs from the paid payments",
          breaks);
  Money every_payment;
  for (const State state : all_payment_states) every_payment += payments.of(state);
  compare(Account::allocated, accounts.of(Account::allocated).debits, every_payment,
          "what was ever allocated differs from the payments created", breaks);
  compare(Account::returned_pool, accounts.of(Account::returned_pool).debits,
          sum_of_states(payments, {State::expired, State::returned, State::failed, State::voided,
                                   State::reissued, State::pooled}),
          "what ever came back differs from the payments that came back", breaks);
}

void check_claimants(const BooksInput& input, std::vector<Break>& breaks) {
  Money allocated_to_claimants;
  std::size_t claimant_breaks = 0;
  for (const ClaimantFigures& claimant : input.claimants) {
    allocated_to_claimants += claimant.allocated;
    std::optional<Break> claimant_break = check_claimant(claimant);
    if (!claimant_break) continue;
    claimant_breaks++;
    if (claimant_breaks <= books_check_max_claimant_breaks) {
      breaks.push_back(std::move(*claimant_break));
    }
  }
  if (claimant_breaks > books_check_max_claimant_breaks) {
    const std::size_t more = claimant_breaks - books_check_max_claimant_breaks;
    breaks.push_back(Break{BreakCode::claimant_does_not_tie, "more claimants", Money(), Money(),
                           std::to_string(more) + " more claimants do not tie"});
  }
  const Money allocated_debits = input.accounts.of(Account::allocated).debits;
  if (allocated_to_claimants != allocated_debits) {
    breaks.push_back(make_break(BreakCode::claimants_disagree_with_ledger, "all claimants",
                                allocated_debits, allocated_to_claimants,
                                "the claimants' allocations differ from what was allocated"));
  }
}

}  // namespace

std::string_view to_string(BreakCode code) {
  const auto index = static_cast<std::size_t>(code);
  DISBURSE_ASSERT(index < break_code_names.size());
  return break_code_names[index];
}

PaymentBucket payment_bucket(PaymentState state) {
  switch (state) {
    case State::allocated:
    case State::batched:
      return PaymentBucket::awaiting_submission;
    case State::submitted:
    case State::unclaimed:
      return PaymentBucket::in_flight;
    case State::paid:
      return PaymentBucket::paid;
    case State::expired:
    case State::returned:
    case State::failed:
    case State::pooled:
      return PaymentBucket::returned;
    case State::voided:
      return PaymentBucket::voided;
    case State::reissued:
      return PaymentBucket::reissued;
  }
  DISBURSE_ASSERT(false);
  return PaymentBucket::awaiting_submission;
}

std::string_view to_string(PaymentBucket bucket) {
  const auto index = static_cast<std::size_t>(bucket);
  DISBURSE_ASSERT(index < payment_bucket_names.size());
  return payment_bucket_names[index];
}

void ClaimantFigures::add_payment(PaymentState state, Money amount) {
  switch (payment_bucket(state)) {
    case PaymentBucket::awaiting_submission:
      awaiting_submission += amount;
      return;
    case PaymentBucket::in_flight:
      in_flight += amount;
      return;
    case PaymentBucket::paid:
      paid += amount;
      return;
    case PaymentBucket::returned:
      returned += amount;
      return;
    case PaymentBucket::voided:
      voided += amount;
      return;
    case PaymentBucket::reissued:
      reissued += amount;
      return;
  }
}

Money ClaimantFigures::accounted() const {
  return awaiting_submission + in_flight + paid + returned + voided + reissued;
}

Money PaymentTotals::of(PaymentState state) const {
  return amounts_[static_cast<std::size_t>(state)];
}

void PaymentTotals::add(PaymentState state, Money amount) {
  amounts_[static_cast<std::size_t>(state)] += amount;
}

const AccountFigures& LedgerFigures::of(ledger::Account account) const {
  return accounts_[static_cast<std::size_t>(account)];
}

void LedgerFigures::set(ledger::Account account, AccountFigures figures) {
  accounts_[static_cast<std::size_t>(account)] = figures;
}

ledger::Balances LedgerFigures::balances() const {
  ledger::Balances balances;
  for (const Account account : ledger::all_accounts) balances.add(account, of(account).balance);
  return balances;
}

std::vector<Break> check_books(const BooksInput& input) {
  std::vector<Break> breaks;
  check_entries(input, breaks);
  check_signs(input, breaks);
  check_roll_forward(input, breaks);
  check_payment_states(input, breaks);
  check_claimants(input, breaks);
  return breaks;
}

std::optional<Break> check_claimant(const ClaimantFigures& claimant) {
  const Money accounted = claimant.accounted();
  if (accounted == claimant.allocated) return std::nullopt;
  return make_break(BreakCode::claimant_does_not_tie,
                    "claimant " + std::to_string(claimant.claimant_id), claimant.allocated,
                    accounted,
                    "its payments do not account for its allocation (awaiting, in flight, paid, "
                    "returned, voided and reissued)");
}

}  // namespace disburse::domain
