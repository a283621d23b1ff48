// SPDX-License-Identifier: Apache-2.0
#include "viz/wire_states.hpp"

#include <fmt/format.h>

namespace synack::viz {

using tcp::State;

void WireStates::go(Instant t, State to, std::string_view why, std::vector<StateEvent>& out) {
  if (to == state_) return;
  out.push_back({t, e_, state_, to, fmt::format("{} (inferred from the wire)", why), ""});
  state_ = to;
}

void WireStates::observe(const PacketEvent& p, std::vector<StateEvent>& out) {
  if (p.from == e_) sent(p, out);
  if (p.to == e_) received(p, out);
}

void WireStates::sent(const PacketEvent& p, std::vector<StateEvent>& out) {
  const auto& f = p.tcp.flags;
  if (f.rst()) return go(p.sent, State::kClosed, "snd RST", out);
  if (f.syn() && !f.ack()) go(p.sent, State::kSynSent, "snd SYN", out);
  if (f.syn() && f.ack()) go(p.sent, State::kSynReceived, "snd SYN,ACK", out);
  if (!f.syn() && f.ack() && state_ == State::kSynSent) {
    go(p.sent, State::kEstablished, "snd ACK of SYN,ACK", out);
  }
  if (f.fin()) {
    fin_seq_ = p.tcp.seq + p.tcp.len;
    if (state_ == State::kEstablished || state_ == State::kSynReceived) {
      go(p.sent, State::kFinWait1, "snd FIN", out);
    } else if (state_ == State::kCloseWait) {
      go(p.sent, State::kLastAck, "snd FIN", out);
    }
  }
}

void WireStates::received(const PacketEvent& p, std::vector<StateEvent>& out) {
  if (p.fate != Fate::kDelivered || !p.arrived) return;
  const Instant t = *p.arrived;
  const auto& f = p.tcp.flags;
  if (f.rst()) return go(t, State::kClosed, "rcv RST", out);
  const bool acks_fin = fin_seq_ && f.ack() && p.tcp.ack == *fin_seq_ + 1;
  if (state_ == State::kSynReceived && f.ack()) {
    go(t, State::kEstablished, "rcv ACK of SYN", out);
  }
  if (acks_fin) {
    if (state_ == State::kFinWait1) {
      go(t, f.fin() ? State::kTimeWait : State::kFinWait2, "rcv ACK of FIN", out);
    } else if (state_ == State::kClosing) {
      go(t, State::kTimeWait, "rcv ACK of FIN", out);
    } else if (state_ == State::kLastAck) {
      go(t, State::kClosed, "rcv ACK of FIN", out);
    }
  }
  if (f.fin()) {
    if (state_ == State::kEstablished) {
      go(t, State::kCloseWait, "rcv FIN", out);
    } else if (state_ == State::kFinWait1) {
      go(t, State::kClosing, "rcv FIN", out);
    } else if (state_ == State::kFinWait2) {
      go(t, State::kTimeWait, "rcv FIN", out);
    }
  }
}

// Packets on a TUN device arrive the instant they are sent, so each inferred
// change is placed right after the packet it was read from (the ladder shows
// a state on the row of the segment that caused it).
void infer_states(Run& run, EndpointId e, State initial) {
  WireStates inf(e, initial);
  std::vector<StateEvent> found;
  std::vector<Event> out;
  out.reserve(run.events.size() * 2);
  for (auto& ev : run.events) {
    std::optional<PacketEvent> p;
    if (const auto* pe = std::get_if<PacketEvent>(&ev)) p = *pe;
    out.push_back(std::move(ev));
    if (!p) continue;
    inf.observe(*p, found);
    for (auto& st : found) out.emplace_back(std::move(st));
    found.clear();
  }
  run.events = std::move(out);
  if (!run.endpoints[e].initial_state) run.endpoints[e].initial_state = initial;
}

}  // namespace synack::viz
