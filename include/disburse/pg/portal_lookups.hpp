#pragma once
// The portal's status lookups (issue 7), answered a batch at a time.
//
// A customer lookup is one statement, but a statement's fixed cost (a round trip, waking a
// backend, starting its executor for six index probes) is several times the probes themselves.
// Request threads therefore queue their lookups here, and a few lookup threads each take
// everything queued (up to max_batch_size) and answer it with one statement on a pooled
// connection. Nothing waits for a batch to fill: when the server is quiet a batch holds one
// lookup and costs what a lookup always did; under load the lookups that arrive while a
// statement runs go together in the next one (ops/bench/status).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "disburse/pg/database.hpp"
#include "disburse/pg/portal_repository.hpp"

namespace disburse::pg {

struct PortalLookupKey {
  std::string claim_number;  // Normalized, check character verified.
  std::string zip5;
  std::string address_bucket;  // The client address's rate-limit bucket.
  std::string claim_bucket;    // The claim number's.
};

class PortalLookups {
 public:
  static constexpr std::size_t max_batch_size = 64;

  // Starts `threads` lookup threads (each uses one pooled connection while it runs a batch).
  PortalLookups(Database& database, RateLimitSettings limits, int threads);
  // Answers what is still queued, then stops the threads.
  ~PortalLookups();
  PortalLookups(const PortalLookups&) = delete;
  PortalLookups& operator=(const PortalLookups&) = delete;

  const RateLimitSettings& limits() const { return limits_; }

  // Blocks until the batch holding this lookup is answered. It checks the two buckets and, when
  // neither is blocked, finds the claim by claim number and ZIP with its latest payment and
  // pending change request. Throws Unavailable when the database does not answer.
  PortalLookup lookup(PortalLookupKey key);

  // Lookups answered and the statements that answered them, since start.
  struct Counts {
    std::int64_t lookups = 0;
    std::int64_t statements = 0;
  };
  Counts counts() const { return {lookups_.load(), statements_.load()}; }

 private:
  struct Pending {
    PortalLookupKey key;
    std::promise<PortalLookup> answer;
  };

  void work();
  void answer(std::vector<Pending>& batch);

  Database& database_;
  const RateLimitSettings limits_;
  std::mutex mutex_;
  std::condition_variable queued_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::atomic<std::int64_t> lookups_{0};
  std::atomic<std::int64_t> statements_{0};
  std::vector<std::thread> threads_;
};

}  // namespace disburse::pg
