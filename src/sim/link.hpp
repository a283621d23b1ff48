// SPDX-License-Identifier: Apache-2.0
// A one-way point-to-point link: MTU check, scripted faults, a drop-tail
// queue in front of a serialiser of fixed bandwidth, propagation delay, and
// the seeded impairment model. Delivery happens through the event loop at the
// computed arrival time.
//
// Per packet offered at time `now` (in this order):
//   0. link down (set_up(false))           → dropped (kLinkDown)
//   1. size > mtu                          → dropped (kMtu)
//   2. scripted faults (faults.hpp)        → maybe dropped (kScripted), delayed, held
//   3. queue: backlog + size > queue_limit → dropped (kQueueOverflow)
//      tx_start = max(now, previous tx_end); tx_end = tx_start + size·8/bandwidth
//   4. impairment (stack/impairment.hpp)   → lost on the wire (kRandomLoss,
//      kBurstLoss; the packet still used its serialisation time), or 1–2 copies,
//      each maybe corrupted
//   5. arrival = tx_end + delay + impairment delay/jitter (+ reorder delay)
//      (+ scripted delay). Copies that are neither reordered nor scripted-
//      delayed keep FIFO order: jitter never lets them overtake each other.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <span>
#include <vector>

#include "base/bytes.hpp"
#include "base/time.hpp"
#include "sim/event_loop.hpp"
#include "sim/faults.hpp"
#include "sim/packet_event.hpp"
#include "stack/impairment.hpp"

namespace synack::sim {

/// One direction of a link. Defaults: 10 ms, infinite bandwidth, 1500-byte MTU.
struct LinkConfig {
  Duration delay = milliseconds(10);  ///< propagation delay, ≥ 0
  Duration jitter{};                ///< extra uniform delay [0, jitter] (adds to impairment.jitter)
  std::uint64_t bandwidth_bps = 0;  ///< bits per second; 0 = infinite (no queueing)
  std::size_t queue_limit = 256 * 1024;  ///< drop-tail limit in bytes (incl. the packet in service)
  std::size_t mtu = 1500;                ///< bytes; larger IPv4 packets are dropped
  ImpairmentConfig impairment{};         ///< random loss, dup, reorder, corruption ...
};

/// What happened to the packets offered to a link. Every packet offered ends
/// in exactly one of delivered-or-in-flight or one drop counter (duplicates
/// and held copies are counted separately).
struct LinkCounters {
  std::uint64_t offered = 0;  ///< packets given to transmit()
  std::uint64_t offered_bytes = 0;
  std::uint64_t delivered = 0;  ///< copies handed to the receiver (incl. dups, held)
  std::uint64_t delivered_bytes = 0;
  std::uint64_t dropped_down = 0;  ///< offered while the link was down
  std::uint64_t dropped_mtu = 0;
  std::uint64_t dropped_scripted = 0;
  std::uint64_t dropped_queue = 0;
  std::uint64_t dropped_random = 0;
  std::uint64_t dropped_burst = 0;
  std::uint64_t duplicated = 0;        ///< extra copies made by the impairment
  std::uint64_t corrupted = 0;         ///< copies damaged
  std::uint64_t reordered = 0;         ///< copies held back by the impairment
  std::uint64_t delayed_scripted = 0;  ///< packets delayed by a fault
  std::uint64_t held = 0;              ///< copies kept for a later re-delivery
  std::size_t max_queue_bytes = 0;     ///< high-water mark of the backlog

  [[nodiscard]] std::uint64_t dropped() const {
    return dropped_down + dropped_mtu + dropped_scripted + dropped_queue + dropped_random +
           dropped_burst;
  }
};

class Link {
 public:
  /// Endpoints and id, as the Network knows them (reported in events).
  struct Ends {
    LinkId id = kNoLink;
    NodeId from = kNoNode;
    NodeId to = kNoNode;
  };
  /// Where the link reports events and hands arriving packets.
  struct Hooks {
    std::function<void(const PacketEvent&)> event;  ///< may be empty
    std::function<void(Bytes, Instant)> deliver;    ///< the receiver
  };

  /// `seed` drives this link's impairment (derive one per link).
  Link(EventLoop& loop, const LinkConfig& config, std::uint64_t seed, Ends ends, Hooks hooks);
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  /// Offers an IPv4 packet (copied) at loop.now(). `packet_id` tags its events.
  void transmit(Bytes packet, std::uint64_t packet_id);
  /// Adds a scripted fault (see faults.hpp).
  void add_fault(const Fault& f) { faults_.add(f); }
  /// Replaces the impairment settings mid-run (the random stream continues).
  void set_impairment(const ImpairmentConfig& c);
  /// Takes the link down (every packet offered is dropped, kLinkDown) or
  /// back up. Copies already in flight still arrive. Starts up.
  void set_up(bool up) { up_ = up; }
  [[nodiscard]] bool up() const { return up_; }

  [[nodiscard]] const LinkConfig& config() const { return config_; }
  [[nodiscard]] const LinkCounters& counters() const { return counters_; }
  [[nodiscard]] const FaultPlan& faults() const { return faults_; }
  [[nodiscard]] Ends ends() const { return ends_; }
  /// Bytes queued or in serialisation at `now`.
  [[nodiscard]] std::size_t backlog(Instant now);
  /// Copies scheduled for delivery but not yet delivered.
  [[nodiscard]] std::size_t in_flight() const { return slots_.size() - free_slots_.size(); }
  /// Serialisation time of `bytes` at the configured bandwidth (0 if infinite), rounded up to 1 ns.
  [[nodiscard]] Duration serialization_delay(std::size_t bytes) const;

 private:
  struct Slot {
    std::vector<std::byte> bytes;
    std::uint64_t packet_id = 0;
    Instant sent_at;
    std::uint8_t copy = 0;
  };
  void report(PacketEvent e) const;
  void drop(Bytes packet, std::uint64_t packet_id, DropReason reason);
  std::uint32_t take_slot(Bytes packet, std::uint64_t packet_id, std::uint8_t copy);
  void schedule_delivery(std::uint32_t slot, Instant arrival);
  void deliver(std::uint32_t slot);
  Instant enqueue(std::size_t size);  // returns tx_end
  void hold_copies(Bytes packet, std::uint64_t packet_id, std::span<const Instant> times);
  void send_copy(Bytes packet, std::uint64_t packet_id, std::uint8_t copy, const CopyFate& cf,
                 Instant tx_end, Duration scripted_delay);

  EventLoop& loop_;
  LinkConfig config_;
  Ends ends_;
  Hooks hooks_;
  Impairment impairment_;
  FaultPlan faults_;
  LinkCounters counters_;
  bool up_ = true;
  Instant busy_until_{};                               // end of the last serialisation
  Instant last_fifo_arrival_{};                        // FIFO clamp for in-order copies
  std::deque<std::pair<Instant, std::size_t>> queue_;  // (tx_end, size) not yet sent
  std::size_t queue_bytes_ = 0;
  // Packets in flight live in slots; the pending event holds only the index,
  // and freed slots keep their buffer's capacity: no allocation per packet
  // once the pool has grown to the bandwidth-delay product.
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::vector<std::vector<std::byte>> spare_;  // delivered buffers, capacity kept
};

}  // namespace synack::sim
