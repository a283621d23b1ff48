// SPDX-License-Identifier: Apache-2.0
#include "wire/ipv4.hpp"

#include <charconv>

#include <fmt/format.h>

#include "base/checksum.hpp"

namespace synack {

std::optional<Ipv4Addr> Ipv4Addr::parse(std::string_view text) {
  std::uint32_t value = 0;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  for (int i = 0; i < 4; ++i) {
    if (i > 0) {
      if (p == end || *p != '.') return std::nullopt;
      ++p;
    }
    unsigned octet = 0;
    const auto [next, ec] = std::from_chars(p, end, octet);
    if (ec != std::errc{} || octet > 255 || next - p > 3) return std::nullopt;
    value = (value << 8) | octet;
    p = next;
  }
  if (p != end) return std::nullopt;
  return Ipv4Addr{value};
}

std::string Ipv4Addr::to_string() const {
  return fmt::format("{}.{}.{}.{}", value >> 24, (value >> 16) & 0xff, (value >> 8) & 0xff,
                     value & 0xff);
}

std::expected<Ipv4View, WireError> Ipv4View::parse(Bytes packet, bool verify_checksum) {
  if (packet.size() < Ipv4Header::kSize) return std::unexpected(WireError::kTruncated);
  const std::uint8_t vihl = load_u8(packet, 0);
  if ((vihl >> 4) != 4) return std::unexpected(WireError::kIpBadVersion);
  const std::size_t ihl = (vihl & 0x0f) * 4u;
  if (ihl < Ipv4Header::kSize) return std::unexpected(WireError::kIpBadIhl);
  const std::size_t total = load_be16(packet, 2);
  if (total < ihl) return std::unexpected(WireError::kIpBadTotalLength);
  if (total > packet.size()) return std::unexpected(WireError::kIpTotalPastBuffer);
  if (verify_checksum && internet_checksum(packet.first(ihl)) != 0) {
    return std::unexpected(WireError::kIpBadChecksum);
  }
  return Ipv4View(packet);
}

Ipv4Header Ipv4Header::from(const Ipv4View& v) {
  Ipv4Header h;
  h.tos = v.tos();
  h.identification = v.identification();
  h.dont_fragment = v.dont_fragment();
  h.more_fragments = v.more_fragments();
  h.fragment_offset = static_cast<std::uint16_t>(v.fragment_offset());
  h.ttl = v.ttl();
  h.protocol = v.protocol();
  h.src = v.src();
  h.dst = v.dst();
  return h;
}

void Ipv4Header::emit(MutableBytes out, std::uint16_t payload_len) const {
  store_u8(out, 0, 0x45);
  store_u8(out, 1, tos);
  store_be16(out, 2, static_cast<std::uint16_t>(kSize + payload_len));
  store_be16(out, 4, identification);
  const std::uint16_t frag =
      static_cast<std::uint16_t>((dont_fragment ? 0x4000 : 0) | (more_fragments ? 0x2000 : 0) |
                                 ((fragment_offset / 8) & 0x1fff));
  store_be16(out, 6, frag);
  store_u8(out, 8, ttl);
  store_u8(out, 9, protocol);
  store_be16(out, 10, 0);
  store_be32(out, 12, src.value);
  store_be32(out, 16, dst.value);
  store_be16(out, 10, internet_checksum(out.first(kSize)));
}

}  // namespace synack
