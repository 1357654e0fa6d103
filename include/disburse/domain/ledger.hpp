#pragma once
// The program's ledger of balanced entries (DESIGN.md "Ledger", issue 5).
//
// Sign convention: a posting's amount is positive when money arrives in an account (a debit)
// and negative when it leaves (a credit); the postings of every entry sum to zero. With this
// convention every account except the source holds a non-negative balance that is simply "the
// money that is here now", so the roll-forward reads straight from the balances. The source,
// settlement_deposit, is credited by the fund deposit and carries the negative of the fund, so
// all balances together sum to zero as well.
//
// Where the money of one program can be:
//
//   settlement_deposit  the source: −fund once the fund is deposited
//   unallocated_fund    deposited, neither reserved nor allocated yet
//   admin_reserve       set aside for administration costs
//   allocated           allocated to payments not yet in a produced file
//   in_flight           in a produced file: submitted or unclaimed
//   paid_out            delivered
//   returned_pool       came back or was stopped (expired, returned, failed, voided); the source
//                       of reissues, second rounds and the residual
//   residual_treasury   sent to the US Treasury when the program closed
//
// A voided payment's money goes to the returned pool, not back to unallocated_fund: once an
// allocation run is approved its total is fixed, and DESIGN.md counts voided money among what
// was allocated (allocated = paid + in flight + returned + voided).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "disburse/domain/money.hpp"
#include "disburse/domain/payment_state.hpp"

namespace disburse::domain::ledger {

enum class Account : std::uint8_t {
  settlement_deposit,
  unallocated_fund,
  admin_reserve,
  allocated,
  in_flight,
  paid_out,
  returned_pool,
  residual_treasury,
};

inline constexpr std::size_t account_count = 8;

inline constexpr std::array<Account, account_count> all_accounts = {
    Account::settlement_deposit, Account::unallocated_fund, Account::admin_reserve,
    Account::allocated,          Account::in_flight,        Account::paid_out,
    Account::returned_pool,      Account::residual_treasury};

// The snake_case names above: stored in ledger_postings.account.
std::string_view to_string(Account account);
std::optional<Account> parse_account(std::string_view text);

enum class EntryKind : std::uint8_t {
  fund_deposit,            // settlement_deposit → unallocated_fund
  reserve_set_aside,       // unallocated_fund → admin_reserve
  allocation_approved,     // unallocated_fund → allocated (a first-round run's total)
  payment_submitted,       // allocated → in_flight
  payment_paid,            // in_flight → paid_out
  payment_returned,        // in_flight | paid_out → returned_pool
  payment_expired,         // in_flight → returned_pool
  payment_failed,          // in_flight → returned_pool
  payment_voided,          // allocated | in_flight → returned_pool
  reissue,                 // returned_pool → allocated (attempt N+1)
  second_round_allocated,  // returned_pool → allocated (a later round's run total)
  residual_to_treasury,    // unallocated_fund, returned_pool, admin_reserve → residual_treasury
};

inline constexpr std::array<EntryKind, 12> all_entry_kinds = {
    EntryKind::fund_deposit,           EntryKind::reserve_set_aside,
    EntryKind::allocation_approved,    EntryKind::payment_submitted,
    EntryKind::payment_paid,           EntryKind::payment_returned,
    EntryKind::payment_expired,        EntryKind::payment_failed,
    EntryKind::payment_voided,         EntryKind::reissue,
    EntryKind::second_round_allocated, EntryKind::residual_to_treasury};

// The snake_case names above: stored in ledger_entries.kind.
std::string_view to_string(EntryKind kind);
std::optional<EntryKind> parse_entry_kind(std::string_view text);

struct Posting {
  Account account = Account::settlement_deposit;
  Money amount;  // Positive: arrives in the account. Negative: leaves it.

  friend bool operator==(const Posting&, const Posting&) = default;
};

struct Entry {
  EntryKind kind = EntryKind::fund_deposit;
  std::vector<Posting> postings;

  friend bool operator==(const Entry&, const Entry&) = default;
};

// Builders. Each amount must be positive: a zero movement is a caller's bug, not an entry.
Entry fund_deposit(Money fund);
Entry reserve(Money amount);
Entry allocate(Money total);
Entry submit(Money amount);
Entry mark_paid(Money amount);
// A payment given back: `from` is in_flight (returned before delivery) or paid_out (a late
// ACH return, a PayPal refund or reversal).
Entry return_to_pool(Money amount, Account from);
Entry expire_to_pool(Money amount);
Entry fail_to_pool(Money amount);
Entry void_allocated(Money amount);
Entry void_in_flight(Money amount);
Entry reissue(Money amount);
Entry allocate_second_round(Money total);
// Everything that remains goes to the Treasury. Any of the three may be zero (the reserve is
// usually spent on administration outside the ledger), but not all of them: with nothing left,
// the close books no entry.
Entry close_to_treasury(Money unallocated, Money pool, Money reserve_left);

// At least two postings, summing to zero.
bool is_balanced(const Entry& entry);

// The entry a payment effect books for a payment of `amount`; none for LedgerEffect::none.
std::optional<Entry> entry_for(LedgerEffect effect, Money amount);

// The one call an adapter makes for a payment transition from → to: the effect and its entry.
std::optional<Entry> entry_for_transition(PaymentState from, PaymentState to, Money amount);

class Balances {
 public:
  Money of(Account account) const;
  void add(Account account, Money amount);
  // The sum over all accounts: zero whenever every entry applied was balanced.
  Money total() const;

  friend bool operator==(const Balances&, const Balances&) = default;

 private:
  std::array<Money, account_count> amounts_{};
};

// Books a balanced entry. An unbalanced entry is a bug and aborts.
Balances apply(Balances balances, const Entry& entry);

struct RollForwardRow {
  std::string_view key;    // A stable snake_case name for exports.
  std::string_view label;  // The words a finance report prints.
  Money amount;
};

inline constexpr std::size_t roll_forward_row_count = 7;

// The fund, where every cent of it is now, and whether that ties out.
struct RollForward {
  Money fund;       // The program's fund, as configured.
  Money deposited;  // The negative of the settlement_deposit balance.
  // admin_reserve, unallocated_fund, allocated_unsent, in_flight, paid_out, returned_pool,
  // residual_treasury, in that order.
  std::array<RollForwardRow, roll_forward_row_count> rows{};
  Money total;  // The sum of the rows.

  bool ties() const { return deposited == fund && total == fund; }
};

RollForward roll_forward(Money fund, const Balances& balances);

}  // namespace disburse::domain::ledger
