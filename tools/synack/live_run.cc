// SPDX-License-Identifier: Apache-2.0
#include "live_run.hpp"

#include <algorithm>

#include <fmt/format.h>

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
  keep(c, std::move(e));
}

void LiveRecorder::keep(Conn& c, viz::Event e) {
  if (c.events.size() >= kMaxEvents) {
    ++c.omitted;
    return;
  }
  c.events.push_back(std::move(e));
}

void LiveRecorder::on_event(const tcp::TraceEvent& e) {
  // A connection is over when it enters TIME-WAIT, or CLOSED from anywhere but
  // TIME-WAIT (a compact TIME-WAIT entry expiring is not a second ending).
  const bool over =
      e.kind == tcp::TraceKind::kStateChange &&
      (e.to == State::kTimeWait || (e.to == State::kClosed && e.from != State::kTimeWait));
  if (over) ++finished_count_;
  if (!drawing()) return;
  const Key key{e.tuple.remote.addr.value, e.tuple.remote.port, e.tuple.local.port};
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
  std::optional<std::uint32_t> peer_isn, our_isn;
  for (const auto& ev : c.events) {
    const auto* p = std::get_if<viz::PacketEvent>(&ev);
    if (p == nullptr || !p->tcp.flags.syn()) continue;
    auto& isn = p->from == 0 ? peer_isn : our_isn;
    if (!isn) isn = p->tcp.seq;
  }
  b.endpoint(peer_name_, c.peer_addr.to_string(), c.peer_port, peer_isn, State::kClosed);
  b.endpoint("synack", c.our_addr.to_string(), c.our_port, our_isn, c.first_state);
  // Times relative to the connection's first event (the clock is CLOCK_MONOTONIC);
  // events of one instant keep the order in which they happened.
  const Duration base =
      c.events.empty() ? Duration{} : viz::event_time(c.events.front()).time_since_epoch();
  const auto rel = [base](Instant t) { return t - base; };
  for (const auto& ev : c.events) {
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
  if (c.omitted > 0) {
    b.note(viz::event_time(c.events.back()) - base, std::nullopt,
           fmt::format("... {} more events not recorded (the diagram keeps the first {})",
                       c.omitted, kMaxEvents));
  }
  viz::Run run = b.build();
  infer_states(run, 0, State::kClosed);
  return run;
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

// ---- peer state inference -----------------------------------------------------------

namespace {

struct Inference {
  State state;
  std::optional<std::uint32_t> fin_seq;  // the peer's FIN sequence number (to spot its ACK)
  viz::EndpointId e;
  std::vector<viz::StateEvent> out;  // inferred from the packet being looked at

  void go(Instant t, State to, std::string_view why) {
    if (to == state) return;
    out.push_back({t, e, state, to, fmt::format("{} (inferred from the wire)", why), ""});
    state = to;
  }

  void sent(const viz::PacketEvent& p) {
    const auto& f = p.tcp.flags;
    if (f.rst()) return go(p.sent, State::kClosed, "snd RST");
    if (f.syn() && !f.ack()) go(p.sent, State::kSynSent, "snd SYN");
    if (f.syn() && f.ack()) go(p.sent, State::kSynReceived, "snd SYN,ACK");
    if (!f.syn() && f.ack() && state == State::kSynSent) {
      go(p.sent, State::kEstablished, "snd ACK of SYN,ACK");
    }
    if (f.fin()) {
      fin_seq = p.tcp.seq + p.tcp.len;
      if (state == State::kEstablished || state == State::kSynReceived) {
        go(p.sent, State::kFinWait1, "snd FIN");
      } else if (state == State::kCloseWait) {
        go(p.sent, State::kLastAck, "snd FIN");
      }
    }
  }

  void received(const viz::PacketEvent& p) {
    if (p.fate != viz::Fate::kDelivered || !p.arrived) return;
    const Instant t = *p.arrived;
    const auto& f = p.tcp.flags;
    if (f.rst()) return go(t, State::kClosed, "rcv RST");
    const bool acks_fin = fin_seq && f.ack() && p.tcp.ack == *fin_seq + 1;
    if (state == State::kSynReceived && f.ack()) go(t, State::kEstablished, "rcv ACK of SYN");
    if (acks_fin) {
      if (state == State::kFinWait1) {
        go(t, f.fin() ? State::kTimeWait : State::kFinWait2, "rcv ACK of FIN");
      } else if (state == State::kClosing) {
        go(t, State::kTimeWait, "rcv ACK of FIN");
      } else if (state == State::kLastAck) {
        go(t, State::kClosed, "rcv ACK of FIN");
      }
    }
    if (f.fin()) {
      if (state == State::kEstablished)
        go(t, State::kCloseWait, "rcv FIN");
      else if (state == State::kFinWait1)
        go(t, State::kClosing, "rcv FIN");
      else if (state == State::kFinWait2)
        go(t, State::kTimeWait, "rcv FIN");
    }
  }
};

}  // namespace

// Packets on a TUN device arrive the instant they are sent, so each inferred
// change is placed right after the packet it was read from (the ladder shows
// a state on the row of the segment that caused it).
void infer_states(viz::Run& run, viz::EndpointId e, State initial) {
  Inference inf{initial, std::nullopt, e, {}};
  std::vector<viz::Event> out;
  out.reserve(run.events.size() * 2);
  for (auto& ev : run.events) {
    std::optional<viz::PacketEvent> p;
    if (const auto* pe = std::get_if<viz::PacketEvent>(&ev)) p = *pe;
    out.push_back(std::move(ev));
    if (!p) continue;
    if (p->from == e) inf.sent(*p);
    if (p->to == e) inf.received(*p);
    for (auto& st : inf.out) out.emplace_back(std::move(st));
    inf.out.clear();
  }
  run.events = std::move(out);
  if (!run.endpoints[e].initial_state) run.endpoints[e].initial_state = initial;
}

}  // namespace synack::cli
