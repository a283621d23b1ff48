// SPDX-License-Identifier: Apache-2.0
// Stack construction, timers and the transmit path. IPv4/TCP/ICMP input is in
// ip_input.cc, connection bookkeeping in connections.cc, sockets in sockets.cc.
#include "stack/stack.hpp"

#include <algorithm>

#include "stack/stack_internal.hpp"
#include "wire/icmp.hpp"

namespace synack {

tcp::TupleHash tuple_hash(const SipKey& k) {
  const auto half = [&](int h) {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | k[static_cast<std::size_t>(h * 8 + i)];
    return v;
  };
  return {half(0), half(1)};
}

Stack::Stack(StackConfig config, tcp::TraceSink* trace)
    : config_(std::move(config)),
      trace_(trace),
      reassembler_(config_.reassembly),
      ports_(config_.secret, config_.ports),
      demux_(config_.tcp, trace_, tuple_hash(config_.secret),
             tcp::DemuxLimits{.max_connections = config_.max_connections,
                              .max_time_wait = config_.max_time_wait,
                              .rst_closed_ports = config_.closed_port == ClosedPortReply::kRst}) {
  // RFC 9293 MUST-67: the MSS we advertise is at most MMS_R − 20 = link MTU − 40.
  // RFC 9293 SHLD-6: one interface with one MTU (StackConfig::mtu): the smallest is that one.
  config_.tcp.mss =
      std::min<std::uint16_t>(config_.tcp.mss, static_cast<std::uint16_t>(config_.mtu - 40));
  scratch_.resize(config_.mtu);
  udp_ = std::make_unique<UdpSockets>(config_.udp, config_.address, config_.any_destination,
                                      config_.mtu, config_.ttl, config_.secret, config_.ports);
}

Stack::~Stack() = default;

// ---- timers ---------------------------------------------------------------------

Instant Stack::next_deadline() const {
  return std::min({wheel_.next_expiry(), demux_.next_deadline(), reassembler_.next_deadline()});
}

void Stack::on_timeout(Instant now) {
  clock_ = std::max(clock_, now);
  wheel_.advance(now, [&](TimerWheel::Id id) { on_timer(id, now); });
  demux_.on_timeout(now);
  reassembler_.expire(now);
  flush_notifications();
}

void Stack::on_timer(TimerWheel::Id id, Instant now) {
  if (id >= conns_.size() || !conns_[id]) return;
  tcp::Connection& c = *conns_[id]->conn;
  const bool orphan_fin_wait_2 = conns_[id]->fd < 0 && c.state() == tcp::State::kFinWait2;
  c.on_timeout(now);
  if (orphan_fin_wait_2 && c.state() == tcp::State::kClosed) {
    ++counters_.fin_wait_2_timeouts;  // tcp.fin_wait_2_timeout (Linux tcp_fin_timeout)
  }
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
  if (auto packet = udp_->poll_transmit()) {
    ++counters_.ip_out;
    return packet;
  }
  if (auto out = demux_.poll_transmit(now)) {  // SYN-ACKs: the listener's IP_TOS
    const tcp::Listener* l = demux_.find_listener(out->first.local);
    return Bytes(scratch_.data(),
                 emit_tcp(out->first, out->second, l != nullptr ? l->config().tos : 0));
  }
  while (!dirty_.empty()) {
    const std::uint32_t slot = dirty_.back();
    ConnSlot* c = conns_[slot].get();
    if (c != nullptr) {
      if (auto seg = c->conn->poll_transmit(now)) {
        // With ECN negotiated, the ECN bits are the engine's (ECT(0) on new data, else 0).
        const std::uint8_t user = c->conn->config().tos;
        const std::uint8_t tos = c->conn->ecn_negotiated()
                                     ? static_cast<std::uint8_t>((user & 0xfc) | c->conn->ip_ecn())
                                     : user;
        return Bytes(scratch_.data(), emit_tcp(c->conn->tuple(), *seg, tos));
      }
      c->dirty = false;
    }
    dirty_.pop_back();
    if (c != nullptr) settle(slot, now);
  }
  return std::nullopt;
}

// RFC 9293 MAY-4 [not implemented]: every packet, retransmissions too, gets the next IPv4 ID.
// RFC 9293 MUST-45: a connection's segments leave from its tuple's local address.
std::size_t Stack::emit_tcp(const tcp::FourTuple& t, const TcpSegment& seg, std::uint8_t tos) {
  const std::size_t need = Ipv4Header::kSize + seg.wire_size();
  if (scratch_.size() < need) scratch_.resize(need);
  // RFC 9293 SHLD-22: the connection's Diffserv field goes to IP unchanged.
  // RFC 9293 MUST-49: the TTL is StackConfig::ttl (default 64, Linux ip_default_ttl).
  Ipv4Header ip{.tos = tos,
                .identification = ip_id_++,
                .ttl = config_.ttl,
                .src = std::get<Ipv4Addr>(t.local.addr),
                .dst = std::get<Ipv4Addr>(t.remote.addr)};
  ++counters_.ip_out;
  ++counters_.tcp_out;
  return emit_ipv4_tcp(scratch_, ip, seg);
}

// FreeBSD badport_bandlim: replies to packets of no connection, per second.
bool Stack::reply_allowed() {
  if (config_.reply_rate_limit == 0) return true;
  if (clock_ - reply_window_ >= seconds(1)) {
    reply_window_ = clock_;
    replies_in_window_ = 0;
  }
  if (replies_in_window_ >= config_.reply_rate_limit) {
    counters_.drop(StackDrop::kReplyRateLimited);
    return false;
  }
  ++replies_in_window_;
  return true;
}

void Stack::queue_control(const tcp::FourTuple& t, const TcpSegment& seg) {
  if (control_.size() >= config_.max_control_queue) {
    counters_.drop(StackDrop::kControlQueueFull);
    return;
  }
  std::vector<std::byte> packet(Ipv4Header::kSize + seg.wire_size());
  Ipv4Header ip{.identification = ip_id_++,
                .ttl = config_.ttl,
                .src = std::get<Ipv4Addr>(t.local.addr),
                .dst = std::get<Ipv4Addr>(t.remote.addr)};
  emit_ipv4_tcp(packet, ip, seg);
  ++counters_.tcp_out;
  control_.push_back(std::move(packet));
}

void Stack::queue_icmp(Ipv4Addr to, std::uint8_t type, std::uint8_t code, std::uint32_t rest,
                       Bytes body, std::optional<Ipv4Addr> from) {
  if (!reply_allowed()) return;
  if (control_.size() >= config_.max_control_queue) {
    counters_.drop(StackDrop::kControlQueueFull);
    return;
  }
  const IcmpMessage msg{.type = type, .code = code, .rest = rest, .body = body};
  std::vector<std::byte> packet(Ipv4Header::kSize + msg.wire_size());
  Ipv4Header ip{.identification = ip_id_++,
                .ttl = config_.ttl,
                .protocol = kIpProtoIcmp,
                .src = from.value_or(config_.address),
                .dst = to};
  ip.emit(packet, static_cast<std::uint16_t>(msg.wire_size()));
  msg.emit(MutableBytes(packet).subspan(Ipv4Header::kSize));
  ++counters_.icmp_out;
  control_.push_back(std::move(packet));
}

}  // namespace synack
