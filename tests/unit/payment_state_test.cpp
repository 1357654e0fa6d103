#include "disburse/domain/payment_state.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

using namespace disburse::domain;

namespace {

using S = PaymentState;
using E = PaymentEvent;

// One cell of the table: the expected outcome and, when the event is allowed, the target.
struct Cell {
  TransitionOutcome outcome = TransitionOutcome::not_allowed;
  std::optional<PaymentState> target;
};

const Cell no{};
const Cell same{TransitionOutcome::already_in_state, std::nullopt};
Cell to(PaymentState target) {
  return {TransitionOutcome::ok, target};
}

struct Row {
  PaymentState from;
  // Columns in the order of all_payment_events: add_to_batch, remove_from_batch, submit,
  // mark_paid, mark_unclaimed, expire, mark_returned, mark_failed, void_payment, reissue,
  // release_to_pool.
  std::array<Cell, 11> cells;
};

const std::vector<Row> payment_table = {
    {S::allocated, {to(S::batched), same, no, no, no, no, no, no, to(S::voided), no, no}},
    {S::batched,
     {no, to(S::allocated), to(S::submitted), no, no, no, no, no, to(S::voided), no, no}},
    {S::submitted,
     {no, no, same, to(S::paid), to(S::unclaimed), to(S::expired), to(S::returned), to(S::failed),
      to(S::voided), no, no}},
    {S::paid, {no, no, no, same, no, no, to(S::returned), no, no, no, no}},
    {S::unclaimed,
     {no, no, no, to(S::paid), same, to(S::expired), to(S::returned), no, to(S::voided), no, no}},
    {S::expired, {no, no, no, no, no, same, no, no, no, to(S::reissued), to(S::pooled)}},
    {S::returned, {no, no, no, no, no, no, same, no, no, to(S::reissued), to(S::pooled)}},
    {S::failed, {no, no, no, no, no, no, no, same, no, to(S::reissued), to(S::pooled)}},
    {S::voided, {no, no, no, no, no, no, no, no, same, to(S::reissued), to(S::pooled)}},
    {S::reissued, {no, no, no, no, no, no, no, no, no, same, no}},
    {S::pooled, {no, no, no, no, no, no, no, no, no, no, same}},
};

struct EffectRow {
  PaymentState from;
  PaymentState to;
  LedgerEffect effect;
};

// Every allowed transition and the ledger movement it implies.
const std::vector<EffectRow> effect_table = {
    {S::allocated, S::batched, LedgerEffect::none},
    {S::allocated, S::voided, LedgerEffect::voided_before_submission},
    {S::batched, S::allocated, LedgerEffect::none},
    {S::batched, S::submitted, LedgerEffect::submitted},
    {S::batched, S::voided, LedgerEffect::voided_before_submission},
    {S::submitted, S::paid, LedgerEffect::paid},
    {S::submitted, S::unclaimed, LedgerEffect::none},
    {S::submitted, S::expired, LedgerEffect::expired},
    {S::submitted, S::returned, LedgerEffect::returned_in_flight},
    {S::submitted, S::failed, LedgerEffect::failed},
    {S::submitted, S::voided, LedgerEffect::voided_in_flight},
    {S::paid, S::returned, LedgerEffect::returned_after_paid},
    {S::unclaimed, S::paid, LedgerEffect::paid},
    {S::unclaimed, S::expired, LedgerEffect::expired},
    {S::unclaimed, S::returned, LedgerEffect::returned_in_flight},
    {S::unclaimed, S::voided, LedgerEffect::voided_in_flight},
    {S::expired, S::reissued, LedgerEffect::reissued},
    {S::expired, S::pooled, LedgerEffect::none},
    {S::returned, S::reissued, LedgerEffect::reissued},
    {S::returned, S::pooled, LedgerEffect::none},
    {S::failed, S::reissued, LedgerEffect::reissued},
    {S::failed, S::pooled, LedgerEffect::none},
    {S::voided, S::reissued, LedgerEffect::reissued},
    {S::voided, S::pooled, LedgerEffect::none},
};

}  // namespace

TEST_CASE("every payment state and event pair gives the tabled outcome") {
  REQUIRE(payment_table.size() == all_payment_states.size());
  for (std::size_t row_index = 0; row_index < payment_table.size(); row_index++) {
    const Row& row = payment_table[row_index];
    REQUIRE(row.from == all_payment_states[row_index]);
    for (std::size_t column = 0; column < all_payment_events.size(); column++) {
      const PaymentEvent event = all_payment_events[column];
      const Cell& expected = row.cells[column];
      CAPTURE(to_string(row.from));
      CAPTURE(to_string(event));
      const PaymentTransition result = transition(row.from, event);
      CHECK(result.outcome == expected.outcome);
      CHECK(result.next == expected.target.value_or(row.from));
    }
  }
}

TEST_CASE("a batched payment is never added to a second batch") {
  const PaymentTransition result = transition(S::batched, E::add_to_batch);
  CHECK(result.outcome == TransitionOutcome::not_allowed);
  CHECK(result.next == S::batched);
}

TEST_CASE("producing the file twice or cancelling a batch twice changes nothing") {
  CHECK(transition(S::submitted, E::submit).outcome == TransitionOutcome::already_in_state);
  CHECK(transition(S::allocated, E::remove_from_batch).outcome ==
        TransitionOutcome::already_in_state);
}

TEST_CASE("every allowed payment transition names its ledger effect and nothing else is allowed") {
  std::size_t allowed_pairs = 0;
  for (const PaymentState from : all_payment_states) {
    for (const PaymentState to_state : all_payment_states) {
      if (is_allowed(from, to_state)) allowed_pairs++;
    }
  }
  CHECK(allowed_pairs == effect_table.size());
  for (const EffectRow& row : effect_table) {
    CAPTURE(to_string(row.from));
    CAPTURE(to_string(row.to));
    REQUIRE(is_allowed(row.from, row.to));
    CHECK(ledger_effect(row.from, row.to) == row.effect);
  }
}

TEST_CASE("live payments are those on their way or delivered") {
  const std::vector<PaymentState> live = {S::allocated, S::batched, S::submitted, S::paid,
                                          S::unclaimed};
  for (const PaymentState state : all_payment_states) {
    CAPTURE(to_string(state));
    const bool expected = std::find(live.begin(), live.end(), state) != live.end();
    CHECK(is_live(state) == expected);
  }
}

TEST_CASE("no event leads from a final payment to another state") {
  for (const PaymentState state : all_payment_states) {
    bool has_way_out = false;
    for (const PaymentEvent event : all_payment_events) {
      if (transition(state, event).ok()) has_way_out = true;
    }
    CAPTURE(to_string(state));
    CHECK(is_final(state) == !has_way_out);
  }
  CHECK(is_final(S::reissued));
  CHECK(is_final(S::pooled));
}

TEST_CASE("a payment is settled once the rail has decided its fate") {
  CHECK_FALSE(is_settled(S::allocated));
  CHECK_FALSE(is_settled(S::batched));
  CHECK_FALSE(is_settled(S::submitted));
  CHECK_FALSE(is_settled(S::unclaimed));
  for (const PaymentState state :
       {S::paid, S::expired, S::returned, S::failed, S::voided, S::reissued, S::pooled}) {
    CAPTURE(to_string(state));
    CHECK(is_settled(state));
  }
}

TEST_CASE("a reissue can follow only when the payment's money came back") {
  for (const PaymentState state : all_payment_states) {
    CAPTURE(to_string(state));
    const bool can_reissue = transition(state, E::reissue).ok();
    CHECK(can_reissue == (state == S::expired || state == S::returned || state == S::failed ||
                          state == S::voided));
    // A payment that can be reissued is never live, so attempt N+1 never meets a live twin.
    if (can_reissue) CHECK_FALSE(is_live(state));
  }
}

TEST_CASE("payment state, event, method and effect names are the stored contract") {
  const std::array<std::string_view, payment_state_count> names = {
      "allocated", "batched", "submitted", "paid",     "unclaimed", "expired",
      "returned",  "failed",  "voided",    "reissued", "pooled"};
  for (std::size_t index = 0; index < names.size(); index++) {
    CHECK(to_string(all_payment_states[index]) == names[index]);
    CHECK(parse_payment_state(names[index]) == all_payment_states[index]);
  }
  CHECK_FALSE(parse_payment_state("cancelled"));
  CHECK_FALSE(parse_payment_state("PAID"));
  CHECK(to_string(E::void_payment) == "void_payment");
  CHECK(to_string(E::release_to_pool) == "release_to_pool");
  CHECK(to_string(PaymentMethod::paypal) == "paypal");
  CHECK(to_string(PaymentMethod::check) == "check");
  CHECK(to_string(PaymentMethod::ach) == "ach");
  for (const PaymentMethod method : all_payment_methods) {
    CHECK(parse_payment_method(to_string(method)) == method);
  }
  CHECK_FALSE(parse_payment_method("wire"));
  CHECK(to_string(LedgerEffect::returned_after_paid) == "returned_after_paid");
  CHECK(to_string(LedgerEffect::reissued) == "reissued");
}
