// SPDX-License-Identifier: Apache-2.0
#include "scenarios/convert.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include <fmt/core.h>

#include "viz/timeline.hpp"
#include "wire/tcp.hpp"

namespace synack::scenarios {
namespace {

std::optional<std::size_t> participant_of(const std::vector<Participant>& who, sim::NodeId node) {
  for (std::size_t i = 0; i < who.size(); ++i) {
    if (who[i].node == node) return i;
  }
  return std::nullopt;
}

std::string ms_text(Duration d) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  if (us % 1000 == 0) return fmt::format("{} ms", us / 1000);
  return fmt::format("{:.3f} ms", static_cast<double>(us) / 1000.0);
}

// "user OPEN (active)" → "user: connect()" and friends (RFC 9293 §3.10 calls in BSD words).
std::string user_call_text(std::string_view cause) {
  if (cause == "user OPEN (active)") return "user: connect()";
  if (cause == "user OPEN (passive)") return "user: listen()";
  if (cause == "user CLOSE") return "user: close()";
  if (cause == "user ABORT") return "user: abort() (SO_LINGER 0)";
  return fmt::format("user: {}", cause);
}

// Participants whose (addr, port) is the remote end of `t`, or a listener (no remote).
bool shown(const std::vector<Participant>& who, std::size_t self, const tcp::TraceEvent& e,
           const std::vector<std::uint16_t>& ports) {
  if (who[self].all_connections) return true;
  if (e.tuple.remote.port == 0) return true;
  for (std::size_t i = 0; i < who.size(); ++i) {
    if (i == self) continue;
    if (IpAddr{who[i].addr} == e.tuple.remote.addr &&
        (ports[i] == 0 || ports[i] == e.tuple.remote.port)) {
      return true;
    }
  }
  return false;
}

// Ports and ISNs not given: the first segment / SYN each participant sends.
void fill_defaults(const sim::Recorder& rec, const std::vector<Participant>& who,
                   std::vector<std::uint16_t>& ports,
                   std::vector<std::optional<std::uint32_t>>& isns) {
  for (const auto& p : who) {
    ports.push_back(p.port);
    isns.push_back(p.isn);
  }
  for (const auto& rp : rec.packets()) {
    if (rp.event.kind != sim::PacketEventKind::kSent) continue;
    const auto i = participant_of(who, rp.event.from);
    if (!i) continue;
    const auto parsed = parse_ipv4_tcp(rp.event.bytes);
    if (!parsed) continue;
    if (ports[*i] == 0) ports[*i] = parsed->tcp.src_port;
    if (!isns[*i] && parsed->tcp.flags.syn()) isns[*i] = parsed->tcp.seq.raw();
  }
}

void add_packets(const sim::Recorder& rec, const std::vector<Participant>& who,
                 viz::RunBuilder& b) {
  // (packet id, copy) → the PacketEvent standing for it (references stay
  // valid: the builder keeps its events in a vector we only append to ...
  // so keep indices into our own list and add them all at the end).
  std::vector<viz::PacketEvent> out;
  std::map<std::pair<std::uint64_t, std::uint8_t>, std::size_t> index;
  for (const auto& rp : rec.packets()) {
    const sim::PacketEvent& e = rp.event;
    const auto key = std::make_pair(e.packet_id, e.copy);
    switch (e.kind) {
      case sim::PacketEventKind::kSent: {
        const auto from = participant_of(who, e.from);
        const auto to = participant_of(who, e.to);
        const auto parsed = parse_ipv4_tcp(e.bytes);
        if (!from || !to || !parsed) break;
        viz::PacketEvent p;
        p.sent = e.time;
        p.from = *from;
        p.to = *to;
        p.tcp = viz::fields_from_segment(parsed->tcp);
        p.fate = viz::Fate::kDropped;  // until it is delivered
        index[key] = out.size();
        out.push_back(std::move(p));
        break;
      }
      case sim::PacketEventKind::kDelivered: {
        auto it = index.find(key);
        if (it == index.end()) break;
        viz::PacketEvent& p = out[it->second];
        p.arrived = e.time;
        if (p.fate == viz::Fate::kDropped) p.fate = viz::Fate::kDelivered;
        break;
      }
      case sim::PacketEventKind::kDropped: {
        auto it = index.find(key);
        if (it == index.end()) break;
        out[it->second].fate = viz::Fate::kDropped;
        out[it->second].arrived.reset();
        out[it->second].reason = drop_text(e.reason);
        break;
      }
      case sim::PacketEventKind::kCorrupted: {
        auto it = index.find(key);
        if (it == index.end()) break;
        out[it->second].fate = viz::Fate::kCorrupted;
        out[it->second].reason = fmt::format("corrupted: byte {} ^ 0x{:02x}", e.corrupt_offset,
                                             static_cast<unsigned>(e.corrupt_mask));
        break;
      }
      case sim::PacketEventKind::kDelayed: {
        auto it = index.find(key);
        if (it == index.end()) break;
        out[it->second].reason = fmt::format("delayed {} in the network", ms_text(e.extra_delay));
        break;
      }
      case sim::PacketEventKind::kDuplicated:
      case sim::PacketEventKind::kHeld: {
        auto it = index.find({e.packet_id, 0});
        if (it == index.end()) break;
        viz::PacketEvent copy = out[it->second];
        copy.fate = viz::Fate::kDuplicated;
        copy.arrived.reset();
        copy.reason = e.kind == sim::PacketEventKind::kHeld
                          ? "old duplicate held back by the network"
                          : "link duplicate";
        index[key] = out.size();
        out.push_back(std::move(copy));
        break;
      }
    }
  }
  for (auto& p : out) {
    if (p.fate == viz::Fate::kDuplicated && !p.arrived) continue;  // never arrived: not shown
    if (p.fate == viz::Fate::kDropped && p.reason.empty())
      p.reason = "in flight when the run stopped";
    b.packet(std::move(p));
  }
}

// A segment the network delayed or held back arrives long after it was sent,
// with other events in between: say so where it arrives ("#1 arrives: delayed
// 300 ms in the network"), before whatever it causes there.
// (The text ladder already draws an arrival row for segments that cross one
// going the other way; those only get the note when they were held back.)
void add_late_arrivals(viz::Run& run) {
  const auto crossing = viz::crossing_packets(run, viz::build_timeline(run));
  std::vector<viz::NoteEvent> notes;
  std::size_t number = 0;
  for (std::size_t i = 0; i < run.events.size(); ++i) {
    const auto* p = std::get_if<viz::PacketEvent>(&run.events[i]);
    if (p == nullptr) continue;
    ++number;
    const bool held = p->reason.starts_with("old duplicate");
    const bool late = held || (p->reason.starts_with("delayed") && !crossing[i]);
    if (!late || !p->arrived) continue;
    notes.push_back({*p->arrived, p->to, fmt::format("#{} arrives: {}", number, p->reason)});
  }
  for (auto& n : notes) {
    auto at = std::ranges::find_if(
        run.events, [&](const viz::Event& e) { return viz::event_time(e) >= n.time; });
    run.events.insert(at, std::move(n));
  }
}

}  // namespace

std::string drop_text(sim::DropReason r) {
  switch (r) {
    case sim::DropReason::kScripted:
      return "scripted drop";
    case sim::DropReason::kRandomLoss:
      return "random loss";
    case sim::DropReason::kBurstLoss:
      return "burst loss";
    case sim::DropReason::kQueueOverflow:
      return "queue overflow";
    case sim::DropReason::kMtu:
      return "larger than the MTU";
    case sim::DropReason::kLinkDown:
      return "link down";
    case sim::DropReason::kNoRoute:
      return "no route";
    case sim::DropReason::kMalformed:
      return "malformed";
    case sim::DropReason::kNone:
      break;
  }
  return "lost";
}

std::string trace_note(const tcp::TraceEvent& e) {
  const std::string rfc = e.rfc.empty() ? std::string{} : fmt::format(" ({})", e.rfc);
  switch (e.kind) {
    case tcp::TraceKind::kRstSent:
      return fmt::format("RST sent: {}{}", e.cause, rfc);
    case tcp::TraceKind::kChallengeAck:
      return fmt::format("challenge ACK: {}{}", e.cause, rfc);
    case tcp::TraceKind::kRetransmit:
      if (e.cause.starts_with("RTO: ")) {
        return fmt::format("timer: RTO expired, retransmit {}{}", e.cause.substr(5), rfc);
      }
      return fmt::format("retransmit: {}{}", e.cause, rfc);
    case tcp::TraceKind::kTimerFired:
      return fmt::format("timer: {}{}", e.cause, rfc);
    case tcp::TraceKind::kDrop:
      // These drops answer with <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> first (trace.hpp).
      if (e.drop == tcp::DropReason::kNotAcceptable || e.drop == tcp::DropReason::kAckUnsent ||
          e.drop == tcp::DropReason::kAckTooOld) {
        return fmt::format("ACK and discard: {}{}", e.cause, rfc);
      }
      return fmt::format("discard: {}{}", e.cause, rfc);
    case tcp::TraceKind::kUserCall:
      return user_call_text(e.cause);
    case tcp::TraceKind::kStateChange:
      break;
  }
  return fmt::format("{}{}", e.cause, rfc);
}

viz::Run to_run(const sim::Recorder& rec, const std::vector<Participant>& who,
                const std::vector<ExtraNote>& notes, const RunInfo& info) {
  viz::RunBuilder b{info.title, info.scenario};
  b.seed(info.seed).description(info.description).generator("synack sim");
  std::vector<std::uint16_t> ports;
  std::vector<std::optional<std::uint32_t>> isns;
  fill_defaults(rec, who, ports, isns);
  for (std::size_t i = 0; i < who.size(); ++i) {
    b.endpoint(who[i].name, who[i].addr_text.empty() ? who[i].addr.to_string() : who[i].addr_text,
               ports[i], isns[i], who[i].initial_state);
  }
  // Same-instant order (the builder sorts stably by time): the scenario's user
  // calls, then the engine's decisions, then the segments those decisions sent.
  for (const auto& n : notes) b.note(n.at, n.participant, n.text);
  auto scenario_user_note = [&](std::size_t p, Instant at) {
    for (const auto& n : notes) {
      if (n.participant == p && n.at == at && n.text.starts_with("user:")) return true;
    }
    return false;
  };
  std::vector<bool> seen_state(who.size(), false);
  for (const auto& rt : rec.traces()) {
    std::optional<std::size_t> p;
    for (std::size_t i = 0; i < who.size(); ++i) {
      if (who[i].trace_host == rt.host) p = i;
    }
    if (!p || !shown(who, *p, rt.event, ports)) continue;
    const tcp::TraceEvent& e = rt.event;
    if (e.kind == tcp::TraceKind::kStateChange) {
      const bool startup_listen = !seen_state[*p] && e.from == tcp::State::kClosed &&
                                  e.to == tcp::State::kListen &&
                                  who[*p].initial_state == tcp::State::kListen;
      seen_state[*p] = true;
      if (startup_listen) continue;
      b.state(e.at, *p, e.from, e.to, std::string(e.cause), std::string(e.rfc));
      continue;
    }
    if (e.kind == tcp::TraceKind::kUserCall && scenario_user_note(*p, e.at)) continue;
    b.note(e.at, *p, trace_note(e));
  }
  add_packets(rec, who, b);
  viz::Run run = b.build();
  add_late_arrivals(run);
  return run;
}

}  // namespace synack::scenarios
