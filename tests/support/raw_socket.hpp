// A raw TCP client for the tests that must send what a well-behaved client library never
// would: half-sent headers, hand-built WebSocket frames (fragments, RSV bits), or nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pacte::test {

class RawSocket {
 public:
  /// `receive_buffer` > 0 shrinks the socket's receive buffer (SO_RCVBUF) before
  /// connecting, for a client that must fall behind quickly.
  explicit RawSocket(std::uint16_t port, int receive_buffer = 0);
  ~RawSocket();
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  /// Sends everything; false when the peer has closed or reset the connection.
  bool send(const std::string& bytes);
  /// Reads what arrives within `timeout` (stops at the first pause after some data);
  /// sets closed() when the peer closed or reset the connection.
  std::string read(std::chrono::milliseconds timeout);
  /// Reads until the peer closes the connection or `timeout` passes; returns whether it
  /// closed. What was received meanwhile is appended to received().
  bool wait_closed(std::chrono::milliseconds timeout);
  bool closed() const { return closed_; }
  std::string& received() { return received_; }

  /// Sends a WebSocket upgrade request for /ws and reads the response head (up to the
  /// blank line); `extra` is added to the headers as is ("Name: value\r\n" lines).
  std::string upgrade(const std::string& cookie, const std::string& origin,
                      const std::string& extra = {});

  /// A client-to-server WebSocket frame (masked, as RFC 6455 requires of clients).
  static std::string frame(int opcode, const std::string& payload, bool fin = true,
                           bool rsv1 = false);
  /// The close code of the first close frame in server-to-client bytes, if any.
  static std::optional<int> close_code(const std::string& server_bytes);
  /// The text payloads of the complete unfragmented text frames in server-to-client bytes.
  static std::vector<std::string> texts(const std::string& server_bytes);

 private:
  int fd_ = -1;
  bool closed_ = false;
  std::string received_;
};

}  // namespace pacte::test
