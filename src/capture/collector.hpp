// SPDX-License-Identifier: Apache-2.0
// One conversation of a capture as a viz::Run, built while the capture
// streams past: memory stays bounded however many packets it has. Both
// endpoints' states are inferred from the wire (viz/wire_states.hpp); long
// transfers collapse into summary rows (viz/collapse.hpp), every SYN, FIN,
// RST and inferred state change is drawn with the segments around it.
#pragma once

#include <cstdint>
#include <string>

#include "capture/conversations.hpp"
#include "capture/segment.hpp"
#include "viz/collapse.hpp"
#include "viz/run.hpp"
#include "viz/wire_states.hpp"

namespace synack::capture {

using CollectOptions = viz::CollapseOptions;

class Collector {
 public:
  /// `c`: the conversation (from a first pass over the capture); `title`:
  /// the run's title, e.g. "capture.pcap, stream 0".
  Collector(const Conversation& c, CollectOptions o, std::string title);

  /// A segment of this conversation, captured at `t` (absolute time).
  void add(const Segment& s, Instant t);

  /// The finished run (call once): times relative to the first segment.
  [[nodiscard]] viz::Run finish();

  /// Segments collapsed into summary rows so far.
  [[nodiscard]] std::uint64_t collapsed() const { return events_.collapsed(); }

 private:
  Conversation conv_;
  viz::RunBuilder builder_;
  viz::WireStates states_a_, states_b_;
  viz::EventCollapser events_;
};

}  // namespace synack::capture
