// SPDX-License-Identifier: Apache-2.0
#include "wire/tcp.hpp"

#include <cstring>

#include "base/checksum.hpp"
#include "wire/ipv6.hpp"

namespace synack {

std::string TcpFlags::to_string() const {
  std::string s;
  if (syn()) s += 'S';
  if (fin()) s += 'F';
  if (rst()) s += 'R';
  if (psh()) s += 'P';
  if (ack()) s += '.';
  if (ece()) s += 'E';
  if (cwr()) s += 'W';
  if (urg()) s += 'U';
  if (ae()) s += 'A';
  return s.empty() ? "-" : s;
}

std::expected<TcpView, WireError> TcpView::parse(Bytes segment) {
  if (segment.size() < kMinHeader) return std::unexpected(WireError::kTruncated);
  const std::size_t hlen = (load_u8(segment, 12) >> 4) * 4u;
  if (hlen < kMinHeader || hlen > segment.size()) {
    return std::unexpected(WireError::kTcpBadDataOffset);
  }
  return TcpView(segment);
}

bool TcpView::checksum_ok(Ipv4Addr src, Ipv4Addr dst) const {
  if (bytes_.size() > 0xffff) return false;
  auto c = pseudo_header_ipv4(src.value, dst.value, kIpProtoTcp,
                              static_cast<std::uint16_t>(bytes_.size()));
  return c.add(bytes_).finish() == 0;
}

bool TcpView::checksum_ok(const Ipv6Addr& src, const Ipv6Addr& dst) const {
  if (bytes_.size() > 0xffff) return false;
  auto c = pseudo_header_ipv6(src, dst, kIpProtoTcp, static_cast<std::uint32_t>(bytes_.size()));
  return c.add(bytes_).finish() == 0;
}

std::expected<TcpSegment, WireError> TcpSegment::parse(const TcpView& view) {
  // RFC 9293 MUST-5: options are parsed on every segment, not only on SYNs.
  auto options = TcpOptions::parse(view.options());
  if (!options) return std::unexpected(options.error());
  TcpSegment s;
  s.src_port = view.src_port();
  s.dst_port = view.dst_port();
  s.seq = view.seq();
  s.ack = view.ack();
  s.flags = view.flags();
  s.reserved = view.reserved();
  s.window = view.window();
  s.checksum = view.checksum();
  s.urgent = view.urgent();
  s.options = *options;
  s.payload = view.payload();
  return s;
}

namespace {

// Writes `s` (header and payload) with a zero checksum field; returns its length.
std::uint16_t emit_unchecksummed(const TcpSegment& s, MutableBytes out) {
  const std::size_t hlen = s.header_size();
  store_be16(out, 0, s.src_port);
  store_be16(out, 2, s.dst_port);
  store_be32(out, 4, s.seq.raw());
  store_be32(out, 8, s.ack.raw());
  store_u8(out, 12,
           static_cast<std::uint8_t>(((hlen / 4) << 4) | ((s.reserved & 0x7) << 1) |
                                     ((s.flags.bits >> 8) & 1)));
  store_u8(out, 13, static_cast<std::uint8_t>(s.flags.bits));
  store_be16(out, 14, s.window);
  store_be16(out, 16, 0);
  store_be16(out, 18, s.urgent);
  const Bytes opts = s.options.bytes();
  std::memcpy(out.data() + 20, opts.data(), opts.size());
  // RFC 9293 MUST-69: the header after the options is padded with zeros.
  std::memset(out.data() + 20 + opts.size(), 0, hlen - 20 - opts.size());  // EOL padding
  if (!s.payload.empty()) std::memcpy(out.data() + hlen, s.payload.data(), s.payload.size());
  return static_cast<std::uint16_t>(hlen + s.payload.size());
}

}  // namespace

void TcpSegment::emit(MutableBytes out, Ipv4Addr src, Ipv4Addr dst) const {
  const std::uint16_t total = emit_unchecksummed(*this, out);
  // RFC 9293 MUST-2: every segment is sent with its checksum over the pseudo-header.
  auto c = pseudo_header_ipv4(src.value, dst.value, kIpProtoTcp, total);
  store_be16(out, 16, c.add(out.first(total)).finish());
}

void TcpSegment::emit(MutableBytes out, const Ipv6Addr& src, const Ipv6Addr& dst) const {
  const std::uint16_t total = emit_unchecksummed(*this, out);
  auto c = pseudo_header_ipv6(src, dst, kIpProtoTcp, total);
  store_be16(out, 16, c.add(out.first(total)).finish());
}

std::expected<Ipv4TcpPacket, WireError> parse_ipv4_tcp(Bytes packet) {
  auto ip = Ipv4View::parse(packet);
  if (!ip) return std::unexpected(ip.error());
  if (ip->protocol() != kIpProtoTcp) return std::unexpected(WireError::kIpNotTcp);
  if (ip->is_fragment()) return std::unexpected(WireError::kIpFragment);
  if (ip->payload().size() < TcpView::kMinHeader) {
    return std::unexpected(WireError::kIpNoRoomForTcp);
  }
  auto view = TcpView::parse(ip->payload());
  if (!view) return std::unexpected(view.error());
  auto seg = TcpSegment::parse(*view);
  if (!seg) return std::unexpected(seg.error());
  if (!view->checksum_ok(ip->src(), ip->dst())) return std::unexpected(WireError::kTcpBadChecksum);
  return Ipv4TcpPacket{*ip, *seg};
}

std::size_t emit_ipv4_tcp(MutableBytes out, Ipv4Header ip, const TcpSegment& seg) {
  ip.protocol = kIpProtoTcp;
  const std::size_t tcp_len = seg.wire_size();
  ip.emit(out, static_cast<std::uint16_t>(tcp_len));
  seg.emit(out.subspan(Ipv4Header::kSize), ip.src, ip.dst);
  return Ipv4Header::kSize + tcp_len;
}

}  // namespace synack
