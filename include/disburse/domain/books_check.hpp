#pragma once
// The books check behind `disburse check` (DESIGN.md "Ledger", issue 5): a pure function over
// figures the adapter loads with a few aggregate queries. It compares two independent
// records, the ledger and the payments, and names every place where they disagree. An empty
// list means the books tie out.
//
// The invariants:
//   1. Every entry's postings sum to zero.
//   2. Every account has its expected sign: settlement_deposit ≤ 0, all others ≥ 0.
//   3. The roll-forward ties: the deposit equals the fund, and the fund is wholly accounted for
//      by the other accounts.
//   4. The payment states agree with the ledger:
//        allocated balance     = payments allocated or batched
//        in_flight balance     = payments submitted or unclaimed
//        paid_out balance      = payments paid
//        allocated debits      = every payment attempt ever created (each one was funded by
//                                exactly one allocation, second-round or reissue posting)
//        returned_pool debits  = payments expired, returned, failed, voided, reissued or pooled
//                                (each one's money came into the pool exactly once)
//   5. The claimants' allocations add up to the allocated debits, and each claimant ties:
//        allocated = awaiting submission + in flight + paid + returned + voided + reissued.
//      DESIGN.md writes this as allocated = paid + in flight + returned + voided; the two extra
//      buckets hold money allocated but not yet sent, and attempts whose money went on to a
//      reissue. "allocated" counts every attempt, so a $50 payment returned and reissued shows
//      $100 allocated: $50 reissued and $50 in the new attempt.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "disburse/domain/ledger.hpp"
#include "disburse/domain/money.hpp"
#include "disburse/domain/payment_state.hpp"

namespace disburse::domain {

enum class BreakCode : std::uint8_t {
  entries_do_not_sum_to_zero,
  account_has_wrong_sign,
  rollforward_does_not_tie,
  payment_states_disagree_with_ledger,
  claimants_disagree_with_ledger,
  claimant_does_not_tie,
};

std::string_view to_string(BreakCode code);

struct Break {
  BreakCode code = BreakCode::entries_do_not_sum_to_zero;
  std::string subject;  // What broke: "entry 17", "account in_flight", "claimant 42".
  Money expected;
  Money actual;
  std::string message;  // One sentence for the operator.
};

// Where a payment's amount counts in its claimant's tie.
enum class PaymentBucket : std::uint8_t {
  awaiting_submission,  // allocated, batched
  in_flight,            // submitted, unclaimed
  paid,                 // paid
  returned,             // expired, returned, failed, pooled
  voided,               // voided
  reissued,             // reissued
};

PaymentBucket payment_bucket(PaymentState state);
std::string_view to_string(PaymentBucket bucket);

struct ClaimantFigures {
  std::int64_t claimant_id = 0;
  // The claimant's approved shares over all rounds plus its reissues, taken from the
  // allocation results and the reissue entries, never from the payments themselves.
  Money allocated;
  // From the claimant's payments (every attempt, every round), by payment_bucket.
  Money awaiting_submission;
  Money in_flight;
  Money paid;
  Money returned;
  Money voided;
  Money reissued;

  void add_payment(PaymentState state, Money amount);
  // The sum of the six payment buckets.
  Money accounted() const;
};

// The sum of the program's payment amounts in each state.
class PaymentTotals {
 public:
  Money of(PaymentState state) const;
  void add(PaymentState state, Money amount);

 private:
  std::array<Money, payment_state_count> amounts_{};
};

struct AccountFigures {
  Money balance;  // The sum of all postings.
  Money debits;   // The sum of the positive postings: everything that ever came in.
};

class LedgerFigures {
 public:
  const AccountFigures& of(ledger::Account account) const;
  void set(ledger::Account account, AccountFigures figures);
  ledger::Balances balances() const;

 private:
  std::array<AccountFigures, ledger::account_count> accounts_{};
};

struct UnbalancedEntry {
  std::int64_t entry_id = 0;
  Money sum;  // The sum of the entry's postings; non-zero.
};

struct BooksInput {
  Money fund;  // The program's fund, as configured.
  LedgerFigures accounts;
  std::vector<UnbalancedEntry> unbalanced_entries;  // Entries whose postings do not sum to zero.
  PaymentTotals payments;                           // Every payment of the program, by state.
  std::vector<ClaimantFigures> claimants;           // Every claimant with an allocation.
};

// More breaking claimants are summarised in one last break, so that a systematic fault does
// not print a million lines.
inline constexpr std::size_t books_check_max_claimant_breaks = 1'000;

std::vector<Break> check_books(const BooksInput& input);

// The tie of one claimant, for adapters that stream claimants instead of loading them all.
std::optional<Break> check_claimant(const ClaimantFigures& claimant);

}  // namespace disburse::domain
