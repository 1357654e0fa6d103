#include "guarded_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace disburse::http {

namespace {

using Clock = std::chrono::steady_clock;

// How often a waiting connection looks whether the server is stopping.
constexpr std::chrono::milliseconds stop_check_interval{100};
constexpr std::size_t receive_chunk_bytes = 16 * 1024;
// A body must keep arriving at this average rate once the header timeout has passed since its
// start, or the read fails: a client trickling a body would otherwise hold a request worker for
// as long as it likes (the slow POST variant of slowloris). Generous for any real upload.
constexpr double minimum_body_bytes_per_second = 1024;
// After the guard's own refusal, what the client still sends is read and dropped for a moment,
// so that it sees the answer instead of a reset.
constexpr std::chrono::milliseconds linger_time{1000};
constexpr std::size_t linger_bytes = 1024 * 1024;
// A response is gathered and sent whole when the server next reads or closes: httplib writes
// the head and the body separately, and with TCP_NODELAY each write would be its own segment
// for the client to wake up for. A large (streamed) response goes out in pieces of this size.
constexpr std::size_t send_buffer_bytes = 64 * 1024;

int to_milliseconds(time_t seconds, time_t microseconds) {
  return static_cast<int>(seconds * 1000 + microseconds / 1000);
}

// A thread for each open connection, started on demand up to a limit and kept for the next
// connection; beyond the limit, connections wait for a thread in the order they came.
class ConnectionThreads : public httplib::TaskQueue {
 public:
  explicit ConnectionThreads(std::size_t max_threads) : max_threads_(max_threads) {}

  void enqueue(std::function<void()> job) override {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
    if (jobs_.size() > idle_ && threads_.size() < max_threads_) {
      threads_.emplace_back([this] { work(); });
    }
    ready_.notify_one();
  }

  void shutdown() override {
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      threads.swap(threads_);
    }
    ready_.notify_all();
    for (std::thread& thread : threads) thread.join();
  }

 private:
  void work() {
    std::unique_lock lock(mutex_);
    while (true) {
      idle_++;
      ready_.wait(lock, [this] { return !jobs_.empty() || stopping_; });
      idle_--;
      // Queued connections are still served when stopping, so that none is dropped unanswered.
      if (jobs_.empty()) return;
      std::function<void()> job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
      lock.lock();
    }
  }

  const std::size_t max_threads_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;
  bool stopping_ = false;
};

bool wait_for(int socket, short events, int timeout_ms) {
  pollfd waiting{socket, events, 0};
  while (true) {
    const int ready = ::poll(&waiting, 1, timeout_ms);
    if (ready < 0 && errno == EINTR) continue;
    return ready > 0;
  }
}

void ip_and_port(const sockaddr_storage& address, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
    port = ntohs(v4.sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    ::inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
    port = ntohs(v6.sin6_port);
  }
  ip = text;
}

// The connection's socket as an httplib::Stream, with a read buffer that the wait for a
// request's head fills first; httplib's parser then reads the request from it.
class ConnectionStream : public httplib::Stream {
 public:
  ConnectionStream(int socket, int read_timeout_ms, int write_timeout_ms)
      : socket_(socket), read_timeout_ms_(read_timeout_ms), write_timeout_ms_(write_timeout_ms) {}
  // The last response goes out before the connection is closed.
  ~ConnectionStream() { flush(); }
  ConnectionStream(const ConnectionStream&) = delete;
  ConnectionStream& operator=(const ConnectionStream&) = delete;

  enum class Arrival { complete, closed, timed_out, too_large, malformed, stopping };

  // Waits for the next request's first byte until `first_byte_deadline`, then for the rest of
  // its line and headers for at most the header timeout.
  Arrival await_request_head(Clock::time_point first_byte_deadline, const ConnectionLimits& limits,
                             const std::function<bool()>& stopping) {
    if (!flush()) return Arrival::closed;
    if (offset_ > 0) {
      buffer_.erase(0, offset_);
      offset_ = 0;
    }
    while (buffer_.empty()) {
      if (const Arrival arrival = receive(first_byte_deadline, stopping); arrival != Arrival::complete) {
        return arrival;
      }
    }
    const Clock::time_point deadline = Clock::now() + limits.header_timeout;
    head_ = HeadScan{};
    while (true) {
      if (const auto outcome = head_.advance(buffer_, limits)) {
        body_started_ = Clock::now();
        body_grace_ = limits.header_timeout;
        consumed_ = 0;
        return *outcome;
      }
      if (const Arrival arrival = receive(deadline, stopping); arrival != Arrival::complete) {
        return arrival;
      }
    }
  }

  // The request's Content-Length, when it declared one.
  std::optional<std::uint64_t> declared_content_length() const { return head_.content_length; }
  bool is_page_request() const { return head_.page_request; }

  bool has_unread_bytes() const { return offset_ < buffer_.size(); }

  bool is_readable() const override {
    return has_unread_bytes() || wait_for(socket_, POLLIN, read_timeout_ms_);
  }

  bool is_writable() const override { return wait_for(socket_, POLLOUT, write_timeout_ms_); }

  ssize_t read(char* data, size_t size) override {
    if (!has_unread_bytes()) {
      buffer_.clear();
      offset_ = 0;
      // A client waiting for "100 Continue" sends nothing until it has it.
      if (!flush()) return -1;
      if (body_too_slow() || !wait_for(socket_, POLLIN, read_timeout_ms_)) return -1;
      // Large reads (bodies) go straight to the caller; small ones (lines) through the buffer.
      if (size >= receive_chunk_bytes) {
        const ssize_t count = receive_into(data, size);
        if (count > 0) consumed_ += static_cast<std::size_t>(count);
        return count;
      }
      char chunk[receive_chunk_bytes];
      const ssize_t count = receive_into(chunk, sizeof chunk);
      if (count <= 0) return count;
      buffer_.assign(chunk, static_cast<std::size_t>(count));
    }
    const std::size_t count = std::min(size, buffer_.size() - offset_);
    std::copy_n(buffer_.data() + offset_, count, data);
    offset_ += count;
    consumed_ += count;
    return static_cast<ssize_t>(count);
  }

  // After the guard's own answer: stop sending, and read and drop what the client still sends
  // for a moment before the socket is closed.
  void linger() {
    if (!flush()) return;
    ::shutdown(socket_, SHUT_WR);
    const Clock::time_point until = Clock::now() + linger_time;
    std::size_t dropped = 0;
    char chunk[receive_chunk_bytes];
    while (dropped < linger_bytes && Clock::now() < until) {
      if (!wait_for(socket_, POLLIN, static_cast<int>(stop_check_interval.count()))) continue;
      const ssize_t count = receive_into(chunk, sizeof chunk);
      if (count <= 0) return;
      dropped += static_cast<std::size_t>(count);
    }
  }

  ssize_t write(const char* data, size_t size) override {
    out_.append(data, size);
    if (out_.size() >= send_buffer_bytes && !flush()) return -1;
    return static_cast<ssize_t>(size);
  }

  // Sends what write() gathered, waiting at most the write timeout each time the socket's
  // buffer is full; false when the client is gone or too slow.
  bool flush() {
    std::size_t sent_bytes = 0;
    while (sent_bytes < out_.size()) {
      const ssize_t sent = ::send(socket_, out_.data() + sent_bytes, out_.size() - sent_bytes,
                                  MSG_NOSIGNAL | MSG_DONTWAIT);
      if (sent > 0) {
        sent_bytes += static_cast<std::size_t>(sent);
      } else if (sent < 0 && errno == EINTR) {
        continue;
      } else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && is_writable()) {
        continue;
      } else {
        out_.clear();
        return false;
      }
    }
    out_.clear();
    return true;
  }

  // Asked for every request; a connection's peer never changes, so it is looked up once.
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    if (!peer_known_) {
      sockaddr_storage address{};
      socklen_t length = sizeof address;
      if (::getpeername(socket_, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
        ip_and_port(address, peer_ip_, peer_port_);
      }
      peer_known_ = true;
    }
    ip = peer_ip_;
    port = peer_port_;
  }

  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      ip_and_port(address, ip, port);
    }
  }

  socket_t socket() const override { return socket_; }

 private:
  // Where the scan for the blank line that ends a request's head has got to, and what it saw.
  struct HeadScan {
    std::size_t scanned = 0;
    std::size_t line_start = 0;
    bool in_request_line = true;
    std::optional<std::uint64_t> content_length;
    // A browser's page (console, portal) rather than the API: its refusals are HTML.
    bool page_request = false;

    std::optional<Arrival> advance(const std::string& buffer, const ConnectionLimits& limits) {
      for (; scanned < buffer.size(); scanned++) {
        if (buffer[scanned] != '\n') continue;
        const std::size_t length = scanned - line_start;
        const bool blank = length == 0 || (length == 1 && buffer[line_start] == '\r');
        if (scanned + 1 > limits.header_block_bytes) return Arrival::too_large;
        // A blank first line is malformed; httplib's parser answers it with 400.
        if (blank) return Arrival::complete;
        if (!in_request_line) {
          if (length > limits.header_line_bytes) return Arrival::too_large;
          if (!read_content_length(std::string_view(buffer).substr(line_start, length))) {
            return Arrival::malformed;
          }
        }
        if (in_request_line) page_request = is_page_target(std::string_view(buffer).substr(line_start, length));
        in_request_line = false;
        line_start = scanned + 1;
      }
      const bool line_too_long = !in_request_line && scanned - line_start > limits.header_line_bytes;
      if (line_too_long || scanned > limits.header_block_bytes) return Arrival::too_large;
      return std::nullopt;
    }

    static bool is_page_target(std::string_view request_line) {
      const std::size_t space = request_line.find(' ');
      if (space == std::string_view::npos) return false;
      const std::string_view target = request_line.substr(space + 1);
      for (const std::string_view api : {"/api/", "/healthz", "/readyz", "/metrics"}) {
        if (target.starts_with(api)) return false;
      }
      return target.starts_with('/');
    }

    // Notes a Content-Length header; false when its value is not a plain decimal number, which
    // httplib would otherwise wait on as if it were a length.
    bool read_content_length(std::string_view line) {
      constexpr std::string_view name = "content-length:";
      if (line.size() < name.size()) return true;
      for (std::size_t index = 0; index < name.size(); index++) {
        if (std::tolower(static_cast<unsigned char>(line[index])) != name[index]) return true;
      }
      std::string_view value = line.substr(name.size());
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r')) {
        value.remove_suffix(1);
      }
      if (value.empty() || value.size() > 18 ||
          value.find_first_not_of("0123456789") != std::string_view::npos) {
        return false;
      }
      content_length = std::stoull(std::string(value));
      return true;
    }
  };

  bool body_too_slow() const {
    const auto elapsed = Clock::now() - body_started_;
    if (elapsed <= body_grace_) return false;
    const double seconds = std::chrono::duration<double>(elapsed - body_grace_).count();
    return static_cast<double>(consumed_) < seconds * minimum_body_bytes_per_second;
  }

  ssize_t receive_into(char* data, std::size_t size) {
    while (true) {
      const ssize_t count = ::recv(socket_, data, size, 0);
      if (count < 0 && errno == EINTR) continue;
      return count;
    }
  }

  // Appends what arrives before `deadline` to the buffer: complete when something did.
  Arrival receive(Clock::time_point deadline, const std::function<bool()>& stopping) {
    while (true) {
      if (stopping()) return Arrival::stopping;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return Arrival::timed_out;
      if (!wait_for(socket_, POLLIN, static_cast<int>(std::min(left, stop_check_interval).count()))) {
        continue;
      }
      char chunk[receive_chunk_bytes];
      const ssize_t count = receive_into(chunk, sizeof chunk);
      if (count <= 0) return Arrival::closed;
      buffer_.append(chunk, static_cast<std::size_t>(count));
      return Arrival::complete;
    }
  }

  const int socket_;
  const int read_timeout_ms_;
  const int write_timeout_ms_;
  std::string out_;  // Written, not yet sent.
  mutable bool peer_known_ = false;
  mutable std::string peer_ip_;
  mutable int peer_port_ = 0;
  std::string buffer_;
  std::size_t offset_ = 0;
  HeadScan head_;
  // Bytes handed to httplib since the head was complete (the head itself included).
  std::size_t consumed_ = 0;
  Clock::time_point body_started_ = Clock::now();
  Clock::duration body_grace_{};
};

// One of the request workers, held while a request is processed.
class Permit {
 public:
  explicit Permit(std::counting_semaphore<>& permits) : permits_(permits) { permits_.acquire(); }
  ~Permit() { permits_.release(); }
  Permit(const Permit&) = delete;
  Permit& operator=(const Permit&) = delete;

 private:
  std::counting_semaphore<>& permits_;
};

// A refusal written by the guard itself, before httplib has parsed anything: problem+json for
// the API, a plain page for a browser (a console upload over the limit), and the connection is
// closed after it. The detail is the guard's own text, never the request's.
void answer(ConnectionStream& stream, int status, const char* reason, const std::string& detail) {
  const bool page = stream.is_page_request();
  const std::string body =
      page ? "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
                 std::string(reason) + "</title></head><body><main><h1>" + reason + "</h1><p>" +
                 detail + ".</p></main></body></html>"
           : nlohmann::json{{"type", "about:blank"}, {"title", reason}, {"status", status},
                            {"detail", detail}}
                 .dump();
  std::string response = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n";
  response += page ? "Content-Type: text/html; charset=utf-8\r\n"
                   : "Content-Type: application/problem+json\r\n";
  response += "X-Content-Type-Options: nosniff\r\n";
  if (status == 503) response += "Retry-After: 1\r\n";
  response += "Connection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  std::size_t written = 0;
  while (written < response.size()) {
    const ssize_t count = stream.write(response.data() + written, response.size() - written);
    if (count <= 0) return;
    written += static_cast<std::size_t>(count);
  }
}

}  // namespace

std::optional<GuardedServer::Refusal> GuardedServer::refusal_for(
    int arrival, std::optional<std::uint64_t> content_length) const {
  using Arrival = ConnectionStream::Arrival;
  switch (static_cast<Arrival>(arrival)) {
    case Arrival::too_large:
      return Refusal{431, "Request Header Fields Too Large",
                     "the request line and headers are larger than the limit"};
    case Arrival::timed_out:
      return Refusal{408, "Request Timeout", "the request's headers did not arrive in time"};
    case Arrival::malformed:
      return Refusal{400, "Bad Request", "the Content-Length header is not a whole number"};
    default:
      break;
  }
  // Refused before a byte of the body is read: httplib would read and drop the whole declared
  // body first, holding a request worker for as long as the client takes to send it.
  if (content_length && *content_length > payload_max_length_) {
    return Refusal{413, "Payload Too Large",
                   "the request body is larger than the upload limit of " +
                       std::to_string(payload_max_length_) + " bytes"};
  }
  return std::nullopt;
}

GuardedServer::GuardedServer(const ConnectionLimits& limits, std::function<void(int status)> refused)
    : limits_(limits),
      refused_(std::move(refused)),
      request_permits_(std::make_unique<std::counting_semaphore<>>(limits.request_workers)) {
  const auto threads = static_cast<std::size_t>(limits.max_connections);
  new_task_queue = [threads] { return new ConnectionThreads(threads); };
}

void GuardedServer::widen_listen_backlog() {
  // listen() again on a listening socket only changes its backlog (the kernel caps it).
  if (svr_sock_ != INVALID_SOCKET) ::listen(svr_sock_, limits_.max_connections);
}

bool GuardedServer::process_and_close_socket(socket_t socket) {
  serve_connection(socket);
  ::shutdown(socket, SHUT_RDWR);
  ::close(socket);
  return true;
}

void GuardedServer::serve_connection(socket_t socket) {
  ConnectionStream stream(socket, to_milliseconds(read_timeout_sec_, read_timeout_usec_),
                          to_milliseconds(write_timeout_sec_, write_timeout_usec_));
  // Debian's httplib was built with select(), and its parser answers 500 for a descriptor it
  // cannot select on: say plainly that the server is full instead.
  if (socket >= FD_SETSIZE) {
    answer(stream, 503, "Service Unavailable", "the server has too many connections; try again");
    refused_(503);
    return;
  }
  const std::function<bool()> stopping = [this] { return svr_sock_ == INVALID_SOCKET; };
  Clock::time_point first_byte_deadline = Clock::now() + limits_.header_timeout;
  for (std::size_t served = 0; served < keep_alive_max_count_; served++) {
    const auto arrival = stream.await_request_head(first_byte_deadline, limits_, stopping);
    if (arrival == ConnectionStream::Arrival::timed_out && !stream.has_unread_bytes()) return;
    if (arrival == ConnectionStream::Arrival::closed || arrival == ConnectionStream::Arrival::stopping) {
      return;
    }
    if (const auto refusal = refusal_for(static_cast<int>(arrival), stream.declared_content_length())) {
      answer(stream, refusal->status, refusal->reason, refusal->detail);
      refused_(refusal->status);
      stream.linger();
      return;
    }
    bool connection_closed = false;
    const bool last = served + 1 == keep_alive_max_count_ || stopping();
    const Permit permit(*request_permits_);
    const bool processed = process_request(stream, last, connection_closed, nullptr);
    if (!processed || connection_closed) return;
    first_byte_deadline = Clock::now() + std::chrono::seconds(keep_alive_timeout_sec_);
  }
}

}  // namespace disburse::http
