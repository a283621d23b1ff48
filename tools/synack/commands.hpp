// SPDX-License-Identifier: Apache-2.0
// Subcommands of the `synack` CLI: one file per command (cmd_<name>.cc), each
// adding itself to the app. main.cc calls every add_*_command in order.
#pragma once

#include <CLI/CLI.hpp>

namespace synack::cli {

void add_demo_command(CLI::App& app);     // cmd_demo.cc
void add_sim_command(CLI::App& app);      // cmd_sim.cc
void add_states_command(CLI::App& app);   // cmd_states.cc
void add_drill_command(CLI::App& app);    // cmd_drill.cc
void add_draw_command(CLI::App& app);     // cmd_draw.cc
void add_serve_command(CLI::App& app);    // cmd_serve.cc (TUN)
void add_fetch_command(CLI::App& app);    // cmd_fetch.cc (TUN)
void add_connect_command(CLI::App& app);  // cmd_connect.cc (TUN)
void add_forward_command(CLI::App& app);  // cmd_forward.cc (TUN)
void add_rfc_command(CLI::App& app);      // cmd_rfc.cc
void add_lab_command(CLI::App& app);      // cmd_lab.cc

}  // namespace synack::cli
