// SPDX-License-Identifier: Apache-2.0
// The conventions every synack command follows (clig.dev, GNU), applied in one
// place around CLI11's parse:
//   - bare `synack` prints the command list (exit 0);
//   - an unknown command or option is named, with the closest match suggested;
//   - every error, CLI11's included, is one line "synack <command>: <problem>"
//     on stderr;
//   - exit status 0 success, 1 failure at run time, 2 usage error (every CLI11
//     parse error maps to 2; see kExitStatusHelp).
// A command reports a run-time failure by printing its one line and throwing
// CLI::RuntimeError(code) (or calling fail()).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace synack::cli {

inline constexpr int kExitOk = 0;       ///< success
inline constexpr int kExitFailure = 1;  ///< failure at run time (transfer, check, file)
inline constexpr int kExitUsage = 2;    ///< usage error (unknown command/option, bad value)

/// The exit-status paragraph of every --help (and README.md).
inline constexpr std::string_view kExitStatusHelp =
    "Exit status:\n"
    "  0  success\n"
    "  1  failure at run time (a transfer, check or file write failed)\n"
    "  2  usage error (unknown command or option, bad value)\n"
    "Errors are one line on stderr: \"synack COMMAND: PROBLEM\".\n"
    "Sizes, rates, durations, percentages: 64K = 64KiB, 100Mbit, 50ms, 5% (docs/units.md).";

/// Parses argv with `app` (whose subcommands run in their callbacks) under the
/// conventions above; returns the process's exit status.
[[nodiscard]] int run_cli(CLI::App& app, int argc, char** argv);

/// Prints "synack COMMAND: MESSAGE" on stderr and throws CLI::RuntimeError(code).
[[noreturn]] void fail(std::string_view command, std::string_view message, int code = kExitFailure);

/// The candidate closest to `word` by edit distance, or "" if none is close
/// enough to be a plausible typo (distance > max(2, |word| / 3)).
[[nodiscard]] std::string closest_match(std::string_view word,
                                        const std::vector<std::string>& candidates);

}  // namespace synack::cli
