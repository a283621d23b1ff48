// SPDX-License-Identifier: Apache-2.0
// A socket-style listener (RFC 9293 §3.10.7.2 LISTEN, RFC 4987 SYN cookies):
// local endpoint, backlog, SYN queue of half-open connections (SYN-RECEIVED),
// accept queue of completed ones.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>

#include "base/time.hpp"
#include "tcp/config.hpp"
#include "tcp/connection.hpp"
#include "tcp/isn.hpp"
#include "tcp/trace.hpp"
#include "tcp/types.hpp"
#include "wire/tcp.hpp"

namespace synack::tcp {

/// What a segment did to the listener.
struct ListenerResult {
  enum class Kind : std::uint8_t {
    kDropped,       ///< discarded (`drop` says why); nothing to send
    kReply,         ///< send `reply` (a RST, or a SYN-ACK carrying a cookie)
    kNewHalfOpen,   ///< a connection entered the SYN queue (its SYN-ACK comes from poll_transmit)
    kToConnection,  ///< delivered to a queued connection (may have completed the handshake)
    kCompleted,     ///< a handshake completed: a connection is ready for accept()
    kCompletedCookie,  ///< a connection was rebuilt from a valid SYN cookie and is ready
  };
  Kind kind = Kind::kDropped;
  std::optional<TcpSegment> reply;
  DropReason drop = DropReason::kNone;
};

class Listener {
 public:
  /// CLOSED → LISTEN on `local`. `backlog` bounds each queue (≥ 1).
  Listener(const Endpoint& local, std::size_t backlog, SharedConfig cfg, TraceSink* sink = nullptr,
           std::uint64_t first_conn_id = 1);

  /// A segment for `tuple` (local side = this listener) with no established TCB.
  /// `iss`: the ISS a SYN that re-opened a TIME-WAIT 4-tuple must use (beyond
  /// the old incarnation's sequence space: RFC 9293 §3.6.1 / MAY-2); such a
  /// SYN is never answered with a cookie (as Linux's tcp_conn_request).
  ListenerResult on_segment(const FourTuple& tuple, const TcpSegment& seg, Instant now,
                            std::optional<SeqNum> iss = std::nullopt);
  /// Output of the queued connections (SYN-ACKs, retransmissions, RSTs, ACKs).
  std::optional<std::pair<FourTuple, TcpSegment>> poll_transmit(Instant now);
  [[nodiscard]] Instant next_deadline() const;
  void on_timeout(Instant now);
  /// The queued connection (SYN or accept queue) for `tuple`, or nullptr.
  [[nodiscard]] const Connection* find(const FourTuple& tuple) const;
  /// The oldest completed connection, or nullptr.
  std::unique_ptr<Connection> accept();
  /// CLOSE of the listener: LISTEN → CLOSED; queued connections are aborted.
  void close(Instant now);

  [[nodiscard]] std::size_t syn_queue_length() const { return syn_queue_.size(); }
  [[nodiscard]] std::size_t accept_queue_length() const { return accept_queue_.size(); }
  [[nodiscard]] std::size_t backlog() const { return backlog_; }
  [[nodiscard]] const Endpoint& local() const { return local_; }
  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] const DropCounters& drops() const { return drops_; }
  /// Replaces the configuration for connections created from now on (the
  /// socket options of a listening socket, inherited by what it accepts).
  void set_config(SharedConfig cfg) { cfg_ = std::move(cfg); }
  [[nodiscard]] const Config& config() const { return *cfg_; }
  /// SYN-ACKs sent with a cookie instead of queue state.
  [[nodiscard]] std::uint64_t cookies_sent() const { return cookies_sent_; }

 private:
  ListenerResult on_syn(const FourTuple& tuple, const TcpSegment& seg, Instant now,
                        std::optional<SeqNum> iss);
  ListenerResult on_cookie_ack(const FourTuple& tuple, const TcpSegment& seg, Instant now);
  ListenerResult to_half_open(Connection& c, const FourTuple& tuple, const TcpSegment& seg,
                              Instant now);
  ListenerResult dropped(const FourTuple& tuple, DropReason why, std::string_view cause,
                         std::string_view rfc, Instant now);
  ListenerResult reply(const FourTuple& tuple, TcpSegment seg, std::string_view cause,
                       std::string_view rfc, Instant now);
  void harvest();
  void trace(const FourTuple& tuple, TraceKind kind, State from, State to, std::string_view cause,
             std::string_view rfc, Instant now, DropReason drop = DropReason::kNone);

  Endpoint local_;
  std::size_t backlog_;
  SharedConfig cfg_;  // shared with the connections it accepts
  TraceSink* sink_;
  std::uint64_t next_id_;
  IsnGenerator isn_;
  State state_ = State::kClosed;
  std::unordered_map<FourTuple, std::unique_ptr<Connection>> syn_queue_;
  std::deque<std::unique_ptr<Connection>> accept_queue_;
  DropCounters drops_;
  std::uint64_t cookies_sent_ = 0;
};

}  // namespace synack::tcp
