// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the wire tests: hex, golden vectors, a sample packet.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "wire/ipv6.hpp"
#include "wire/tcp.hpp"

namespace synack::test {

using Buffer = std::vector<std::byte>;

/// "4500003c..." → bytes; whitespace ignored. Throws on odd length or non-hex.
Buffer from_hex(std::string_view hex);
/// Lower-case hex of `b`.
std::string to_hex(Bytes b);

/// tests/data/linux_golden.txt as name → packet bytes (syn, synack, data, fin, rst).
const std::map<std::string, Buffer>& linux_golden();

/// tests/data/linux_golden_ipv6.txt as name → packet bytes (echo_request, syn,
/// packet_too_big, ...: see tests/data/capture_golden_ipv6.sh).
const std::map<std::string, Buffer>& linux_golden_ipv6();

/// Builds IPv4 + `seg` with emit_ipv4_tcp into a right-sized buffer.
Buffer build_packet(const Ipv4Header& ip, const TcpSegment& seg);

/// 10.0.0.1 and 10.0.0.2, the addresses of the hand-made test packets.
inline constexpr Ipv4Addr kA = Ipv4Addr::from_octets(10, 0, 0, 1);
inline constexpr Ipv4Addr kB = Ipv4Addr::from_octets(10, 0, 0, 2);

/// A SYN 10.0.0.1:5000 > 10.0.0.2:80 with <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>
/// and a 100-byte payload when `with_payload`.
Buffer sample_syn(bool with_payload = false);

/// fd00::1 and fd00::2, the IPv6 addresses of the hand-made test packets.
inline constexpr Ipv6Addr kA6 = Ipv6Addr::from_groups(0xfd00, 0, 0, 0, 0, 0, 0, 1);
inline constexpr Ipv6Addr kB6 = Ipv6Addr::from_groups(0xfd00, 0, 0, 0, 0, 0, 0, 2);

/// An IPv6 packet kA6 > kB6 (or `src` > `dst`) whose Next Header is
/// `next_header` and whose payload is `payload` (extension headers and upper
/// layer as given: nothing is filled in or checked).
Buffer ipv6_packet(std::uint8_t next_header, const Buffer& payload, const Ipv6Addr& src = kA6,
                   const Ipv6Addr& dst = kB6);

/// `seg` emitted with its checksum over the IPv6 pseudo-header of src > dst
/// (the TCP bytes alone, to put after extension headers).
Buffer tcp6_bytes(const TcpSegment& seg, const Ipv6Addr& src = kA6, const Ipv6Addr& dst = kB6);

/// The TCP SYN of sample_syn(), over IPv6 kA6 > kB6 without extension headers.
Buffer sample_syn6(bool with_payload = false);

}  // namespace synack::test
