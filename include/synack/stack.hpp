// SPDX-License-Identifier: Apache-2.0
// synack::api::Stack — a userspace TCP/IPv4 stack, sans-IO.
//
// The stack owns no thread, reads no clock and makes no syscall. The embedder
// owns I/O and time:
//
//   network side    receive(packet, now)       an IPv4 packet from the link
//                   poll_transmit(now)         the next IPv4 packet to send
//                   next_deadline()            when on_timeout() has work
//                   on_timeout(now)            fire due timers (RTO, TIME-WAIT ...)
//   socket side     socket/bind/listen/accept/connect/send/recv/shutdown/close,
//                   non-blocking with BSD semantics; readiness by poll(fd) or
//                   by the callback set_callback() installs.
//
// After any call (network or socket side) drain poll_transmit() and re-read
// next_deadline(): both may have changed.
//
// Threading: a Stack is not thread-safe. Use each stack from one thread at a
// time (one stack per thread scales; several stacks in one process are
// independent). The callback runs inside the call that changed readiness; it
// may call back into the stack's socket functions.
//
// Lifetime: destroying a Stack frees every connection at once and sends
// nothing; for a polite exit close the sockets and keep driving the stack
// until next_deadline() is kNever. A moved-from Stack may only be destroyed
// or assigned to.
//
// Errors are errno values as std::errc (see types.hpp); each function lists
// the ones it returns. Protocol behaviour follows RFC 9293 (docs/engine.md).
#pragma once

#include <cstddef>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "synack/types.hpp"

namespace synack::api {

namespace detail {
struct StackImpl;
}

class Stack {
 public:
  /// A stack with `config`. Without config.secret it draws its keys from the
  /// OS (getrandom); the only exception it throws is std::bad_alloc.
  explicit Stack(const Config& config = {});
  ~Stack();
  Stack(Stack&&) noexcept;
  Stack& operator=(Stack&&) noexcept;
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  // ---- network side ----------------------------------------------------------------
  /// One IPv4 packet received from the link (starting at the IP header, no
  /// link header). Anything is accepted: malformed packets, packets for other
  /// addresses and unknown protocols are dropped and counted, never read out
  /// of bounds. The bytes are not kept after the call.
  void receive(std::span<const std::byte> packet, Instant now);
  /// The next IPv4 packet to put on the link, or nullopt when there is none.
  /// The bytes stay valid until the next call into this stack.
  [[nodiscard]] std::optional<std::span<const std::byte>> poll_transmit(Instant now);
  /// Calls `send(std::span<const std::byte>)` for every packet poll_transmit() yields.
  template <typename F>
  void transmit(Instant now, F&& send) {
    while (auto packet = poll_transmit(now)) send(*packet);
  }
  /// The earliest time on_timeout() has work; kNever when no timer is armed.
  [[nodiscard]] Instant next_deadline() const;
  /// Runs every timer due at `now` (retransmission, delayed ACK, persist,
  /// keepalive, TIME-WAIT expiry). Calling it early is harmless.
  void on_timeout(Instant now);

  // ---- sockets (BSD shape, non-blocking) -------------------------------------------
  /// A new TCP socket. Errors: too_many_files_open (EMFILE).
  [[nodiscard]] std::expected<Fd, std::errc> socket();
  /// Binds to `local` (address ours or 0.0.0.0; port 0 = ephemeral). Errors:
  /// bad_file_descriptor, invalid_argument (already bound / not our address),
  /// address_in_use.
  std::expected<void, std::errc> bind(Fd fd, Endpoint local);
  /// Listens with room for `backlog` completed connections (clamped to
  /// 1..4096). Errors: bad_file_descriptor, invalid_argument, address_in_use.
  std::expected<void, std::errc> listen(Fd fd, int backlog, Instant now);
  /// A completed connection from the listener's queue; `peer` (optional)
  /// receives its remote endpoint. Errors: operation_would_block (EAGAIN:
  /// none yet, wait for kPollIn), bad_file_descriptor, invalid_argument.
  [[nodiscard]] std::expected<Fd, std::errc> accept(Fd fd, Endpoint* peer = nullptr);
  /// Starts an active open (sends a SYN). The first call fails with
  /// operation_in_progress (EINPROGRESS); completion shows as kPollOut, a
  /// failure as kPollErr with the reason in SockOpt::kError (e.g. ECONNREFUSED,
  /// ETIMEDOUT). Errors: connection_already_in_progress (EALREADY),
  /// already_connected (EISCONN), address_not_available (no ephemeral port),
  /// no_buffer_space (max_connections), bad_file_descriptor.
  std::expected<void, std::errc> connect(Fd fd, Endpoint remote, Instant now);
  /// Queues bytes for sending; returns how many were taken (fewer than asked
  /// when the send buffer fills). Errors: operation_would_block (buffer full:
  /// wait for kPollOut), broken_pipe (EPIPE, after shutdown(kWrite)),
  /// not_connected, connection_reset, timed_out, bad_file_descriptor.
  std::expected<std::size_t, std::errc> send(Fd fd, std::span<const std::byte> data, Instant now);
  /// Reads received bytes into `out`; 0 means end of stream (the peer's FIN).
  /// flags: 0 or kMsgPeek. Errors: operation_would_block (nothing yet: wait
  /// for kPollIn), not_connected, connection_reset, timed_out, bad_file_descriptor.
  std::expected<std::size_t, std::errc> recv(Fd fd, std::span<std::byte> out, Instant now,
                                             int flags = 0);
  /// Ends one or both directions; kWrite sends a FIN after the queued data.
  /// Errors: bad_file_descriptor, not_connected.
  std::expected<void, std::errc> shutdown(Fd fd, ShutdownHow how, Instant now);
  /// Releases the descriptor. The connection keeps closing in the background
  /// (FIN, TIME-WAIT for 2·MSL) unless SO_LINGER 0 asks for an abortive close
  /// (RST). Errors: bad_file_descriptor.
  std::expected<void, std::errc> close(Fd fd, Instant now);
  /// Reads an option. Errors: bad_file_descriptor, no_protocol_option.
  [[nodiscard]] std::expected<int, std::errc> getsockopt(Fd fd, SockOpt opt) const;
  /// Sets an option (ranges in SockOpt). A listener's options reach the
  /// sockets it accepts. Errors: bad_file_descriptor, no_protocol_option,
  /// invalid_argument (out of range).
  std::expected<void, std::errc> setsockopt(Fd fd, SockOpt opt, int value, Instant now);
  /// TCP_CONGESTION: "newreno" (or "reno") or "cubic". Errors:
  /// bad_file_descriptor, no_such_file_or_directory (unknown name, as Linux).
  std::expected<void, std::errc> set_congestion(Fd fd, std::string_view name);
  /// TCP_INFO snapshot at `now`. Errors: bad_file_descriptor.
  [[nodiscard]] std::expected<TcpInfo, std::errc> tcp_info(Fd fd, Instant now) const;
  /// The socket's local endpoint (getsockname). Errors: bad_file_descriptor,
  /// not_connected (neither bound nor connected).
  [[nodiscard]] std::expected<Endpoint, std::errc> local_endpoint(Fd fd) const;
  /// The peer's endpoint (getpeername). Errors: bad_file_descriptor, not_connected.
  [[nodiscard]] std::expected<Endpoint, std::errc> remote_endpoint(Fd fd) const;

  // ---- readiness ---------------------------------------------------------------------
  /// Current readiness of `fd`: a mask of kPollIn, kPollOut, kPollErr,
  /// kPollHup (kPollErr for an unknown fd).
  [[nodiscard]] std::uint32_t poll(Fd fd) const;
  /// Called with (fd, poll mask) whenever the readiness of `fd` may have
  /// changed (during receive, on_timeout and socket calls). Level-triggered
  /// thinking is safe: a callback may repeat a mask. Pass {} to remove.
  using ReadinessCallback = std::function<void(Fd, std::uint32_t)>;
  void set_callback(ReadinessCallback callback);

  // ---- introspection -------------------------------------------------------------------
  /// Our address (Config::address).
  [[nodiscard]] Ipv4Address address() const;
  /// Stack-wide counters.
  [[nodiscard]] Counters counters() const;
  /// Connections in `state` (TIME-WAIT entries included; listeners count as LISTEN).
  [[nodiscard]] std::size_t count_in_state(State state) const;
  /// Every counter by name, like `nstat -a` / `netstat -s`: packets, each drop
  /// reason, each limit hit (fragment evictions, PMTU floor, SYN cookies,
  /// TIME-WAIT and orphan caps, reply rate limit ...); names are stable and
  /// listed in docs/hostile-input.md. Zero counters included.
  [[nodiscard]] std::vector<std::pair<std::string, std::uint64_t>> stats() const;

 private:
  friend struct detail::StackImpl;
  explicit Stack(std::unique_ptr<detail::StackImpl> impl);
  std::unique_ptr<detail::StackImpl> impl_;
};

}  // namespace synack::api
