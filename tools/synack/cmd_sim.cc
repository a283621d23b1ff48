// SPDX-License-Identifier: Apache-2.0
// `synack sim`: a bulk transfer between two synack stacks on the simulated
// network, with the link's delay, bandwidth and random impairments; prints
// what arrived (bytes each way, SHA-256 match), goodput, retransmissions,
// virtual time to complete and the final states. Exit 0 only if every
// connection finished and every byte matched; the seed is always printed.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "atomic_file.hpp"
#include "commands.hpp"
#include "conventions.hpp"
#include "progress.hpp"
#include "scenarios/convert.hpp"
#include "sim/apps.hpp"
#include "sim/host.hpp"
#include "sim/recorder.hpp"
#include "tcp/state.hpp"
#include "unit_options.hpp"
#include "viz/collapse.hpp"
#include "viz/run_json.hpp"
#include "wire/pcap.hpp"

namespace synack::cli {
namespace {

// What the user asked for: values parsed at the command line (docs/units.md),
// and the text each was typed as, for the header line.
struct SimArgs {
  std::uint64_t bytes = 1 << 20;
  Duration rtt = milliseconds(50);
  std::uint64_t bandwidth = 100'000'000;  // bit/s; 0 = unlimited
  double loss = 0, reorder = 0, dup = 0, corrupt = 0;
  Duration limit = seconds(3600);
  std::map<std::string, std::string> typed = {{"--rtt", "50ms"}, {"--bandwidth", "100Mbit"},
                                              {"--loss", "0%"},  {"--reorder", "0%"},
                                              {"--dup", "0%"},   {"--corrupt", "0%"}};
  std::string cc;
  std::string pcap;
  std::string save_run;  ///< the run as a drawable file (JSON), long transfers collapsed
  std::uint64_t seed = 1;
  int conns = 1;
  bool trace = false;
  bool quiet = false;
};

[[noreturn]] void fail(const std::string& message, int code = kExitFailure) {
  cli::fail("sim", message, code);
}

// Counts retransmissions of both hosts; prints every trace event with --trace.
struct TraceCounter : tcp::TraceSink {
  TraceCounter(const char* h, bool p) : host(h), print(p) {}
  const char* host;
  bool print;
  std::uint64_t retransmits = 0;
  tcp::TraceSink* also = nullptr;  ///< --save-run: the recorder's sink for this host
  void on_event(const tcp::TraceEvent& e) override {
    if (also != nullptr) also->on_event(e);
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

// --save-run: the recorded simulation as a Run (scenarios/convert.hpp), its
// long stretches collapsed into summary rows (viz/collapse.hpp), written
// atomically as JSON for `synack draw`.
void save_run(const SimArgs& a, const sim::Recorder& rec, sim::NodeId client, sim::NodeId server,
              Ipv4Addr ca, Ipv4Addr sa) {
  using scenarios::Participant;
  std::vector<Participant> who(2);
  who[0].name = "client";
  who[0].node = client;
  who[0].addr = ca;
  who[0].trace_host = 0;
  who[0].initial_state = tcp::State::kClosed;
  who[1].name = "server";
  who[1].node = server;
  who[1].addr = sa;
  who[1].port = 80;
  who[1].trace_host = 1;
  who[1].initial_state = tcp::State::kListen;
  scenarios::RunInfo info;
  info.title = fmt::format("synack sim: {} B echoed x{} (seed {})", a.bytes, a.conns, a.seed);
  info.scenario = "sim";
  info.seed = a.seed;
  info.description =
      "A bulk transfer between two synack stacks over the simulated link; long stretches of "
      "data are collapsed into summary rows.";
  viz::Run run = scenarios::to_run(rec, who, {}, info);
  viz::EventCollapser collapse;
  for (auto& e : run.events) collapse.add(std::move(e));
  run.events = collapse.finish();
  if (auto w = write_file_atomically(a.save_run, viz::run_to_json(run)); !w) fail(w.error());
}

// Runs the simulation in slices of events, redrawing a progress line between
// them (on a terminal only; see Progress). Bounded like run_until_idle: by
// `limit` in virtual time and by 2e9 events in all.
sim::RunResult run_with_progress(sim::EventLoop& loop, Instant limit, bool quiet,
                                 const std::function<std::string()>& line) {
  Progress progress(quiet);
  constexpr std::size_t kSlice = 4096;
  for (std::uint64_t ran = 0; ran < 2'000'000'000; ran += kSlice) {
    const auto r = loop.run_until_idle(limit, kSlice);
    if (r != sim::RunResult::kEventLimit) return r;
    if (progress.due()) progress.show(line());
  }
  return sim::RunResult::kEventLimit;
}

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
  const std::uint64_t bytes = a.bytes;
  if (bytes == 0) fail("--bytes: \"0\": must be at least 1 byte", kExitUsage);
  const Duration limit = a.limit;
  sim::LinkConfig link;
  link.delay = a.rtt / 2;
  link.bandwidth_bps = a.bandwidth;
  link.queue_limit = 1u << 20;
  link.impairment.loss = a.loss;
  link.impairment.reorder = a.reorder;
  link.impairment.duplicate = a.dup;
  link.impairment.corrupt = a.corrupt;
  link.impairment.corrupt_skip = 20;  // the IPv4 header survives: TCP's checksum must catch it

  fmt::print(
      "synack sim: seed {}  bytes {} x{} conns  rtt {}  bandwidth {}  loss {}  reorder {}  "
      "dup {}  corrupt {}{}\n",
      a.seed, bytes, a.conns, a.typed.at("--rtt"), a.typed.at("--bandwidth"), a.typed.at("--loss"),
      a.typed.at("--reorder"), a.typed.at("--dup"), a.typed.at("--corrupt"),
      a.cc.empty() ? "" : fmt::format("  cc {}", a.cc));
  TraceCounter client_trace("client", a.trace);
  TraceCounter server_trace("server", a.trace);
  sim::Network net(a.seed);
  // --save-run: everything the network and both engines did, as a demo records it.
  std::unique_ptr<sim::Recorder> recorder;
  if (!a.save_run.empty()) {
    recorder = std::make_unique<sim::Recorder>();
    recorder->attach(net);
    client_trace.also = recorder->sink(0);
    server_trace.also = recorder->sink(1);
  }
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
  std::optional<AtomicFile> pcap_file;  // the capture appears only when complete
  if (!a.pcap.empty()) {
    auto f = AtomicFile::create(a.pcap);
    if (!f) fail(f.error());
    pcap_file.emplace(std::move(*f));
    pcap = std::make_unique<PcapWriter>(pcap_file->temp_path());
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
  const auto outcome = run_with_progress(net.loop(), Instant{} + limit, a.quiet, [&] {
    std::uint64_t echoed = 0;
    for (const auto& c : clients) echoed += c->report().received.bytes;
    const double t = std::chrono::duration<double>(net.loop().now().time_since_epoch()).count();
    return fmt::format(
        "synack sim: {:.1f} s virtual, {} of {} B echoed back ({:.0f}%)", t, echoed,
        bytes * clients.size(),
        100.0 * static_cast<double>(echoed) / static_cast<double>(bytes * clients.size()));
  });

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
  if (pcap) {
    pcap->flush();
    pcap.reset();
    if (auto c = pcap_file->commit(); !c) fail(c.error());
  }
  if (recorder) save_run(a, *recorder, client.id(), server.id(), ca, sa);
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
  add_bytes_option(*cmd, "--bytes", a->bytes,
                   "Bytes each connection sends (and gets echoed): 64K, 1M (default), 100M");
  const auto typed = [a](const std::string& flag, auto parse) {
    return [a, flag, parse](std::string_view text) {
      a->typed[flag] = std::string(text);
      return parse(text);
    };
  };
  add_unit_option(*cmd, "--rtt", a->rtt, "Round-trip time (default 50ms)",
                  typed("--rtt", units::parse_duration), "DURATION");
  add_unit_option(*cmd, "--bandwidth", a->bandwidth,
                  "Link rate each way: 100Mbit (default), 10Mbit, 0 = unlimited",
                  typed("--bandwidth", units::parse_bit_rate), "RATE");
  add_unit_option(*cmd, "--loss", a->loss, "Random loss per packet: 5% or 0.05 (default 0%)",
                  typed("--loss", units::parse_fraction), "PERCENT");
  add_unit_option(*cmd, "--reorder", a->reorder, "Reordering probability (default 0%)",
                  typed("--reorder", units::parse_fraction), "PERCENT");
  add_unit_option(*cmd, "--dup", a->dup, "Duplication probability (default 0%)",
                  typed("--dup", units::parse_fraction), "PERCENT");
  add_unit_option(*cmd, "--corrupt", a->corrupt,
                  "Corruption probability: one damaged byte (default 0%)",
                  typed("--corrupt", units::parse_fraction), "PERCENT");
  cmd->add_option("--seed", a->seed, "Simulator seed (default 1); always printed");
  cmd->add_option("--cc", a->cc, "Congestion control of both hosts: newreno (default), cubic")
      ->check(CLI::IsMember({"newreno", "cubic"}));
  cmd->add_option("--conns", a->conns, "Parallel connections (default 1)")
      ->check(CLI::Range(1, 1000));
  add_duration_option(*cmd, "--time-limit", a->limit,
                      "Virtual-time bound of the run (default 3600s)");
  cmd->add_flag("--trace", a->trace,
                "Print every engine trace event (state changes, RTOs ...) to stderr");
  cmd->add_option("--pcap", a->pcap, "Write every packet sent to a pcap file");
  cmd->add_option("--save-run", a->save_run,
                  "Save the run (JSON) for synack draw; long transfers collapse into summary rows "
                  "(every packet is held in memory until the end)");
  cmd->add_flag("-q,--quiet", a->quiet, "No progress line (it shows only on a terminal anyway)");
  cmd->callback([a] {
    const int rc = simulate(*a);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace synack::cli
