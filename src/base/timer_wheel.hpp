// SPDX-License-Identifier: Apache-2.0
// A hierarchical timing wheel (Varghese & Lauck, 1987) driving every
// connection's deadline: O(1) schedule, cancel and per-timer expiry.
//
// Timers are identified by a dense id (the connection's slot number), so the
// wheel's nodes live in one vector indexed by id: no allocation per timer
// operation once the vector has grown to the number of slots.
//
// Four levels of 64 slots; level L slot width is tick·64^L. With a 1 ms tick
// the wheel spans 64^4 ms ≈ 4.66 h; later deadlines wait on an overflow list
// and are re-inserted as time approaches them. A timer fires at the first
// advance() whose `now` is at or past its deadline rounded up to the tick.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "base/time.hpp"

namespace synack {

class TimerWheel {
 public:
  using Id = std::uint32_t;
  static constexpr int kLevels = 4;
  static constexpr int kSlotBits = 6;
  static constexpr int kSlots = 1 << kSlotBits;

  /// `start`: the time the wheel's tick 0 stands for. `tick`: resolution (> 0).
  explicit TimerWheel(Instant start = Instant{}, Duration tick = milliseconds(1));

  /// Arms (or re-arms) timer `id` for `deadline`. A deadline in the past fires
  /// at the next advance(). kNever cancels.
  void schedule(Id id, Instant deadline);
  /// Disarms timer `id` (no-op if not armed).
  void cancel(Id id);
  /// True if `id` is armed.
  [[nodiscard]] bool armed(Id id) const;
  /// Number of armed timers.
  [[nodiscard]] std::size_t size() const { return armed_count_; }

  /// Moves time forward to `now` and calls `on_expire(id)` for every timer due
  /// by then. A callback may schedule or cancel timers (including its own id);
  /// timers it arms for times ≤ now fire in this same call.
  template <typename F>
  void advance(Instant now, F&& on_expire) {
    const std::uint64_t target = tick_of_floor(now);
    while (current_ <= target) {
      collect_due();
      Id id;
      while ((id = pop_due()) != kNone) on_expire(id);
      if (current_ == target) break;
      step_to_next(target);
    }
  }

  /// A lower bound on the next deadline (kNever if none armed). Driving loops
  /// sleep until then and call advance(); it may return early, never late.
  [[nodiscard]] Instant next_expiry() const;

 private:
  static constexpr Id kNone = std::numeric_limits<Id>::max();
  static constexpr std::uint8_t kOverflow = 0xff;
  struct Node {
    Id prev = kNone;
    Id next = kNone;
    std::uint64_t tick = 0;  // deadline in ticks (rounded up)
    std::uint8_t level = 0;  // 0..3, kOverflow, or kDue
    std::uint8_t slot = 0;
    bool armed = false;
  };
  static constexpr std::uint8_t kDue = 0xfe;

  [[nodiscard]] std::uint64_t tick_of_ceil(Instant t) const;
  [[nodiscard]] std::uint64_t tick_of_floor(Instant t) const;
  void ensure(Id id);
  void place(Id id);
  void link(Id id, Id& head);
  void unlink(Id id);
  Id& head_of(const Node& n);
  void collect_due();
  Id pop_due();
  [[nodiscard]] std::uint64_t next_event_tick() const;
  void step_to_next(std::uint64_t target);
  void cascade();

  Instant start_;
  Duration tick_;
  std::uint64_t current_ = 0;  // the tick whose level-0 slot is being served
  std::vector<Node> nodes_;
  std::array<std::array<Id, kSlots>, kLevels> slots_;
  std::array<std::uint64_t, kLevels> occupied_{};  // bit s set: slot s non-empty
  Id overflow_ = kNone;
  Id due_ = kNone;
  std::size_t armed_count_ = 0;
};

}  // namespace synack
