// SPDX-License-Identifier: Apache-2.0
// `synack lab`: the interactive lab in the browser (docs/lab.md). Serves the
// embedded page and its JSON API (src/lab/server.hpp) on 127.0.0.1 until
// interrupted; the learner picks a scenario, clicks segments to drop, delay
// or duplicate them, changes RTT, loss or MSL, and sees the deterministic
// re-run with its checks and the difference to the scenario's own run.
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/core.h>

#include "commands.hpp"
#include "conventions.hpp"
#include "lab/server.hpp"
#include "scenarios/scenario.hpp"

namespace synack::cli {
namespace {

struct LabArgs {
  int port = 0;
  std::string bind = "127.0.0.1";
  std::string scenario;
};

void lab(const LabArgs& a) {
  if (!a.scenario.empty() && scenarios::find(a.scenario) == nullptr) {
    fail("lab",
         fmt::format("--scenario: unknown scenario \"{}\" (synack demo list shows them all)",
                     a.scenario),
         kExitUsage);
  }
  lab::Server server;
  const auto port = server.bind(a.bind, a.port);
  if (!port) fail("lab", port.error());
  const std::string host = a.bind.find(':') == std::string::npos ? a.bind : "[" + a.bind + "]";
  std::string url = fmt::format("http://{}:{}/", host, *port);
  if (!a.scenario.empty()) url += "?scenario=" + a.scenario;
  fmt::print("synack lab: serving {} (Ctrl-C to stop)\n", url);
  std::fflush(stdout);
  if (!server.listen()) fail("lab", fmt::format("the server on {}:{} stopped", a.bind, *port));
}

}  // namespace

void add_lab_command(CLI::App& app) {
  auto args = std::make_shared<LabArgs>();
  auto* cmd = app.add_subcommand(
      "lab", "Serve the interactive lab: what-if runs of the scenarios in the browser");
  cmd->footer(
      "Prints the lab's address and serves until interrupted. Pick a scenario, click a segment\n"
      "to drop, delay or duplicate it, change RTT, loss or MSL: the simulation re-runs with its\n"
      "checks and what changed highlighted. The page is in the binary (works offline); its URL\n"
      "holds the whole run, so it can be shared. See docs/lab.md.");
  cmd->add_option("--port", args->port, "TCP port to listen on (default 0: any free port)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--bind", args->bind,
                  "Address to listen on (default 127.0.0.1: this machine only; other addresses "
                  "let other machines reach the lab)");
  cmd->add_option("--scenario", args->scenario,
                  "Scenario the printed address opens (`synack demo list`)");
  cmd->callback([args] { lab(*args); });
}

}  // namespace synack::cli
