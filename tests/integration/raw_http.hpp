#pragma once
// A raw TCP connection to a test server, for what httplib's client will not send: requests
// written a byte at a time, malformed or oversized ones, and connections from another loopback
// source address (127.0.0.2, …), which the server sees as another client.

#include <string>
#include <string_view>

namespace disburse::testing {

class RawConnection {
 public:
  // Connects to 127.0.0.1:port, from `source_address` when it is not empty.
  explicit RawConnection(int port, const std::string& source_address = "");
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Sends every byte; false once the server has closed the connection or reset it.
  bool send(std::string_view bytes);
  // Reads one response: the head and, with a Content-Length, its body. Returns what arrived
  // before the server closed the connection or `timeout_ms` passed.
  std::string read_response(int timeout_ms);
  // True when the server closes the connection (or resets it) within `timeout_ms`; whatever it
  // sent before closing is kept in `received`.
  bool closed_by_server(int timeout_ms);

  std::string received;

 private:
  // Waits up to `timeout_ms` for data; appends it to received_. False on close, error or timeout.
  enum class ReadOutcome { data, closed, timed_out };
  ReadOutcome read_some(int timeout_ms);

  int descriptor_ = -1;
};

// The status code of a raw response ("HTTP/1.1 431 …" → 431), or 0 when there is none.
int status_of(const std::string& response);
// A header's value in a raw response (case-insensitive name), or "".
std::string header_of(const std::string& response, const std::string& name);
// The body of a raw response (everything after the blank line).
std::string body_of(const std::string& response);

// One request over a fresh connection from `source_address`, answered within `timeout_ms`.
std::string raw_request(int port, const std::string& request, const std::string& source_address = "",
                        int timeout_ms = 10000);

}  // namespace disburse::testing
