#pragma once
// Operational failures (DESIGN.md conventions, channel 2). They are thrown where the failure is
// found and caught once, at the request or command boundary, which maps each kind to an HTTP
// status or a CLI exit. Expected business outcomes are enum results, not exceptions.

#include <stdexcept>
#include <string>

namespace disburse {

// The caller sent something malformed or out of range (HTTP 400/422, CLI exit 2).
struct InvalidInput : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The request is well-formed but cannot be processed as sent, e.g. an Idempotency-Key reused
// with a different body (HTTP 422).
struct Unprocessable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The named thing does not exist (HTTP 404).
struct NotFound : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The request is well-formed but conflicts with the current state (HTTP 409).
struct Conflict : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The caller is not authenticated (HTTP 401).
struct Unauthenticated : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The caller is authenticated but lacks the permission (HTTP 403).
struct Forbidden : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Too many attempts; retry later (HTTP 429).
struct RateLimited : std::runtime_error {
  RateLimited(const std::string& message, int retry_after_seconds)
      : std::runtime_error(message), retry_after_seconds(retry_after_seconds) {}
  int retry_after_seconds;
};

// A dependency (the database) is down or overloaded (HTTP 503).
struct Unavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace disburse
