// SPDX-License-Identifier: Apache-2.0
#include "sim/host.hpp"

namespace synack::sim {

Host::Host(std::string name, StackConfig config, tcp::TraceSink* trace)
    : Node(std::move(name), config.address),
      stack_(std::make_unique<Stack>(std::move(config), trace)) {
  stack_->set_callback([this](Fd fd, std::uint32_t mask) {
    auto it = handlers_.find(fd);
    if (it == handlers_.end()) return;
    auto handler = it->second;  // a copy: the handler may replace itself
    handler(mask);
  });
}

Instant Host::now() const {
  return network() != nullptr ? network()->now() : Instant{};
}

void Host::on_packet(Bytes ip_packet, Instant now) {
  stack_->receive(ip_packet, now);
  pump();
}

void Host::pump() {
  if (pumping_ || network() == nullptr) return;  // a handler called pump() inside pump()
  pumping_ = true;
  stack_->transmit(now(), [this](Bytes packet) { send(packet); });
  pumping_ = false;
  arm_timer();
}

void Host::on_ready(Fd fd, std::function<void(std::uint32_t)> handler) {
  handlers_[fd] = std::move(handler);
}

void Host::forget(Fd fd) {
  handlers_.erase(fd);
}

void Host::at(Instant when, std::function<void()> f) {
  network()->loop().schedule(when, [this, f = std::move(f)] {
    f();
    pump();
  });
}

// One pending loop event at the stack's next deadline; moved earlier when the
// deadline does (a later deadline just lets the early event find nothing due).
void Host::arm_timer() {
  const Instant next = stack_->next_deadline();
  if (next == kNever || next >= timer_at_) return;
  if (timer_at_ != kNever) network()->loop().cancel(timer_);
  timer_at_ = next;
  timer_ = network()->loop().schedule(next, [this] { fire_timer(); });
}

void Host::fire_timer() {
  timer_at_ = kNever;
  stack_->on_timeout(now());
  pump();
}

}  // namespace synack::sim
