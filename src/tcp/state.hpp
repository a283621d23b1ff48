// SPDX-License-Identifier: Apache-2.0
// The eleven connection states and the edges of the RFC 9293 §3.3.2 state
// diagram (Figure 5), with the RFC 1122 §4.2.2.8 / RFC 9293 corrections.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace synack::tcp {

enum class State : std::uint8_t {
  kClosed,
  kListen,
  kSynSent,
  kSynReceived,
  kEstablished,
  kFinWait1,
  kFinWait2,
  kCloseWait,
  kClosing,
  kLastAck,
  kTimeWait,
};
inline constexpr std::size_t kStateCount = 11;

/// The RFC's spelling: "SYN-RECEIVED", "TIME-WAIT" ...
[[nodiscard]] std::string_view to_string(State s);
/// FreeBSD/packetdrill spelling used by sockstat and tcpi_state: "SYN_RCVD", "TIME_WAIT" ...
[[nodiscard]] std::string_view to_bsd_string(State s);

/// States in which both sides have exchanged SYNs (RFC 9293 §3.10.7.4 "synchronized").
[[nodiscard]] constexpr bool is_synchronized(State s) {
  return s != State::kClosed && s != State::kListen && s != State::kSynSent;
}

/// One arrow of the state diagram: what causes it, as the RFC labels it.
struct StateEdge {
  State from;
  State to;
  std::string_view event;   ///< e.g. "rcv SYN"
  std::string_view action;  ///< e.g. "snd SYN,ACK"
};

/// Every edge of RFC 9293 Figure 5 plus the corrections the engine also takes
/// (SYN-RECEIVED → LISTEN on RST, RFC 9293 §3.10.7.4; LISTEN → SYN-SENT on SEND;
/// FIN-WAIT-1 → TIME-WAIT on FIN+ACK; RST / ABORT / give-up edges from every
/// state to CLOSED, §3.10.5, §3.10.7.4 second, §3.10.8; TIME-WAIT → SYN-RECEIVED
/// on a new SYN). Unique by (from, to). `state_diagram_coverage` checks each is
/// exercised by the test suite.
[[nodiscard]] std::span<const StateEdge> state_diagram_edges();

}  // namespace synack::tcp
