// SPDX-License-Identifier: Apache-2.0
#include "wire/error.hpp"

namespace synack {

std::string_view to_string(WireError e) {
  switch (e) {
    case WireError::kTruncated:
      return "truncated";
    case WireError::kIpBadVersion:
      return "ip-bad-version";
    case WireError::kIpBadIhl:
      return "ip-bad-ihl";
    case WireError::kIpBadTotalLength:
      return "ip-bad-total-length";
    case WireError::kIpTotalPastBuffer:
      return "ip-total-past-buffer";
    case WireError::kIpNoRoomForTcp:
      return "ip-no-room-for-tcp";
    case WireError::kIpBadChecksum:
      return "ip-bad-checksum";
    case WireError::kIpNotTcp:
      return "ip-not-tcp";
    case WireError::kIpFragment:
      return "ip-fragment";
    case WireError::kTcpBadDataOffset:
      return "tcp-bad-data-offset";
    case WireError::kTcpBadChecksum:
      return "tcp-bad-checksum";
    case WireError::kOptionLengthZero:
      return "option-length-zero";
    case WireError::kOptionLengthOne:
      return "option-length-one";
    case WireError::kOptionPastEnd:
      return "option-past-end";
    case WireError::kOptionNoRoomForLength:
      return "option-no-room-for-length";
    case WireError::kOptionBadLength:
      return "option-bad-length";
    case WireError::kIp6BadVersion:
      return "ip6-bad-version";
    case WireError::kIp6PayloadPastBuffer:
      return "ip6-payload-past-buffer";
    case WireError::kIp6ExtTruncated:
      return "ip6-ext-truncated";
    case WireError::kIp6ChainTooLong:
      return "ip6-chain-too-long";
    case WireError::kIp6HopByHopNotFirst:
      return "ip6-hop-by-hop-not-first";
    case WireError::kIp6OptionPastEnd:
      return "ip6-option-past-end";
    case WireError::kIp6OptionLimit:
      return "ip6-option-limit";
    case WireError::kIp6UnknownOption:
      return "ip6-unknown-option";
    case WireError::kIp6RoutingType0:
      return "ip6-routing-type0";
    case WireError::kIp6RoutingUnsupported:
      return "ip6-routing-unsupported";
    case WireError::kIp6FragmentBadLength:
      return "ip6-fragment-bad-length";
    case WireError::kIp6FirstFragmentIncomplete:
      return "ip6-first-fragment-incomplete";
    case WireError::kIcmp6BadChecksum:
      return "icmp6-bad-checksum";
    case WireError::kUdpBadLength:
      return "udp-bad-length";
    case WireError::kUdpBadChecksum:
      return "udp-bad-checksum";
  }
  return "unknown";
}

}  // namespace synack
