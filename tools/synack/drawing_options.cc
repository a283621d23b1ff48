// SPDX-License-Identifier: Apache-2.0
#include "drawing_options.hpp"

#include <cstdio>

#include <fmt/core.h>

#include "atomic_file.hpp"
#include "terminal.hpp"

namespace synack::cli {

void add_drawing_options(CLI::App& cmd, DrawingArgs& a) {
  cmd.add_option("-f,--format", a.format, "text (default), mermaid, svg, html, json or dot");
  cmd.add_option("-o,--output", a.output, "Write the drawing to FILE instead of standard output");
  cmd.add_option("-w,--width", a.width, "Text width in columns (default: the terminal, 100)");
  cmd.add_option("--color", a.color, "auto (default: on a TTY without NO_COLOR), always, never");
  cmd.add_flag("--absolute", a.absolute, "Raw sequence numbers (default: relative to each ISN)");
  cmd.add_flag("--explain", a.explain, "Annotate each state change with its cause and RFC rule");
  cmd.add_flag("--ascii", a.ascii, "ASCII only (no box-drawing characters or arrows)");
  cmd.add_option("--time-axis", a.time_axis,
                 "Row spacing (text, svg, html): event (default, one row per instant), linear "
                 "(a line or 40 px per 100 ms, gaps cut at 2.5 s) or log (grows with the log "
                 "of the gap)");
}

std::expected<Drawing, std::string> resolve_drawing(const DrawingArgs& a) {
  const auto format = viz::format_from_string(a.format);
  if (!format) {
    return std::unexpected(
        fmt::format("unknown format \"{}\" (text, mermaid, svg, html, json, dot)", a.format));
  }
  if (a.color != "auto" && a.color != "always" && a.color != "never") {
    return std::unexpected(
        fmt::format("--color must be auto, always or never, not \"{}\"", a.color));
  }
  const auto axis = viz::time_axis_from_string(a.time_axis);
  if (!axis) {
    return std::unexpected(
        fmt::format("--time-axis must be event, linear or log, not \"{}\"", a.time_axis));
  }
  if (*axis != viz::TimeAxis::kEvent && *format != viz::Format::kText &&
      *format != viz::Format::kSvg && *format != viz::Format::kHtml) {
    return std::unexpected(fmt::format(
        "--time-axis {}: only the text, svg and html ladders space rows by time", a.time_axis));
  }
  Drawing d;
  d.format = *format;
  d.render.time_axis = *axis;
  d.render.width = a.width > 0 ? a.width : terminal_width();
  const bool to_file = !a.output.empty() && a.output != "-";
  d.render.color = *format == viz::Format::kText && want_color(a.color, to_file);
  d.render.ascii = a.ascii;
  d.render.absolute = a.absolute;
  d.render.explain = a.explain;
  return d;
}

std::expected<void, std::string> write_output(const std::string& path, std::string_view text) {
  if (path.empty() || path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return {};
  }
  return write_file_atomically(path, text);
}

}  // namespace synack::cli
