// SPDX-License-Identifier: Apache-2.0
// Why the wire layer rejected a packet. Each malformed-input class has its own
// value so the stack can count drops by reason (docs/architecture.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace synack {

enum class WireError : std::uint8_t {
  kTruncated,              ///< buffer shorter than the fixed header
  kIpBadVersion,           ///< IPv4 version field is not 4
  kIpBadIhl,               ///< IHL < 5 words
  kIpBadTotalLength,       ///< total length < IHL*4
  kIpTotalPastBuffer,      ///< total length > the buffer (datagram cut short)
  kIpNoRoomForTcp,         ///< IHL*4 ≤ total length < IHL*4 + 20: no room for a TCP header
  kIpBadChecksum,          ///< IPv4 header checksum does not verify
  kIpNotTcp,               ///< protocol is not 6 (where TCP was required)
  kIpFragment,             ///< MF set or fragment offset ≠ 0 (needs reassembly first)
  kTcpBadDataOffset,       ///< data offset < 5 words or beyond the segment
  kTcpBadChecksum,         ///< TCP checksum (with pseudo-header) does not verify
  kOptionLengthZero,       ///< an option with length byte 0
  kOptionLengthOne,        ///< an option with length byte 1
  kOptionPastEnd,          ///< an option's length runs past the option space
  kOptionNoRoomForLength,  ///< a multi-byte kind in the last byte, no length byte
  kOptionBadLength,        ///< a known option with the wrong length (e.g. MSS ≠ 4)
  // IPv6 (RFC 8200) and ICMPv6 (RFC 4443). kTruncated, kIpNotTcp, kIpFragment
  // and kIpNoRoomForTcp above apply to both families.
  kIp6BadVersion,               ///< IPv6 version field is not 6
  kIp6PayloadPastBuffer,        ///< 40 + payload length > the buffer (datagram cut short)
  kIp6ExtTruncated,             ///< an extension header runs past the payload
  kIp6ChainTooLong,             ///< more extension headers than the walk's limit
  kIp6HopByHopNotFirst,         ///< Hop-by-Hop Options anywhere but right after the header
  kIp6OptionPastEnd,            ///< an option (HBH/DestOpts) runs past its header
  kIp6OptionLimit,              ///< too many options in one header, or padding > 7 bytes
  kIp6UnknownOption,            ///< an option whose action bits say discard (RFC 8200 §4.2)
  kIp6RoutingType0,             ///< Routing type 0 with segments left (RFC 5095 §3)
  kIp6RoutingUnsupported,       ///< any other routing header with segments left > 0
  kIp6FragmentBadLength,        ///< M set and length not a multiple of 8, or past 65535
  kIp6FirstFragmentIncomplete,  ///< first fragment without the whole header chain (RFC 7112)
  kIcmp6BadChecksum,            ///< ICMPv6 checksum (with pseudo-header) does not verify
  // UDP (RFC 768).
  kUdpBadLength,    ///< UDP length field < 8 or beyond the datagram
  kUdpBadChecksum,  ///< UDP checksum (non-zero, with pseudo-header) does not verify
};

/// Number of WireError values (arrays of per-reason counters use it).
inline constexpr std::size_t kWireErrorCount =
    static_cast<std::size_t>(WireError::kUdpBadChecksum) + 1;

/// Short stable name for logs and counters, e.g. "tcp-bad-checksum".
[[nodiscard]] std::string_view to_string(WireError e);

}  // namespace synack
