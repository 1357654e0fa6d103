#pragma once
// httplib::Server with the slow-client defences that Debian's compiled cpp-httplib cannot be
// configured for. Stock httplib gives each connection a worker thread for its whole life and
// reads headers with a timeout per read, not per request: a hundred clients sending a header
// byte every few seconds hold every worker forever and nobody else is answered (slowloris).
// Here instead:
//   - every connection waits for its request's line and headers on a thread of its own, outside
//     the request workers, and is closed when they are not complete within the header timeout
//     (a request timeout of 408 when part of a request had arrived);
//   - a line and headers over the limit are answered 431, a malformed Content-Length 400 and a
//     declared body over the limit 413, before any body is read, and the connection closed;
//   - a body must keep coming at a minimum rate, or its read fails (slow POST);
//   - only `request_workers` requests are processed at once (a request holds its permit from
//     complete headers to the end of its response), so that CPU- and memory-heavy work such as
//     Argon2id password checks stays bounded however many clients connect;
//   - at most `max_connections` connections are served at once; later ones wait to be accepted.
// Requests are then handled by httplib's own parser and routing (Server::process_request).

#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <cstdint>
#include <memory>
#include <optional>
#include <semaphore>
#include <string>

namespace disburse::http {

struct ConnectionLimits {
  int request_workers = 64;
  int max_connections = 512;
  std::chrono::milliseconds header_timeout{10000};
  // A request line and its headers together; each header line alone at most header_line_bytes.
  std::size_t header_block_bytes = 16 * 1024;
  std::size_t header_line_bytes = 8 * 1024;
};

class GuardedServer : public httplib::Server {
 public:
  // `refused` is told each status the guard answers itself (408, 431, 503), for logs and metrics.
  GuardedServer(const ConnectionLimits& limits, std::function<void(int status)> refused);

  // Debian's httplib listens with a backlog of 5: a burst of new connections beyond it waits a
  // second for the client's SYN to be retried. Call after binding.
  void widen_listen_backlog();

 private:
  struct Refusal {
    int status;
    const char* reason;
    std::string detail;
  };

  bool process_and_close_socket(socket_t socket) override;
  void serve_connection(socket_t socket);
  // The guard's own answer to a request head that arrived as `arrival`, if it refuses it.
  std::optional<Refusal> refusal_for(int arrival, std::optional<std::uint64_t> content_length) const;

  ConnectionLimits limits_;
  std::function<void(int status)> refused_;
  std::unique_ptr<std::counting_semaphore<>> request_permits_;
};

}  // namespace disburse::http
