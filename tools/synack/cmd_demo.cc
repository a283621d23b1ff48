// `synack demo`: placeholder until the engine lands (issue 3/5). It must never
// pretend to show a handshake it did not run.
#include <fmt/core.h>

#include "commands.hpp"

namespace synack::cli {

void add_demo_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("demo", "Show TCP connection management (see `demo list`)");
  cmd->callback([] {
    fmt::print("synack demo: the connection engine has not landed yet; nothing to show.\n");
  });
}

}  // namespace synack::cli
