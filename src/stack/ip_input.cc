// Inbound path: IPv4 validation and reassembly, ICMP, and the TCP demux —
// connection, then TIME-WAIT entry, then listener, then "no such connection".
#include <algorithm>

#include "stack/stack.hpp"
#include "stack/stack_internal.hpp"
#include "tcp/rst.hpp"
#include "wire/icmp.hpp"

namespace synack {
namespace {

bool bad_source(Ipv4Addr a) {
  const std::uint32_t v = a.value;
  return v == 0 || v == 0xffffffffu || (v >> 28) == 0xe;  // 0.0.0.0, broadcast, multicast
}

}  // namespace

void Stack::receive(Bytes packet, Instant now) {
  clock_ = std::max(clock_, now);
  ++counters_.ip_in;
  auto ip = Ipv4View::parse(packet);
  if (!ip) {
    counters_.drop(StackDrop::kMalformed);
    ++counters_.wire_errors[static_cast<std::size_t>(ip.error())];
    return;
  }
  if (ip->dst() != config_.address) {
    counters_.drop(StackDrop::kNotForUs);
    return;
  }
  if (bad_source(ip->src())) {
    counters_.drop(StackDrop::kBadSource);
    return;
  }
  if (ip->is_fragment()) {
    counters_.drop(StackDrop::kFragment);  // counted as held; a completed datagram re-enters
    if (auto whole = reassembler_.add(*ip, now)) {
      if (auto full = Ipv4View::parse(*whole)) receive_datagram(*full, now);
    }
  } else {
    receive_datagram(*ip, now);
  }
  flush_notifications();
}

void Stack::receive_datagram(const Ipv4View& ip, Instant now) {
  switch (ip.protocol()) {
    case kIpProtoTcp:
      receive_tcp(ip, now);
      break;
    case kIpProtoIcmp:
      receive_icmp(ip, now);
      break;
    default:
      counters_.drop(StackDrop::kUnknownProtocol);
      // RFC 1122 §3.2.2.1: SHOULD send protocol unreachable (quote header + 8 bytes).
      queue_icmp(ip.src(), 3, 2, 0,
                 ip.bytes().first(std::min(ip.bytes().size(), ip.header_len() + 8)));
      break;
  }
}

void Stack::receive_icmp(const Ipv4View& ip, Instant now) {
  auto icmp = IcmpView::parse(ip.payload());
  if (!icmp) {
    counters_.drop(StackDrop::kMalformed);
    ++counters_.wire_errors[static_cast<std::size_t>(icmp.error())];
    return;
  }
  ++counters_.icmp_in;
  if (icmp->type() == static_cast<std::uint8_t>(IcmpType::kEchoRequest) && config_.icmp_echo) {
    // RFC 1122 §3.2.2.6: the reply carries the request's id, sequence and data.
    queue_icmp(ip.src(), 0, 0, (std::uint32_t{icmp->echo_id()} << 16) | icmp->echo_seq(),
               icmp->body());
    return;
  }
  if (icmp->is_error()) {
    deliver_icmp_error(*icmp, now);
    return;
  }
  counters_.drop(StackDrop::kIcmpIgnored);
}

void Stack::receive_tcp(const Ipv4View& ip, Instant now) {
  auto view = TcpView::parse(ip.payload());
  std::expected<TcpSegment, WireError> seg =
      view ? TcpSegment::parse(*view) : std::unexpected(view.error());
  if (seg && !view->checksum_ok(ip.src(), ip.dst())) {
    seg = std::unexpected(WireError::kTcpBadChecksum);
  }
  if (!seg) {
    counters_.drop(StackDrop::kMalformed);
    ++counters_.wire_errors[static_cast<std::size_t>(seg.error())];
    return;
  }
  ++counters_.tcp_in;
  const tcp::FourTuple tuple{{ip.dst(), seg->dst_port}, {ip.src(), seg->src_port}};
  if (const std::uint32_t* slot = conn_index_.find(tuple)) {
    tcp_to_connection(*slot, *seg, now);
    return;
  }
  if (tcp_to_time_wait(tuple, *seg, now)) return;
  if (tcp_to_listener(tuple, *seg, now)) return;
  tcp_closed_port(ip, *seg, now);
}

void Stack::tcp_to_connection(std::uint32_t slot, const TcpSegment& seg, Instant now) {
  conns_[slot]->conn->on_segment(seg, now);
  mark_dirty(slot, true);
}

// The trace of a TIME-WAIT decision, the same events a full TCB in TIME-WAIT
// reports (tcp::Connection::on_segment_time_wait): a restarted 2MSL timer, a
// challenge ACK, an ACKed-and-discarded segment, a drop, or the end.
void Stack::trace_time_wait(const tcp::FourTuple& t, const tcp::TimeWaitResult& r, Instant now) {
  tcp::TraceEvent e{.at = now,
                    .tuple = t,
                    .kind = tcp::TraceKind::kDrop,
                    .from = tcp::State::kTimeWait,
                    .to = tcp::State::kTimeWait,
                    .cause = r.cause,
                    .rfc = r.rfc,
                    .drop = r.drop};
  switch (r.verdict) {
    case tcp::TimeWaitVerdict::kDrop:
      break;
    case tcp::TimeWaitVerdict::kAck:
      if (r.drop == tcp::DropReason::kNone) return;  // a plain ACK: nothing to explain
      if (r.drop == tcp::DropReason::kSynInWindow || r.drop == tcp::DropReason::kRstInWindow) {
        e.kind = tcp::TraceKind::kChallengeAck;
      }
      break;
    case tcp::TimeWaitVerdict::kAckRestart:
      e.kind = tcp::TraceKind::kTimerFired;
      e.cause = "2MSL restarted";
      break;
    case tcp::TimeWaitVerdict::kClose:
    case tcp::TimeWaitVerdict::kReopen:
      e.kind = tcp::TraceKind::kStateChange;
      e.to = tcp::State::kClosed;
      break;
  }
  trace_->on_event(e);
}

// RFC 9293 §3.10.7.4 for a connection held as a compact TIME-WAIT entry.
bool Stack::tcp_to_time_wait(const tcp::FourTuple& t, const TcpSegment& seg, Instant now) {
  const std::uint32_t* index = time_wait_.find(t);
  if (index == nullptr) return false;
  const std::uint32_t i = *index;
  tcp::TimeWaitEntry& tw = tw_slots_[i].entry;
  const tcp::TimeWaitResult r = tcp::time_wait_on_segment(tw, seg, now, config_.tcp);
  if (trace_) trace_time_wait(t, r, now);
  if (r.reply) queue_control(t, *r.reply);
  switch (r.verdict) {
    case tcp::TimeWaitVerdict::kDrop:
    case tcp::TimeWaitVerdict::kAck:
      break;
    case tcp::TimeWaitVerdict::kAckRestart:
      tw_wheel_.schedule(i, tw.expiry);
      break;
    case tcp::TimeWaitVerdict::kClose:
      free_time_wait(i);
      break;
    case tcp::TimeWaitVerdict::kReopen:
      // The old incarnation is gone; the SYN opens a new one if someone listens.
      free_time_wait(i);
      if (!tcp_to_listener(t, seg, now, r.reopen_iss)) return false;
      break;
  }
  return true;
}

bool Stack::tcp_to_listener(const tcp::FourTuple& t, const TcpSegment& seg, Instant now,
                            std::optional<SeqNum> iss) {
  ListenSlot* l = find_listener(t.local);
  if (l == nullptr) return false;
  if (seg.flags.syn() && !seg.flags.ack() && tcb_count() >= config_.max_connections) {
    counters_.drop(StackDrop::kTooManyConnections);
    return true;
  }
  (void)iss;  // the listener picks an RFC 6528 ISS, which is beyond the old one's
  const tcp::ListenerResult r = l->listener.on_segment(t, seg, now);
  if (r.reply) queue_control(t, *r.reply);
  if (r.kind == tcp::ListenerResult::Kind::kCompleted ||
      r.kind == tcp::ListenerResult::Kind::kCompletedCookie) {
    notify(l->fd);
  }
  return true;
}

void Stack::tcp_closed_port(const Ipv4View& ip, const TcpSegment& seg, Instant now) {
  counters_.drop(StackDrop::kNoConnection);
  const tcp::FourTuple t{{ip.dst(), seg.dst_port}, {ip.src(), seg.src_port}};
  switch (config_.closed_port) {
    case ClosedPortReply::kNothing:
      return;
    case ClosedPortReply::kIcmpUnreachable:
      queue_icmp(ip.src(), 3, 3, 0,
                 ip.bytes().first(std::min(ip.bytes().size(), ip.header_len() + 8)));
      return;
    case ClosedPortReply::kRst:
      break;
  }
  const auto rst = tcp::reset_for(seg);  // RFC 9293 §3.10.7.1; never RST a RST
  if (!rst) return;
  if (trace_) {
    trace_->on_event({.at = now,
                      .tuple = t,
                      .kind = tcp::TraceKind::kRstSent,
                      .cause = "segment for no connection",
                      .rfc = "RFC 9293 §3.10.7.1"});
  }
  ++counters_.rst_out;
  queue_control(t, *rst);
}

}  // namespace synack
