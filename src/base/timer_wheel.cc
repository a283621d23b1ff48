// SPDX-License-Identifier: Apache-2.0
#include "base/timer_wheel.hpp"

#include <algorithm>
#include <bit>

namespace synack {

TimerWheel::TimerWheel(Instant start, Duration tick) : start_(start), tick_(tick) {
  for (auto& level : slots_) level.fill(kNone);
}

std::uint64_t TimerWheel::tick_of_ceil(Instant t) const {
  if (t <= start_) return 0;
  const auto d = (t - start_).count();
  return static_cast<std::uint64_t>((d + tick_.count() - 1) / tick_.count());
}

std::uint64_t TimerWheel::tick_of_floor(Instant t) const {
  if (t <= start_) return 0;
  return static_cast<std::uint64_t>((t - start_).count() / tick_.count());
}

void TimerWheel::ensure(Id id) {
  if (id >= nodes_.size()) nodes_.resize(std::max<std::size_t>(id + 1, nodes_.size() * 2));
}

TimerWheel::Id& TimerWheel::head_of(const Node& n) {
  if (n.level == kDue) return due_;
  if (n.level == kOverflow) return overflow_;
  return slots_[n.level][n.slot];
}

void TimerWheel::link(Id id, Id& head) {
  Node& n = nodes_[id];
  n.prev = kNone;
  n.next = head;
  if (head != kNone) nodes_[head].prev = id;
  head = id;
}

void TimerWheel::unlink(Id id) {
  Node& n = nodes_[id];
  if (n.prev != kNone) {
    nodes_[n.prev].next = n.next;
  } else {
    head_of(n) = n.next;
  }
  if (n.next != kNone) nodes_[n.next].prev = n.prev;
  if (n.level < kLevels && slots_[n.level][n.slot] == kNone) {
    occupied_[n.level] &= ~(std::uint64_t{1} << n.slot);
  }
  n.prev = n.next = kNone;
}

// Files a node by how far its deadline is from `current_`: the lowest level
// whose higher-order tick bits agree with the current tick's.
void TimerWheel::place(Id id) {
  Node& n = nodes_[id];
  if (n.tick <= current_) {
    n.level = kDue;
    link(id, due_);
    return;
  }
  for (int level = 0; level < kLevels; ++level) {
    const int shift = kSlotBits * (level + 1);
    if ((n.tick >> shift) == (current_ >> shift)) {
      n.level = static_cast<std::uint8_t>(level);
      n.slot = static_cast<std::uint8_t>((n.tick >> (kSlotBits * level)) & (kSlots - 1));
      link(id, slots_[level][n.slot]);
      occupied_[level] |= std::uint64_t{1} << n.slot;
      return;
    }
  }
  n.level = kOverflow;
  link(id, overflow_);
}

void TimerWheel::schedule(Id id, Instant deadline) {
  if (deadline == kNever) {
    cancel(id);
    return;
  }
  ensure(id);
  if (nodes_[id].armed) {
    unlink(id);
  } else {
    nodes_[id].armed = true;
    ++armed_count_;
  }
  nodes_[id].tick = tick_of_ceil(deadline);
  place(id);
}

void TimerWheel::cancel(Id id) {
  if (id >= nodes_.size() || !nodes_[id].armed) return;
  unlink(id);
  nodes_[id].armed = false;
  --armed_count_;
}

bool TimerWheel::armed(Id id) const {
  return id < nodes_.size() && nodes_[id].armed;
}

void TimerWheel::collect_due() {
  const auto slot = static_cast<std::uint8_t>(current_ & (kSlots - 1));
  Id id = slots_[0][slot];
  while (id != kNone) {
    const Id next = nodes_[id].next;
    unlink(id);
    place(id);  // tick == current_: goes to the due list
    id = next;
  }
}

TimerWheel::Id TimerWheel::pop_due() {
  const Id id = due_;
  if (id == kNone) return kNone;
  unlink(id);
  nodes_[id].armed = false;
  --armed_count_;
  return id;
}

// The next tick after `current_` at which something can happen: an occupied
// level-0 slot, the start of an occupied higher-level slot (a lower bound for
// its timers), or the overflow boundary. UINT64_MAX if nothing is armed.
std::uint64_t TimerWheel::next_event_tick() const {
  std::uint64_t best = std::numeric_limits<std::uint64_t>::max();
  for (int level = 0; level < kLevels; ++level) {
    const int shift = kSlotBits * level;
    const auto pos = static_cast<unsigned>((current_ >> shift) & (kSlots - 1));
    const std::uint64_t later =
        pos == kSlots - 1 ? 0 : occupied_[level] & (~std::uint64_t{0} << (pos + 1));
    if (later == 0) continue;
    const auto s = static_cast<std::uint64_t>(std::countr_zero(later));
    const int upper = kSlotBits * (level + 1);
    best = std::min(best, ((current_ >> upper) << upper) | (s << shift));
  }
  if (overflow_ != kNone) {
    const int top = kSlotBits * kLevels;
    best = std::min(best, ((current_ >> top) + 1) << top);
  }
  return best;
}

// Jumps `current_` to the next tick where something can happen, capped at
// `target`, then cascades the higher-level slots it reached.
void TimerWheel::step_to_next(std::uint64_t target) {
  current_ = std::max(current_ + 1, std::min(next_event_tick(), target));
  cascade();
}

void TimerWheel::cascade() {
  const int top = kSlotBits * kLevels;
  if ((current_ & ((std::uint64_t{1} << top) - 1)) == 0) {
    Id id = overflow_;
    while (id != kNone) {
      const Id next = nodes_[id].next;
      unlink(id);
      place(id);
      id = next;
    }
  }
  for (int level = kLevels - 1; level >= 1; --level) {
    const int shift = kSlotBits * level;
    if ((current_ & ((std::uint64_t{1} << shift) - 1)) != 0) continue;
    const auto slot = static_cast<std::uint8_t>((current_ >> shift) & (kSlots - 1));
    Id id = slots_[level][slot];
    while (id != kNone) {
      const Id next = nodes_[id].next;
      unlink(id);
      place(id);
      id = next;
    }
  }
}

Instant TimerWheel::next_expiry() const {
  if (due_ != kNone) return start_;
  if (armed_count_ == 0) return kNever;
  return start_ + tick_ * static_cast<std::int64_t>(next_event_tick());
}

}  // namespace synack
