// SPDX-License-Identifier: Apache-2.0
#include "wire/ipv6_tcp.hpp"

namespace synack {

std::expected<Ipv6TcpPacket, WireError> parse_ipv6_tcp(Bytes packet, const Ipv6WalkLimits& limits) {
  const auto ip = Ipv6View::parse(packet);
  if (!ip) return std::unexpected(ip.error());
  const auto chain = walk_ipv6_chain(*ip, limits);
  if (!chain) return std::unexpected(chain.error().reason);
  if (chain->fragment) return std::unexpected(WireError::kIpFragment);
  if (chain->protocol != kIpProtoTcp) return std::unexpected(WireError::kIpNotTcp);
  if (chain->upper.size() < TcpView::kMinHeader) {
    return std::unexpected(WireError::kIpNoRoomForTcp);
  }
  const auto view = TcpView::parse(chain->upper);
  if (!view) return std::unexpected(view.error());
  auto seg = TcpSegment::parse(*view);
  if (!seg) return std::unexpected(seg.error());
  // RFC 8200 §8.1: the upper-layer checksum is mandatory in IPv6.
  if (!view->checksum_ok(ip->src(), ip->dst())) return std::unexpected(WireError::kTcpBadChecksum);
  return Ipv6TcpPacket{*ip, *chain, *seg};
}

std::size_t emit_ipv6_tcp(MutableBytes out, Ipv6Header ip, const TcpSegment& seg) {
  ip.next_header = kIpProtoTcp;
  const std::size_t tcp_len = seg.wire_size();
  ip.emit(out, static_cast<std::uint16_t>(tcp_len));
  seg.emit(out.subspan(Ipv6Header::kSize), ip.src, ip.dst);
  return Ipv6Header::kSize + tcp_len;
}

}  // namespace synack
