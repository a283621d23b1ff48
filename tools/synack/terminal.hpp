// SPDX-License-Identifier: Apache-2.0
// Terminal facts shared by the commands that draw (demo, draw, serve --trace).
#pragma once

#include <string>

namespace synack::cli {

/// $COLUMNS, else the width of the terminal on stdout, else 100 (pipes, files).
[[nodiscard]] int terminal_width();

/// Whether to colour output: `mode` "always" / "never" / "auto". Auto colours
/// only a terminal on stdout, never a file (`to_file`) and never with NO_COLOR
/// set (https://no-color.org).
[[nodiscard]] bool want_color(const std::string& mode, bool to_file);

}  // namespace synack::cli
