// SPDX-License-Identifier: Apache-2.0
#include "sim/event_loop.hpp"

#include <utility>

namespace synack::sim {

EventId EventLoop::schedule(Instant at, Callback cb) {
  std::uint32_t slot = 0;
  if (free_.empty()) {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    slot = free_.back();
    free_.pop_back();
  }
  Slot& s = slots_[slot];
  s.cb = std::move(cb);
  s.armed = true;
  queue_.push(Key{at < now_ ? now_ : at, next_seq_++, slot, s.generation});
  ++pending_;
  return (EventId{s.generation} << 32) | slot;
}

void EventLoop::release(std::uint32_t slot) {
  Slot& s = slots_[slot];
  s.cb = nullptr;
  s.armed = false;
  ++s.generation;
  free_.push_back(slot);
  --pending_;
}

bool EventLoop::cancel(EventId id) {
  const auto slot = static_cast<std::uint32_t>(id);
  const auto generation = static_cast<std::uint32_t>(id >> 32);
  if (slot >= slots_.size() || !slots_[slot].armed || slots_[slot].generation != generation) {
    return false;
  }
  // The heap key stays behind; drop_dead_top() discards it (generation moved on).
  release(slot);
  return true;
}

void EventLoop::drop_dead_top() {
  while (!queue_.empty()) {
    const Key& k = queue_.top();
    const Slot& s = slots_[k.slot];
    if (s.armed && s.generation == k.generation) return;
    queue_.pop();
  }
}

Instant EventLoop::next_event_time() {
  drop_dead_top();
  return queue_.empty() ? kNever : queue_.top().at;
}

bool EventLoop::step() {
  drop_dead_top();
  if (queue_.empty()) return false;
  const Key k = queue_.top();
  queue_.pop();
  Callback cb = std::move(slots_[k.slot].cb);
  release(k.slot);
  now_ = k.at;
  ++events_run_;
  cb();  // may schedule or cancel freely: the event is already gone
  return true;
}

std::size_t EventLoop::run_until(Instant limit) {
  std::size_t ran = 0;
  for (Instant next = next_event_time(); next != kNever && next <= limit;
       next = next_event_time()) {
    step();
    ++ran;
  }
  if (limit > now_ && limit != kNever) now_ = limit;
  return ran;
}

RunResult EventLoop::run_until_idle(Instant limit, std::size_t max_events) {
  for (std::size_t ran = 0;; ++ran) {
    const Instant next = next_event_time();
    if (next == kNever) return RunResult::kIdle;
    if (next > limit) return RunResult::kTimeLimit;
    if (ran == max_events) return RunResult::kEventLimit;
    step();
  }
}

}  // namespace synack::sim
