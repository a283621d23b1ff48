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
  }
  return "unknown";
}

}  // namespace synack
