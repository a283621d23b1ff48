// SPDX-License-Identifier: Apache-2.0
// A simulated host: a Node running a full synack Stack. Packets from the
// network go to Stack::receive(); whatever the stack wants to send leaves
// through the network; the stack's next deadline is one event on the loop.
//
// Applications drive the stack through its socket API (host.stack()) and get
// readiness through on_ready() handlers. After socket calls made outside a
// handler, call pump() so queued packets leave and the timer is re-armed.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "sim/network.hpp"
#include "stack/stack.hpp"
#include "tcp/trace.hpp"

namespace synack::sim {

class Host : public Node {
 public:
  /// `trace` (may be null) receives the engine's trace events of this host.
  Host(std::string name, StackConfig config, tcp::TraceSink* trace = nullptr);

  [[nodiscard]] Stack& stack() { return *stack_; }
  [[nodiscard]] Instant now() const;

  void on_packet(Bytes ip_packet, Instant now) override;
  /// Sends every packet the stack has queued and re-arms the timer event.
  void pump();
  /// Calls `handler(mask)` whenever the readiness of `fd` may have changed
  /// (mask: kPollIn | kPollOut | kPollErr | kPollHup). One handler per fd.
  void on_ready(Fd fd, std::function<void(std::uint32_t)> handler);
  /// Removes the handler of `fd`.
  void forget(Fd fd);
  /// Runs `f` at virtual time `at` on this host, then pumps.
  void at(Instant at, std::function<void()> f);

 private:
  void arm_timer();
  void fire_timer();

  std::unique_ptr<Stack> stack_;
  std::unordered_map<Fd, std::function<void(std::uint32_t)>> handlers_;
  EventId timer_ = 0;
  Instant timer_at_ = kNever;
  bool pumping_ = false;
};

}  // namespace synack::sim
