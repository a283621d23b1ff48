// SPDX-License-Identifier: Apache-2.0
#include "capture/collector.hpp"

#include <fmt/format.h>

#include <utility>
#include <vector>

namespace synack::capture {

using tcp::State;

namespace {

// A SYN's peer LISTENs if it answered with a SYN,ACK; a SYN answered by an RST
// (refused) or by nothing found no listener: CLOSED. No SYN captured: the
// conversation was already open.
State initial_b(const Conversation& c) {
  if (!c.syn) return State::kEstablished;
  return c.syn_ack ? State::kListen : State::kClosed;
}

}  // namespace

Collector::Collector(const Conversation& c, CollectOptions o, std::string title)
    : conv_(c),
      builder_(std::move(title), "capture"),
      states_a_(0, c.syn ? State::kClosed : State::kEstablished),
      states_b_(1, initial_b(c)),
      events_(o) {
  builder_.generator("synack draw (capture)");
  builder_.description(fmt::format(
      "TCP stream {} of a capture: {} ↔ {}. Both endpoints' states are inferred from the "
      "wire; times are capture times from the first segment.",
      c.stream, c.a.to_string(), c.b.to_string()));
  const bool syn = c.syn;
  builder_.endpoint(syn ? "client" : "A", c.a.ip.to_string(), c.a.port,
                    syn ? std::optional<std::uint32_t>(c.syn_seq) : std::nullopt,
                    syn ? State::kClosed : State::kEstablished);
  builder_.endpoint(syn ? "server" : "B", c.b.ip.to_string(), c.b.port, std::nullopt, initial_b(c));
}

void Collector::add(const Segment& s, Instant t) {
  const bool from_a = conv_.from_a(s);
  viz::PacketEvent p;
  p.sent = Instant{t - conv_.first};
  p.arrived = p.sent;  // one capture point: seen once
  p.from = from_a ? 0 : 1;
  p.to = from_a ? 1 : 0;
  p.tcp = s.tcp;
  std::vector<viz::StateEvent> states;
  states_a_.observe(p, states);
  states_b_.observe(p, states);
  events_.add(std::move(p));
  for (auto& st : states) events_.add(std::move(st));
}

viz::Run Collector::finish() {
  for (auto& e : events_.finish()) {
    if (auto* p = std::get_if<viz::PacketEvent>(&e)) {
      builder_.packet(std::move(*p));
    } else if (auto* st = std::get_if<viz::StateEvent>(&e)) {
      builder_.state(st->time, st->endpoint, st->from, st->to, std::move(st->cause),
                     std::move(st->rfc));
    } else {
      auto& n = std::get<viz::NoteEvent>(e);
      builder_.note(n.time, n.endpoint, std::move(n.text));
    }
  }
  return builder_.build();
}

}  // namespace synack::capture
