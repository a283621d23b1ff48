// SPDX-License-Identifier: Apache-2.0
// Which IPv4 addresses name one host: the test the stack applies to packet
// sources and destinations and to the peers of connect() and sendto().
#pragma once

#include <variant>

#include "wire/ipv4.hpp"
#include "wire/ipv6_addr.hpp"

namespace synack {

/// Not 0.0.0.0, not the limited broadcast 255.255.255.255, not multicast
/// (224.0.0.0/4): RFC 1122 §3.2.1.3 and RFC 9293 MUST-57 / §3.9.2.1.
[[nodiscard]] constexpr bool is_unicast(Ipv4Addr a) {
  return a.value != 0 && a.value != 0xffffffffu && (a.value >> 28) != 0xe;
}

/// IPv6: not :: and not multicast (ff00::/8, RFC 4291 §2.7; IPv6 has no
/// broadcast). IPv4 as above.
[[nodiscard]] inline bool is_unicast(const IpAddr& a) {
  if (const auto* v6 = std::get_if<Ipv6Addr>(&a))
    return !v6->is_unspecified() && !v6->is_multicast();
  return is_unicast(std::get<Ipv4Addr>(a));
}

}  // namespace synack
