// SPDX-License-Identifier: Apache-2.0
#include "wire/ipv6.hpp"

namespace synack {

std::expected<Ipv6View, WireError> Ipv6View::parse(Bytes packet) {
  if (packet.size() < kHeaderSize) return std::unexpected(WireError::kTruncated);
  if ((load_u8(packet, 0) >> 4) != 6) return std::unexpected(WireError::kIp6BadVersion);
  // RFC 8200 §3: the payload length counts every byte after the fixed header;
  // a packet shorter than it was cut short on the way.
  if (kHeaderSize + load_be16(packet, 4) > packet.size()) {
    return std::unexpected(WireError::kIp6PayloadPastBuffer);
  }
  return Ipv6View(packet);
}

Ipv6Header Ipv6Header::from(const Ipv6View& v) {
  Ipv6Header h;
  h.traffic_class = v.traffic_class();
  h.flow_label = v.flow_label();
  h.next_header = v.next_header();
  h.hop_limit = v.hop_limit();
  h.src = v.src();
  h.dst = v.dst();
  return h;
}

void Ipv6Header::emit(MutableBytes out, std::uint16_t payload_len) const {
  store_be32(
      out, 0,
      (std::uint32_t{6} << 28) | (std::uint32_t{traffic_class} << 20) | (flow_label & 0xfffffu));
  store_be16(out, 4, payload_len);
  store_u8(out, 6, next_header);
  store_u8(out, 7, hop_limit);
  src.store(out, 8);
  dst.store(out, 24);
}

Checksum pseudo_header_ipv6(const Ipv6Addr& src, const Ipv6Addr& dst, std::uint8_t next_header,
                            std::uint32_t length) {
  Checksum c;
  c.add(std::as_bytes(std::span(src.bytes)));
  c.add(std::as_bytes(std::span(dst.bytes)));
  c.add_be32(length);
  c.add_be32(next_header);  // three zero bytes, then the Next Header value
  return c;
}

}  // namespace synack
