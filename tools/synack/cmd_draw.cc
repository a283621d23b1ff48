// `synack draw RUN.json`: re-renders a saved run (viz/run_json.hpp) as a
// terminal ladder, Mermaid, SVG, interactive HTML, JSON or the DOT state diagram.
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>

#include <fmt/core.h>

#include "commands.hpp"
#include "terminal.hpp"
#include "viz/load.hpp"
#include "viz/render.hpp"

namespace synack::cli {
namespace {

struct DrawArgs {
  std::string file;
  std::string format = "text";
  std::string output;
  std::string color = "auto";
  int width = 0;  // 0: $COLUMNS, the terminal, or 100
  bool absolute = false;
  bool explain = false;
  bool ascii = false;
};

[[noreturn]] void fail(const std::string& message) {
  fmt::print(stderr, "synack draw: {}\n", message);
  throw CLI::RuntimeError(1);
}

void draw(const DrawArgs& a) {
  const auto format = viz::format_from_string(a.format);
  if (!format) {
    fail(fmt::format("unknown format \"{}\" (text, mermaid, svg, html, json, dot)", a.format));
  }
  if (a.color != "auto" && a.color != "always" && a.color != "never") {
    fail(fmt::format("--color must be auto, always or never, not \"{}\"", a.color));
  }
  viz::RenderOptions opt;
  opt.width = a.width > 0 ? a.width : terminal_width();
  opt.color = *format == viz::Format::kText && want_color(a.color, !a.output.empty());
  opt.ascii = a.ascii;
  opt.absolute = a.absolute;
  opt.explain = a.explain;
  auto out = viz::draw_file(a.file, *format, opt);
  if (!out) fail(out.error());
  if (a.output.empty() || a.output == "-") {
    std::fwrite(out->data(), 1, out->size(), stdout);
    return;
  }
  std::ofstream f(a.output, std::ios::binary);
  if (!f) fail(fmt::format("{}: cannot write: {}", a.output, std::strerror(errno)));
  f << *out;
  if (!f.flush()) fail(fmt::format("{}: write error", a.output));
}

}  // namespace

void add_draw_command(CLI::App& app) {
  auto args = std::make_shared<DrawArgs>();
  auto* cmd = app.add_subcommand("draw", "Draw a saved run: ladder, Mermaid, SVG, HTML, JSON, DOT");
  cmd->add_option("run", args->file, "Run file (JSON, format synack-run v1)")->required();
  cmd->add_option("-f,--format", args->format, "text (default), mermaid, svg, html, json or dot");
  cmd->add_option("-o,--output", args->output, "Write to FILE instead of standard output");
  cmd->add_option("-w,--width", args->width, "Text width in columns (default: the terminal, 100)");
  cmd->add_option("--color", args->color,
                  "auto (default: on a TTY without NO_COLOR), always, never");
  cmd->add_flag("--absolute", args->absolute,
                "Raw sequence numbers (default: relative to each ISN)");
  cmd->add_flag("--explain", args->explain,
                "Annotate each state change with its cause and RFC rule");
  cmd->add_flag("--ascii", args->ascii, "ASCII only (no box-drawing characters or arrows)");
  cmd->callback([args] { draw(*args); });
}

}  // namespace synack::cli
