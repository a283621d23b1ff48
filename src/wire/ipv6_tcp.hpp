// SPDX-License-Identifier: Apache-2.0
// TCP over IPv6: the whole-packet parse and build, as parse_ipv4_tcp /
// emit_ipv4_tcp do for IPv4 (wire/tcp.hpp).
#pragma once

#include <cstddef>
#include <expected>

#include "base/bytes.hpp"
#include "wire/error.hpp"
#include "wire/ipv6.hpp"
#include "wire/ipv6_ext.hpp"
#include "wire/tcp.hpp"

namespace synack {

/// A parsed IPv6 packet carrying TCP.
struct Ipv6TcpPacket {
  Ipv6View ip;
  Ipv6Chain chain;  ///< the extension headers walked before TCP
  TcpSegment tcp;
};

/// Parses and fully validates an IPv6+TCP packet: IPv6 header, extension
/// headers (walk_ipv6_chain with `limits`), upper layer TCP, not a fragment,
/// TCP header, options, and the TCP checksum over the IPv6 pseudo-header.
/// Errors: any WireError; kIpNotTcp when the chain ends in another protocol,
/// kIpFragment for a fragment, kIpNoRoomForTcp for fewer than 20 bytes of TCP.
/// The ICMPv6 answer a refused chain asks for is walk_ipv6_chain's to give:
/// call it directly where the answer is sent.
std::expected<Ipv6TcpPacket, WireError> parse_ipv6_tcp(Bytes packet,
                                                       const Ipv6WalkLimits& limits = {});

/// Builds IPv6 (no extension headers) + TCP into `out` (at least 40 +
/// seg.wire_size() bytes) and returns the bytes written. `ip.next_header` is
/// forced to TCP.
std::size_t emit_ipv6_tcp(MutableBytes out, Ipv6Header ip, const TcpSegment& seg);

}  // namespace synack
