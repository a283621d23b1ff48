// SPDX-License-Identifier: Apache-2.0
// Reading a saved run from a file (for `synack draw` and tests).
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <string>

#include "viz/render.hpp"
#include "viz/run.hpp"

namespace synack::viz {

/// Called while a file is read: bytes read so far and the file's size in
/// bytes (0 when unknown, e.g. a pipe). `synack draw` redraws its progress
/// line from it; called after every chunk (1 MiB) and once at the end.
using ReadProgress = std::function<void(std::uint64_t done, std::uint64_t total)>;

/// Reads and parses a run file. Errors: one line naming the file and the
/// problem ("runs/x.json: cannot open: No such file or directory",
/// "runs/x.json: events[2].flags[0]: unknown flag \"SYNN\"").
[[nodiscard]] std::expected<Run, std::string> load_run(const std::string& path,
                                                       const ReadProgress& progress = {});

/// load_run + render in one step.
[[nodiscard]] std::expected<std::string, std::string> draw_file(const std::string& path, Format f,
                                                                const RenderOptions& opt);

}  // namespace synack::viz
