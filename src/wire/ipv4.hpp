// SPDX-License-Identifier: Apache-2.0
// IPv4 (RFC 791): a checked view over received bytes and a value type to build.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.hpp"
#include "wire/error.hpp"

namespace synack {

/// An IPv4 address, stored in host order (10.0.0.1 == 0x0a000001).
struct Ipv4Addr {
  std::uint32_t value = 0;

  static constexpr Ipv4Addr from_octets(std::uint8_t a, std::uint8_t b, std::uint8_t c,
                                        std::uint8_t d) {
    return {(std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) | (std::uint32_t{c} << 8) | d};
  }
  /// Parses dotted-quad "a.b.c.d"; nullopt on anything else.
  static std::optional<Ipv4Addr> parse(std::string_view text);
  /// Dotted-quad text.
  [[nodiscard]] std::string to_string() const;
  friend constexpr bool operator==(Ipv4Addr, Ipv4Addr) = default;
  friend constexpr auto operator<=>(Ipv4Addr, Ipv4Addr) = default;
};

inline constexpr std::uint8_t kIpProtoIcmp = 1;
inline constexpr std::uint8_t kIpProtoTcp = 6;
inline constexpr std::uint8_t kIpProtoUdp = 17;

/// A validated view of an IPv4 packet. After parse() succeeds every accessor is
/// in bounds: version is 4, 5 ≤ IHL, IHL*4 ≤ total length ≤ buffer size.
/// Trailing bytes past the total length (link padding) are excluded from payload().
class Ipv4View {
 public:
  /// Validates the header; with `verify_checksum` also the header checksum.
  /// Errors: kTruncated (< 20 bytes), kIpBadVersion, kIpBadIhl (IHL < 5),
  /// kIpBadTotalLength (< IHL*4), kIpTotalPastBuffer (> buffer), kIpBadChecksum.
  static std::expected<Ipv4View, WireError> parse(Bytes packet, bool verify_checksum = true);

  [[nodiscard]] std::uint8_t version() const { return load_u8(bytes_, 0) >> 4; }
  /// Header length in bytes (IHL × 4), 20..60.
  [[nodiscard]] std::size_t header_len() const { return (load_u8(bytes_, 0) & 0x0f) * 4u; }
  [[nodiscard]] std::uint8_t tos() const { return load_u8(bytes_, 1); }
  /// Total length in bytes (header + payload).
  [[nodiscard]] std::uint16_t total_length() const { return load_be16(bytes_, 2); }
  [[nodiscard]] std::uint16_t identification() const { return load_be16(bytes_, 4); }
  [[nodiscard]] bool dont_fragment() const { return (load_u8(bytes_, 6) & 0x40) != 0; }
  [[nodiscard]] bool more_fragments() const { return (load_u8(bytes_, 6) & 0x20) != 0; }
  /// Fragment offset in bytes (the field × 8).
  [[nodiscard]] std::uint32_t fragment_offset() const {
    return (load_be16(bytes_, 6) & 0x1fffu) * 8u;
  }
  /// MF set or offset ≠ 0: this is a piece of a larger datagram.
  [[nodiscard]] bool is_fragment() const { return more_fragments() || fragment_offset() != 0; }
  [[nodiscard]] std::uint8_t ttl() const { return load_u8(bytes_, 8); }
  [[nodiscard]] std::uint8_t protocol() const { return load_u8(bytes_, 9); }
  [[nodiscard]] std::uint16_t header_checksum() const { return load_be16(bytes_, 10); }
  [[nodiscard]] Ipv4Addr src() const { return {load_be32(bytes_, 12)}; }
  [[nodiscard]] Ipv4Addr dst() const { return {load_be32(bytes_, 16)}; }
  /// IP options (skipped by the stack, never interpreted), 0..40 bytes.
  [[nodiscard]] Bytes options() const { return bytes_.subspan(20, header_len() - 20); }
  [[nodiscard]] Bytes header() const { return bytes_.subspan(0, header_len()); }
  /// The datagram's payload: bytes [header_len, total_length).
  [[nodiscard]] Bytes payload() const {
    return bytes_.subspan(header_len(), total_length() - header_len());
  }
  /// The whole datagram, [0, total_length).
  [[nodiscard]] Bytes bytes() const { return bytes_.first(total_length()); }

 private:
  explicit Ipv4View(Bytes b) : bytes_(b) {}
  Bytes bytes_;
};

/// An IPv4 header to build. Options are never emitted (wire_size() is 20).
struct Ipv4Header {
  std::uint8_t tos = 0;
  std::uint16_t identification = 0;
  bool dont_fragment = true;
  bool more_fragments = false;
  std::uint16_t fragment_offset = 0;  ///< bytes; must be a multiple of 8
  std::uint8_t ttl = 64;              ///< Linux default (net.ipv4.ip_default_ttl)
  std::uint8_t protocol = kIpProtoTcp;
  Ipv4Addr src;
  Ipv4Addr dst;

  static constexpr std::size_t kSize = 20;
  /// Fields of a parsed header (options dropped).
  static Ipv4Header from(const Ipv4View& v);
  [[nodiscard]] static constexpr std::size_t wire_size() { return kSize; }
  /// Writes the 20-byte header for a payload of `payload_len` bytes, checksum
  /// filled in. `out` must hold at least wire_size() bytes.
  void emit(MutableBytes out, std::uint16_t payload_len) const;
};

}  // namespace synack
