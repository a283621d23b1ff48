// SPDX-License-Identifier: Apache-2.0
// `synack draw RUN.json`: re-renders a saved run (viz/run_json.hpp) as a
// terminal ladder, Mermaid, SVG, interactive HTML, JSON or the DOT state diagram.
#include <memory>
#include <string>

#include <fmt/core.h>

#include "commands.hpp"
#include "conventions.hpp"
#include "drawing_options.hpp"
#include "viz/load.hpp"

namespace synack::cli {
namespace {

struct DrawArgs {
  std::string file;
  DrawingArgs drawing;
};

[[noreturn]] void fail(const std::string& message, int code = kExitFailure) {
  cli::fail("draw", message, code);
}

void draw(const DrawArgs& a) {
  const auto d = resolve_drawing(a.drawing);
  if (!d) fail(d.error(), kExitUsage);
  const auto out = viz::draw_file(a.file, d->format, d->render);
  if (!out) fail(out.error());
  if (const auto w = write_output(a.drawing.output, *out); !w) fail(w.error());
}

}  // namespace

void add_draw_command(CLI::App& app) {
  auto args = std::make_shared<DrawArgs>();
  auto* cmd = app.add_subcommand("draw", "Draw a saved run: ladder, Mermaid, SVG, HTML, JSON, DOT");
  cmd->add_option("run", args->file, "Run file (JSON, format synack-run v1)")->required();
  add_drawing_options(*cmd, args->drawing);
  cmd->callback([args] { draw(*args); });
}

}  // namespace synack::cli
