// SPDX-License-Identifier: Apache-2.0
// Any-destination mode (StackConfig::any_destination): the state of the one
// listener that takes SYNs for every address and port (Stack::listen_any),
// the tun2socks job (gVisor's promiscuous mode, smoltcp's any_ip). With a
// deferred handshake the SYN is held here, unanswered, until the application
// has reached the original destination itself: then Stack::admit() replays it
// to the listener (SYN-ACK) or Stack::refuse() answers with a RST or an ICMP
// unreachable, as a real path to that destination would.
#pragma once

#include <cstdint>
#include <deque>

#include "base/flat_map.hpp"
#include "base/time.hpp"
#include "stack/socket_types.hpp"
#include "tcp/demux.hpp"
#include "tcp/types.hpp"
#include "wire/tcp.hpp"

namespace synack {

/// How Stack::refuse() answers a held SYN.
enum class Refusal : std::uint8_t {
  kReset,        ///< RST+ACK (the destination refused: ECONNREFUSED at the client)
  kUnreachable,  ///< ICMP host unreachable from the destination's address (EHOSTUNREACH)
};

/// Options of Stack::listen_any().
struct AnyListenOptions {
  /// Hold each new SYN until admit()/refuse() (default); false: the handshake
  /// completes at once and the relay resets the connection if its upstream fails.
  bool defer_handshake = true;
  /// Most SYNs held at once (default: the backlog). Beyond it new SYNs go to
  /// the listener at once, so its SYN queue and SYN cookies protect it under a
  /// flood (RFC 4987 §3.6); counted in AnyDestination::overflowed.
  std::size_t max_pending = 0;
  /// A held SYN that the application neither admitted nor refused in this
  /// time is forgotten (the client retransmits and the SYN is held again).
  Duration pending_timeout = seconds(75);
};

/// The any-destination listener's held SYNs (Stack-internal).
struct AnyDestination {
  struct Held {
    TcpSegment syn;  ///< the latest copy of the SYN (payload dropped)
    Instant since{};
  };
  Fd fd = -1;  ///< the listening socket
  AnyListenOptions options;
  FlatMap<tcp::FourTuple, Held, tcp::TupleHash> held;
  std::deque<tcp::FourTuple> fresh;  ///< held SYNs not yet handed out by pending_syn()
  std::uint64_t deferred = 0;        ///< SYNs held
  std::uint64_t overflowed = 0;      ///< SYNs passed on at once: too many held

  AnyDestination(Fd f, AnyListenOptions o, tcp::TupleHash h) : fd(f), options(o), held(64, h) {}
};

}  // namespace synack
