// Stack construction, timers and the transmit path. IPv4/TCP/ICMP input is in
// ip_input.cc, connection bookkeeping in connections.cc, sockets in sockets.cc.
#include "stack/stack.hpp"

#include <algorithm>

#include "stack/stack_internal.hpp"
#include "wire/icmp.hpp"

namespace synack {
namespace {

std::uint64_t key_half(const SipKey& k, int half) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | k[static_cast<std::size_t>(half * 8 + i)];
  return v;
}

// A keyed 64-bit mix (the SplitMix64 finaliser over key-whitened input).
std::size_t mix(std::uint64_t x, std::uint64_t k0, std::uint64_t k1) {
  x ^= k0;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return static_cast<std::size_t>(x + k1);
}

}  // namespace

std::size_t TupleHash::operator()(const tcp::FourTuple& t) const {
  const std::uint64_t a = (std::uint64_t{t.local.addr.value} << 16) | t.local.port;
  const std::uint64_t b = (std::uint64_t{t.remote.addr.value} << 16) | t.remote.port;
  return mix(a ^ mix(b, k1, k0), k0, k1);
}

std::size_t TupleHash::operator()(const tcp::Endpoint& e) const {
  return mix((std::uint64_t{e.addr.value} << 16) | e.port, k0, k1);
}

Stack::Stack(StackConfig config, tcp::TraceSink* trace)
    : config_(std::move(config)),
      trace_(trace),
      reassembler_(config_.reassembly),
      ports_(config_.secret, config_.ports),
      conn_index_(64, TupleHash{key_half(config_.secret, 0), key_half(config_.secret, 1)}),
      time_wait_(64, TupleHash{key_half(config_.secret, 1), key_half(config_.secret, 0)}) {
  config_.tcp.mss =
      std::min<std::uint16_t>(config_.tcp.mss, static_cast<std::uint16_t>(config_.mtu - 40));
  scratch_.resize(config_.mtu);
}

Stack::~Stack() = default;

// ---- timers ---------------------------------------------------------------------

Instant Stack::next_deadline() const {
  Instant next =
      std::min({wheel_.next_expiry(), tw_wheel_.next_expiry(), reassembler_.next_deadline()});
  for (const auto& l : listeners_) {
    if (l) next = std::min(next, l->listener.next_deadline());
  }
  return next;
}

void Stack::on_timeout(Instant now) {
  clock_ = std::max(clock_, now);
  wheel_.advance(now, [&](TimerWheel::Id id) { on_timer(id, now); });
  tw_wheel_.advance(now, [&](TimerWheel::Id id) { expire_time_wait(id, now); });
  reassembler_.expire(now);
  for (auto& l : listeners_) {
    if (l && l->listener.next_deadline() <= now) l->listener.on_timeout(now);
  }
  flush_notifications();
}

void Stack::expire_time_wait(std::uint32_t index, Instant now) {
  TimeWaitSlot& slot = tw_slots_[index];
  if (!slot.used) return;
  if (!tcp::time_wait_expired(slot.entry, now)) {  // restarted by a retransmitted FIN
    tw_wheel_.schedule(index, slot.entry.expiry);
    return;
  }
  if (trace_) {
    trace_->on_event({.at = now,
                      .tuple = slot.entry.tuple,
                      .kind = tcp::TraceKind::kStateChange,
                      .from = tcp::State::kTimeWait,
                      .to = tcp::State::kClosed,
                      .cause = "TIME-WAIT timeout (2MSL)",
                      .rfc = "RFC 9293 §3.10.8 TIME-WAIT TIMEOUT"});
  }
  free_time_wait(index);
}

void Stack::free_time_wait(std::uint32_t index) {
  TimeWaitSlot& slot = tw_slots_[index];
  time_wait_.erase(slot.entry.tuple);
  tw_wheel_.cancel(index);
  slot.used = false;
  free_tw_.push_back(index);
}

void Stack::on_timer(TimerWheel::Id id, Instant now) {
  if (id >= conns_.size() || !conns_[id]) return;
  conns_[id]->conn->on_timeout(now);
  mark_dirty(id, true);
}

void Stack::schedule_timer(std::uint32_t slot) {
  wheel_.schedule(slot, conns_[slot]->conn->next_deadline());
}

// ---- transmit -------------------------------------------------------------------

std::optional<Bytes> Stack::poll_transmit(Instant now) {
  clock_ = std::max(clock_, now);
  for (;;) {
    if (auto packet = next_packet(now)) return packet;
    // Readiness callbacks may make the application send more: deliver them,
    // and look again if they queued anything.
    if (notify_pending_.empty()) return std::nullopt;
    flush_notifications();
  }
}

std::optional<Bytes> Stack::next_packet(Instant now) {
  if (!control_.empty()) {
    current_ = std::move(control_.front());
    control_.pop_front();
    ++counters_.ip_out;
    return Bytes(current_);
  }
  for (auto& l : listeners_) {
    if (!l) continue;
    if (auto out = l->listener.poll_transmit(now)) {
      return Bytes(scratch_.data(), emit_tcp(out->first, out->second));
    }
  }
  while (!dirty_.empty()) {
    const std::uint32_t slot = dirty_.back();
    ConnSlot* c = conns_[slot].get();
    if (c != nullptr) {
      if (auto seg = c->conn->poll_transmit(now)) {
        return Bytes(scratch_.data(), emit_tcp(c->conn->tuple(), *seg));
      }
      c->dirty = false;
    }
    dirty_.pop_back();
    if (c != nullptr) settle(slot, now);
  }
  return std::nullopt;
}

std::size_t Stack::emit_tcp(const tcp::FourTuple& t, const TcpSegment& seg) {
  const std::size_t need = Ipv4Header::kSize + seg.wire_size();
  if (scratch_.size() < need) scratch_.resize(need);
  Ipv4Header ip{
      .identification = ip_id_++, .ttl = config_.ttl, .src = t.local.addr, .dst = t.remote.addr};
  ++counters_.ip_out;
  ++counters_.tcp_out;
  return emit_ipv4_tcp(scratch_, ip, seg);
}

void Stack::queue_control(const tcp::FourTuple& t, const TcpSegment& seg) {
  if (control_.size() >= config_.max_control_queue) {
    counters_.drop(StackDrop::kControlQueueFull);
    return;
  }
  std::vector<std::byte> packet(Ipv4Header::kSize + seg.wire_size());
  Ipv4Header ip{
      .identification = ip_id_++, .ttl = config_.ttl, .src = t.local.addr, .dst = t.remote.addr};
  emit_ipv4_tcp(packet, ip, seg);
  ++counters_.tcp_out;
  control_.push_back(std::move(packet));
}

void Stack::queue_icmp(Ipv4Addr to, std::uint8_t type, std::uint8_t code, std::uint32_t rest,
                       Bytes body) {
  if (control_.size() >= config_.max_control_queue) {
    counters_.drop(StackDrop::kControlQueueFull);
    return;
  }
  const IcmpMessage msg{.type = type, .code = code, .rest = rest, .body = body};
  std::vector<std::byte> packet(Ipv4Header::kSize + msg.wire_size());
  Ipv4Header ip{.identification = ip_id_++,
                .ttl = config_.ttl,
                .protocol = kIpProtoIcmp,
                .src = config_.address,
                .dst = to};
  ip.emit(packet, static_cast<std::uint16_t>(msg.wire_size()));
  msg.emit(MutableBytes(packet).subspan(Ipv4Header::kSize));
  ++counters_.icmp_out;
  control_.push_back(std::move(packet));
}

}  // namespace synack
