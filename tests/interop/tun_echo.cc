// SPDX-License-Identifier: Apache-2.0
// tun_echo: a TUN device that answers ICMP echo requests, with optional
// impairment and capture. A hands-on check of the tun layer without a TCP
// stack (docs/tun.md):
//
//   sudo ip netns add synack-demo
//   sudo build/dev/tests/interop/tun_echo --netns synack-demo --delay-ms 20 --loss 0.1 &
//   sudo ip netns exec synack-demo ping -c5 10.77.0.2
//
// Prints a status line every second; stops cleanly on Ctrl-C / SIGTERM or
// after --seconds. Exit status: 0 on a clean stop, 1 on a setup error (one line).
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include "icmp_echo.hpp"
#include "tun/capture.hpp"
#include "tun/device.hpp"
#include "tun/event_loop.hpp"
#include "tun/impair_stage.hpp"

namespace {

using namespace synack;

struct Options {
  TunConfig device;
  std::string kernel = "10.77.0.1/24";
  double seconds = 0;  // 0: until Ctrl-C
  ImpairmentConfig impair;
  double delay_ms = 0;
  double jitter_ms = 0;
  std::uint64_t seed = 1;
  std::string capture;
};

std::string impair_line(const ImpairStats& s) {
  return fmt::format("{} in, {} out, {} lost, {} held back, {} duplicated", s.pushed, s.delivered,
                     s.dropped_random + s.dropped_burst + s.dropped_overflow, s.delayed,
                     s.duplicated);
}

int run(Options& o) {
  const auto slash = o.kernel.find('/');
  const auto addr = Ipv4Addr::parse(o.kernel.substr(0, slash));
  const int prefix = slash == std::string::npos ? 24 : std::stoi(o.kernel.substr(slash + 1));
  if (!addr || prefix < 1 || prefix > 32) {
    fmt::print(stderr, "tun_echo: --kernel {}: expected A.B.C.D/PREFIX\n", o.kernel);
    return 1;
  }
  o.device.kernel_address = *addr;
  o.device.prefix_len = static_cast<std::uint8_t>(prefix);
  o.impair.delay =
      std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(o.delay_ms));
  o.impair.jitter =
      std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(o.jitter_ms));

  auto dev = TunDevice::open(o.device);
  if (!dev) {
    fmt::print(stderr, "tun_echo: {}\n", dev.error().message);
    return 1;
  }
  std::unique_ptr<PacketCapture> capture;
  if (!o.capture.empty()) {
    auto cap = PacketCapture::open(o.capture);
    if (!cap) {
      fmt::print(stderr, "tun_echo: {}\n", cap.error().message);
      return 1;
    }
    capture = std::move(*cap);
    dev->set_capture(capture->hook());
  }
  auto loop = EventLoop::create({.catch_signals = true});
  if (!loop) {
    fmt::print(stderr, "tun_echo: {}\n", loop.error().message);
    return 1;
  }
  ImpairStage<> outbound(
      Impairment(o.impair, derive_seed(o.seed, 1)), [&](Bytes p, Instant) { dev->send(p); }, 1024,
      dev->mtu());
  ImpairStage<> inbound(
      Impairment(o.impair, derive_seed(o.seed, 0)),
      [&](Bytes p, Instant now) {
        auto req = interop::as_echo_request(p);
        if (req && req->dst() != *addr) outbound.push(interop::echo_reply(*req), now);
      },
      1024, dev->mtu());
  (void)loop->add_device(*dev, [&](Bytes p, Instant now) { inbound.push(p, now); });
  loop->add_timer([&] { return inbound.next_deadline(); }, [&](Instant t) { inbound.release(t); });
  loop->add_timer([&] { return outbound.next_deadline(); },
                  [&](Instant t) { outbound.release(t); });
  loop->set_tick([&](Instant) {
    fmt::print("{}: {} | in: {} | out: {}\n", dev->name(), to_string(dev->stats()),
               impair_line(inbound.stats()), impair_line(outbound.stats()));
    std::fflush(stdout);
  });
  fmt::print("tun_echo: {} up in {}, kernel side {}, answering pings (seed {})\n", dev->name(),
             o.device.netns.empty() ? "this namespace" : o.device.netns, o.kernel, o.seed);
  std::fflush(stdout);
  const RunResult r = o.seconds > 0 ? loop->run_until([] { return false; },
                                                      std::chrono::duration_cast<Duration>(
                                                          std::chrono::duration<double>(o.seconds)))
                                    : loop->run();
  fmt::print("tun_echo: stopped ({}): {}\n",
             loop->last_signal() != 0 ? fmt::format("signal {}", loop->last_signal())
             : r == RunResult::kError ? "device lost"
                                      : "time up",
             to_string(dev->stats()));
  return r == RunResult::kError ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"tun_echo: answer ICMP echo requests on a TUN device (synack tun layer check)"};
  app.add_option("--name", o.device.name, "device name")->capture_default_str();
  app.add_option("--netns", o.device.netns, "network namespace (ip netns add NAME first)");
  app.add_option("--kernel", o.kernel, "kernel side address/prefix")->capture_default_str();
  app.add_option("--mtu", o.device.mtu, "MTU in bytes")->capture_default_str();
  app.add_option("--seconds", o.seconds, "stop after this long (0: until Ctrl-C)");
  app.add_option("--loss", o.impair.loss, "loss probability per packet, each way")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--duplicate", o.impair.duplicate, "duplication probability")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--reorder", o.impair.reorder, "reordering probability")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--delay-ms", o.delay_ms, "one-way delay in ms, each way")
      ->check(CLI::Range(0.0, 60000.0));
  app.add_option("--jitter-ms", o.jitter_ms, "uniform extra delay in [0, J] ms")
      ->check(CLI::Range(0.0, 60000.0));
  app.add_option("--seed", o.seed, "impairment seed")->capture_default_str();
  app.add_option("--capture", o.capture, "write a pcapng of the device's traffic");
  CLI11_PARSE(app, argc, argv);
  return run(o);
}
