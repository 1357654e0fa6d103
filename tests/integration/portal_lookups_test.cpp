// The portal's batched status lookups (pg/portal_lookups.hpp): whatever batch a lookup lands
// in, it gets its own answer, and a database failure reaches every lookup of the batch.
#include <doctest/doctest.h>

#include <atomic>
#include <random>
#include <thread>

#include "disburse/domain/errors.hpp"
#include "disburse/pg/portal_lookups.hpp"
#include "portal_fixture.hpp"

using namespace disburse;
using namespace disburse::testing;

namespace {

struct Expected {
  pg::PortalLookupKey key;
  std::optional<std::string> claim_number;  // None: no claim may be found.
  std::int64_t amount_cents = 0;
};

pg::PortalLookupKey key_of(const std::string& claim_number, const std::string& zip5, int index) {
  // Buckets are hex digests in the server; any plain text will do here.
  return {claim_number, zip5, "a:test" + std::to_string(index), "c:test" + std::to_string(index)};
}

std::vector<Expected> seeded_expectations(TestDatabase& database) {
  const auto program = seed_program(database);
  std::vector<Expected> expected;
  for (int index = 0; index < 24; index++) {
    const auto claimant = seed_claimant(database, program);
    PaymentSpec payment;
    payment.amount_cents = 1000 + index;
    seed_payment(database, claimant, payment);
    expected.push_back({key_of(claimant.claim_number, claimant.zip5, index), claimant.claim_number,
                        payment.amount_cents});
    // The same claim number with another ZIP finds nothing.
    const std::string other_zip = claimant.zip5 == "99999" ? "99998" : "99999";
    expected.push_back({key_of(claimant.claim_number, other_zip, index), std::nullopt, 0});
  }
  for (int index = 0; index < 8; index++) {
    expected.push_back({key_of(unused_claim_number(), "10001", 100 + index), std::nullopt, 0});
  }
  return expected;
}

}  // namespace

TEST_CASE("lookups from many threads are batched and each gets its own answer") {
  TestDatabase database;
  const std::vector<Expected> expected = seeded_expectations(database);
  pg::PortalLookups lookups(database.database(), pg::RateLimitSettings{}, 2);
  constexpr int threads = 16;
  constexpr int lookups_each = 150;
  std::atomic<int> wrong{0};
  std::atomic<int> answered{0};
  std::vector<std::thread> workers;
  for (int thread = 0; thread < threads; thread++) {
    workers.emplace_back([&, thread] {
      std::mt19937 random(static_cast<unsigned>(thread));
      for (int count = 0; count < lookups_each; count++) {
        const Expected& want = expected[random() % expected.size()];
        const pg::PortalLookup got = lookups.lookup(want.key);
        const bool right =
            !got.retry_after_seconds && !got.program_purged &&
            (want.claim_number
                 ? got.claim && got.claim->claim_number == *want.claim_number &&
                       got.claim->facts.payment &&
                       got.claim->facts.payment->amount.cents() == want.amount_cents
                 : !got.claim);
        if (!right) wrong++;
        answered++;
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  CHECK(answered == threads * lookups_each);
  CHECK(wrong == 0);
  const pg::PortalLookups::Counts counts = lookups.counts();
  CHECK(counts.lookups == threads * lookups_each);
  // Sixteen threads asking at once: lookups queued while a statement ran shared the next one.
  CHECK(counts.statements < counts.lookups);
  MESSAGE("lookups ", counts.lookups, " in ", counts.statements, " statements");
}

TEST_CASE("a blocked bucket answers retry_after and no claim, in a batch with others") {
  TestDatabase database;
  const std::vector<Expected> expected = seeded_expectations(database);
  database.execute(
      "INSERT INTO portal_rate_limits (bucket, window_started_at, failures) "
      "VALUES ('a:test0', now(), 50)");
  pg::PortalLookups lookups(database.database(), pg::RateLimitSettings{}, 1);
  std::vector<std::thread> workers;
  std::vector<pg::PortalLookup> answers(8);
  for (std::size_t index = 0; index < answers.size(); index++) {
    // expected[0] is claimant 0 (blocked address bucket), expected[2] claimant 1 (not blocked).
    workers.emplace_back([&, index] { answers[index] = lookups.lookup(expected[index % 2 == 0 ? 0 : 2].key); });
  }
  for (std::thread& worker : workers) worker.join();
  for (std::size_t index = 0; index < answers.size(); index++) {
    if (index % 2 == 0) {
      CHECK(answers[index].retry_after_seconds.has_value());
      CHECK_FALSE(answers[index].claim.has_value());
    } else {
      CHECK_FALSE(answers[index].retry_after_seconds.has_value());
      REQUIRE(answers[index].claim.has_value());
      CHECK(answers[index].claim->claim_number == *expected[2].claim_number);
    }
  }
}

TEST_CASE("a database that cannot be reached fails every waiting lookup with Unavailable") {
  // A port where nothing listens: every connection attempt fails at once.
  pg::Database unreachable(pg::PoolSettings{"postgresql://nobody@127.0.0.1:1/none", 2, 200});
  pg::PortalLookups lookups(unreachable, pg::RateLimitSettings{}, 1);
  std::atomic<int> unavailable{0};
  std::vector<std::thread> workers;
  for (int thread = 0; thread < 8; thread++) {
    workers.emplace_back([&] {
      try {
        lookups.lookup(key_of(unused_claim_number(), "10001", 0));
      } catch (const Unavailable&) {
        unavailable++;
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  CHECK(unavailable == 8);
}
