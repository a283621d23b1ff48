// SPDX-License-Identifier: Apache-2.0
// States of an endpoint we cannot trace (the Linux kernel behind a TUN device,
// both ends of a capture), inferred from the segments it sends and receives
// (RFC 9293 §3.3.2 as seen on the wire). Every change is labelled
// "(inferred from the wire)".
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "tcp/state.hpp"
#include "viz/run.hpp"

namespace synack::viz {

class WireStates {
 public:
  WireStates(EndpointId e, tcp::State initial) : e_(e), state_(initial) {}

  /// Feeds one segment: sent by the endpoint (at p.sent) and/or received by
  /// it (at p.arrived, if delivered). Appends the changes it implies to `out`.
  void observe(const PacketEvent& p, std::vector<StateEvent>& out);

  [[nodiscard]] tcp::State state() const { return state_; }

 private:
  void go(Instant t, tcp::State to, std::string_view why, std::vector<StateEvent>& out);
  void sent(const PacketEvent& p, std::vector<StateEvent>& out);
  void received(const PacketEvent& p, std::vector<StateEvent>& out);

  EndpointId e_;
  tcp::State state_;
  std::optional<std::uint32_t> fin_seq_;  // our FIN's sequence number (to spot its ACK)
};

/// Adds StateEvents for endpoint `e` of `run`, inferred from the segments it
/// sent and received, each right after the segment it was read from.
void infer_states(Run& run, EndpointId e, tcp::State initial);

}  // namespace synack::viz
