// SPDX-License-Identifier: Apache-2.0
// A Run as versioned JSON ({"format": "synack-run", "version": 1, ...}).
//
// The schema is documented in docs/diagrams.md. Writing is total; reading
// validates every field and reports the first bad one by its JSON path
// (e.g. "events[3].flags[1]: unknown flag \"SYNN\"").
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "viz/run.hpp"

namespace synack::viz {

/// The `format` tag and the version this code writes (and the only one it reads).
inline constexpr std::string_view kRunFormat = "synack-run";
inline constexpr int kRunFormatVersion = 1;

/// The run as pretty-printed JSON (2-space indent, trailing newline).
[[nodiscard]] std::string run_to_json(const Run& run);

/// Parses a run. Errors: one line naming the JSON path of the bad field and
/// what is wrong with it ("not JSON: ...", "version: unsupported 2 (expected 1)").
[[nodiscard]] std::expected<Run, std::string> run_from_json(std::string_view text);

/// Flag names used in JSON and on diagrams: SYN FIN RST PSH ACK URG ECE CWR AE.
[[nodiscard]] std::string_view flag_name(std::uint16_t bit);

/// The state named as the RFC spells it ("SYN-RECEIVED"); nullopt if unknown.
[[nodiscard]] std::optional<tcp::State> state_from_string(std::string_view s);

}  // namespace synack::viz
