#include "support/raw_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <random>
#include <stdexcept>

namespace pacte::test {

RawSocket::RawSocket(std::uint16_t port, int receive_buffer) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) throw std::runtime_error("socket");
  if (receive_buffer > 0)
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("connect");
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

RawSocket::~RawSocket() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawSocket::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

std::string RawSocket::read(std::chrono::milliseconds timeout) {
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!closed_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    // After some data, a short pause ends the read; before, wait up to the deadline.
    int wait = static_cast<int>(std::max<std::int64_t>(
        0, out.empty() ? left.count() : std::min<std::int64_t>(left.count(), 100)));
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, wait);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      closed_ = true;  // orderly close (0) or reset (-1)
      break;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  received_ += out;
  return out;
}

bool RawSocket::wait_closed(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!closed_ && std::chrono::steady_clock::now() < deadline)
    read(std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                               std::chrono::steady_clock::now()));
  return closed_;
}

std::string RawSocket::upgrade(const std::string& cookie, const std::string& origin,
                               const std::string& extra) {
  std::string req =
      "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
  if (!cookie.empty()) req += "Cookie: pacte_session=" + cookie + "\r\n";
  if (!origin.empty()) req += "Origin: " + origin + "\r\n";
  req += extra + "\r\n";
  send(req);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (received_.find("\r\n\r\n") == std::string::npos && !closed_ &&
         std::chrono::steady_clock::now() < deadline)
    read(std::chrono::milliseconds(200));
  auto end = received_.find("\r\n\r\n");
  if (end == std::string::npos) return received_;
  std::string head = received_.substr(0, end + 4);
  received_.erase(0, end + 4);
  return head;
}

std::string RawSocket::frame(int opcode, const std::string& payload, bool fin, bool rsv1) {
  std::string f;
  f += static_cast<char>((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | (opcode & 0x0f));
  std::size_t n = payload.size();
  if (n < 126) {
    f += static_cast<char>(0x80 | n);
  } else if (n < 65536) {
    f += static_cast<char>(0x80 | 126);
    f += static_cast<char>(n >> 8);
    f += static_cast<char>(n & 0xff);
  } else {
    f += static_cast<char>(0x80 | 127);
    for (int i = 7; i >= 0; --i)
      f += static_cast<char>((static_cast<std::uint64_t>(n) >> (8 * i)) & 0xff);
  }
  static std::mt19937 rng(12345);
  char mask[4];
  for (auto& m : mask) m = static_cast<char>(rng() & 0xff);
  f.append(mask, 4);
  for (std::size_t i = 0; i < n; ++i) f += static_cast<char>(payload[i] ^ mask[i % 4]);
  return f;
}

namespace {
// Walks unmasked server frames; calls `on(opcode, fin, payload)` for each complete one.
template <typename F>
void walk_frames(const std::string& b, F on) {
  std::size_t i = 0;
  while (i + 2 <= b.size()) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(b[k]); };
    int opcode = byte(i) & 0x0f;
    bool fin = byte(i) & 0x80;
    std::uint64_t len = byte(i + 1) & 0x7f;
    std::size_t at = i + 2;
    if (len == 126) {
      if (at + 2 > b.size()) return;
      len = (std::uint64_t{byte(at)} << 8) | byte(at + 1);
      at += 2;
    } else if (len == 127) {
      if (at + 8 > b.size()) return;
      len = 0;
      for (int k = 0; k < 8; ++k) len = (len << 8) | byte(at + static_cast<std::size_t>(k));
      at += 8;
    }
    if (at + len > b.size()) return;
    on(opcode, fin, b.substr(at, static_cast<std::size_t>(len)));
    i = at + static_cast<std::size_t>(len);
  }
}
}  // namespace

std::optional<int> RawSocket::close_code(const std::string& server_bytes) {
  std::optional<int> code;
  walk_frames(server_bytes, [&](int opcode, bool, const std::string& payload) {
    if (opcode == 8 && !code && payload.size() >= 2)
      code = (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]);
  });
  return code;
}

std::vector<std::string> RawSocket::texts(const std::string& server_bytes) {
  std::vector<std::string> out;
  walk_frames(server_bytes, [&](int opcode, bool fin, const std::string& payload) {
    if (opcode == 1 && fin) out.push_back(payload);
  });
  return out;
}

}  // namespace pacte::test
