// SPDX-License-Identifier: Apache-2.0
// `synack --cli-json` (hidden): the command-line definition as JSON, read at
// build time by scripts/gen_cli_docs.py to generate the bash and zsh
// completions and one man page per command, so they can never disagree with
// what CLI11 actually parses.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace synack::cli {

/// The app and its subcommands (names, descriptions, options with their
/// names, value type and help, positionals, footer) as a JSON document.
[[nodiscard]] std::string cli_json(const CLI::App& app);

/// Adds the hidden flag --cli-json: prints cli_json(app), exits 0.
void add_cli_json_flag(CLI::App& app);

}  // namespace synack::cli
