// SPDX-License-Identifier: Apache-2.0
// Recording → Run: turns what the simulator saw (sim::Recorder: every packet
// event with its bytes, every host's engine trace events) into the viz layer's
// Run, the data every ladder diagram is drawn from (docs/diagrams.md).
//
//   packets   one PacketEvent per segment sent by a participant, with its fate
//             on the link (delivered / dropped with the reason / corrupted /
//             duplicated, including copies the network held back and
//             delivered late), its send and arrival times
//   states    one StateEvent per engine state change (cause + RFC reference)
//   notes     RST sent, challenge ACK, retransmission, timer fired, segment
//             discarded, user calls ("user: connect()", "user: close()")
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/network.hpp"
#include "sim/recorder.hpp"
#include "tcp/state.hpp"
#include "viz/run.hpp"

namespace synack::scenarios {

/// One lifeline of the diagram: a simulated node (usually a Host).
struct Participant {
  std::string name;  ///< column title: "client", "server", "attacker"
  sim::NodeId node = sim::kNoNode;
  Ipv4Addr addr{};
  std::string addr_text;   ///< shown instead of `addr` if set (e.g. "10.66.0.0/16")
  std::uint16_t port = 0;  ///< 0: taken from the first segment it sends
  /// Index of the host's trace sink in the Recorder (nullopt: no engine traces).
  std::optional<std::size_t> trace_host;
  std::optional<tcp::State> initial_state;
  /// The ISN to count relative sequence numbers from; nullopt: the first SYN it sends.
  std::optional<std::uint32_t> isn;
  /// Keep state changes of every connection of this host (false: only those
  /// whose remote endpoint is another participant, plus the listener's).
  bool all_connections = false;
};

/// A note the scenario adds itself (e.g. "user: shutdown(SHUT_WR)").
struct ExtraNote {
  Instant at;
  std::optional<std::size_t> participant;  ///< nullopt: about the network
  std::string text;
};

struct RunInfo {
  std::string title;
  std::string scenario;
  std::uint64_t seed = 0;
  std::string description;
};

/// Builds the Run. Engine user calls become "user: ..." notes unless an
/// ExtraNote starting with "user:" exists for the same participant and time
/// (the scenario knows better, e.g. shutdown() vs close()). The listener's
/// CLOSED → LISTEN at start-up is folded into the initial state.
[[nodiscard]] viz::Run to_run(const sim::Recorder& rec, const std::vector<Participant>& who,
                              const std::vector<ExtraNote>& notes, const RunInfo& info);

/// The text of a link drop reason as a diagram shows it ("scripted drop", "random loss").
[[nodiscard]] std::string drop_text(sim::DropReason r);

/// The note a non-state trace event becomes ("RST sent: ...", "timer: ...").
[[nodiscard]] std::string trace_note(const tcp::TraceEvent& e);

}  // namespace synack::scenarios
