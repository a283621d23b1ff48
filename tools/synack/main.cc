// synack: the command-line front end. Each subcommand lives in cmd_<name>.cc.
#include <CLI/CLI.hpp>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"synack: a userspace TCP/IP stack you can watch (RFC 9293)"};
  app.require_subcommand(1);
  synack::cli::add_demo_command(app);
  synack::cli::add_sim_command(app);
  synack::cli::add_states_command(app);
  synack::cli::add_drill_command(app);
  synack::cli::add_draw_command(app);
  synack::cli::add_serve_command(app);
  synack::cli::add_fetch_command(app);
  synack::cli::add_connect_command(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
