// SPDX-License-Identifier: Apache-2.0
#include "wire/udp.hpp"

#include <cstring>

#include "base/checksum.hpp"

namespace synack {

std::expected<UdpView, WireError> UdpView::parse(Bytes datagram) {
  if (datagram.size() < kHeaderSize) return std::unexpected(WireError::kTruncated);
  const std::size_t length = load_be16(datagram, 4);
  if (length < kHeaderSize || length > datagram.size()) {
    return std::unexpected(WireError::kUdpBadLength);
  }
  return UdpView(datagram.first(length));
}

bool UdpView::checksum_ok(Ipv4Addr src, Ipv4Addr dst) const {
  if (checksum() == 0)
    return true;  // RFC 768: "all zero ... the transmitter generated no checksum"
  auto c = pseudo_header_ipv4(src.value, dst.value, kIpProtoUdp, length());
  return c.add(bytes_).finish() == 0;
}

void UdpDatagram::emit(MutableBytes out, Ipv4Addr src, Ipv4Addr dst) const {
  const auto length = static_cast<std::uint16_t>(wire_size());
  store_be16(out, 0, src_port);
  store_be16(out, 2, dst_port);
  store_be16(out, 4, length);
  store_be16(out, 6, 0);
  if (!payload.empty())
    std::memcpy(out.data() + UdpView::kHeaderSize, payload.data(), payload.size());
  auto c = pseudo_header_ipv4(src.value, dst.value, kIpProtoUdp, length);
  const std::uint16_t sum = c.add(out.first(length)).finish();
  // RFC 768: a computed checksum of 0 is transmitted as all ones (0 means "none").
  store_be16(out, 6, sum == 0 ? 0xffff : sum);
}

std::size_t emit_ipv4_udp(MutableBytes out, Ipv4Header ip, const UdpDatagram& d) {
  ip.protocol = kIpProtoUdp;
  ip.emit(out, static_cast<std::uint16_t>(d.wire_size()));
  d.emit(out.subspan(Ipv4Header::kSize), ip.src, ip.dst);
  return Ipv4Header::kSize + d.wire_size();
}

}  // namespace synack
