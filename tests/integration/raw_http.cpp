#include "raw_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <stdexcept>

namespace disburse::testing {

namespace {

sockaddr_in loopback(const std::string& address, int port) {
  sockaddr_in socket_address{};
  socket_address.sin_family = AF_INET;
  socket_address.sin_port = htons(static_cast<std::uint16_t>(port));
  if (inet_pton(AF_INET, address.c_str(), &socket_address.sin_addr) != 1) {
    throw std::runtime_error("not an IPv4 address: " + address);
  }
  return socket_address;
}

std::string lower(std::string text) {
  for (char& character : text) character = static_cast<char>(std::tolower(static_cast<unsigned char>(character)));
  return text;
}

// The Content-Length of a response head, or -1 when it has none.
long long content_length(const std::string& head) {
  const std::string value = header_of(head, "Content-Length");
  return value.empty() ? -1 : std::stoll(value);
}

}  // namespace

RawConnection::RawConnection(int port, const std::string& source_address) {
  descriptor_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (descriptor_ < 0) throw std::runtime_error("socket() failed");
  if (!source_address.empty()) {
    const sockaddr_in source = loopback(source_address, 0);
    if (::bind(descriptor_, reinterpret_cast<const sockaddr*>(&source), sizeof source) != 0) {
      throw std::runtime_error("cannot bind to " + source_address);
    }
  }
  const sockaddr_in server = loopback("127.0.0.1", port);
  if (::connect(descriptor_, reinterpret_cast<const sockaddr*>(&server), sizeof server) != 0) {
    throw std::runtime_error("cannot connect to port " + std::to_string(port));
  }
}

RawConnection::~RawConnection() {
  if (descriptor_ >= 0) ::close(descriptor_);
}

bool RawConnection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(descriptor_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

RawConnection::ReadOutcome RawConnection::read_some(int timeout_ms) {
  pollfd waiting{descriptor_, POLLIN, 0};
  const int ready = ::poll(&waiting, 1, timeout_ms);
  if (ready == 0) return ReadOutcome::timed_out;
  if (ready < 0) return errno == EINTR ? ReadOutcome::timed_out : ReadOutcome::closed;
  char buffer[16384];
  const ssize_t count = ::recv(descriptor_, buffer, sizeof buffer, 0);
  if (count <= 0) return ReadOutcome::closed;
  received.append(buffer, static_cast<std::size_t>(count));
  return ReadOutcome::data;
}

std::string RawConnection::read_response(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    const std::size_t head_end = received.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      const long long length = content_length(received.substr(0, head_end + 4));
      const std::size_t complete = head_end + 4 + static_cast<std::size_t>(std::max(0LL, length));
      if (length >= 0 && received.size() >= complete) {
        std::string response = received.substr(0, complete);
        received.erase(0, complete);
        return response;
      }
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0 || read_some(static_cast<int>(left)) != ReadOutcome::data) {
      std::string partial = received;
      received.clear();
      return partial;
    }
  }
}

bool RawConnection::closed_by_server(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) return false;
    const ReadOutcome outcome = read_some(static_cast<int>(left));
    if (outcome == ReadOutcome::closed) return true;
    if (outcome == ReadOutcome::timed_out) return false;
  }
}

int status_of(const std::string& response) {
  if (!response.starts_with("HTTP/1.") || response.size() < 12) return 0;
  return std::stoi(response.substr(9, 3));
}

std::string header_of(const std::string& response, const std::string& name) {
  const std::string head = lower(response.substr(0, response.find("\r\n\r\n")));
  const std::string key = "\r\n" + lower(name) + ":";
  const std::size_t at = head.find(key);
  if (at == std::string::npos) return "";
  std::size_t start = at + key.size();
  const std::size_t end = head.find("\r\n", start);
  // The value keeps its letter case: take it from the original response.
  std::string value = response.substr(start, end == std::string::npos ? std::string::npos : end - start);
  while (!value.empty() && value.front() == ' ') value.erase(0, 1);
  return value;
}

std::string body_of(const std::string& response) {
  const std::size_t head_end = response.find("\r\n\r\n");
  return head_end == std::string::npos ? "" : response.substr(head_end + 4);
}

std::string raw_request(int port, const std::string& request, const std::string& source_address,
                        int timeout_ms) {
  RawConnection connection(port, source_address);
  connection.send(request);
  return connection.read_response(timeout_ms);
}

}  // namespace disburse::testing
