// SPDX-License-Identifier: Apache-2.0
#include "tun_common.hpp"

#include "terminal.hpp"

#include <spawn.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/core.h>

#include "tun/netns.hpp"
#include "unit_options.hpp"
#include "viz/render.hpp"
#include "viz/run_json.hpp"

namespace synack::cli {
namespace {

// "a.b.c.d/len" (len 1..30; "/24" when absent) → address and prefix length.
std::optional<std::pair<Ipv4Addr, unsigned>> parse_addr_prefix(const std::string& text) {
  const auto slash = text.find('/');
  const auto addr = Ipv4Addr::parse(text.substr(0, slash));
  unsigned prefix = 24;
  if (slash != std::string::npos) {
    const std::string p = text.substr(slash + 1);
    const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
    if (ec != std::errc{} || end != p.data() + p.size()) return std::nullopt;
  }
  if (!addr || prefix < 1 || prefix > 30) return std::nullopt;
  return std::pair{*addr, prefix};
}

// CLI11 validators (a bad value is a usage error, exit 2): "" when fine.
std::string addr_problem(const std::string& text) {
  return parse_addr_prefix(text) ? ""
                                 : fmt::format("\"{}\": expected a.b.c.d/len with len 1..30", text);
}

std::string device_name_problem(const std::string& text) {
  if (!text.empty() && text.size() <= 15 && text.find('/') == std::string::npos) return "";
  return fmt::format("\"{}\": a device name is 1..15 characters without '/'", text);
}

}  // namespace

void add_tun_options(CLI::App& cmd, TunCommandOptions& o) {
  o.command = cmd.get_name();
  cmd.add_option("--tun", o.tun, "TUN device name (created, or attached to if it exists)")
      ->check(CLI::Validator(device_name_problem, "NAME"));
  cmd.add_option("--addr", o.addr,
                 "synack's address/prefix; the kernel side gets the first host address")
      ->capture_default_str()
      ->check(CLI::Validator(addr_problem, "A.B.C.D/LEN"));
  auto* netns = cmd.add_option("--netns", o.netns,
                               "create the device inside this network namespace (recommended)");
  cmd.add_flag("--create-netns", o.create_netns,
               "create the --netns namespace for this run and delete it afterwards")
      ->needs(netns);
  cmd.add_option("--mtu", o.mtu, "device MTU in bytes")->check(CLI::Range(576, 65535));
  cmd.add_option("--pcap", o.pcap, "capture every packet to FILE (.pcapng: with comments)");
  cmd.add_flag("--trace", o.trace, "print each connection's ladder diagram as it finishes");
  cmd.add_option("--save-run", o.save_run,
                 "save the first connection that finishes as a run file (JSON) for synack draw");
  cmd.add_flag("--ascii", o.ascii, "ASCII-only diagrams");
  cmd.add_flag("-q,--quiet", o.quiet, "no status line (it shows only on a terminal anyway)");
  add_fraction_option(cmd, "--loss", o.loss, "impairment: loss per packet, both ways: 5% or 0.05");
  add_fraction_option(cmd, "--reorder", o.reorder, "impairment: reordering probability");
  add_fraction_option(cmd, "--dup", o.dup, "impairment: duplication probability");
  add_duration_option(cmd, "--delay", o.delay, "impairment: extra one-way delay (e.g. 20ms)");
  cmd.add_option("--seed", o.seed, "impairment seed (printed)");
  add_unit_option(
      cmd, "--rto-min", o.rto_min,
      "lower bound of the retransmission timeout, e.g. 5ms (default 200ms, as Linux; "
      "like `ip route ... rto_min`)",
      [](std::string_view text) -> std::expected<std::optional<Duration>, std::string> {
        const auto d = units::parse_duration(text);
        if (!d) return std::unexpected(d.error());
        if (*d <= Duration::zero()) return std::unexpected("must be positive, e.g. 5ms");
        return *d;
      },
      "DURATION");
  add_seconds_option(cmd, "--max-time", o.max_time,
                     "stop after this much real time: 90s, 2min, or seconds as a number");
  cmd.add_flag("--stats", o.stats,
               "at exit, print every stack counter: packets, each drop reason, each limit hit "
               "(docs/hostile-input.md)");
}

StatsAtExit::~StatsAtExit() {
  fmt::print(stderr, "synack stats:\n");
  for (const auto& [name, value] : stack->stats()) fmt::print(stderr, "  {:<32} {}\n", name, value);
}

namespace {

// Runs `ip ARGS...`; "" on success, else the reason.
std::string run_ip(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::string ip = "ip";
  argv.push_back(ip.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (::posix_spawnp(&pid, "ip", nullptr, nullptr, argv.data(), environ) != 0) {
    return "cannot run ip (install iproute2)";
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  std::string cmd = "ip";
  for (const auto& a : args) cmd += " " + a;
  return fmt::format("`{}` failed (root or CAP_SYS_ADMIN needed)", cmd);
}

}  // namespace

std::expected<std::unique_ptr<CreatedNetns>, std::string> CreatedNetns::create(
    const std::string& name) {
  if (std::filesystem::exists(std::filesystem::path(kNetnsDir) / name)) {
    return std::unexpected(fmt::format(
        "--create-netns: network namespace {} exists already (use it without --create-netns, "
        "or choose another name)",
        name));
  }
  if (auto e = run_ip({"netns", "add", name}); !e.empty()) {
    return std::unexpected(fmt::format("--create-netns: {}", e));
  }
  auto made = std::unique_ptr<CreatedNetns>(new CreatedNetns(name));
  if (auto e = run_ip({"-n", name, "link", "set", "lo", "up"}); !e.empty()) {
    return std::unexpected(fmt::format("--create-netns: {}", e));  // `made` deletes it
  }
  return made;
}

CreatedNetns::~CreatedNetns() {
  if (auto e = run_ip({"netns", "del", name_}); !e.empty()) {
    fmt::print(stderr, "synack: cannot delete network namespace {}: {}\n", name_, e);
  }
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
  const auto parsed = parse_addr_prefix(o.addr);  // checked at parse time (addr_problem)
  if (!parsed) {
    fmt::print(stderr, "synack {}: --addr {}\n", o.command, addr_problem(o.addr));
    return std::nullopt;
  }
  const auto [ours, prefix] = *parsed;
  // The kernel side: the first host address of the subnet (the next one if that is ours).
  const std::uint32_t mask = ~0u << (32 - prefix);
  Ipv4Addr kernel{(ours.value & mask) + 1};
  if (kernel == ours) kernel.value += 1;

  TunSession s;
  if (o.create_netns) {
    auto made = CreatedNetns::create(o.netns);
    if (!made) {
      fmt::print(stderr, "synack {}: {}\n", o.command, made.error());
      return std::nullopt;
    }
    s.netns = std::move(*made);
  }
  if (!o.pcap.empty()) {
    auto f = AtomicFile::create(o.pcap);
    if (!f) {
      fmt::print(stderr, "synack {}: {}\n", o.command, f.error());
      return std::nullopt;
    }
    s.capture.emplace(std::move(*f));
  }
  s.ours = ours;
  s.kernel = kernel;
  s.recorder = std::make_unique<LiveRecorder>("linux");
  TunStackOptions opt;
  opt.tun.name = o.tun;
  opt.tun.netns = o.netns;
  opt.tun.kernel_address = kernel;
  opt.tun.prefix_len = static_cast<std::uint8_t>(prefix);
  opt.tun.mtu = o.mtu;
  opt.stack.address = ours;
  opt.stack.any_destination = o.any_destination;
  if (o.rto_min) opt.stack.tcp.min_rto = *o.rto_min;
  // Fresh secrets from the kernel's CSPRNG, as a real stack keeps (RFC 6528 §3).
  if (::getrandom(opt.stack.secret.data(), opt.stack.secret.size(), 0) < 0 ||
      ::getrandom(opt.stack.tcp.isn_secret.data(), opt.stack.tcp.isn_secret.size(), 0) < 0) {
    fmt::print(stderr, "synack {}: cannot read random secrets: getrandom failed\n", o.command);
    return std::nullopt;
  }
  for (ImpairmentConfig* c : {&opt.impair_in, &opt.impair_out}) {
    c->loss = o.loss;
    c->reorder = o.reorder;
    c->duplicate = o.dup;
    c->delay = o.delay;
  }
  opt.seed = o.seed;
  if (s.capture) opt.capture_path = s.capture->temp_path().string();
  opt.capture_pcapng = o.pcap.ends_with(".pcapng");
  opt.trace = s.recorder.get();
  opt.catch_signals = true;
  auto ts = TunStack::create(opt);
  if (!ts) {
    fmt::print(stderr, "synack {}: {}\n", o.command, ts.error().message);
    return std::nullopt;
  }
  s.stack = std::move(*ts);
  if (o.stats) s.stats = std::make_unique<StatsAtExit>(StatsAtExit{&s.stack->stack()});
  s.stack->set_packet_hook([rec = s.recorder.get()](PacketDirection d, Bytes p, Instant now) {
    rec->on_packet(d, p, now);
  });
  s.stack->set_after_flush([rec = s.recorder.get()](Instant) { rec->emit_finished(); });
  if (o.loss > 0 || o.reorder > 0 || o.dup > 0 || o.delay > Duration::zero()) {
    fmt::print(stderr,
               "synack {}: impairments on (seed {}): loss {}% reorder {}% dup {}% delay {} ms\n",
               o.command, o.seed, o.loss * 100, o.reorder * 100, o.dup * 100,
               std::chrono::duration<double, std::milli>(o.delay).count());
  }
  if (!o.save_run.empty()) {
    s.saved_run = std::make_shared<std::optional<viz::Run>>();
    s.recorder->add_on_finished([saved = s.saved_run](const viz::Run& run) {
      if (!*saved) *saved = run;
    });
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

// --save-run: the first finished connection, else the first one seen.
static bool write_saved_run(TunSession& s, const TunCommandOptions& o) {
  std::optional<viz::Run> run = *s.saved_run;
  if (!run) {
    auto all = s.recorder->runs();
    if (!all.empty()) run = std::move(all.front());
  }
  if (!run) {
    fmt::print(stderr, "synack {}: --save-run {}: no connection to save\n", o.command, o.save_run);
    return false;
  }
  if (auto w = write_file_atomically(o.save_run, viz::run_to_json(*run)); !w) {
    fmt::print(stderr, "synack {}: {}\n", o.command, w.error());
    return false;
  }
  return true;
}

bool finish_tun_session(TunSession& s, const TunCommandOptions& o) {
  const bool saved = o.save_run.empty() || !s.saved_run || write_saved_run(s, o);
  s.stack.reset();  // closes the device and flushes the capture
  if (!saved) return false;
  if (!s.capture) return true;
  if (auto c = s.capture->commit(); !c) {
    fmt::print(stderr, "synack {}: {}\n", o.command, c.error());
    return false;
  }
  return true;
}

}  // namespace synack::cli
