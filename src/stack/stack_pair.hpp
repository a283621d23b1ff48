// SPDX-License-Identifier: Apache-2.0
// Test support: two stacks joined by a perfect wire in virtual time, each
// packet delivered after a fixed one-way delay. Used by the stack's tests and
// by benchmarks that need two endpoints in one thread.
#pragma once

#include <deque>
#include <functional>
#include <vector>

#include "stack/stack.hpp"

namespace synack {

/// A test stack's configuration: address `addr`, the stack secret filled
/// with `key` and the ISN secret with `key + 1` (deterministic ISNs and ports).
[[nodiscard]] inline StackConfig test_stack_config(Ipv4Addr addr, std::uint8_t key) {
  StackConfig c;
  c.address = addr;
  c.secret = SipKey{key};
  c.tcp.isn_secret = SipKey{static_cast<std::uint8_t>(key + 1)};
  return c;
}

class StackPair {
 public:
  /// `a` gets 10.0.0.1, `b` 10.0.0.2 unless the configs say otherwise.
  StackPair(StackConfig a, StackConfig b, Duration one_way = milliseconds(5));

  Stack& a() { return *a_; }
  Stack& b() { return *b_; }
  [[nodiscard]] Instant now() const { return now_; }

  /// Moves packets and fires timers until virtual time reaches `until` or
  /// nothing is left to do. `filter(from_a, bytes)` may drop a packet (return false).
  void run_until(Instant until);
  /// run_until(now + d).
  void run_for(Duration d) { run_until(now_ + d); }
  /// Runs until `done()` holds (checked after every event) or `limit` passes.
  /// Returns whether done() became true.
  bool run_until(const std::function<bool()>& done, Duration limit);

  std::function<bool(bool from_a, Bytes packet)> filter;
  std::uint64_t packets_a_to_b = 0;
  std::uint64_t packets_b_to_a = 0;

 private:
  struct InFlight {
    Instant arrival;
    bool to_b;
    std::vector<std::byte> bytes;
  };
  void flush(Stack& from, bool from_a);
  bool step(Instant limit);

  std::unique_ptr<Stack> a_, b_;
  Duration one_way_;
  Instant now_{};
  std::deque<InFlight> wire_;
};

}  // namespace synack
