// SPDX-License-Identifier: Apache-2.0
// What the simulator reports about every packet, for recorders (ladder
// diagrams, pcap files, trace hashes) and tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string_view>

#include "base/bytes.hpp"
#include "base/time.hpp"

namespace synack::sim {

/// Index of a node in its Network (dense, from 0, in add order).
using NodeId = std::uint32_t;
/// Index of a one-way link in its Network (dense, from 0, in creation order).
using LinkId = std::uint32_t;
inline constexpr NodeId kNoNode = std::numeric_limits<NodeId>::max();
inline constexpr LinkId kNoLink = std::numeric_limits<LinkId>::max();

/// Why a packet did not arrive. Every reason has a counter.
enum class DropReason : std::uint8_t {
  kNone,           ///< (not a drop)
  kScripted,       ///< a scripted fault (faults.hpp)
  kRandomLoss,     ///< impairment: independent loss
  kBurstLoss,      ///< impairment: Gilbert–Elliott loss
  kQueueOverflow,  ///< the link's drop-tail queue was full
  kMtu,            ///< larger than the link's MTU
  kLinkDown,       ///< offered to a link that is down (Link::set_up(false))
  kNoRoute,        ///< the sender has no route to the destination
  kMalformed,      ///< not a parseable IPv4 packet (cannot be routed)
};

enum class PacketEventKind : std::uint8_t {
  kSent,        ///< offered to a link by a node (time: send time)
  kDelivered,   ///< handed to the receiving node (time: arrival time)
  kDropped,     ///< will never arrive (reason set; time: when decided)
  kDuplicated,  ///< an extra copy was made (copy ≥ 1; bytes: the copy)
  kCorrupted,   ///< a copy was damaged (bytes: after damage; corrupt_offset)
  kDelayed,     ///< a scripted fault added extra_delay to a copy
  kHeld,        ///< a scripted fault kept a copy to deliver again at `arrival`
};

/// One packet event. `bytes` is valid only during the observer call.
struct PacketEvent {
  PacketEventKind kind = PacketEventKind::kSent;
  Instant time;                 ///< when the event happened (virtual time)
  Instant sent_at;              ///< when the packet was offered to the link
  Instant arrival = kNever;     ///< scheduled arrival of this copy (kSent: of copy 0, if any)
  std::uint64_t packet_id = 0;  ///< unique per send(), from 1; shared by its copies
  std::uint8_t copy = 0;        ///< 0 original, 1 impairment duplicate, 2+ held copies
  NodeId from = kNoNode;
  NodeId to = kNoNode;
  LinkId link = kNoLink;
  DropReason reason = DropReason::kNone;
  Duration extra_delay{};          ///< kDelayed: the scripted extra delay
  std::size_t corrupt_offset = 0;  ///< kCorrupted: byte index damaged
  std::uint8_t corrupt_mask = 0;   ///< kCorrupted: the XOR applied there
  Bytes bytes;                     ///< the IPv4 packet as it is at this point
};

/// Receives every packet event, in the order they happen.
using Observer = std::function<void(const PacketEvent&)>;

/// Stable lower-case names ("sent", "queue-overflow", ...) for logs and CLIs.
[[nodiscard]] std::string_view to_string(DropReason r);
[[nodiscard]] std::string_view to_string(PacketEventKind k);

}  // namespace synack::sim
