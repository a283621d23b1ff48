// SPDX-License-Identifier: Apache-2.0
// IPv6 (RFC 8200 §3): a checked view over received bytes, a value type to
// build the fixed 40-byte header, and the upper-layer checksum pseudo-header
// (RFC 8200 §8.1). Extension headers are walked by wire/ipv6_ext.hpp.
#pragma once

#include <cstdint>
#include <expected>

#include "base/bytes.hpp"
#include "base/checksum.hpp"
#include "wire/error.hpp"
#include "wire/ipv6_addr.hpp"

namespace synack {

/// Next Header values (IANA "Assigned Internet Protocol Numbers"); TCP and UDP
/// are kIpProtoTcp / kIpProtoUdp of wire/ipv4.hpp.
inline constexpr std::uint8_t kIpv6HopByHop = 0;       ///< RFC 8200 §4.3
inline constexpr std::uint8_t kIpv6Routing = 43;       ///< RFC 8200 §4.4
inline constexpr std::uint8_t kIpv6Fragment = 44;      ///< RFC 8200 §4.5
inline constexpr std::uint8_t kIpProtoIcmpv6 = 58;     ///< RFC 4443
inline constexpr std::uint8_t kIpv6NoNextHeader = 59;  ///< RFC 8200 §4.7
inline constexpr std::uint8_t kIpv6DestOptions = 60;   ///< RFC 8200 §4.6

/// The minimum link MTU every IPv6 link carries, in bytes (RFC 8200 §5).
inline constexpr std::uint32_t kIpv6MinMtu = 1280;

/// A validated view of an IPv6 packet. After parse() succeeds every accessor is
/// in bounds: at least 40 bytes, version 6, 40 + payload length ≤ buffer size.
/// Trailing bytes past the payload length (link padding) are excluded from
/// payload() and bytes(). Jumbograms (payload length 0 with a Jumbo Payload
/// option, RFC 2675) are not supported: their payload is empty.
class Ipv6View {
 public:
  static constexpr std::size_t kHeaderSize = 40;
  /// Errors: kTruncated (< 40 bytes), kIp6BadVersion,
  /// kIp6PayloadPastBuffer (40 + payload length > buffer).
  static std::expected<Ipv6View, WireError> parse(Bytes packet);

  [[nodiscard]] std::uint8_t version() const { return load_u8(bytes_, 0) >> 4; }
  /// The 8-bit Traffic Class (RFC 8200 §7): DSCP in the high 6 bits, ECN in the low 2.
  [[nodiscard]] std::uint8_t traffic_class() const {
    return static_cast<std::uint8_t>((load_be16(bytes_, 0) >> 4) & 0xff);
  }
  /// Differentiated Services code point, 0..63 (RFC 2474).
  [[nodiscard]] std::uint8_t dscp() const { return traffic_class() >> 2; }
  /// ECN field, 0..3 (RFC 3168 §5: 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE).
  [[nodiscard]] std::uint8_t ecn() const { return traffic_class() & 0x3; }
  /// The 20-bit Flow Label (RFC 6437), 0..0xfffff.
  [[nodiscard]] std::uint32_t flow_label() const { return load_be32(bytes_, 0) & 0xfffffu; }
  /// Payload length in bytes: everything after the 40-byte header, extension
  /// headers included.
  [[nodiscard]] std::uint16_t payload_length() const { return load_be16(bytes_, 4); }
  /// The first Next Header value: an extension header or the upper-layer protocol.
  [[nodiscard]] std::uint8_t next_header() const { return load_u8(bytes_, 6); }
  [[nodiscard]] std::uint8_t hop_limit() const { return load_u8(bytes_, 7); }
  [[nodiscard]] Ipv6Addr src() const { return Ipv6Addr::load(bytes_, 8); }
  [[nodiscard]] Ipv6Addr dst() const { return Ipv6Addr::load(bytes_, 24); }
  [[nodiscard]] Bytes header() const { return bytes_.first(kHeaderSize); }
  /// Bytes [40, 40 + payload length): extension headers and upper layer.
  [[nodiscard]] Bytes payload() const { return bytes_.subspan(kHeaderSize, payload_length()); }
  /// The whole packet, [0, 40 + payload length).
  [[nodiscard]] Bytes bytes() const { return bytes_.first(kHeaderSize + payload_length()); }

 private:
  explicit Ipv6View(Bytes b) : bytes_(b) {}
  Bytes bytes_;
};

/// The fixed IPv6 header to build (extension headers are the caller's bytes
/// after it, and count in `payload_len`).
struct Ipv6Header {
  std::uint8_t traffic_class = 0;  ///< DSCP << 2 | ECN
  std::uint32_t flow_label = 0;    ///< 20 bits; higher bits are ignored
  std::uint8_t next_header = kIpProtoTcp;
  std::uint8_t hop_limit = 64;  ///< Linux default (net.ipv6.conf.*.hop_limit)
  Ipv6Addr src;
  Ipv6Addr dst;

  static constexpr std::size_t kSize = Ipv6View::kHeaderSize;
  /// Fields of a parsed header.
  static Ipv6Header from(const Ipv6View& v);
  [[nodiscard]] static constexpr std::size_t wire_size() { return kSize; }
  /// Writes the 40-byte header for `payload_len` bytes after it. `out` must
  /// hold at least wire_size() bytes.
  void emit(MutableBytes out, std::uint16_t payload_len) const;
};

/// Starts an upper-layer checksum (TCP, UDP, ICMPv6) with the IPv6
/// pseudo-header of RFC 8200 §8.1: source, destination (the final one if a
/// Routing header is present), the upper-layer length in bytes as 32 bits,
/// three zero bytes, the upper-layer Next Header value. Add the upper-layer
/// bytes, then finish().
[[nodiscard]] Checksum pseudo_header_ipv6(const Ipv6Addr& src, const Ipv6Addr& dst,
                                          std::uint8_t next_header, std::uint32_t length);

}  // namespace synack
