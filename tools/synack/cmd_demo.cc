// SPDX-License-Identifier: Apache-2.0
// `synack demo [NAME]`: runs one named scenario of TCP connection management
// on real synack stacks in the simulator (virtual time, fixed seeds and ISN
// secrets) and draws it: terminal ladder, Mermaid, SVG, HTML, JSON or the DOT
// state diagram; optionally a pcap / pcapng (packet comments carry the state
// transitions). `synack demo list` describes every scenario in one line.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "atomic_file.hpp"
#include "commands.hpp"
#include "conventions.hpp"
#include "drawing_options.hpp"
#include "scenarios/capture.hpp"
#include "scenarios/scenario.hpp"

namespace synack::cli {
namespace {

struct DemoArgs {
  std::string name = "handshake";
  DrawingArgs drawing;
  std::string pcap;
  std::string pcapng;
  std::uint64_t seed = 1;
};

[[noreturn]] void fail(const std::string& message, int code = kExitFailure) {
  cli::fail("demo", message, code);
}

void list() {
  std::size_t w = 0;
  for (const auto& s : scenarios::all()) w = std::max(w, s.name.size());
  for (const auto& s : scenarios::all()) fmt::print("{:<{}}  {}\n", s.name, w, s.summary);
}

void write_file(const std::string& path, const std::string& what,
                const std::function<bool(std::ostream&)>& write) {
  std::ostringstream text;
  if (!write(text)) fail(fmt::format("{}: cannot encode the {}", path, what));
  if (auto w = write_file_atomically(path, text.view()); !w) fail(w.error());
}

void demo(const DemoArgs& a) {
  if (a.name == "list") return list();
  const scenarios::Scenario* s = scenarios::find(a.name);
  if (s == nullptr) {
    std::vector<std::string> names;
    for (const auto& sc : scenarios::all()) names.emplace_back(sc.name);
    const std::string best = closest_match(a.name, names);
    fail(fmt::format("unknown scenario \"{}\" ({}synack demo list shows them all)", a.name,
                     best.empty() ? "" : fmt::format("did you mean \"{}\"? ", best)),
         kExitUsage);
  }
  const auto d = resolve_drawing(a.drawing);
  if (!d) fail(d.error(), kExitUsage);
  const scenarios::Result r = s->run({.seed = a.seed});
  std::string out = viz::render(d->format, r.run, d->render);
  if (d->format == viz::Format::kText) {
    const bool ascii = a.drawing.ascii;
    out += "\nWhat this run shows (checked):\n";
    for (const auto& c : r.checks) {
      out += fmt::format("  {} {}\n", c.ok ? (ascii ? "[ok]" : "✓") : (ascii ? "[FAILED]" : "✗"),
                         c.what);
    }
  }
  if (!a.pcap.empty()) {
    write_file(a.pcap, "pcap", [&](std::ostream& f) { return scenarios::write_pcap(r, f); });
  }
  if (!a.pcapng.empty()) {
    write_file(a.pcapng, "pcapng", [&](std::ostream& f) { return scenarios::write_pcapng(r, f); });
  }
  if (const auto w = write_output(a.drawing.output, out); !w) fail(w.error());
  if (!r.passed()) {
    fmt::print(stderr, "synack demo: {}: the run did not tell its story:\n{}", a.name,
               r.failures());
    throw CLI::RuntimeError(kExitFailure);
  }
}

}  // namespace

void add_demo_command(CLI::App& app) {
  auto args = std::make_shared<DemoArgs>();
  auto* cmd = app.add_subcommand(
      "demo", "Run a named TCP scenario on synack stacks in the simulator and draw it");
  cmd->add_option("name", args->name, "Scenario (default: handshake); `list` describes them all");
  cmd->add_option("--pcap", args->pcap, "Also write the segments as a pcap file");
  cmd->add_option("--pcapng", args->pcapng,
                  "Also write a pcapng file whose packet comments carry the state transitions");
  cmd->add_option("--seed", args->seed, "Simulator seed (also derives the ISN secrets; default 1)");
  add_drawing_options(*cmd, args->drawing);
  cmd->callback([args] { demo(*args); });
}

}  // namespace synack::cli
