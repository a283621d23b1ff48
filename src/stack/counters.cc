// SPDX-License-Identifier: Apache-2.0
#include "stack/counters.hpp"

namespace synack {

std::string_view to_string(StackDrop d) {
  switch (d) {
    case StackDrop::kMalformed:
      return "malformed";
    case StackDrop::kNotForUs:
      return "not-for-us";
    case StackDrop::kBadSource:
      return "bad-source";
    case StackDrop::kUnknownProtocol:
      return "unknown-protocol";
    case StackDrop::kFragment:
      return "fragment";
    case StackDrop::kNoConnection:
      return "no-connection";
    case StackDrop::kTooManyConnections:
      return "too-many-connections";
    case StackDrop::kControlQueueFull:
      return "control-queue-full";
    case StackDrop::kIcmpIgnored:
      return "icmp-ignored";
    case StackDrop::kReplyRateLimited:
      return "reply-rate-limited";
    case StackDrop::kCount:
      break;
  }
  return "unknown";
}

}  // namespace synack
