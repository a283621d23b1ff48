// SPDX-License-Identifier: Apache-2.0
// `synack draw RUN.json`: re-renders a saved run (viz/run_json.hpp) as a
// terminal ladder, Mermaid, SVG, interactive HTML, JSON or the DOT state diagram.
// A large file shows a progress line while it is read and drawn (on a terminal
// only, not with --quiet); with -o FILE a summary line says what was written.
#include <cstdint>
#include <memory>
#include <string>

#include <fmt/core.h>

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
};

[[noreturn]] void fail(const std::string& message, int code = kExitFailure) {
  cli::fail("draw", message, code);
}

std::string mib(std::uint64_t bytes) {
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

void draw(const DrawArgs& a) {
  const auto d = resolve_drawing(a.drawing);
  if (!d) fail(d.error(), kExitUsage);
  Progress progress(a.quiet);
  const auto run = viz::load_run(a.file, [&](std::uint64_t done, std::uint64_t total) {
    if (!progress.due()) return;
    progress.show(
        total == 0 ? fmt::format("synack draw: reading {}: {}", a.file, mib(done))
                   : fmt::format("synack draw: reading {}: {} of {} ({:.0f}%)", a.file, mib(done),
                                 mib(total),
                                 100.0 * static_cast<double>(done) / static_cast<double>(total)));
  });
  if (!run) {
    progress.clear();
    fail(run.error());
  }
  if (progress.active())
    progress.show(fmt::format("synack draw: drawing {} packets", run->packet_count()));
  const std::string out = viz::render(d->format, *run, d->render);
  progress.clear();
  if (const auto w = write_output(a.drawing.output, out); !w) fail(w.error());
  if (!a.drawing.output.empty() && a.drawing.output != "-") {
    fmt::print(stderr, "synack draw: {}: {} packets, {} events drawn, {} bytes written\n",
               a.drawing.output, run->packet_count(), run->events.size(), out.size());
  }
}

}  // namespace

void add_draw_command(CLI::App& app) {
  auto args = std::make_shared<DrawArgs>();
  auto* cmd = app.add_subcommand("draw", "Draw a saved run: ladder, Mermaid, SVG, HTML, JSON, DOT");
  cmd->add_option("run", args->file, "Run file (JSON, format synack-run v1)")->required();
  add_drawing_options(*cmd, args->drawing);
  cmd->add_flag("-q,--quiet", args->quiet, "No progress line (it shows only on a terminal anyway)");
  cmd->callback([args] { draw(*args); });
}

}  // namespace synack::cli
