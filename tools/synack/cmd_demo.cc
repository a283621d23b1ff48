// `synack demo [NAME]`: runs one named scenario of TCP connection management
// on real synack stacks in the simulator (virtual time, fixed seeds and ISN
// secrets) and draws it: terminal ladder, Mermaid, SVG, HTML, JSON or the DOT
// state diagram; optionally a pcap / pcapng (packet comments carry the state
// transitions). `synack demo list` describes every scenario in one line.
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <string>

#include <fmt/core.h>

#include "commands.hpp"
#include "scenarios/capture.hpp"
#include "scenarios/scenario.hpp"
#include "terminal.hpp"
#include "viz/render.hpp"

namespace synack::cli {
namespace {

struct DemoArgs {
  std::string name = "handshake";
  std::string format = "text";
  std::string output;
  std::string pcap;
  std::string pcapng;
  std::string color = "auto";
  int width = 0;
  std::uint64_t seed = 1;
  bool absolute = false;
  bool explain = false;
  bool ascii = false;
};

[[noreturn]] void fail(const std::string& message) {
  fmt::print(stderr, "synack demo: {}\n", message);
  throw CLI::RuntimeError(1);
}

void list() {
  std::size_t w = 0;
  for (const auto& s : scenarios::all()) w = std::max(w, s.name.size());
  for (const auto& s : scenarios::all()) fmt::print("{:<{}}  {}\n", s.name, w, s.summary);
}

void write_file(const std::string& path, const std::string& what,
                const std::function<bool(std::ostream&)>& write) {
  std::ofstream f(path, std::ios::binary);
  if (!f) fail(fmt::format("{}: cannot write: {}", path, std::strerror(errno)));
  if (!write(f) || !f.flush()) fail(fmt::format("{}: write error ({})", path, what));
}

void demo(const DemoArgs& a) {
  if (a.name == "list") return list();
  const scenarios::Scenario* s = scenarios::find(a.name);
  if (s == nullptr) {
    fail(fmt::format("unknown scenario \"{}\" (synack demo list shows them all)", a.name));
  }
  const auto format = viz::format_from_string(a.format);
  if (!format) {
    fail(fmt::format("unknown format \"{}\" (text, mermaid, svg, html, json, dot)", a.format));
  }
  if (a.color != "auto" && a.color != "always" && a.color != "never") {
    fail(fmt::format("--color must be auto, always or never, not \"{}\"", a.color));
  }
  const scenarios::Result r = s->run({.seed = a.seed});
  viz::RenderOptions opt;
  opt.width = a.width > 0 ? a.width : terminal_width();
  opt.color = *format == viz::Format::kText && want_color(a.color, !a.output.empty());
  opt.ascii = a.ascii;
  opt.absolute = a.absolute;
  opt.explain = a.explain;
  std::string out = viz::render(*format, r.run, opt);
  if (*format == viz::Format::kText) {
    out += "\nWhat this run shows (checked):\n";
    for (const auto& c : r.checks) {
      out += fmt::format("  {} {}\n",
                         c.ok ? (a.ascii ? "[ok]" : "✓") : (a.ascii ? "[FAILED]" : "✗"), c.what);
    }
  }
  if (!a.pcap.empty()) {
    write_file(a.pcap, "pcap", [&](std::ostream& f) { return scenarios::write_pcap(r, f); });
  }
  if (!a.pcapng.empty()) {
    write_file(a.pcapng, "pcapng", [&](std::ostream& f) { return scenarios::write_pcapng(r, f); });
  }
  if (a.output.empty() || a.output == "-") {
    std::fwrite(out.data(), 1, out.size(), stdout);
  } else {
    write_file(a.output, "output", [&](std::ostream& f) {
      f << out;
      return static_cast<bool>(f);
    });
  }
  if (!r.passed()) {
    fmt::print(stderr, "synack demo: {}: the run did not tell its story:\n{}", a.name,
               r.failures());
    throw CLI::RuntimeError(2);
  }
}

}  // namespace

void add_demo_command(CLI::App& app) {
  auto args = std::make_shared<DemoArgs>();
  auto* cmd = app.add_subcommand(
      "demo", "Run a named TCP scenario on synack stacks in the simulator and draw it");
  cmd->add_option("name", args->name, "Scenario (default: handshake); `list` describes them all");
  cmd->add_option("-f,--format", args->format, "text (default), mermaid, svg, html, json or dot");
  cmd->add_option("-o,--output", args->output,
                  "Write the drawing to FILE instead of standard output");
  cmd->add_option("--pcap", args->pcap, "Also write the segments as a pcap file");
  cmd->add_option("--pcapng", args->pcapng,
                  "Also write a pcapng file whose packet comments carry the state transitions");
  cmd->add_option("--seed", args->seed, "Simulator seed (also derives the ISN secrets; default 1)");
  cmd->add_option("-w,--width", args->width, "Text width in columns (default: the terminal, 100)");
  cmd->add_option("--color", args->color,
                  "auto (default: on a TTY without NO_COLOR), always, never");
  cmd->add_flag("--absolute", args->absolute,
                "Raw sequence numbers (default: relative to each ISN)");
  cmd->add_flag("--explain", args->explain,
                "Annotate each state change with its cause and RFC rule");
  cmd->add_flag("--ascii", args->ascii, "ASCII only (no box-drawing characters or arrows)");
  cmd->callback([args] { demo(*args); });
}

}  // namespace synack::cli
