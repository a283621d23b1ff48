// SPDX-License-Identifier: Apache-2.0
// The TCP demultiplexer: the one place where an arriving segment is matched
// to a connection, a listener, a compact TIME-WAIT entry or a closed port
// (RFC 9293 §3.10.7: "If the state is CLOSED (i.e., TCB does not exist) ...",
// §3.10.7.2 LISTEN, §3.10.7.4 TIME-WAIT). See docs/architecture.md.
//
// It owns
//   - the connection index: 4-tuple → the owner's connection id (the owner,
//     e.g. Stack, keeps the TCBs and their sockets and delivers to them);
//   - the listeners (tcp::Listener, with their SYN and accept queues);
//   - the compact TIME-WAIT table (tcp::TimeWaitEntry) and its timers.
// and answers, once each: the TIME-WAIT verdicts of compact entries and their
// trace (RFC 1337 switch, RFC 6191 timestamp re-open, the new-ISS rule of
// RFC 9293 §3.6.1 / MAY-2 handed to the listener), the connection limit for
// new SYNs, and the closed-port RST (RFC 9293 §3.10.7.1).
//
// Sans-IO like the rest of the engine: segments in through on_segment(),
// listener output out through poll_transmit(), timers through next_deadline()
// and on_timeout().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "base/flat_map.hpp"
#include "base/time.hpp"
#include "tcp/config.hpp"
#include "tcp/listener.hpp"
#include "tcp/time_wait.hpp"
#include "tcp/time_wait_table.hpp"
#include "tcp/trace.hpp"
#include "tcp/types.hpp"
#include "wire/tcp.hpp"

namespace synack::tcp {

/// The connection index's key for an IPv4 tuple: 12 bytes, as before IPv6.
struct TupleKey4 {
  std::uint32_t local = 0, remote = 0;
  std::uint16_t local_port = 0, remote_port = 0;
  friend constexpr bool operator==(const TupleKey4&, const TupleKey4&) = default;
};
/// The connection index's key for an IPv6 tuple: 36 bytes, in a table of its own.
struct TupleKey6 {
  Ipv6Addr local, remote;
  std::uint16_t local_port = 0, remote_port = 0;
  friend constexpr bool operator==(const TupleKey6&, const TupleKey6&) = default;
};

/// Keyed hash for the demux tables: a peer cannot aim collisions at one bucket
/// without the secret (k0, k1). An IPv4 tuple hashes as TupleKey4 does.
struct TupleHash {
  std::uint64_t k0 = 0, k1 = 0;
  [[nodiscard]] std::size_t operator()(const FourTuple& t) const;
  [[nodiscard]] std::size_t operator()(const TupleKey4& t) const;
  [[nodiscard]] std::size_t operator()(const TupleKey6& t) const;
  [[nodiscard]] std::size_t operator()(const Endpoint& e) const;
};

/// Limits and policies of the demultiplexer (the stack's configuration).
struct DemuxLimits {
  std::size_t max_connections = 65536;  ///< connection index entries; SYNs beyond are dropped
  std::size_t max_time_wait = 65536;    ///< TIME-WAIT entries; beyond, a new one is not kept
  bool rst_closed_ports = true;         ///< answer a segment for no connection with a RST
};

/// Where on_segment() sent a segment, and what the owner has to do.
struct Delivery {
  enum class To : std::uint8_t {
    kConnection,    ///< deliver it to the owner's connection `id` (Connection::on_segment)
    kListener,      ///< handled by listener `id`; `completed`: a connection is ready for accept()
    kTimeWait,      ///< handled by a compact TIME-WAIT entry
    kOverLimit,     ///< a SYN for a listener while DemuxLimits::max_connections TCBs exist
    kNoConnection,  ///< no connection, entry or listener (RFC 9293 §3.10.7.1)
  };
  To to = To::kNoConnection;
  std::uint32_t id = 0;
  bool completed = false;
  /// A segment to send now (a TIME-WAIT ACK, a listener's RST or SYN-ACK
  /// with a cookie, the closed-port RST when DemuxLimits::rst_closed_ports).
  std::optional<TcpSegment> reply = std::nullopt;
};

class Demux {
 public:
  /// `cfg` (must outlive the demux; its later changes apply) decides the
  /// TIME-WAIT and SYN+FIN rules; `sink` (may be null) receives their trace
  /// events; `hash` keys the tables.
  Demux(const Config& cfg, TraceSink* sink, TupleHash hash, DemuxLimits limits);

  /// SEGMENT ARRIVES for `tuple` (local side first): the only dispatch.
  Delivery on_segment(const FourTuple& tuple, const TcpSegment& seg, Instant now);

  // ---- connections (the owner keeps the TCBs; ids are the owner's) --------------
  void add_connection(const FourTuple& tuple, std::uint32_t id);
  void remove_connection(const FourTuple& tuple);
  [[nodiscard]] const std::uint32_t* find_connection(const FourTuple& tuple) const;
  [[nodiscard]] std::size_t connection_count() const {
    return conn_index_.size() + conn_index6_.size();
  }

  // ---- listeners ------------------------------------------------------------------
  /// Takes `l`; returns its id (the lowest free one).
  std::uint32_t add_listener(std::unique_ptr<Listener> l);
  [[nodiscard]] Listener& listener(std::uint32_t id) { return *listeners_[id]; }
  [[nodiscard]] const Listener& listener(std::uint32_t id) const { return *listeners_[id]; }
  /// Frees listener `id` after its remaining output went to `out(tuple, seg)`.
  template <typename F>
  void remove_listener(std::uint32_t id, Instant now, F&& out) {
    while (auto o = listeners_[id]->poll_transmit(now)) out(o->first, o->second);
    listeners_[id].reset();
  }
  /// The listener for `local`: an exact address first, then the wildcard of
  /// `local`'s family (0.0.0.0 or ::), then a listener on the unspecified
  /// address with port 0, which takes every port (any-destination mode).
  [[nodiscard]] const Listener* find_listener(const Endpoint& local) const;
  /// Calls f(const Listener&) for every listener.
  template <typename F>
  void for_each_listener(F&& f) const {
    for (const auto& l : listeners_) {
      if (l) f(*l);
    }
  }

  // ---- TIME-WAIT --------------------------------------------------------------------
  /// Keeps `entry` until its expiry; false if the table is full (not kept:
  /// Linux "time wait bucket table overflow").
  bool add_time_wait(const TimeWaitEntry& entry);
  [[nodiscard]] bool in_time_wait(const FourTuple& tuple) const {
    return tw_.find(tuple) != TimeWaitTable<TupleHash>::kNone;
  }
  [[nodiscard]] std::size_t time_wait_count() const { return tw_.size(); }
  /// Calls f(const TimeWaitEntry&) for every entry.
  template <typename F>
  void for_each_time_wait(F&& f) const {
    tw_.for_each(f);
  }
  /// Deletes every TIME-WAIT entry (FreeBSD `tcpdrop -s TIME_WAIT`); returns how many.
  std::size_t drop_time_wait();

  // ---- output and timers ------------------------------------------------------------
  /// The listeners' output (SYN-ACKs, their retransmissions, RSTs, ACKs).
  std::optional<std::pair<FourTuple, TcpSegment>> poll_transmit(Instant now);
  /// The earliest TIME-WAIT expiry or listener deadline; kNever if none.
  [[nodiscard]] Instant next_deadline() const;
  /// Expires TIME-WAIT entries (RFC 9293 §3.10.8) and runs the listeners' timers.
  void on_timeout(Instant now);

  /// Segments dropped by TIME-WAIT entries, by reason.
  [[nodiscard]] const DropCounters& drops() const { return drops_; }

 private:
  Delivery to_time_wait(std::uint32_t index, const FourTuple& t, const TcpSegment& seg,
                        Instant now);
  Delivery to_listener(const FourTuple& t, const TcpSegment& seg, Instant now,
                       std::optional<SeqNum> iss = std::nullopt);
  Delivery no_connection(const FourTuple& t, const TcpSegment& seg, Instant now);
  std::optional<std::uint32_t> listener_id(const Endpoint& local) const;
  void trace_time_wait(const FourTuple& t, const TimeWaitResult& r, Instant now);
  void trace_expiry(const TimeWaitEntry& tw, Instant now);
  void free_time_wait(std::uint32_t index);

  const Config& cfg_;
  TraceSink* sink_;
  DemuxLimits limits_;
  // One index per family, so IPv4 slots stay 12-byte keys (RFC 6056 / RFC 6528
  // work on either; a tuple of mixed families is in neither).
  FlatMap<TupleKey4, std::uint32_t, TupleHash> conn_index_;
  FlatMap<TupleKey6, std::uint32_t, TupleHash> conn_index6_;
  std::vector<std::unique_ptr<Listener>> listeners_;  // by id; address 0.0.0.0 = any
  TimeWaitTable<TupleHash> tw_;  // compact TIME-WAIT entries, their index and expiry queue
  DropCounters drops_;
};

}  // namespace synack::tcp
