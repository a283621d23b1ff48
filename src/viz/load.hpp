// SPDX-License-Identifier: Apache-2.0
// Reading a saved run from a file (for `synack draw` and tests).
#pragma once

#include <expected>
#include <string>

#include "viz/render.hpp"
#include "viz/run.hpp"

namespace synack::viz {

/// Reads and parses a run file. Errors: one line naming the file and the
/// problem ("runs/x.json: cannot open: No such file or directory",
/// "runs/x.json: events[2].flags[0]: unknown flag \"SYNN\"").
[[nodiscard]] std::expected<Run, std::string> load_run(const std::string& path);

/// load_run + render in one step.
[[nodiscard]] std::expected<std::string, std::string> draw_file(const std::string& path, Format f,
                                                                const RenderOptions& opt);

}  // namespace synack::viz
