// SPDX-License-Identifier: Apache-2.0
#include "tun/tun_stack.hpp"

namespace synack {

std::expected<std::unique_ptr<TunStack>, TunError> TunStack::create(TunStackOptions options) {
  std::unique_ptr<TunStack> ts(new TunStack());
  auto device = TunDevice::open(options.tun);
  if (!device) return std::unexpected(device.error());
  ts->device_ = std::make_unique<TunDevice>(std::move(*device));
  auto loop = EventLoop::create({.catch_signals = options.catch_signals});
  if (!loop) return std::unexpected(loop.error());
  ts->loop_ = std::make_unique<EventLoop>(std::move(*loop));
  if (!options.capture_path.empty()) {
    auto cap = PacketCapture::open(options.capture_path, options.capture_pcapng
                                                             ? PacketCapture::Format::kPcapng
                                                             : PacketCapture::Format::kPcap);
    if (!cap) return std::unexpected(cap.error());
    ts->capture_ = std::move(*cap);
    ts->device_->set_capture(ts->capture_->hook());
  }
  options.stack.mtu = static_cast<std::uint16_t>(options.tun.mtu);
  ts->stack_ = std::make_unique<Stack>(options.stack, options.trace);
  ts->wire_up(options);
  return ts;
}

TunStack::~TunStack() {
  if (capture_) capture_->flush();
}

void TunStack::wire_up(const TunStackOptions& options) {
  const std::size_t mtu = options.tun.mtu;
  in_ = std::make_unique<ImpairStage<>>(
      Impairment(options.impair_in, derive_seed(options.seed, 0)),
      [this](Bytes p, Instant now) {
        now_ = now;
        if (packet_hook_) packet_hook_(PacketDirection::kFromKernel, p, now);
        stack_->receive(p, now);
      },
      1024, mtu);
  out_ = std::make_unique<ImpairStage<>>(
      Impairment(options.impair_out, derive_seed(options.seed, 1)),
      [this](Bytes p, Instant) { device_->send(p); }, 1024, mtu);
  stack_->set_callback([this](Fd fd, std::uint32_t mask) {
    if (ready_) ready_(fd, mask, now_);
  });
  (void)loop_->add_device(*device_, [this](Bytes p, Instant now) {
    now_ = now;
    in_->push(p, now);
  });
  loop_->add_timer([this] { return stack_->next_deadline(); },
                   [this](Instant now) {
                     now_ = now;
                     stack_->on_timeout(now);
                   });
  loop_->add_timer([this] { return std::min(in_->next_deadline(), out_->next_deadline()); },
                   [this](Instant now) {
                     in_->release(now);
                     out_->release(now);
                   });
  loop_->set_after_dispatch([this](Instant now) { flush(now); });
}

void TunStack::flush(Instant now) {
  now_ = now;
  stack_->transmit(now, [&](Bytes p) {
    if (packet_hook_) packet_hook_(PacketDirection::kToKernel, p, now);
    out_->push(p, now);
  });
  if (after_flush_) after_flush_(now);
}

RunResult TunStack::run_until(const std::function<bool()>& done, Duration max) {
  flush(now_ = EventLoop::now());
  return loop_->run_until(done, max);
}

RunResult TunStack::run() {
  flush(now_ = EventLoop::now());
  return loop_->run();
}

}  // namespace synack
