// SPDX-License-Identifier: Apache-2.0
// The benchmark programs' command lines: CLI11 with the CLI's unit parser
// (docs/units.md), so `--bytes 1GiB` or `--seconds 20s` read as in synack.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdlib>

#include <fmt/core.h>

#include "tools/synack/unit_options.hpp"

namespace synack::bench {

using cli::add_bytes_option;
using cli::add_seconds_option;

/// Parses argv: --help prints the options and exits 0; a usage error prints
/// one line "NAME: PROBLEM" on stderr and exits 2.
inline void parse_or_exit(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    std::exit(app.exit(e));
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "{}: {}\n", app.get_name(), e.what());
    std::exit(2);
  }
}

/// The flag every benchmark takes: --quick, a smoke run (scripts/bench.sh --quick).
inline CLI::Option* add_quick_flag(CLI::App& app, bool& quick) {
  return app.add_flag("--quick", quick, "smoke-run sizes (seconds, not minutes)");
}

/// Seconds as a double, from a Duration.
inline double to_seconds(Duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace synack::bench
