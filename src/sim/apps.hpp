// SPDX-License-Identifier: Apache-2.0
// Applications for simulated hosts, written against the stack's non-blocking
// socket API exactly as a real program would use BSD sockets: a scripted
// client (connect, send, shutdown, close at given times), and servers that
// echo, discard, send a fixed number of bytes, or answer request/response.
// Every byte sent is a deterministic pattern and every stream is hashed
// (SHA-256), so a run can prove its delivery was byte-exact.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "base/sha256.hpp"
#include "sim/host.hpp"

namespace synack::sim {

/// Byte `offset` of the deterministic stream `stream_seed` (any offset, O(1)).
[[nodiscard]] std::byte pattern_byte(std::uint64_t stream_seed, std::uint64_t offset);
/// Fills `out` with bytes [offset, offset + out.size()) of the stream.
void fill_pattern(std::uint64_t stream_seed, std::uint64_t offset, MutableBytes out);

/// A window of pattern bytes generated once and handed out in pieces: send()
/// often takes only part of what is offered, so regenerating per call would
/// cost more than the whole TCP transfer.
class PatternChunk {
 public:
  /// Bytes [offset, offset + n) of the stream, n = min(max, what the window holds) ≥ 1
  /// (the window moves to `offset` when it does not hold it). Valid until the next call.
  Bytes at(std::uint64_t stream_seed, std::uint64_t offset, std::uint64_t max);

 private:
  std::vector<std::byte> buf_;
  std::uint64_t start_ = 0;
  std::uint64_t seed_ = 0;
};

/// What one direction of one connection carried.
struct StreamStats {
  std::uint64_t bytes = 0;
  Sha256 sha;
  [[nodiscard]] std::string hex() const { return sha.hex(); }
};

/// The life of one connection as an application saw it.
struct ConnReport {
  Fd fd = -1;
  StreamStats sent;
  StreamStats received;
  bool connected = false;
  bool eof = false;                  ///< the peer's FIN was read
  bool closed = false;               ///< the application called close()
  std::optional<std::errc> error{};  ///< connect/recv/send error (ECONNREFUSED ...)
  Instant connected_at = kNever;
  Instant finished_at = kNever;  ///< EOF read (or error)
};

/// One step of a scripted client. `at` is absolute virtual time.
struct ClientAction {
  enum class Kind : std::uint8_t { kConnect, kSend, kShutdown, kClose, kAbort };
  Kind kind = Kind::kConnect;
  Instant at{};
  std::uint64_t bytes = 0;  ///< kSend: how many pattern bytes
};

struct ClientOptions {
  tcp::Endpoint remote{};
  std::uint16_t local_port = 0;  ///< 0: ephemeral (RFC 6056)
  std::vector<ClientAction> script{};
  std::uint64_t stream_seed = 1;
  /// Close once the peer's FIN has been read and everything was sent.
  bool close_on_eof = false;
  Duration close_delay{};  ///< wait this long after EOF before close()
};

/// Connects, follows the script, reads everything the peer sends.
class Client {
 public:
  Client(Host& host, ClientOptions options);
  /// Schedules the script on the host's loop.
  void start();
  [[nodiscard]] const ConnReport& report() const { return report_; }

 private:
  void act(const ClientAction& a);
  void on_ready(std::uint32_t mask);
  void flush_send();
  void drain();

  Host& host_;
  ClientOptions opt_;
  ConnReport report_;
  std::uint64_t to_send_ = 0;  // bytes queued by the script, not yet taken by send()
  PatternChunk pattern_;
  bool shutdown_pending_ = false;
  bool close_pending_ = false;
};

/// What a server does with each accepted connection.
enum class ServerMode : std::uint8_t {
  kEcho,     ///< send back everything received
  kDiscard,  ///< read and drop
  kSend,     ///< send `send_bytes` pattern bytes after accepting, then close on EOF
  kRespond,  ///< after `request_bytes` arrived, send `send_bytes`, then close on EOF
};

struct ServerOptions {
  std::uint16_t port = 80;
  int backlog = 128;
  ServerMode mode = ServerMode::kDiscard;
  std::uint64_t send_bytes = 0;
  std::uint64_t request_bytes = 1;
  std::uint64_t stream_seed = 2;
  /// Half-close our side right after the response is queued (FIN follows data).
  bool shutdown_after_send = false;
  /// Close once the peer's FIN has been read (after `close_delay`).
  bool close_on_eof = true;
  Duration close_delay{};
  std::optional<Instant> listen_at{};  ///< default: at start()
  /// Stop reading a connection for `pause_for` once it has read at least
  /// `pause_after` bytes (once per connection): the receive buffer fills, the
  /// window closes, the peer must probe it (RFC 9293 §3.8.6.1). Zero: never.
  Duration pause_for{};
  std::uint64_t pause_after = 0;  ///< bytes
};

class Server {
 public:
  Server(Host& host, ServerOptions options);
  void start();
  [[nodiscard]] const std::vector<ConnReport>& reports() const { return reports_; }
  [[nodiscard]] Fd listener() const { return listener_; }

 private:
  struct Conn {
    std::size_t report = 0;               // index into reports_
    std::uint64_t pending_send = 0;       // pattern bytes still to send
    std::vector<std::byte> echo_pending;  // received bytes not yet echoed
    PatternChunk pattern;
    bool responded = false;
    bool shut = false;
    bool paused = false;      // not reading until the pause ends
    bool pause_done = false;  // the one pause has begun
  };
  void on_listener_ready();
  void on_conn_ready(Fd fd, std::uint32_t mask);
  void pump_conn(Fd fd);
  bool start_pause(Fd fd, Conn& c, const ConnReport& r);
  void finish(Fd fd);

  Host& host_;
  ServerOptions opt_;
  Fd listener_ = -1;
  std::vector<ConnReport> reports_;
  std::unordered_map<Fd, Conn> conns_;
};

}  // namespace synack::sim
