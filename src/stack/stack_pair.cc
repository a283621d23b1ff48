// SPDX-License-Identifier: Apache-2.0
#include "stack/stack_pair.hpp"

#include <algorithm>

namespace synack {

StackPair::StackPair(StackConfig a, StackConfig b, Duration one_way)
    : a_(std::make_unique<Stack>(std::move(a))),
      b_(std::make_unique<Stack>(std::move(b))),
      one_way_(one_way) {}

void StackPair::flush(Stack& from, bool from_a) {
  from.transmit(now_, [&](Bytes packet) {
    if (filter && !filter(from_a, packet)) return;
    (from_a ? packets_a_to_b : packets_b_to_a)++;
    wire_.push_back({now_ + one_way_, from_a, {packet.begin(), packet.end()}});
  });
}

// One event: the next packet arrival or timer, whichever is first (≤ limit).
bool StackPair::step(Instant limit) {
  flush(*a_, true);
  flush(*b_, false);
  const Instant packet_at = wire_.empty() ? kNever : wire_.front().arrival;
  const Instant timer_at = std::min(a_->next_deadline(), b_->next_deadline());
  const Instant next = std::min(packet_at, timer_at);
  if (next > limit || next == kNever) return false;
  now_ = std::max(now_, next);
  if (packet_at <= timer_at) {
    InFlight p = std::move(wire_.front());
    wire_.pop_front();
    (p.to_b ? *b_ : *a_).receive(p.bytes, now_);
  } else {
    a_->on_timeout(now_);
    b_->on_timeout(now_);
  }
  return true;
}

void StackPair::run_until(Instant until) {
  while (step(until)) {
  }
  now_ = std::max(now_, until);
  flush(*a_, true);
  flush(*b_, false);
}

bool StackPair::run_until(const std::function<bool()>& done, Duration limit) {
  const Instant end = now_ + limit;
  while (!done()) {
    if (!step(end)) return done();
  }
  return true;
}

}  // namespace synack
