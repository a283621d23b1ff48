// SPDX-License-Identifier: Apache-2.0
#include "tcp/trace.hpp"

#include <numeric>

namespace synack::tcp {

std::string_view to_string(TraceKind k) {
  switch (k) {
    case TraceKind::kStateChange:
      return "state";
    case TraceKind::kDrop:
      return "drop";
    case TraceKind::kRstSent:
      return "rst-sent";
    case TraceKind::kChallengeAck:
      return "challenge-ack";
    case TraceKind::kRetransmit:
      return "retransmit";
    case TraceKind::kTimerFired:
      return "timer";
    case TraceKind::kUserCall:
      return "user-call";
  }
  return "?";
}

std::string_view to_string(DropReason r) {
  switch (r) {
    case DropReason::kNone:
      return "none";
    case DropReason::kRstNoConnection:
      return "rst-no-connection";
    case DropReason::kRstOutOfWindow:
      return "rst-out-of-window";
    case DropReason::kRstInWindow:
      return "rst-in-window";
    case DropReason::kRstInTimeWait:
      return "rst-in-time-wait";
    case DropReason::kRstUnacceptableAck:
      return "rst-unacceptable-ack";
    case DropReason::kSynFin:
      return "syn-fin";
    case DropReason::kNoSynNoRst:
      return "no-syn-no-rst";
    case DropReason::kNotAcceptable:
      return "not-acceptable";
    case DropReason::kNoAck:
      return "no-ack";
    case DropReason::kAckUnsent:
      return "ack-unsent";
    case DropReason::kAckTooOld:
      return "ack-too-old";
    case DropReason::kUnacceptableAck:
      return "unacceptable-ack";
    case DropReason::kSynInWindow:
      return "syn-in-window";
    case DropReason::kChallengeAckLimit:
      return "challenge-ack-limit";
    case DropReason::kOutOfOrder:
      return "out-of-order";
    case DropReason::kReceiveBufferFull:
      return "receive-buffer-full";
    case DropReason::kDataAfterFin:
      return "data-after-fin";
    case DropReason::kSynQueueFull:
      return "syn-queue-full";
    case DropReason::kAcceptQueueFull:
      return "accept-queue-full";
    case DropReason::kBadCookie:
      return "bad-cookie";
    case DropReason::kTimeWaitIgnored:
      return "time-wait-ignored";
    case DropReason::kStaleSynAck:
      return "duplicate-syn";
    case DropReason::kPaws:
      return "paws";
    case DropReason::kPmtuFloor:
      return "pmtu-floor";
    case DropReason::kCount:
      break;
  }
  return "?";
}

std::uint64_t DropCounters::total() const {
  return std::accumulate(count.begin(), count.end(), std::uint64_t{0});
}

}  // namespace synack::tcp
