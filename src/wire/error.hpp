// SPDX-License-Identifier: Apache-2.0
// Why the wire layer rejected a packet. Each malformed-input class has its own
// value so the stack can count drops by reason (docs/architecture.md).
#pragma once

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
};

/// Short stable name for logs and counters, e.g. "tcp-bad-checksum".
[[nodiscard]] std::string_view to_string(WireError e);

}  // namespace synack
