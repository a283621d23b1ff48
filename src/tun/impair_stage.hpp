// SPDX-License-Identifier: Apache-2.0
// The impairment stage: sits between the TUN device and the stack, one per
// direction, and applies a seeded impairment model (loss, burst loss, delay,
// jitter, reordering, duplication, corruption) to real packets.
//
// The model (src/stack/impairment.hpp, shared with the simulator) only decides
// each packet's fate; this stage carries it out: drops, copies, corrupts, and
// holds delayed copies in a bounded queue ordered by release time. The event
// loop releases them: register next_deadline()/release() as a timer source.
//
//   ImpairStage<> inbound(Impairment(cfg, derive_seed(seed, 0)),
//                         [&](Bytes p, Instant t) { stack.input(p, t); }, 1024, mtu);
//   loop.add_device(dev, [&](Bytes p, Instant t) { inbound.push(p, t); });
//   loop.add_timer([&] { return inbound.next_deadline(); },
//                  [&](Instant t) { inbound.release(t); });
//
// Time is a parameter, so tests drive it with a fake clock. Header-only: the
// tun library itself does not link the stack; users of this header link
// synack::stack (for Impairment).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "base/bytes.hpp"
#include "base/time.hpp"
#include "stack/impairment.hpp"
#include "tun/packet_ring.hpp"

namespace synack {

/// Counters of one stage (packets). delivered counts copies handed to the sink.
struct ImpairStats {
  std::uint64_t pushed = 0;            ///< packets offered
  std::uint64_t delivered = 0;         ///< copies handed to the sink
  std::uint64_t dropped_random = 0;    ///< ImpairmentDrop::kRandomLoss
  std::uint64_t dropped_burst = 0;     ///< ImpairmentDrop::kBurstLoss
  std::uint64_t dropped_overflow = 0;  ///< copies lost because the hold queue was full
  std::uint64_t duplicated = 0;        ///< packets delivered twice
  std::uint64_t reordered = 0;         ///< copies held back by reorder_delay
  std::uint64_t corrupted = 0;         ///< copies with one damaged byte
  std::uint64_t delayed = 0;           ///< copies that waited in the hold queue
};

/// Applies `Model`'s fates to packets. `Model` needs `PacketFate decide(std::size_t)`
/// (Impairment, or a scripted fake in tests). Not thread-safe.
template <class Model = Impairment>
class ImpairStage {
 public:
  /// Receives each delivered copy (valid during the call) and the time it is delivered.
  using Sink = std::function<void(Bytes packet, Instant now)>;

  /// `capacity`: copies held at most (1..65536); `max_packet`: bytes per held
  /// copy (the MTU); longer packets cannot be delayed or corrupted and are
  /// counted as overflow drops when their fate needs that.
  ImpairStage(Model model, Sink sink, std::size_t capacity = 1024, std::size_t max_packet = 1500)
      : model_(std::move(model)), sink_(std::move(sink)), pool_(capacity, max_packet) {
    held_.reserve(capacity);
  }

  /// Offers one packet at `now`. Copies due now (no delay, no corruption) go
  /// to the sink before push() returns; the others wait for release().
  void push(Bytes packet, Instant now) {
    release(now);  // what was due goes first: no overtaking by zero-delay copies
    ++stats_.pushed;
    const PacketFate fate = model_.decide(packet.size());
    if (fate.drop == ImpairmentDrop::kRandomLoss) ++stats_.dropped_random;
    if (fate.drop == ImpairmentDrop::kBurstLoss) ++stats_.dropped_burst;
    if (fate.dropped()) return;
    if (fate.copies > 1) ++stats_.duplicated;
    for (std::size_t i = 0; i < fate.copies && i < fate.copy.size(); ++i) {
      deliver_or_hold(packet, fate.copy[i], now);
    }
  }

  /// Hands every held copy whose release time is ≤ now to the sink, earliest
  /// first (ties in push order).
  void release(Instant now) {
    while (!held_.empty() && held_.front().at <= now) {
      std::pop_heap(held_.begin(), held_.end(), later);
      const Held h = held_.back();
      held_.pop_back();
      ++stats_.delivered;
      sink_(pool_.get(h.slot), now);
      pool_.release(h.slot);
    }
  }

  /// When the earliest held copy is due (kNever: none held).
  [[nodiscard]] Instant next_deadline() const { return held_.empty() ? kNever : held_.front().at; }
  /// Copies waiting.
  [[nodiscard]] std::size_t held() const { return held_.size(); }
  [[nodiscard]] const ImpairStats& stats() const { return stats_; }
  [[nodiscard]] Model& model() { return model_; }

 private:
  struct Held {
    Instant at;          // release time
    std::uint64_t seq;   // push order, breaks ties
    std::uint32_t slot;  // in pool_
  };
  // std::*_heap builds a max-heap: "later" on top would be wrong, so the
  // comparator says a < b when a is due after b (min-heap on (at, seq)).
  static bool later(const Held& a, const Held& b) {
    return a.at != b.at ? a.at > b.at : a.seq > b.seq;
  }

  void deliver_or_hold(Bytes packet, const CopyFate& copy, Instant now) {
    if (copy.reordered) ++stats_.reordered;
    const bool corrupt = copy.corruption.active() && copy.corruption.offset < packet.size();
    if (copy.extra_delay <= Duration::zero() && !corrupt) {
      ++stats_.delivered;
      sink_(packet, now);
      return;
    }
    const std::uint32_t slot = pool_.store(packet);
    if (slot == PacketPool::kNone) {
      ++stats_.dropped_overflow;
      return;
    }
    if (corrupt) {
      copy.corruption.apply(pool_.get_mut(slot));
      ++stats_.corrupted;
    }
    if (copy.extra_delay > Duration::zero()) ++stats_.delayed;
    held_.push_back(Held{now + copy.extra_delay, next_seq_++, slot});
    std::push_heap(held_.begin(), held_.end(), later);
    if (copy.extra_delay <= Duration::zero()) release(now);  // corrupted, not delayed
  }

  Model model_;
  Sink sink_;
  PacketPool pool_;
  std::vector<Held> held_;  // min-heap on (at, seq); capacity reserved up front
  std::uint64_t next_seq_ = 0;
  ImpairStats stats_;
};

}  // namespace synack
