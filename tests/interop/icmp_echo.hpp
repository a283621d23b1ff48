// SPDX-License-Identifier: Apache-2.0
// ICMP echo helpers for interop tests: recognise the kernel's echo requests
// and build replies by hand (RFC 792), so that `ping` inside a namespace can
// prove both directions of a TUN device without a TCP stack.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/bytes.hpp"
#include "wire/ipv4.hpp"

namespace synack::interop {

/// The kernel side of the test subnet and the address synack plays.
inline constexpr Ipv4Addr kKernel = Ipv4Addr::from_octets(10, 77, 0, 1);
inline constexpr Ipv4Addr kSynack = Ipv4Addr::from_octets(10, 77, 0, 2);

/// The packet as an IPv4 ICMP echo request (type 8, ≥ 8 bytes of ICMP), or nullopt.
[[nodiscard]] std::optional<Ipv4View> as_echo_request(Bytes packet);

/// The echo reply to `request`: swapped addresses, type 0, the same
/// id/sequence/data, IPv4 and ICMP checksums (RFC 1071) recomputed.
[[nodiscard]] std::vector<std::byte> echo_reply(const Ipv4View& request);

/// The minimum RTT (ms) from ping's summary "rtt min/avg/max/mdev = a/b/c/d ms", or -1.
[[nodiscard]] double ping_rtt_min_ms(const std::string& ping_output);

}  // namespace synack::interop
