// `synack sim`: a bulk transfer between two synack stacks on the simulated
// network, with the link's delay, bandwidth and random impairments; prints
// what arrived (bytes each way, SHA-256 match), goodput, retransmissions,
// virtual time to complete and the final states. Exit 0 only if every
// connection finished and every byte matched; the seed is always printed.
#include <cctype>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "commands.hpp"
#include "sim/apps.hpp"
#include "sim/host.hpp"
#include "tcp/state.hpp"
#include "wire/pcap.hpp"

namespace synack::cli {
namespace {

struct SimArgs {
  std::string bytes = "1M";
  std::string rtt = "50ms";
  std::string bandwidth = "100Mbit";
  std::string loss = "0%";
  std::string reorder = "0%";
  std::string dup = "0%";
  std::string corrupt = "0%";
  std::string limit = "3600s";
  std::string cc;
  std::string pcap;
  std::uint64_t seed = 1;
  int conns = 1;
  bool trace = false;
};

[[noreturn]] void fail(const std::string& message) {
  fmt::print(stderr, "synack sim: {}\n", message);
  throw CLI::RuntimeError(1);
}

// "<number><unit>" → (number, unit); the number may have a fraction.
std::pair<double, std::string> split(const std::string& opt, const std::string& text) {
  std::size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
    ++i;
  }
  double v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + i, v);
  if (i == 0 || ec != std::errc{} || p != text.data() + i) {
    fail(fmt::format("{} \"{}\": expected a number followed by a unit", opt, text));
  }
  return {v, text.substr(i)};
}

// Bytes: 100, 64K, 100M, 1G (binary multiples: K = 1024).
std::uint64_t parse_bytes(const std::string& text) {
  const auto [v, unit] = split("--bytes", text);
  static const std::map<std::string, double> units = {
      {"", 1},        {"B", 1},        {"K", 1024},       {"KB", 1024},
      {"M", 1048576}, {"MB", 1048576}, {"G", 1073741824}, {"GB", 1073741824}};
  const auto it = units.find(unit);
  if (it == units.end())
    fail(fmt::format("--bytes \"{}\": unknown unit \"{}\" (use K, M, G)", text, unit));
  if (v * it->second < 1) fail(fmt::format("--bytes \"{}\": must be at least 1 byte", text));
  return static_cast<std::uint64_t>(v * it->second);
}

// Durations: 50ms, 1s, 250us.
Duration parse_time(const std::string& opt, const std::string& text) {
  const auto [v, unit] = split(opt, text);
  double ns = 0;
  if (unit == "s") {
    ns = v * 1e9;
  } else if (unit == "ms") {
    ns = v * 1e6;
  } else if (unit == "us") {
    ns = v * 1e3;
  } else if (unit == "ns") {
    ns = v;
  } else {
    fail(fmt::format("{} \"{}\": unknown unit \"{}\" (use s, ms, us, ns)", opt, text, unit));
  }
  return Duration{static_cast<std::int64_t>(ns)};
}

// Bandwidth in bit/s: 100Mbit, 10kbit, 1Gbit, 5000bit; 0 = unlimited.
std::uint64_t parse_bandwidth(const std::string& text) {
  const auto [v, unit] = split("--bandwidth", text);
  static const std::map<std::string, double> units = {{"bit", 1},    {"bps", 1},    {"kbit", 1e3},
                                                      {"Kbit", 1e3}, {"Mbit", 1e6}, {"mbit", 1e6},
                                                      {"Gbit", 1e9}, {"gbit", 1e9}};
  if (v == 0 && (unit.empty() || units.contains(unit))) return 0;
  const auto it = units.find(unit);
  if (it == units.end()) {
    fail(fmt::format("--bandwidth \"{}\": unknown unit \"{}\" (use bit, kbit, Mbit, Gbit)", text,
                     unit));
  }
  return static_cast<std::uint64_t>(v * it->second);
}

// Probabilities: "5%" or a fraction "0.05".
double parse_fraction(const std::string& opt, const std::string& text) {
  const auto [v, unit] = split(opt, text);
  const double p = unit == "%" ? v / 100 : v;
  if ((unit != "%" && !unit.empty()) || p < 0 || p > 1) {
    fail(fmt::format("{} \"{}\": expected a percentage (5%) or a fraction in [0, 1]", opt, text));
  }
  return p;
}

// Counts retransmissions of both hosts; prints every trace event with --trace.
struct TraceCounter : tcp::TraceSink {
  TraceCounter(const char* h, bool p) : host(h), print(p) {}
  const char* host;
  bool print;
  std::uint64_t retransmits = 0;
  void on_event(const tcp::TraceEvent& e) override {
    if (e.kind == tcp::TraceKind::kRetransmit) ++retransmits;
    if (!print) return;
    const double ms = std::chrono::duration<double, std::milli>(e.at.time_since_epoch()).count();
    if (e.kind == tcp::TraceKind::kStateChange) {
      fmt::print(stderr, "{:12.3f} {} :{} {} -> {} ({}; {})\n", ms, host, e.tuple.local.port,
                 tcp::to_string(e.from), tcp::to_string(e.to), e.cause, e.rfc);
    } else {
      fmt::print(stderr, "{:12.3f} {} :{} {}: {} ({})\n", ms, host, e.tuple.local.port,
                 tcp::to_string(e.kind), e.cause, e.rfc);
    }
  }
};

std::string states_of(Stack& s) {
  std::map<std::string, int> count;
  for (const auto& [tuple, state] : s.connections()) ++count[std::string(tcp::to_string(state))];
  if (count.empty()) return "no connections left";
  std::string out;
  for (const auto& [name, n] : count)
    out += fmt::format("{}{} x{}", out.empty() ? "" : ", ", name, n);
  return out;
}

int simulate(const SimArgs& a) {
  const std::uint64_t bytes = parse_bytes(a.bytes);
  const Duration rtt = parse_time("--rtt", a.rtt);
  const Duration limit = parse_time("--time-limit", a.limit);
  sim::LinkConfig link;
  link.delay = rtt / 2;
  link.bandwidth_bps = parse_bandwidth(a.bandwidth);
  link.queue_limit = 1u << 20;
  link.impairment.loss = parse_fraction("--loss", a.loss);
  link.impairment.reorder = parse_fraction("--reorder", a.reorder);
  link.impairment.duplicate = parse_fraction("--dup", a.dup);
  link.impairment.corrupt = parse_fraction("--corrupt", a.corrupt);
  link.impairment.corrupt_skip = 20;  // the IPv4 header survives: TCP's checksum must catch it
  if (a.conns < 1 || a.conns > 1000) fail(fmt::format("--conns {}: must be in 1..1000", a.conns));
  if (!a.cc.empty() && a.cc != "newreno" && a.cc != "cubic") {
    fail(fmt::format("--cc \"{}\": unknown congestion control (newreno, cubic)", a.cc));
  }

  fmt::print(
      "synack sim: seed {}  bytes {} x{} conns  rtt {}  bandwidth {}  loss {}  reorder {}  "
      "dup {}  corrupt {}{}\n",
      a.seed, bytes, a.conns, a.rtt, a.bandwidth, a.loss, a.reorder, a.dup, a.corrupt,
      a.cc.empty() ? "" : fmt::format("  cc {}", a.cc));
  TraceCounter client_trace("client", a.trace);
  TraceCounter server_trace("server", a.trace);
  sim::Network net(a.seed);
  auto config = [&](Ipv4Addr addr, std::uint8_t key) {
    StackConfig c;
    c.address = addr;
    c.secret = SipKey{key};
    c.tcp.isn_secret = SipKey{static_cast<std::uint8_t>(key + 7)};
    if (!a.cc.empty()) c.tcp.congestion_control = a.cc == "cubic" ? "cubic" : "newreno";
    return c;
  };
  const Ipv4Addr ca = Ipv4Addr::from_octets(10, 0, 0, 1);
  const Ipv4Addr sa = Ipv4Addr::from_octets(10, 0, 0, 2);
  auto& client = net.emplace_node<sim::Host>("client", config(ca, 1), &client_trace);
  auto& server = net.emplace_node<sim::Host>("server", config(sa, 2), &server_trace);
  net.connect(client.id(), server.id(), link);

  std::unique_ptr<PcapWriter> pcap;
  if (!a.pcap.empty()) {
    pcap = std::make_unique<PcapWriter>(std::filesystem::path(a.pcap));
    if (!pcap->ok()) fail(fmt::format("{}: cannot write", a.pcap));
    net.add_observer([&](const sim::PacketEvent& e) {
      if (e.kind == sim::PacketEventKind::kSent) pcap->write(e.time, e.bytes);
    });
  }

  sim::Server srv(server, {.port = 80, .backlog = 1024, .mode = sim::ServerMode::kEcho});
  srv.start();
  std::vector<std::unique_ptr<sim::Client>> clients;
  for (int i = 0; i < a.conns; ++i) {
    const Instant t0 = Instant{} + milliseconds(1 + i);
    clients.push_back(std::make_unique<sim::Client>(
        client, sim::ClientOptions{.remote = {sa, 80},
                                   .script = {{sim::ClientAction::Kind::kConnect, t0},
                                              {sim::ClientAction::Kind::kSend, t0, bytes},
                                              {sim::ClientAction::Kind::kShutdown, t0}},
                                   .stream_seed = 100 + static_cast<std::uint64_t>(i),
                                   .close_on_eof = true}));
    clients.back()->start();
  }
  const auto outcome = net.loop().run_until_idle(Instant{} + limit, 2'000'000'000);

  std::uint64_t up = 0, down = 0;
  int finished = 0, matched = 0;
  Instant last = Instant{};
  for (std::size_t i = 0; i < clients.size(); ++i) {
    const sim::ConnReport& c = clients[i]->report();
    const sim::ConnReport* s = i < srv.reports().size() ? &srv.reports()[i] : nullptr;
    if (s != nullptr) up += s->received.bytes;
    down += c.received.bytes;
    const bool ok = c.eof && !c.error && s != nullptr && s->received.bytes == bytes &&
                    c.received.bytes == bytes && s->received.hex() == c.sent.hex() &&
                    c.received.hex() == c.sent.hex();
    finished += c.eof && !c.error;
    matched += ok;
    if (c.finished_at != kNever && c.finished_at > last) last = c.finished_at;
    if (!ok) {
      fmt::print("  conn {}: {}{}, sent {} B, server got {} B, echoed back {} B\n", i,
                 c.eof ? "finished" : "did not finish",
                 c.error ? fmt::format(" ({})", std::make_error_code(*c.error).message()) : "",
                 c.sent.bytes, s ? s->received.bytes : 0, c.received.bytes);
    }
  }
  const double secs = std::chrono::duration<double>(last.time_since_epoch()).count();
  const double goodput = secs > 0 ? static_cast<double>(up + down) * 8 / secs / 1e6 : 0;
  fmt::print("client → server   {} B delivered of {} B\n", up, bytes * clients.size());
  fmt::print("server → client   {} B delivered of {} B (echo)\n", down, bytes * clients.size());
  fmt::print("SHA-256           {} of {} connections byte-exact both ways\n", matched, a.conns);
  fmt::print("time to complete  {:.3f} s virtual{}\n", secs,
             outcome == sim::RunResult::kIdle ? "" : " (stopped at the time/event limit)");
  fmt::print("goodput           {:.3f} Mbit/s (both directions)\n", goodput);
  fmt::print("retransmissions   client {}, server {}\n", client_trace.retransmits,
             server_trace.retransmits);
  fmt::print("final states      (end of run, after 2MSL) client: {}; server: {}\n",
             states_of(client.stack()), states_of(server.stack()));
  fmt::print("seed              {}\n", a.seed);
  if (pcap) pcap->flush();
  if (matched != a.conns) {
    fmt::print(stderr, "synack sim: {} of {} connections failed (seed {})\n", a.conns - matched,
               a.conns, a.seed);
    return 1;
  }
  return 0;
}

}  // namespace

void add_sim_command(CLI::App& app) {
  auto a = std::make_shared<SimArgs>();
  auto* cmd = app.add_subcommand(
      "sim", "Bulk echo transfer between two synack stacks over an impaired simulated link");
  cmd->add_option("--bytes", a->bytes,
                  "Bytes each connection sends (and gets echoed): 64K, 1M (default), 100M");
  cmd->add_option("--rtt", a->rtt, "Round-trip time (default 50ms)");
  cmd->add_option("--bandwidth", a->bandwidth,
                  "Link rate each way: 100Mbit (default), 10Mbit, 0 = unlimited");
  cmd->add_option("--loss", a->loss, "Random loss per packet: 5% or 0.05 (default 0%)");
  cmd->add_option("--reorder", a->reorder, "Reordering probability (default 0%)");
  cmd->add_option("--dup", a->dup, "Duplication probability (default 0%)");
  cmd->add_option("--corrupt", a->corrupt, "Corruption probability: one damaged byte (default 0%)");
  cmd->add_option("--seed", a->seed, "Simulator seed (default 1); always printed");
  cmd->add_option("--cc", a->cc, "Congestion control of both hosts: newreno (default), cubic");
  cmd->add_option("--conns", a->conns, "Parallel connections (default 1)");
  cmd->add_option("--time-limit", a->limit, "Virtual-time bound of the run (default 3600s)");
  cmd->add_flag("--trace", a->trace,
                "Print every engine trace event (state changes, RTOs ...) to stderr");
  cmd->add_option("--pcap", a->pcap, "Write every packet sent to a pcap file");
  cmd->callback([a] {
    const int rc = simulate(*a);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace synack::cli
