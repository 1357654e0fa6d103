#include "disburse/domain/ledger.hpp"

#include "disburse/domain/assert.hpp"

namespace disburse::domain::ledger {

namespace {

constexpr std::array<std::string_view, account_count> account_names = {
    "settlement_deposit", "unallocated_fund", "admin_reserve", "allocated",
    "in_flight",          "paid_out",         "returned_pool", "residual_treasury"};

constexpr std::array<std::string_view, 12> entry_kind_names = {
    "fund_deposit",   "reserve_set_aside", "allocation_approved",    "payment_submitted",
    "payment_paid",   "payment_returned",  "payment_expired",        "payment_failed",
    "payment_voided", "reissue",           "second_round_allocated", "residual_to_treasury"};

// One movement of `amount` from one account to another.
Entry move(EntryKind kind, Money amount, Account from, Account to) {
  DISBURSE_ASSERT(amount > Money());
  DISBURSE_ASSERT(from != to);
  return Entry{kind, {{to, amount}, {from, -amount}}};
}

}  // namespace

std::string_view to_string(Account account) {
  const auto index = static_cast<std::size_t>(account);
  DISBURSE_ASSERT(index < account_names.size());
  return account_names[index];
}

std::optional<Account> parse_account(std::string_view text) {
  for (const Account account : all_accounts) {
    if (to_string(account) == text) return account;
  }
  return std::nullopt;
}

std::string_view to_string(EntryKind kind) {
  const auto index = static_cast<std::size_t>(kind);
  DISBURSE_ASSERT(index < entry_kind_names.size());
  return entry_kind_names[index];
}

std::optional<EntryKind> parse_entry_kind(std::string_view text) {
  for (const EntryKind kind : all_entry_kinds) {
    if (to_string(kind) == text) return kind;
  }
  return std::nullopt;
}

Entry fund_deposit(Money fund) {
  return move(EntryKind::fund_deposit, fund, Account::settlement_deposit,
              Account::unallocated_fund);
}

Entry reserve(Money amount) {
  return move(EntryKind::reserve_set_aside, amount, Account::unallocated_fund,
              Account::admin_reserve);
}

Entry allocate(Money total) {
  return move(EntryKind::allocation_approved, total, Account::unallocated_fund, Account::allocated);
}

Entry submit(Money amount) {
  return move(EntryKind::payment_submitted, amount, Account::allocated, Account::in_flight);
}

Entry mark_paid(Money amount) {
  return move(EntryKind::payment_paid, amount, Account::in_flight, Account::paid_out);
}

Entry return_to_pool(Money amount, Account from) {
  DISBURSE_ASSERT(from == Account::in_flight || from == Account::paid_out);
  return move(EntryKind::payment_returned, amount, from, Account::returned_pool);
}

Entry expire_to_pool(Money amount) {
  return move(EntryKind::payment_expired, amount, Account::in_flight, Account::returned_pool);
}

Entry fail_to_pool(Money amount) {
  return move(EntryKind::payment_failed, amount, Account::in_flight, Account::returned_pool);
}

Entry void_allocated(Money amount) {
  return move(EntryKind::payment_voided, amount, Account::allocated, Account::returned_pool);
}

Entry void_in_flight(Money amount) {
  return move(EntryKind::payment_voided, amount, Account::in_flight, Account::returned_pool);
}

Entry reissue(Money amount) {
  return move(EntryKind::reissue, amount, Account::returned_pool, Account::allocated);
}

Entry allocate_second_round(Money total) {
  return move(EntryKind::second_round_allocated, total, Account::returned_pool, Account::allocated);
}

Entry close_to_treasury(Money unallocated, Money pool, Money reserve_left) {
  DISBURSE_ASSERT(!unallocated.is_negative() && !pool.is_negative() && !reserve_left.is_negative());
  const Money total = unallocated + pool + reserve_left;
  DISBURSE_ASSERT(total > Money());
  Entry entry{EntryKind::residual_to_treasury, {{Account::residual_treasury, total}}};
  const std::array<Posting, 3> sources = {Posting{Account::unallocated_fund, unallocated},
                                          Posting{Account::returned_pool, pool},
                                          Posting{Account::admin_reserve, reserve_left}};
  for (const Posting& source : sources) {
    if (!source.amount.is_zero()) entry.postings.push_back({source.account, -source.amount});
  }
  return entry;
}

bool is_balanced(const Entry& entry) {
  if (entry.postings.size() < 2) return false;
  Money sum;
  for (const Posting& posting : entry.postings) sum += posting.amount;
  return sum.is_zero();
}

std::optional<Entry> entry_for(LedgerEffect effect, Money amount) {
  switch (effect) {
    case LedgerEffect::none:
      return std::nullopt;
    case LedgerEffect::submitted:
      return submit(amount);
    case LedgerEffect::paid:
      return mark_paid(amount);
    case LedgerEffect::expired:
      return expire_to_pool(amount);
    case LedgerEffect::returned_in_flight:
      return return_to_pool(amount, Account::in_flight);
    case LedgerEffect::returned_after_paid:
      return return_to_pool(amount, Account::paid_out);
    case LedgerEffect::failed:
      return fail_to_pool(amount);
    case LedgerEffect::voided_before_submission:
      return void_allocated(amount);
    case LedgerEffect::voided_in_flight:
      return void_in_flight(amount);
    case LedgerEffect::reissued:
      return reissue(amount);
  }
  DISBURSE_ASSERT(false);
  return std::nullopt;
}

std::optional<Entry> entry_for_transition(PaymentState from, PaymentState to, Money amount) {
  return entry_for(ledger_effect(from, to), amount);
}

Money Balances::of(Account account) const {
  return amounts_[static_cast<std::size_t>(account)];
}

void Balances::add(Account account, Money amount) {
  amounts_[static_cast<std::size_t>(account)] += amount;
}

Money Balances::total() const {
  Money sum;
  for (const Money amount : amounts_) sum += amount;
  return sum;
}

Balances apply(Balances balances, const Entry& entry) {
  DISBURSE_ASSERT(is_balanced(entry));
  for (const Posting& posting : entry.postings) balances.add(posting.account, posting.amount);
  return balances;
}

RollForward roll_forward(Money fund, const Balances& balances) {
  RollForward result;
  result.fund = fund;
  result.deposited = -balances.of(Account::settlement_deposit);
  result.rows = {{
      {"admin_reserve", "Administration reserve", balances.of(Account::admin_reserve)},
      {"unallocated_fund", "Not yet allocated", balances.of(Account::unallocated_fund)},
      {"allocated_unsent", "Allocated, not yet sent", balances.of(Account::allocated)},
      {"in_flight", "Sent, not yet delivered", balances.of(Account::in_flight)},
      {"paid_out", "Paid out", balances.of(Account::paid_out)},
      {"returned_pool", "Returned, expired or voided, not yet redistributed",
       balances.of(Account::returned_pool)},
      {"residual_treasury", "Residual sent to the US Treasury",
       balances.of(Account::residual_treasury)},
  }};
  for (const RollForwardRow& row : result.rows) result.total += row.amount;
  return result;
}

}  // namespace disburse::domain::ledger
