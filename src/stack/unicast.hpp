// SPDX-License-Identifier: Apache-2.0
// Which IPv4 addresses name one host: the test the stack applies to packet
// sources and destinations and to the peers of connect() and sendto().
#pragma once

#include "wire/ipv4.hpp"

namespace synack {

/// Not 0.0.0.0, not the limited broadcast 255.255.255.255, not multicast
/// (224.0.0.0/4): RFC 1122 §3.2.1.3 and RFC 9293 MUST-57 / §3.9.2.1.
[[nodiscard]] constexpr bool is_unicast(Ipv4Addr a) {
  return a.value != 0 && a.value != 0xffffffffu && (a.value >> 28) != 0xe;
}

}  // namespace synack
