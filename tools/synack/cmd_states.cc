// SPDX-License-Identifier: Apache-2.0
// `synack states`: the RFC 9293 §3.3.2 state diagram as text or DOT.
#include <fmt/core.h>

#include "commands.hpp"
#include "tcp/state.hpp"

namespace synack::cli {

void add_states_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("states", "Print the RFC 9293 state diagram (§3.3.2)");
  auto format = std::make_shared<std::string>("text");
  cmd->add_option("--format", *format, "text or dot")->check(CLI::IsMember({"text", "dot"}));
  cmd->callback([format] {
    if (*format == "dot") {
      fmt::print("digraph tcp {{\n  rankdir=TB;\n  node [shape=box, style=rounded];\n");
      for (const auto& e : tcp::state_diagram_edges()) {
        fmt::print("  \"{}\" -> \"{}\" [label=\"{}\\n{}\"];\n", tcp::to_string(e.from),
                   tcp::to_string(e.to), e.event, e.action);
      }
      fmt::print("}}\n");
      return;
    }
    for (const auto& e : tcp::state_diagram_edges()) {
      fmt::print("{:<13} -> {:<13} {} / {}\n", tcp::to_string(e.from), tcp::to_string(e.to),
                 e.event, e.action);
    }
  });
}

}  // namespace synack::cli
