// SPDX-License-Identifier: Apache-2.0
// `synack forward`: a transparent TCP/UDP forwarder over a TUN device (the
// tun2socks job). Every connection and flow routed into the device is
// terminated by synack and relayed to its original destination through a
// kernel socket or a SOCKS5 proxy (src/apps/forward.hpp, docs/forward.md).
#include <sys/resource.h>

#include <cstdio>

#include <fmt/core.h>

#include "apps/forward.hpp"
#include "commands.hpp"
#include "progress.hpp"
#include "tun_common.hpp"
#include "unit_options.hpp"

namespace synack::cli {
namespace {

// The device's options, and the forwarder's (bound to its fields directly,
// except the two that need parsing: --socks5 and --buffer).
struct ForwardCommandOptions {
  TunCommandOptions tun;
  apps::ForwardOptions fwd;
  std::string socks5;
  std::uint64_t buffer = 64 * 1024;
};

std::string summary(const apps::Forwarder& f) {
  const auto& s = f.stats();
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return fmt::format(
      "tcp {} relayed, {} open, {} finished, {} refused, {} unreachable, {} reset | {} B up, {} B "
      "down | udp {} flows ({} open), {} up, {} down, {} dropped | relay buffers now {} B, peak "
      "{} B | max RSS {} KiB",
      s.tcp_relayed, f.tcp_active(), s.tcp_finished, s.tcp_refused, s.tcp_unreachable, s.tcp_reset,
      s.bytes_up, s.bytes_down, s.udp_flows, f.udp_active(), s.udp_up, s.udp_down, s.udp_dropped,
      f.buffer_bytes(), s.buffer_peak, ru.ru_maxrss);
}

int run_forward(ForwardCommandOptions& o) {
  if (o.buffer < 1024 || o.buffer > (std::uint64_t{64} << 20)) {
    fmt::print(stderr, "synack forward: --buffer {}: expected 1K..64M\n", o.buffer);
    return 2;
  }
  apps::ForwardOptions& fo = o.fwd;
  if (!o.socks5.empty()) {
    fo.socks5 = parse_endpoint(o.socks5);
    if (!fo.socks5) {
      fmt::print(stderr, "synack forward: --socks5 {}: expected a.b.c.d:port\n", o.socks5);
      return 2;
    }
  }
  fo.buffer_bytes = static_cast<std::size_t>(o.buffer);
  o.tun.any_destination = true;
  auto session = open_tun_session(o.tun);
  if (!session) return 1;
  TunStack& ts = *session->stack;
  auto fwd = apps::Forwarder::create(ts, fo);
  if (!fwd) {
    fmt::print(stderr, "synack forward: {}\n", fwd.error());
    return 1;
  }
  apps::Forwarder& f = **fwd;
  ts.set_ready_handler([&](Fd fd, std::uint32_t mask, Instant now) { f.on_ready(fd, mask, now); });
  fmt::print(
      stderr,
      "synack forward: relaying every TCP connection and UDP flow on {} ({}, kernel side {}) "
      "{}{}\n",
      o.tun.tun, session->ours.to_string(), session->kernel.to_string(),
      fo.socks5 ? fmt::format("through SOCKS5 {}", o.socks5) : std::string("directly"),
      fo.egress_netns.empty() ? "" : fmt::format(" from network namespace {}", fo.egress_netns));
  std::fflush(stderr);
  Progress status(o.tun.quiet);
  ts.loop().set_tick([&](Instant now) {
    f.on_tick(now);
    if (status.active()) {
      const auto& s = f.stats();
      const auto st = f.tcp_states();
      status.show(fmt::format(
          "tcp {} connecting, {} open, {} half-closed, {} done, {} refused, {} reset | up {} B "
          "down {} B | udp {} flows | buf {} B",
          st.connecting, st.open, st.half_closed, s.tcp_finished, s.tcp_refused, s.tcp_reset,
          s.bytes_up, s.bytes_down, f.udp_active(), f.buffer_bytes()));
    }
  });
  const auto result =
      ts.run_until([] { return false; }, o.tun.limit_or(std::chrono::hours(24 * 365)));
  status.clear();
  fmt::print(stderr, "synack forward: {} — {}\n",
             result == RunResult::kStopped ? "stopped" : "done", summary(f));
  fwd->reset();
  if (!finish_tun_session(*session, o.tun)) return 1;
  return result == RunResult::kError ? 1 : 0;
}

}  // namespace

void add_forward_command(CLI::App& app) {
  auto o = std::make_shared<ForwardCommandOptions>();
  o->tun.command = "forward";
  auto* cmd = app.add_subcommand(
      "forward",
      "Relay every TCP connection and UDP flow routed into a TUN device to its original "
      "destination, directly or through SOCKS5 (tun2socks; needs CAP_NET_ADMIN)");
  add_tun_options(*cmd, o->tun);
  cmd->add_option(
      "--socks5", o->socks5,
      "relay through this SOCKS5 proxy, a.b.c.d:port (RFC 1928: CONNECT, UDP ASSOCIATE)");
  auto* ns = cmd->add_option("--egress-netns", o->fwd.egress_netns,
                             "open the relayed connections from this network namespace");
  auto* dev = cmd->add_option("--egress-dev", o->fwd.egress_dev,
                              "bind the relayed connections to this device (SO_BINDTODEVICE)");
  auto* mark = cmd->add_option_function<std::uint32_t>(
      "--mark", [o](const std::uint32_t& v) { o->fwd.mark = v; },
      "mark the relayed connections (SO_MARK) for policy routing");
  ns->excludes(dev)->excludes(mark);
  dev->excludes(mark);
  cmd->add_flag("--accept-at-once", o->fwd.accept_at_once,
                "complete the client's handshake before the upstream connect (a failed upstream "
                "then resets the client); default: only after it, so refused is refused");
  add_bytes_option(
      *cmd, "--buffer", o->buffer,
      "bytes buffered per direction per connection (back-pressure bound), 1K..64M: 64K");
  cmd->add_option("--max-connections", o->fwd.max_connections, "most relayed TCP connections")
      ->check(CLI::Range(1, 1 << 20));
  add_duration_option(*cmd, "--udp-timeout", o->fwd.udp_idle_timeout,
                      "close a UDP flow idle this long: 60s");
  add_duration_option(*cmd, "--connect-timeout", o->fwd.connect_timeout,
                      "fail an upstream connect not done in this time: 10s");
  cmd->callback([o] {
    if (const int rc = run_forward(*o); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace synack::cli
