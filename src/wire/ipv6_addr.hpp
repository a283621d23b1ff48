// SPDX-License-Identifier: Apache-2.0
// IPv6 addresses (RFC 4291) and their text form (RFC 4291 §2.2 to read,
// RFC 5952 to write), and IpAddr, an address of either family.
//
// Ipv4Addr and Ipv6Addr are distinct types with no conversion between them, so
// a function that takes one family cannot be handed the other by accident;
// the IPv4-mapped form (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) is built and
// recognised only through the explicit v4_mapped() / to_v4_mapped().
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "base/bytes.hpp"
#include "wire/ipv4.hpp"

namespace synack {

/// An IPv6 address: 16 bytes in network order (as on the wire).
struct Ipv6Addr {
  std::array<std::uint8_t, 16> bytes{};

  /// From the eight 16-bit groups as written (fd77::1 == from_groups(0xfd77, 0, ..., 1)).
  static constexpr Ipv6Addr from_groups(std::uint16_t g0, std::uint16_t g1, std::uint16_t g2,
                                        std::uint16_t g3, std::uint16_t g4, std::uint16_t g5,
                                        std::uint16_t g6, std::uint16_t g7) {
    Ipv6Addr a;
    const std::uint16_t g[8] = {g0, g1, g2, g3, g4, g5, g6, g7};
    for (int i = 0; i < 8; ++i) {
      a.bytes[2 * i] = static_cast<std::uint8_t>(g[i] >> 8);
      a.bytes[2 * i + 1] = static_cast<std::uint8_t>(g[i]);
    }
    return a;
  }
  /// ::ffff:a.b.c.d, the IPv4-mapped address of `v4` (RFC 4291 §2.5.5.2).
  static constexpr Ipv6Addr v4_mapped(Ipv4Addr v4) {
    return from_groups(0, 0, 0, 0, 0, 0xffff, static_cast<std::uint16_t>(v4.value >> 16),
                       static_cast<std::uint16_t>(v4.value));
  }
  /// The 16 bytes at `at` of `b` (the caller has checked that they exist).
  static Ipv6Addr load(Bytes b, std::size_t at);
  /// Writes the 16 bytes at `at` of `out`.
  void store(MutableBytes out, std::size_t at) const;
  /// Group `i` (0..7) as a host-order number.
  [[nodiscard]] constexpr std::uint16_t group(int i) const {
    return static_cast<std::uint16_t>((bytes[2 * i] << 8) | bytes[2 * i + 1]);
  }

  /// :: (RFC 4291 §2.5.2).
  [[nodiscard]] bool is_unspecified() const { return *this == Ipv6Addr{}; }
  /// ::1 (RFC 4291 §2.5.3).
  [[nodiscard]] bool is_loopback() const { return *this == from_groups(0, 0, 0, 0, 0, 0, 0, 1); }
  /// ff00::/8 (RFC 4291 §2.7).
  [[nodiscard]] bool is_multicast() const { return bytes[0] == 0xff; }
  /// fe80::/10 (RFC 4291 §2.5.6).
  [[nodiscard]] bool is_link_local() const { return bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80; }
  /// ::ffff:0:0/96.
  [[nodiscard]] bool is_v4_mapped() const;
  /// The IPv4 address inside ::ffff:a.b.c.d; nullopt for any other address.
  [[nodiscard]] std::optional<Ipv4Addr> to_v4_mapped() const;

  /// Parses RFC 4291 §2.2 text: eight groups of 1-4 hex digits, "::" once for
  /// a run of zero groups, an optional dotted-quad in place of the last two
  /// groups ("::ffff:10.0.0.1"). Case-insensitive. No brackets, no zone
  /// ("%eth0"), no prefix length: nullopt on anything else.
  static std::optional<Ipv6Addr> parse(std::string_view text);
  /// RFC 5952 §4 text: lower-case hex, leading zeros dropped, the longest run
  /// of two or more zero groups (the first of equal runs) as "::"; IPv4-mapped
  /// addresses in mixed notation, "::ffff:10.0.0.1" (RFC 5952 §5).
  [[nodiscard]] std::string to_string() const;

  friend constexpr bool operator==(const Ipv6Addr&, const Ipv6Addr&) = default;
  friend constexpr auto operator<=>(const Ipv6Addr&, const Ipv6Addr&) = default;
};

/// An address of either family. The family is the variant's alternative; no
/// operation silently converts one into the other.
using IpAddr = std::variant<Ipv4Addr, Ipv6Addr>;

/// The unspecified address of `a`'s family: 0.0.0.0 or ::.
[[nodiscard]] inline IpAddr unspecified_like(const IpAddr& a) {
  return std::holds_alternative<Ipv6Addr>(a) ? IpAddr{Ipv6Addr{}} : IpAddr{Ipv4Addr{}};
}
/// 0.0.0.0 or :: (the wildcard of a bind or a listener).
[[nodiscard]] inline bool is_unspecified(const IpAddr& a) {
  if (const auto* v6 = std::get_if<Ipv6Addr>(&a)) return v6->is_unspecified();
  return std::get<Ipv4Addr>(a) == Ipv4Addr{};
}

/// Parses either family: dotted-quad for IPv4, RFC 4291 text for IPv6 (a text
/// with a ':' is IPv6). nullopt on anything else.
[[nodiscard]] std::optional<IpAddr> parse_ip_addr(std::string_view text);
/// "10.0.0.1" or "fd77::1".
[[nodiscard]] std::string to_string(const IpAddr& addr);
/// "10.0.0.1:80" or "[fd77::1]:80" (RFC 5952 §6).
[[nodiscard]] std::string to_string(const IpAddr& addr, std::uint16_t port);

}  // namespace synack
