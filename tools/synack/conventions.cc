// SPDX-License-Identifier: Apache-2.0
#include "conventions.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>

#include <fmt/core.h>

namespace synack::cli {
namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// One line: newlines joined with "; ", trailing whitespace and dots dropped.
std::string one_line(std::string text) {
  std::string out;
  for (const char c : text) {
    if (c == '\n') {
      if (!out.empty() && out.back() != ' ') out += "; ";
    } else {
      out += c;
    }
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == ';')) out.pop_back();
  return out;
}

std::vector<std::string> command_names(CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (!sub->get_name().empty() && !sub->get_group().empty()) names.push_back(sub->get_name());
  }
  return names;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

// The subcommand called `name` (or one of its aliases), or nullptr.
CLI::App* find_command(CLI::App& app, const std::string& name) {
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (!sub->get_name().empty() && sub->check_name(name)) return sub;
  }
  return nullptr;
}

// The subcommand named on the command line (the first argument that names one).
CLI::App* named_command(CLI::App& app, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (CLI::App* sub = find_command(app, argv[i]); sub != nullptr) return sub;
  }
  return nullptr;
}

// For an unexpected "--opton": the closest option of `cmd`, as a hint.
std::string option_hint(CLI::App& cmd, int argc, char** argv) {
  std::vector<std::string> longs;
  for (const CLI::Option* o : cmd.get_options()) {
    for (const auto& n : o->get_lnames()) longs.push_back("--" + n);
  }
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (!word.starts_with("--")) continue;
    word = word.substr(0, word.find('='));
    if (std::ranges::find(longs, word) != longs.end()) continue;
    const std::string best = closest_match(word, longs);
    if (!best.empty()) return fmt::format(" (did you mean {}?)", best);
  }
  return "";
}

int unknown_command(CLI::App& app, std::string_view word) {
  const auto names = command_names(app);
  const std::string best = closest_match(word, names);
  if (!best.empty()) {
    fmt::print(stderr, "synack: unknown command \"{}\" (did you mean \"{}\"?)\n", word, best);
  } else {
    fmt::print(stderr, "synack: unknown command \"{}\" (commands: {})\n", word, join(names));
  }
  return kExitUsage;
}

}  // namespace

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    const bool prefix = word.size() >= 2 && c.starts_with(word);
    if (d < best_distance || (prefix && best.empty())) {
      best = c;
      best_distance = prefix ? 0 : d;
    }
  }
  return best;
}

void fail(std::string_view command, std::string_view message, int code) {
  fmt::print(stderr, "synack {}: {}\n", command, message);
  throw CLI::RuntimeError(code);
}

int run_cli(CLI::App& app, int argc, char** argv) {
  app.require_subcommand(0, 1);
  app.footer(std::string(kExitStatusHelp));
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    // A command's own footer (e.g. lab's) comes first.
    const std::string own = sub->get_footer();
    sub->footer((own.empty() ? "" : own + "\n\n") + std::string(kExitStatusHelp));
  }
  if (argc < 2) {
    fmt::print("{}", app.help());
    return kExitOk;
  }
  const std::string_view first = argv[1];
  if (!first.starts_with("-") && find_command(app, std::string(first)) == nullptr) {
    return unknown_command(app, first);
  }
  CLI::App* cmd = named_command(app, argc, argv);
  const std::string who = cmd != nullptr ? "synack " + cmd->get_name() : "synack";
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::Success&) {  // e.g. --cli-json, which printed its output
    return kExitOk;
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // the command printed its own line
  } catch (const CLI::ParseError& e) {
    const std::string hint = cmd != nullptr && dynamic_cast<const CLI::ExtrasError*>(&e)
                                 ? option_hint(*cmd, argc, argv)
                                 : "";
    fmt::print(stderr, "{}: {}{}\n", who, one_line(e.what()), hint);
    return kExitUsage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "{}: {}\n", who, one_line(e.what()));
    return kExitFailure;
  }
  if (app.get_subcommands().empty()) {  // only global flags, e.g. a future --color
    fmt::print("{}", app.help());
  }
  return kExitOk;
}

}  // namespace synack::cli
