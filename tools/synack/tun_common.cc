#include "tun_common.hpp"

#include "terminal.hpp"

#include <sys/random.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>

#include <fmt/core.h>

#include "sim/faults.hpp"
#include "viz/render.hpp"

namespace synack::cli {

void add_tun_options(CLI::App& cmd, TunCommandOptions& o) {
  cmd.add_option("--tun", o.tun, "TUN device name (created, or attached to if it exists)");
  cmd.add_option("--addr", o.addr,
                 "synack's address/prefix; the kernel side gets the first host address")
      ->capture_default_str();
  cmd.add_option("--netns", o.netns, "create the device inside this network namespace");
  cmd.add_option("--mtu", o.mtu, "device MTU in bytes")->check(CLI::Range(576, 65535));
  cmd.add_option("--pcap", o.pcap, "capture every packet to FILE (.pcapng: with comments)");
  cmd.add_flag("--trace", o.trace, "print each connection's ladder diagram as it finishes");
  cmd.add_flag("--ascii", o.ascii, "ASCII-only diagrams");
  cmd.add_option("--loss", o.loss, "impairment: loss probability per packet, both ways")
      ->check(CLI::Range(0.0, 1.0));
  cmd.add_option("--reorder", o.reorder, "impairment: reordering probability")
      ->check(CLI::Range(0.0, 1.0));
  cmd.add_option("--dup", o.dup, "impairment: duplication probability")
      ->check(CLI::Range(0.0, 1.0));
  cmd.add_option("--delay", o.delay, "impairment: extra one-way delay (e.g. 20ms)");
  cmd.add_option("--seed", o.seed, "impairment seed (printed)");
  cmd.add_option("--rto-min", o.rto_min,
                 "lower bound of the retransmission timeout, e.g. 5ms (default 200ms, as Linux; "
                 "like `ip route ... rto_min`)");
  cmd.add_option("--max-time", o.max_seconds, "stop after this many seconds of real time")
      ->check(CLI::NonNegativeNumber);
}

std::optional<tcp::Endpoint> parse_endpoint(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  const auto addr = Ipv4Addr::parse(text.substr(0, colon));
  unsigned port = 0;
  const auto* first = text.data() + colon + 1;
  const auto [end, ec] = std::from_chars(first, text.data() + text.size(), port);
  if (!addr || ec != std::errc{} || end != text.data() + text.size() || port == 0 || port > 65535) {
    return std::nullopt;
  }
  return tcp::Endpoint{*addr, static_cast<std::uint16_t>(port)};
}

std::optional<TunSession> open_tun_session(const TunCommandOptions& o) {
  const auto slash = o.addr.find('/');
  const auto ours = Ipv4Addr::parse(o.addr.substr(0, slash));
  unsigned prefix = 24;
  if (slash != std::string::npos) {
    const std::string p = o.addr.substr(slash + 1);
    const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
    if (ec != std::errc{} || end != p.data() + p.size()) prefix = 99;
  }
  if (!ours || prefix < 1 || prefix > 30) {
    fmt::print(stderr, "synack: bad --addr '{}': expected a.b.c.d/len with len 1..30\n", o.addr);
    return std::nullopt;
  }
  const auto delay = sim::parse_duration(o.delay);  // the simulator's syntax: 20ms, 1s, 500us
  if (!delay) {
    fmt::print(stderr, "synack: --delay: {}\n", delay.error());
    return std::nullopt;
  }
  std::optional<Duration> rto_min;
  if (!o.rto_min.empty()) {
    const auto d = sim::parse_duration(o.rto_min);
    if (!d || *d <= Duration::zero()) {
      fmt::print(stderr, "synack: --rto-min: {}\n",
                 d ? std::string("must be positive, e.g. 5ms") : d.error());
      return std::nullopt;
    }
    rto_min = *d;
  }
  // The kernel side: the first host address of the subnet (the next one if that is ours).
  const std::uint32_t mask = ~0u << (32 - prefix);
  Ipv4Addr kernel{(ours->value & mask) + 1};
  if (kernel == *ours) kernel.value += 1;

  TunSession s;
  s.ours = *ours;
  s.kernel = kernel;
  s.recorder = std::make_unique<LiveRecorder>("linux");
  TunStackOptions opt;
  opt.tun.name = o.tun;
  opt.tun.netns = o.netns;
  opt.tun.kernel_address = kernel;
  opt.tun.prefix_len = static_cast<std::uint8_t>(prefix);
  opt.tun.mtu = o.mtu;
  opt.stack.address = *ours;
  if (rto_min) opt.stack.tcp.min_rto = *rto_min;
  // Fresh secrets from the kernel's CSPRNG, as a real stack keeps (RFC 6528 §3).
  if (::getrandom(opt.stack.secret.data(), opt.stack.secret.size(), 0) < 0 ||
      ::getrandom(opt.stack.tcp.isn_secret.data(), opt.stack.tcp.isn_secret.size(), 0) < 0) {
    fmt::print(stderr, "synack: cannot read random secrets: getrandom failed\n");
    return std::nullopt;
  }
  for (ImpairmentConfig* c : {&opt.impair_in, &opt.impair_out}) {
    c->loss = o.loss;
    c->reorder = o.reorder;
    c->duplicate = o.dup;
    c->delay = *delay;
  }
  opt.seed = o.seed;
  opt.capture_path = o.pcap;
  opt.capture_pcapng = o.pcap.ends_with(".pcapng");
  opt.trace = s.recorder.get();
  opt.catch_signals = true;
  auto ts = TunStack::create(opt);
  if (!ts) {
    fmt::print(stderr, "synack: {}\n", ts.error().message);
    return std::nullopt;
  }
  s.stack = std::move(*ts);
  s.stack->set_packet_hook([rec = s.recorder.get()](PacketDirection d, Bytes p, Instant now) {
    rec->on_packet(d, p, now);
  });
  s.stack->set_after_flush([rec = s.recorder.get()](Instant) { rec->emit_finished(); });
  if (o.loss > 0 || o.reorder > 0 || o.dup > 0 || *delay > Duration::zero()) {
    fmt::print(stderr, "synack: impairments on (seed {}): loss {} reorder {} dup {} delay {}\n",
               o.seed, o.loss, o.reorder, o.dup, o.delay);
  }
  if (o.trace) {
    const bool tty = want_color("auto", false);
    const bool ascii = o.ascii;
    s.recorder->add_on_finished([tty, ascii](const viz::Run& run) {
      viz::RenderOptions ro;
      ro.color = tty;
      ro.ascii = ascii;
      ro.explain = true;
      fmt::print("{}\n", viz::render_text(run, ro));
      std::fflush(stdout);
    });
  }
  return s;
}

}  // namespace synack::cli
