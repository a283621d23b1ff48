// SPDX-License-Identifier: Apache-2.0
// `synack draw FILE`: re-renders a saved run (viz/run_json.hpp), or one TCP
// conversation of a pcap/pcapng capture (capture/scan.hpp), as a terminal
// ladder, Mermaid, SVG, interactive HTML, JSON or the DOT state diagram.
// A large file shows a progress line while it is read and drawn (on a terminal
// only, not with --quiet); with -o FILE a summary line says what was written.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include <fmt/core.h>

#include "capture/scan.hpp"
#include "commands.hpp"
#include "conventions.hpp"
#include "drawing_options.hpp"
#include "progress.hpp"
#include "viz/load.hpp"

namespace synack::cli {
namespace {

struct DrawArgs {
  std::string file;
  DrawingArgs drawing;
  bool quiet = false;  ///< no progress line
  bool list = false;
  std::optional<std::size_t> stream;
  std::optional<std::uint16_t> port;
  std::optional<std::string> host;
  bool expand = false;
};

[[noreturn]] void fail(const std::string& message, int code = kExitFailure) {
  cli::fail("draw", message, code);
}

std::string mib(std::uint64_t bytes) {
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

// "synack draw: reading FILE: 1.5 MiB of 3.0 MiB (50%)".
std::string reading(const std::string& file, std::uint64_t done, std::uint64_t total) {
  if (total == 0) return fmt::format("synack draw: reading {}: {}", file, mib(done));
  return fmt::format("synack draw: reading {}: {} of {} ({:.0f}%)", file, mib(done), mib(total),
                     100.0 * static_cast<double>(done) / static_cast<double>(total));
}

void render_run(const DrawArgs& a, const Drawing& d, const viz::Run& run, Progress& progress) {
  if (progress.active()) {
    progress.show(fmt::format("synack draw: drawing {} packets", run.packet_count()));
  }
  const std::string out = viz::render(d.format, run, d.render);
  progress.clear();
  if (const auto w = write_output(a.drawing.output, out); !w) fail(w.error());
  if (!a.drawing.output.empty() && a.drawing.output != "-") {
    fmt::print(stderr, "synack draw: {}: {} packets, {} events drawn, {} bytes written\n",
               a.drawing.output, run.packet_count(), run.events.size(), out.size());
  }
}

// A capture: list its conversations, or draw the chosen one.
void draw_capture(const DrawArgs& a, const Drawing& d) {
  capture::Selection sel;
  sel.stream = a.stream;
  sel.port = a.port;
  sel.host = a.host;
  sel.collect.expand = a.expand;
  Progress progress(a.quiet);
  const auto on_progress = [&](std::uint64_t, std::uint64_t offset, std::uint64_t size) {
    if (progress.due()) progress.show(reading(a.file, offset, size));
  };
  auto result = capture::read_capture(a.file, sel, a.list, on_progress);
  progress.clear();
  if (!result) fail(result.error());
  if (result->stats.error) {
    std::fflush(stdout);
    fmt::print(stderr, "synack draw: {}\n", capture::describe_error(a.file, *result->stats.error));
  }
  if (!a.list) return render_run(a, d, *result->run, progress);
  std::string text = capture::format_list(result->conversations);
  if (const auto s = result->stats.skipped_text(); !s.empty()) text += s + "\n";
  if (const auto w = write_output(a.drawing.output, text); !w) fail(w.error());
}

void draw(const DrawArgs& a) {
  const auto d = resolve_drawing(a.drawing);
  if (!d) fail(d.error(), kExitUsage);
  if (capture::looks_like_capture(a.file)) return draw_capture(a, *d);
  if (a.list || a.stream || a.port || a.host || a.expand) {
    fail(fmt::format("{}: --list, --stream, --port, --host and --expand need a pcap or pcapng "
                     "capture",
                     a.file),
         kExitUsage);
  }
  Progress progress(a.quiet);
  const auto run = viz::load_run(a.file, [&](std::uint64_t done, std::uint64_t total) {
    if (progress.due()) progress.show(reading(a.file, done, total));
  });
  if (!run) {
    progress.clear();
    fail(run.error());
  }
  render_run(a, *d, *run, progress);
}

}  // namespace

void add_draw_command(CLI::App& app) {
  auto args = std::make_shared<DrawArgs>();
  auto* cmd =
      app.add_subcommand("draw", "Draw a saved run or a TCP conversation of a pcap/pcapng capture");
  cmd->add_option("run", args->file,
                  "Run file (JSON, format synack-run v1) or capture (pcap, pcapng from tcpdump, "
                  "tshark, Wireshark)")
      ->required();
  add_drawing_options(*cmd, args->drawing);
  cmd->add_flag("-q,--quiet", args->quiet, "No progress line (it shows only on a terminal anyway)");
  cmd->add_flag("--list", args->list,
                "Capture: list the TCP conversations (numbered as tshark's tcp.stream)");
  cmd->add_option("--stream", args->stream,
                  "Capture: draw conversation N (default: the first complete one)");
  cmd->add_option("--port", args->port, "Capture: draw the first conversation with this port");
  cmd->add_option("--host", args->host,
                  "Capture: draw the first conversation with this address at either end "
                  "(with --port: both)");
  cmd->add_flag("--expand", args->expand,
                "Capture: draw every segment (default: long transfers collapse into summary rows)");
  cmd->callback([args] { draw(*args); });
}

}  // namespace synack::cli
