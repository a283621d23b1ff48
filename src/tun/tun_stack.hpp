// SPDX-License-Identifier: Apache-2.0
// A synack Stack attached to a Linux TUN device: the real-time counterpart of
// the simulator's Host. Packets the kernel routes to the device go through an
// optional impairment stage into Stack::receive(); what the stack transmits
// goes (through the other stage) to the device; the stack's next deadline is
// a timer source of the epoll loop. Optional capture to pcap/pcapng.
//
//   auto ts = TunStack::create({.tun = {.name = "synack0", .kernel_address = ...},
//                               .stack = {.address = ...}});
//   (*ts)->set_ready_handler([&](Fd fd, std::uint32_t mask, Instant now) { ... });
//   (*ts)->run_until([&] { return done; }, seconds(30));
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "stack/impairment.hpp"
#include "stack/stack.hpp"
#include "tun/capture.hpp"
#include "tun/device.hpp"
#include "tun/error.hpp"
#include "tun/event_loop.hpp"
#include "tun/impair_stage.hpp"

namespace synack {

struct TunStackOptions {
  TunConfig tun{};
  StackConfig stack{};
  /// Impairments applied to packets from the kernel / to the kernel.
  ImpairmentConfig impair_in{};
  ImpairmentConfig impair_out{};
  std::uint64_t seed = 1;  ///< seeds both impairment stages
  /// Capture every packet crossing the device (path; empty = none).
  std::string capture_path{};
  bool capture_pcapng = true;
  /// Engine trace events (state changes, RSTs ...); may be null.
  tcp::TraceSink* trace = nullptr;
  /// Stop cleanly on SIGINT/SIGTERM (tools; not for tests).
  bool catch_signals = false;
};

class TunStack {
 public:
  using ReadyHandler = std::function<void(Fd, std::uint32_t, Instant)>;
  /// Called for every packet that crosses the device, after impairment on the
  /// way in and before it on the way out (what the stack saw and sent).
  using PacketHook = std::function<void(PacketDirection, Bytes, Instant)>;

  /// Opens the device (see TunDevice::open for the errors) and the loop.
  static std::expected<std::unique_ptr<TunStack>, TunError> create(TunStackOptions options);
  ~TunStack();

  [[nodiscard]] Stack& stack() { return *stack_; }
  [[nodiscard]] EventLoop& loop() { return *loop_; }
  [[nodiscard]] TunDevice& device() { return *device_; }
  /// Readiness of sockets (the stack's callback), with the current time.
  void set_ready_handler(ReadyHandler h) { ready_ = std::move(h); }
  void set_packet_hook(PacketHook h) { packet_hook_ = std::move(h); }
  /// Called after every flush (the end of each wake-up), with its time.
  void set_after_flush(std::function<void(Instant)> h) { after_flush_ = std::move(h); }
  /// The time of the current wake-up: every event of one wake-up (packets,
  /// socket calls, trace events) carries the same instant.
  [[nodiscard]] Instant now() const { return now_; }
  /// Sends everything the stack has queued (called after every wake-up; call
  /// it yourself after socket calls made outside a ready handler).
  void flush(Instant now);
  /// Runs the loop until `done()` or `max` real time (bounded, for tools/tests).
  RunResult run_until(const std::function<bool()>& done, Duration max);
  /// Runs until stopped (signal or loop().stop()).
  RunResult run();
  [[nodiscard]] const ImpairStats& impair_in_stats() const { return in_->stats(); }
  [[nodiscard]] const ImpairStats& impair_out_stats() const { return out_->stats(); }

 private:
  TunStack() = default;
  void wire_up(const TunStackOptions& options);

  std::unique_ptr<TunDevice> device_;
  std::unique_ptr<EventLoop> loop_;
  std::unique_ptr<Stack> stack_;
  std::unique_ptr<ImpairStage<>> in_;
  std::unique_ptr<ImpairStage<>> out_;
  std::unique_ptr<PacketCapture> capture_;
  ReadyHandler ready_;
  PacketHook packet_hook_;
  std::function<void(Instant)> after_flush_;
  Instant now_{};
};

}  // namespace synack
