// SPDX-License-Identifier: Apache-2.0
#include "sim/packet_event.hpp"

namespace synack::sim {

std::string_view to_string(DropReason r) {
  switch (r) {
    case DropReason::kNone:
      return "none";
    case DropReason::kScripted:
      return "scripted";
    case DropReason::kRandomLoss:
      return "random-loss";
    case DropReason::kBurstLoss:
      return "burst-loss";
    case DropReason::kQueueOverflow:
      return "queue-overflow";
    case DropReason::kMtu:
      return "mtu";
    case DropReason::kLinkDown:
      return "link-down";
    case DropReason::kNoRoute:
      return "no-route";
    case DropReason::kMalformed:
      return "malformed";
  }
  return "unknown";
}

std::string_view to_string(PacketEventKind k) {
  switch (k) {
    case PacketEventKind::kSent:
      return "sent";
    case PacketEventKind::kDelivered:
      return "delivered";
    case PacketEventKind::kDropped:
      return "dropped";
    case PacketEventKind::kDuplicated:
      return "duplicated";
    case PacketEventKind::kCorrupted:
      return "corrupted";
    case PacketEventKind::kDelayed:
      return "delayed";
    case PacketEventKind::kHeld:
      return "held";
  }
  return "unknown";
}

}  // namespace synack::sim
