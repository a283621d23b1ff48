// SPDX-License-Identifier: Apache-2.0
// The options of the commands that draw a run (demo, draw): format, output
// file, width, colour and the ladder's switches — declared, checked and
// applied in one place so both commands take and explain them alike.
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "viz/render.hpp"

namespace synack::cli {

/// What the user asked for, as typed.
struct DrawingArgs {
  std::string format = "text";      ///< text, mermaid, svg, html, json or dot
  std::string output;               ///< file; empty or "-": standard output
  std::string color = "auto";       ///< auto, always or never (see want_color)
  int width = 0;                    ///< columns; 0: $COLUMNS, the terminal, or 100
  bool absolute = false;            ///< raw sequence numbers instead of ISN-relative
  bool explain = false;             ///< annotate state changes with cause and RFC rule
  bool ascii = false;               ///< no box-drawing characters or arrows
  std::string time_axis = "event";  ///< event, linear or log (svg and html)
};

/// Adds -f/--format, -o/--output, -w/--width, --color, --absolute, --explain,
/// --ascii and --time-axis to `cmd`, bound to `a`.
void add_drawing_options(CLI::App& cmd, DrawingArgs& a);

/// The checked format and render options.
struct Drawing {
  viz::Format format = viz::Format::kText;
  viz::RenderOptions render;
};

/// Checks `a` and resolves width and colour (colour only for text on a
/// terminal). Error: one line naming the bad option and the allowed values.
[[nodiscard]] std::expected<Drawing, std::string> resolve_drawing(const DrawingArgs& a);

/// Writes `text` to `path` atomically (standard output when empty or "-").
/// Error: one line "PATH: cannot write: REASON" or "PATH: write error: REASON".
[[nodiscard]] std::expected<void, std::string> write_output(const std::string& path,
                                                            std::string_view text);

}  // namespace synack::cli
