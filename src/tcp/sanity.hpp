// SPDX-License-Identifier: Apache-2.0
// Invariants of one TCB that must hold between any two events, checked by the
// stateful fuzz targets after every step and by the engine's test harness after
// every injected segment and timer (smoltcp's `sanity` idea).
//
// What is checked (RFC 9293 §3.3.1 variables, the buffers behind them):
//  * SND.UNA ≤ SND.NXT, and the bytes in flight (SND.NXT − SND.UNA) are covered
//    by the send buffer plus one for SYN and one for FIN;
//  * SND.WND ≤ MAX.SND.WND (RFC 5961 §5);
//  * the send buffer within its capacity, the readable bytes within RCV.BUFF;
//  * RCV.NXT = IRS + 1 + bytes delivered in order (+ 1 after the peer's FIN):
//    the receive window's left edge and the byte stream agree;
//  * out-of-order intervals beyond RCV.NXT, sorted, disjoint, within the bound
//    (Reassembler config) and inside the receive buffer;
//  * SACK scoreboard ranges inside [SND.UNA, SND.NXT], sorted, disjoint.
// State transitions are checked against the RFC 9293 §3.3.2 diagram
// (state_diagram_edges()) by `SanitySink` from the trace events.
#pragma once

#include <string>

#include "tcp/connection.hpp"
#include "tcp/state.hpp"
#include "tcp/trace.hpp"

namespace synack::tcp {

/// The first violated invariant of `c`, described (names and values), or an
/// empty string if all hold. Cheap: O(out-of-order intervals + SACK ranges).
[[nodiscard]] std::string sanity(const Connection& c);

/// Whether from → to is an edge of the RFC 9293 state diagram as the engine
/// takes it (state_diagram_edges()); from == to is not a transition and holds.
[[nodiscard]] bool is_diagram_edge(State from, State to);

/// A TraceSink that checks every state change against the diagram and keeps
/// the first illegal one; forwards every event to `next` (may be null).
class SanitySink : public TraceSink {
 public:
  explicit SanitySink(TraceSink* next = nullptr) : next_(next) {}
  void on_event(const TraceEvent& e) override;
  /// The first illegal transition ("LISTEN -> CLOSE-WAIT (cause)"), or empty.
  [[nodiscard]] const std::string& violation() const { return violation_; }

 private:
  TraceSink* next_;
  std::string violation_;
};

}  // namespace synack::tcp
