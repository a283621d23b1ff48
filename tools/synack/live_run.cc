// SPDX-License-Identifier: Apache-2.0
#include "live_run.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "viz/wire_states.hpp"

namespace synack::cli {

using tcp::State;

void LiveRecorder::on_packet(PacketDirection dir, Bytes packet, Instant now) {
  if (!drawing()) return;
  auto p = parse_ipv4_tcp(packet);
  if (!p) return;
  const bool in = dir == PacketDirection::kFromKernel;
  const Ipv4Addr peer = in ? p->ip.src() : p->ip.dst();
  const Ipv4Addr ours = in ? p->ip.dst() : p->ip.src();
  const std::uint16_t peer_port = in ? p->tcp.src_port : p->tcp.dst_port;
  const std::uint16_t our_port = in ? p->tcp.dst_port : p->tcp.src_port;
  const Key key{peer.value, peer_port, our_port};
  if (!conns_.contains(key) && conns_.size() >= kMaxConnections) conns_.erase(conns_.begin());
  Conn& c = conns_[key];
  c.peer_addr = peer;
  c.our_addr = ours;
  c.peer_port = peer_port;
  c.our_port = our_port;
  viz::PacketEvent e;
  e.sent = now;
  e.arrived = now;
  e.from = in ? 0 : 1;
  e.to = in ? 1 : 0;
  e.tcp = viz::fields_from_segment(p->tcp);
  if (e.tcp.flags.syn()) {
    auto& isn = in ? c.peer_isn : c.our_isn;
    if (!isn) isn = e.tcp.seq;
  }
  // The kernel's states, inferred as the packet passes (kept right after it).
  std::vector<viz::StateEvent> inferred;
  c.peer_states.observe(e, inferred);
  keep(c, std::move(e));
  for (auto& st : inferred) keep(c, std::move(st));
}

void LiveRecorder::keep(Conn& c, viz::Event e) {
  if (!c.first_time) c.first_time = viz::event_time(e);
  c.events.add(std::move(e));
}

void LiveRecorder::on_event(const tcp::TraceEvent& e) {
  // A connection is over when it enters TIME-WAIT, or CLOSED from anywhere but
  // TIME-WAIT (a compact TIME-WAIT entry expiring is not a second ending).
  const bool over =
      e.kind == tcp::TraceKind::kStateChange &&
      (e.to == State::kTimeWait || (e.to == State::kClosed && e.from != State::kTimeWait));
  if (over) ++finished_count_;
  if (!drawing()) return;
  const auto* remote = e.tuple.remote.v4();
  if (remote == nullptr) return;  // the TUN path is IPv4
  const Key key{remote->value, e.tuple.remote.port, e.tuple.local.port};
  auto it = conns_.find(key);
  if (it == conns_.end()) return;  // events before the first packet (none in practice)
  Conn& c = it->second;
  if (e.kind == tcp::TraceKind::kStateChange) {
    if (!c.any_state) c.first_state = e.from;
    c.any_state = true;
    keep(c, viz::StateEvent{e.at, 1, e.from, e.to, std::string(e.cause), std::string(e.rfc)});
    if (over && !c.finished) {
      c.finished = true;
      finished_keys_.push_back(key);
    }
  } else if (e.kind != tcp::TraceKind::kUserCall) {
    keep(c, viz::NoteEvent{e.at, 1,
                           fmt::format("{}: {} ({})", tcp::to_string(e.kind), e.cause, e.rfc)});
  }
}

void LiveRecorder::emit_finished() {
  for (const Key& key : finished_keys_) {
    auto it = conns_.find(key);
    if (it == conns_.end()) continue;
    const viz::Run run = build(it->second);
    conns_.erase(it);  // a new incarnation of the 4-tuple starts afresh
    for (const auto& f : on_finished_) f(run);
  }
  finished_keys_.clear();
}

viz::Run LiveRecorder::build(const Conn& c) const {
  viz::RunBuilder b(fmt::format("{}:{} <-> synack {}:{}", c.peer_addr.to_string(), c.peer_port,
                                c.our_addr.to_string(), c.our_port),
                    "live");
  b.generator("synack serve (TUN, real Linux peer)");
  b.endpoint(peer_name_, c.peer_addr.to_string(), c.peer_port, c.peer_isn, State::kClosed);
  b.endpoint("synack", c.our_addr.to_string(), c.our_port, c.our_isn, c.first_state);
  // Times relative to the connection's first event (the clock is CLOCK_MONOTONIC);
  // events of one instant keep the order in which they happened.
  const Duration base = c.first_time ? c.first_time->time_since_epoch() : Duration{};
  const auto rel = [base](Instant t) { return t - base; };
  for (const auto& ev : c.events.snapshot()) {
    if (const auto* p = std::get_if<viz::PacketEvent>(&ev)) {
      viz::PacketEvent q = *p;
      q.sent = rel(q.sent);
      if (q.arrived) q.arrived = rel(*q.arrived);
      b.packet(q);
    } else if (const auto* st = std::get_if<viz::StateEvent>(&ev)) {
      b.state(rel(st->time), st->endpoint, st->from, st->to, st->cause, st->rfc);
    } else if (const auto* n = std::get_if<viz::NoteEvent>(&ev)) {
      b.note(rel(n->time), n->endpoint, n->text);
    }
  }
  return b.build();
}

std::vector<viz::Run> LiveRecorder::runs() const {
  std::vector<viz::Run> out;
  for (const auto& [key, c] : conns_) out.push_back(build(c));
  return out;
}

std::string LiveRecorder::describe(PacketDirection dir, const TcpSegment& seg) {
  return fmt::format("{} {}",
                     dir == PacketDirection::kFromKernel ? "kernel → synack" : "synack → kernel",
                     seg.flags.to_string());
}

}  // namespace synack::cli
