// SPDX-License-Identifier: Apache-2.0
// The TCP demultiplexer (demux.hpp): connection index, listeners, compact
// TIME-WAIT entries, closed ports.
#include "tcp/demux.hpp"

#include <algorithm>

#include "tcp/rst.hpp"

namespace synack::tcp {
namespace {

// A keyed 64-bit mix (the SplitMix64 finaliser over key-whitened input).
std::size_t mix(std::uint64_t x, std::uint64_t k0, std::uint64_t k1) {
  x ^= k0;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return static_cast<std::size_t>(x + k1);
}

std::uint64_t word(const Ipv6Addr& a, int half) {
  std::uint64_t w = 0;
  for (int i = 0; i < 8; ++i) w = (w << 8) | a.bytes[static_cast<std::size_t>(8 * half + i)];
  return w;
}

std::size_t mix6(const Ipv6Addr& a, std::uint16_t port, std::uint64_t k0, std::uint64_t k1) {
  return mix(word(a, 0) ^ mix(word(a, 1) ^ port, k1, k0), k0, k1);
}

// The index keys of a tuple whose two ends are of one family.
TupleKey4 key4(const FourTuple& t) {
  return {t.local.v4()->value, t.remote.v4()->value, t.local.port, t.remote.port};
}
TupleKey6 key6(const FourTuple& t) {
  return {*t.local.v6(), *t.remote.v6(), t.local.port, t.remote.port};
}

}  // namespace

std::size_t TupleHash::operator()(const TupleKey4& t) const {
  const std::uint64_t a = (std::uint64_t{t.local} << 16) | t.local_port;
  const std::uint64_t b = (std::uint64_t{t.remote} << 16) | t.remote_port;
  return mix(a ^ mix(b, k1, k0), k0, k1);
}

std::size_t TupleHash::operator()(const TupleKey6& t) const {
  return mix(mix6(t.local, t.local_port, k0, k1) ^ mix6(t.remote, t.remote_port, k1, k0), k0, k1);
}

std::size_t TupleHash::operator()(const FourTuple& t) const {
  if (t.local.v6() != nullptr && t.remote.v6() != nullptr) return (*this)(key6(t));
  if (t.local.v4() != nullptr && t.remote.v4() != nullptr) return (*this)(key4(t));
  return mix(t.local.port ^ (std::uint64_t{t.remote.port} << 16), k1, k0);  // mixed: no match
}

std::size_t TupleHash::operator()(const Endpoint& e) const {
  if (const auto* v6 = e.v6()) return mix6(*v6, e.port, k0, k1);
  return mix((std::uint64_t{e.v4()->value} << 16) | e.port, k0, k1);
}

Demux::Demux(const Config& cfg, TraceSink* sink, TupleHash hash, DemuxLimits limits)
    : cfg_(cfg),
      sink_(sink),
      limits_(limits),
      conn_index_(64, hash),
      conn_index6_(16, hash),
      tw_(TupleHash{hash.k1, hash.k0}) {}

// Connection, then TIME-WAIT entry, then listener, then "no such connection".
Delivery Demux::on_segment(const FourTuple& tuple, const TcpSegment& seg, Instant now) {
  if (const std::uint32_t* id = find_connection(tuple)) {
    return {.to = Delivery::To::kConnection, .id = *id};
  }
  if (const auto index = tw_.find(tuple); index != TimeWaitTable<TupleHash>::kNone) {
    return to_time_wait(index, tuple, seg, now);
  }
  return to_listener(tuple, seg, now);
}

// RFC 9293 §3.10.7.4 for a connection held as a compact TIME-WAIT entry.
Delivery Demux::to_time_wait(std::uint32_t index, const FourTuple& t, const TcpSegment& seg,
                             Instant now) {
  TimeWaitEntry& tw = tw_.at(index);
  TimeWaitResult r = time_wait_on_segment(tw, seg, now, cfg_);
  if (r.drop != DropReason::kNone) drops_.add(r.drop);
  if (sink_ != nullptr) trace_time_wait(t, r, now);
  Delivery d{.to = Delivery::To::kTimeWait, .reply = std::move(r.reply)};
  switch (r.verdict) {
    case TimeWaitVerdict::kDrop:
    case TimeWaitVerdict::kAck:
      break;
    case TimeWaitVerdict::kAckRestart:
      tw_.restarted(index);
      break;
    case TimeWaitVerdict::kClose:
      free_time_wait(index);
      break;
    case TimeWaitVerdict::kReopen:
      // The old incarnation is gone; the SYN opens a new one, with an ISS
      // beyond the old sequence space, if someone listens.
      free_time_wait(index);
      return to_listener(t, seg, now, r.reopen_iss);
  }
  return d;
}

// The trace of a TIME-WAIT decision, the same events a full TCB in TIME-WAIT
// reports (Connection::on_segment_time_wait): a restarted 2MSL timer, a
// challenge ACK, an ACKed-and-discarded segment, a drop, or the end.
void Demux::trace_time_wait(const FourTuple& t, const TimeWaitResult& r, Instant now) {
  TraceEvent e{.at = now,
               .tuple = t,
               .kind = TraceKind::kDrop,
               .from = State::kTimeWait,
               .to = State::kTimeWait,
               .cause = r.cause,
               .rfc = r.rfc,
               .drop = r.drop};
  switch (r.verdict) {
    case TimeWaitVerdict::kDrop:
      break;
    case TimeWaitVerdict::kAck:
      if (r.drop == DropReason::kNone) return;  // a plain ACK: nothing to explain
      if (r.drop == DropReason::kSynInWindow || r.drop == DropReason::kRstInWindow) {
        e.kind = TraceKind::kChallengeAck;
      }
      break;
    case TimeWaitVerdict::kAckRestart:
      e.kind = TraceKind::kTimerFired;
      e.cause = "2MSL restarted";
      break;
    case TimeWaitVerdict::kClose:
    case TimeWaitVerdict::kReopen:
      e.kind = TraceKind::kStateChange;
      e.to = State::kClosed;
      break;
  }
  sink_->on_event(e);
}

Delivery Demux::to_listener(const FourTuple& t, const TcpSegment& seg, Instant now,
                            std::optional<SeqNum> iss) {
  const auto id = listener_id(t.local);
  if (!id) return no_connection(t, seg, now);
  if (seg.flags.syn() && !seg.flags.ack() && connection_count() >= limits_.max_connections) {
    return {.to = Delivery::To::kOverLimit, .id = *id};
  }
  ListenerResult r = listeners_[*id]->on_segment(t, seg, now, iss);
  return {.to = Delivery::To::kListener,
          .id = *id,
          .completed = r.kind == ListenerResult::Kind::kCompleted ||
                       r.kind == ListenerResult::Kind::kCompletedCookie,
          .reply = std::move(r.reply)};
}

// RFC 9293 §3.10.7.1: a segment for no connection gets a RST (never a RST for a RST).
Delivery Demux::no_connection(const FourTuple& t, const TcpSegment& seg, Instant now) {
  Delivery d{.to = Delivery::To::kNoConnection};
  if (!limits_.rst_closed_ports) return d;
  d.reply = reset_for(seg);
  if (d.reply && sink_ != nullptr) {
    sink_->on_event({.at = now,
                     .tuple = t,
                     .kind = TraceKind::kRstSent,
                     .cause = "segment for no connection",
                     .rfc = "RFC 9293 §3.10.7.1"});
  }
  return d;
}

// ---- connections ----------------------------------------------------------------

void Demux::add_connection(const FourTuple& tuple, std::uint32_t id) {
  if (!tuple.same_family()) return;  // names no connection (types.hpp)
  if (tuple.is_v6()) {
    conn_index6_.insert(key6(tuple), id);
  } else {
    conn_index_.insert(key4(tuple), id);
  }
}

void Demux::remove_connection(const FourTuple& tuple) {
  if (!tuple.same_family()) return;
  if (tuple.is_v6()) {
    conn_index6_.erase(key6(tuple));
  } else {
    conn_index_.erase(key4(tuple));
  }
}

const std::uint32_t* Demux::find_connection(const FourTuple& tuple) const {
  if (!tuple.same_family()) return nullptr;
  return tuple.is_v6() ? conn_index6_.find(key6(tuple)) : conn_index_.find(key4(tuple));
}

// ---- listeners --------------------------------------------------------------------

std::uint32_t Demux::add_listener(std::unique_ptr<Listener> l) {
  std::size_t id = 0;
  while (id < listeners_.size() && listeners_[id]) ++id;
  if (id == listeners_.size()) listeners_.emplace_back();
  listeners_[id] = std::move(l);
  return static_cast<std::uint32_t>(id);
}

// Exact address, then the family's wildcard (0.0.0.0 or ::) on the port, then an
// any-destination listener (0.0.0.0:0, Stack::listen_any: every port).
std::optional<std::uint32_t> Demux::listener_id(const Endpoint& local) const {
  std::optional<std::uint32_t> wildcard;
  std::optional<std::uint32_t> any_port;
  for (std::uint32_t id = 0; id < listeners_.size(); ++id) {
    const auto& l = listeners_[id];
    if (!l) continue;
    if (l->local().addr.index() != local.addr.index()) continue;  // one family per listener
    if (l->local().port == 0) any_port = id;
    if (l->local().port != local.port) continue;
    if (l->local().addr == local.addr) return id;
    if (l->local().addr == unspecified_like(local.addr)) wildcard = id;
  }
  return wildcard ? wildcard : any_port;
}

const Listener* Demux::find_listener(const Endpoint& local) const {
  const auto id = listener_id(local);
  return id ? listeners_[*id].get() : nullptr;
}

// ---- TIME-WAIT ----------------------------------------------------------------------

bool Demux::add_time_wait(const TimeWaitEntry& entry) {
  if (tw_.size() >= limits_.max_time_wait) return false;
  tw_.insert(entry);
  return true;
}

std::size_t Demux::drop_time_wait() {
  std::size_t n = 0;
  for (std::uint32_t i = 0; i < tw_.slot_count(); ++i) {
    if (tw_.used(i)) {
      free_time_wait(i);
      ++n;
    }
  }
  return n;
}

// The trace of an entry's end: 2MSL after its last FIN (RFC 9293 §3.10.8).
void Demux::trace_expiry(const TimeWaitEntry& tw, Instant now) {
  if (sink_ == nullptr) return;
  sink_->on_event({.at = now,
                   .tuple = tw.tuple.get(),
                   .kind = TraceKind::kStateChange,
                   .from = State::kTimeWait,
                   .to = State::kClosed,
                   .cause = "TIME-WAIT timeout (2MSL)",
                   .rfc = "RFC 9293 §3.10.8 TIME-WAIT TIMEOUT"});
}

void Demux::free_time_wait(std::uint32_t index) {
  tw_.erase(index);
}

// ---- output and timers --------------------------------------------------------------

std::optional<std::pair<FourTuple, TcpSegment>> Demux::poll_transmit(Instant now) {
  for (auto& l : listeners_) {
    if (!l) continue;
    if (auto out = l->poll_transmit(now)) return out;
  }
  return std::nullopt;
}

Instant Demux::next_deadline() const {
  Instant next = tw_.next_expiry();
  for (const auto& l : listeners_) {
    if (l) next = std::min(next, l->next_deadline());
  }
  return next;
}

void Demux::on_timeout(Instant now) {
  tw_.expire(now, [&](const TimeWaitEntry& tw) { trace_expiry(tw, now); });
  for (auto& l : listeners_) {
    if (l && l->next_deadline() <= now) l->on_timeout(now);
  }
}

}  // namespace synack::tcp
