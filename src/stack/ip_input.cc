// SPDX-License-Identifier: Apache-2.0
// Inbound path: IPv4 validation and reassembly, ICMP, and TCP handed to the
// demultiplexer (tcp::Demux: connection, TIME-WAIT entry, listener, closed port).
#include <algorithm>

#include "stack/stack.hpp"
#include "stack/stack_internal.hpp"
#include "stack/unicast.hpp"
#include "wire/icmp.hpp"
#include "wire/udp.hpp"

namespace synack {
namespace {

// What an ICMP error quotes of `ip`: its header and the first 8 bytes of its
// payload (RFC 792; RFC 1122 §3.2.2), or all of it if shorter.
Bytes icmp_quote(const Ipv4View& ip) {
  return ip.bytes().first(std::min(ip.bytes().size(), ip.header_len() + 8));
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
  // RFC 9293 MUST-57: only our unicast address is accepted: broadcast and multicast dropped.
  // In any-destination mode every unicast destination is ours.
  if (ip->dst() != config_.address && (!config_.any_destination || !is_unicast(ip->dst()))) {
    counters_.drop(StackDrop::kNotForUs);
    return;
  }
  // RFC 9293 MUST-63: a datagram (a SYN or any other) from an invalid source is ignored.
  if (!is_unicast(ip->src())) {
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
  udp_->flush_notifications();
}

// RFC 9293 MUST-50: IP options are skipped (Ipv4View), none is acted on.
// RFC 9293 MAY-10 [not implemented]: no IP Timestamp option.
// RFC 9293 MAY-11 [not implemented]: no IP Record Route option.
// RFC 9293 MUST-51 [n/a]: §3.9.2.1 applies if source routing is used: our IP has none.
// RFC 9293 MUST-52 [n/a]: no source routing in synack's IP layer (see MUST-51).
// RFC 9293 MUST-53 [n/a]: no source routing in synack's IP layer (see MUST-51).
// RFC 9293 SHLD-24 [n/a]: no source routing in synack's IP layer (see MUST-51).
void Stack::receive_datagram(const Ipv4View& ip, Instant now) {
  switch (ip.protocol()) {
    case kIpProtoTcp:
      receive_tcp(ip, now);
      break;
    case kIpProtoIcmp:
      receive_icmp(ip, now);
      break;
    case kIpProtoUdp:
      receive_udp(ip);
      break;
    default:
      counters_.drop(StackDrop::kUnknownProtocol);
      // RFC 1122 §3.2.2.1: SHOULD send protocol unreachable (quote header + 8 bytes).
      queue_icmp(ip.src(), 3, 2, 0, icmp_quote(ip), ip.dst());
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
  if (icmp->type() == static_cast<std::uint8_t>(IcmpType::kEchoRequest) && config_.icmp_echo &&
      ip.dst() == config_.address) {
    // RFC 1122 §3.2.2.6: the reply carries the request's id, sequence and data.
    queue_icmp(ip.src(), 0, 0, (std::uint32_t{icmp->echo_id()} << 16) | icmp->echo_seq(),
               icmp->body());
    return;
  }
  if (icmp->is_error()) {
    deliver_icmp_error(*icmp, now);
    return;
  }
  // RFC 9293 MUST-55: source quench (and other non-errors) are silently discarded.
  counters_.drop(StackDrop::kIcmpIgnored);
}

// RFC 768 / RFC 1122 §4.1.3: a datagram with a bad length or checksum is
// dropped silently; one for no socket gets ICMP port unreachable (§4.1.3.1
// SHOULD), rate-limited like every reply to no connection.
void Stack::receive_udp(const Ipv4View& ip) {
  auto view = UdpView::parse(ip.payload());
  if (view && !view->checksum_ok(ip.src(), ip.dst())) {
    view = std::unexpected(WireError::kUdpBadChecksum);
  }
  if (!view) {
    counters_.drop(StackDrop::kMalformed);
    ++counters_.wire_errors[static_cast<std::size_t>(view.error())];
    return;
  }
  if (udp_->on_datagram({ip.src(), view->src_port()}, {ip.dst(), view->dst_port()},
                        view->payload())) {
    return;
  }
  counters_.drop(StackDrop::kNoConnection);
  queue_icmp(ip.src(), 3, 3, 0, icmp_quote(ip), ip.dst());
}

// RFC 9293 MAY-9 [not implemented]: the received Diffserv field is not passed up.
void Stack::receive_tcp(const Ipv4View& ip, Instant now) {
  auto view = TcpView::parse(ip.payload());
  std::expected<TcpSegment, WireError> seg =
      view ? TcpSegment::parse(*view) : std::unexpected(view.error());
  // RFC 9293 MUST-3: a segment whose checksum fails is dropped and counted.
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
  if (any_ && hold_syn(tuple, *seg, now)) return;  // any_destination.cc
  tcp_delivered(ip, tuple, demux_.on_segment(tuple, *seg, now), *seg, now);
}

// What the demultiplexer did with a segment: the stack delivers to its TCB,
// sends the reply, wakes the listening socket, counts.
void Stack::tcp_delivered(const Ipv4View& ip, const tcp::FourTuple& t, tcp::Delivery d,
                          const TcpSegment& seg, Instant now) {
  using To = tcp::Delivery::To;
  switch (d.to) {
    case To::kConnection:
      conns_[d.id]->conn->on_segment(seg, now);
      if ((ip.tos() & 0b11) == 0b11) conns_[d.id]->conn->note_ce();  // RFC 3168 CE
      mark_dirty(d.id, true);
      return;
    case To::kListener:
      if (d.completed) notify(listen_fds_[d.id]);
      break;
    case To::kTimeWait:
      break;
    case To::kOverLimit:
      counters_.drop(StackDrop::kTooManyConnections);
      return;
    case To::kNoConnection:
      counters_.drop(StackDrop::kNoConnection);
      if (config_.closed_port == ClosedPortReply::kIcmpUnreachable) {
        queue_icmp(ip.src(), 3, 3, 0, icmp_quote(ip), ip.dst());
        return;
      }
      if (d.reply && !reply_allowed()) return;  // StackConfig::reply_rate_limit
      if (d.reply) ++counters_.rst_out;
      break;
  }
  if (d.reply) queue_control(t, *d.reply);
}

}  // namespace synack
