// SPDX-License-Identifier: Apache-2.0
// synack: the command-line front end. Each subcommand lives in cmd_<name>.cc;
// conventions.cc applies the rules every command shares (one-line errors, exit
// status 0/1/2, the command list for a bare `synack`).
#include <CLI/CLI.hpp>
#include <synack/version.hpp>

#include <string>

#include "cli_json.hpp"
#include "commands.hpp"
#include "conventions.hpp"

int main(int argc, char** argv) {
  CLI::App app{"synack: a userspace TCP/IP stack you can watch (RFC 9293)", "synack"};
  // SYNACK_BUILD_FEATURES: set by tools/synack/CMakeLists.txt from the build's options.
  app.set_version_flag("--version", [] {
    return "synack " + std::string(synack::version()) + "\nfeatures: " + SYNACK_BUILD_FEATURES;
  });
  synack::cli::add_demo_command(app);
  synack::cli::add_sim_command(app);
  synack::cli::add_states_command(app);
  synack::cli::add_drill_command(app);
  synack::cli::add_draw_command(app);
  synack::cli::add_serve_command(app);
  synack::cli::add_fetch_command(app);
  synack::cli::add_connect_command(app);
  synack::cli::add_forward_command(app);
  synack::cli::add_rfc_command(app);
  synack::cli::add_lab_command(app);
  synack::cli::add_cli_json_flag(app);
  return synack::cli::run_cli(app, argc, argv);
}
