// SPDX-License-Identifier: Apache-2.0
#include "cli_json.hpp"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

namespace synack::cli {
namespace {

nlohmann::json option_json(const CLI::Option& o) {
  nlohmann::json names = nlohmann::json::array();
  for (const auto& s : o.get_snames()) names.push_back("-" + s);
  for (const auto& l : o.get_lnames()) names.push_back("--" + l);
  return {{"names", names},
          {"positional", o.get_positional() && !o.nonpositional()},
          {"name", o.get_name(false, true)},
          {"takes_value", o.get_type_size() != 0},
          {"type", o.get_type_name()},
          {"required", o.get_required()},
          {"help", o.get_description()}};
}

nlohmann::json app_json(const CLI::App& app) {
  nlohmann::json options = nlohmann::json::array();
  for (const CLI::Option* o : app.get_options()) {
    if (o->get_group().empty()) continue;  // hidden
    options.push_back(option_json(*o));
  }
  nlohmann::json subs = nlohmann::json::array();
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_name().empty() || sub->get_group().empty()) continue;
    subs.push_back(app_json(*sub));
  }
  return {{"name", app.get_name()},
          {"description", app.get_description()},
          {"footer", app.get_footer()},
          {"options", options},
          {"subcommands", subs}};
}

}  // namespace

std::string cli_json(const CLI::App& app) {
  return app_json(app).dump(2);
}

void add_cli_json_flag(CLI::App& app) {
  app.add_flag_callback(
         "--cli-json",
         [&app] {
           fmt::print("{}\n", cli_json(app));
           throw CLI::Success();
         },
         "print the command-line definition as JSON (for completions and man pages)")
      ->group("");
}

}  // namespace synack::cli
