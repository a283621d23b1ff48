// SPDX-License-Identifier: Apache-2.0
// `synack drill`: run packetdrill scripts against the synack stack in virtual
// time (docs/conformance.md). One line per script, then exactly
// "N passed, N failed, N skipped"; exit 1 on any FAIL, and when no script was
// found. Without a stack target it says so and exits 1: nothing is ever
// reported as passing unless it ran.
#include <fmt/core.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.hpp"
#include "conventions.hpp"
#include "drill/executor.hpp"
#include "drill/expected_failures.hpp"
#include "drill/parser.hpp"
#include "drill/so_target.hpp"
#include "drill/stack_target.hpp"
#include "progress.hpp"

namespace synack::cli {
namespace {

namespace fs = std::filesystem;

struct DrillArgs {
  std::vector<std::string> paths;
  bool json = false;
  bool verbose = false;
  bool check = false;
  std::string personality = "freebsd";
  std::vector<std::string> defines;
  std::string expected_failures;  ///< --expected-failures FILE (CI mode)
  std::string so;                 ///< --so FILE: replay through a packetdrill shared object
  bool quiet = false;             ///< no progress line
};

// The --expected-failures list, or a CLI::ValidationError naming the problem.
std::vector<drill::ExpectedFailure> load_expected_failures(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw CLI::ValidationError("--expected-failures", fmt::format("cannot read {}", path));
  std::stringstream text;
  text << in.rdbuf();
  auto list = drill::parse_expected_failures(text.str());
  if (!list)
    throw CLI::ValidationError("--expected-failures", fmt::format("{}: {}", path, list.error()));
  return *list;
}

// CI mode: every unlisted script passes (or skips), every listed one still
// fails (or skips), every listed path names a script that ran. Returns 0 or 1;
// the verdict goes to `out`.
int judge(const std::string& list_path, const std::vector<fs::path>& scripts,
          const std::vector<drill::Outcome>& outcomes, std::FILE* out = stdout) {
  const auto list = load_expected_failures(list_path);
  std::vector<std::string> names;
  for (const auto& p : scripts) names.push_back(p.generic_string());
  const auto c = drill::check_expectations(list, names, outcomes);
  for (const auto& s : c.unexpected_failures)
    fmt::print(out, "UNEXPECTED FAIL {} (not in {})\n", s, list_path);
  for (const auto& s : c.unexpected_passes) {
    fmt::print(out, "UNEXPECTED PASS {} (now passes: remove it from {})\n", s, list_path);
  }
  for (const auto& s : c.unmatched) fmt::print(out, "STALE ENTRY {} (no such script ran)\n", s);
  fmt::print(out,
             "expected failures: {} listed, {} still failing or skipped, {} unexpected failures, "
             "{} unexpected passes, {} stale entries\n",
             list.size(), c.still_failing, c.unexpected_failures.size(), c.unexpected_passes.size(),
             c.unmatched.size());
  return c.ok() ? 0 : 1;
}

// The scripts named on the command line: files as given, directories searched
// recursively for *.pkt, in sorted order. Throws CLI::ValidationError naming a
// missing path.
std::vector<fs::path> collect_scripts(const std::vector<std::string>& paths) {
  std::vector<fs::path> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> found;
      for (const auto& e : fs::recursive_directory_iterator(p)) {
        if (e.is_regular_file() && e.path().extension() == ".pkt") found.push_back(e.path());
      }
      std::ranges::sort(found);
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(p, ec)) {
      out.emplace_back(p);
    } else {
      throw CLI::ValidationError("PATH", fmt::format("no such file or directory: {}", p));
    }
  }
  return out;
}

// `--check`: parse and preflight only, never run (works without a target).
int check_scripts(const std::vector<fs::path>& scripts, const drill::ParseOptions& parse) {
  int errors = 0;
  for (const auto& path : scripts) {
    const auto script = drill::parse_file(path, parse);
    if (!script) {
      ++errors;
      fmt::print("ERROR {}\n", script.error());
      continue;
    }
    const auto skip = drill::preflight(*script);
    fmt::print("PARSED {}{}\n", path.string(), skip ? fmt::format(" (would skip: {})", *skip) : "");
  }
  fmt::print("{} parsed, {} with syntax errors\n", scripts.size() - errors, errors);
  return errors == 0 ? 0 : 1;
}

std::string indent(const std::string& text) {
  std::string out;
  for (const char c : text) {
    out += c;
    if (c == '\n') out += "  ";
  }
  return out;
}

int run_scripts(const DrillArgs& args, const std::vector<fs::path>& scripts,
                const drill::ParseOptions& parse) {
  std::unique_ptr<drill::Target> target;
  if (!args.so.empty()) {
    try {
      target = std::make_unique<drill::SoTarget>(args.so);
    } catch (const std::exception& e) {
      throw CLI::ValidationError("--so", e.what());
    }
  } else {
    target = drill::make_stack_target();
  }
  if (!target) {
    fmt::print(stderr,
               "synack drill: no stack target is available yet (the synack stack's socket API "
               "has not landed); no script was run\n");
    return kExitFailure;
  }
  drill::RunOptions options;
  options.personality =
      args.personality == "linux" ? drill::Personality::kLinux : drill::Personality::kFreeBsd;
  if (args.verbose && !args.json) {
    options.trace = [](const std::string& line) { fmt::print("    {}\n", line); };
  }
  int counts[3] = {0, 0, 0};
  nlohmann::json results = nlohmann::json::array();
  std::vector<drill::Outcome> outcomes;
  Progress progress(args.quiet || args.verbose);
  for (std::size_t i = 0; i < scripts.size(); ++i) {
    const fs::path& path = scripts[i];
    if (progress.due()) {
      progress.show(fmt::format("synack drill: {} of {} scripts, {} failed so far: {}", i,
                                scripts.size(), counts[1], path.filename().string()));
    }
    const auto r = drill::run_file(path, *target, options, parse);
    progress.clear();
    ++counts[static_cast<int>(r.outcome)];
    outcomes.push_back(r.outcome);
    if (args.json) {
      results.push_back({{"path", path.string()},
                         {"outcome", drill::to_string(r.outcome)},
                         {"message", r.message},
                         {"line", r.line},
                         {"notes", r.notes}});
    } else if (r.outcome == drill::Outcome::kPass) {
      fmt::print("PASS {}\n", path.string());
    } else if (r.outcome == drill::Outcome::kSkip) {
      fmt::print("SKIP {} ({})\n", path.string(), r.message);
    } else {
      fmt::print("FAIL {}\n  {}\n", path.string(), indent(r.message));
    }
  }
  if (args.json) {
    const nlohmann::json doc = {{"personality", args.personality},
                                {"results", results},
                                {"passed", counts[0]},
                                {"failed", counts[1]},
                                {"skipped", counts[2]}};
    fmt::print("{}\n", doc.dump(2));
    if (!args.expected_failures.empty()) {
      return judge(args.expected_failures, scripts, outcomes, stderr);  // keep stdout JSON
    }
    return counts[1] == 0 ? 0 : 1;
  }
  const int verdict = args.expected_failures.empty()
                          ? (counts[1] == 0 ? 0 : 1)
                          : judge(args.expected_failures, scripts, outcomes);
  fmt::print("{} passed, {} failed, {} skipped\n", counts[0], counts[1], counts[2]);
  return verdict;
}

}  // namespace

void add_drill_command(CLI::App& app) {
  auto args = std::make_shared<DrillArgs>();
  auto* cmd = app.add_subcommand(
      "drill", "Run packetdrill scripts against the synack stack in virtual time");
  cmd->add_option("PATH", args->paths, "script files (.pkt) or directories of them")->required();
  cmd->add_flag("--json", args->json, "print the results as JSON");
  cmd->add_flag("--verbose", args->verbose, "print every event as it runs");
  cmd->add_flag("-q,--quiet", args->quiet, "no progress line (it shows only on a terminal)");
  cmd->add_flag("--check", args->check, "only parse the scripts (and say which would be skipped)");
  cmd->add_option("--personality", args->personality, "the stack preset the scripts expect")
      ->check(CLI::IsMember({"freebsd", "linux"}));
  cmd->add_option("--define", args->defines,
                  "names for #ifdef (default: FreeBSD for freebsd, Linux for linux)");
  cmd->add_option("--expected-failures", args->expected_failures,
                  "CI mode: FILE lists the scripts known to fail (`path reason` per line); "
                  "exit 0 iff all others pass and all listed ones still fail or skip");
  cmd->add_option("--so", args->so,
                  "replay through a packetdrill shared object (libsynack_packetdrill.so) "
                  "via its C interface instead of in-process");
  cmd->callback([args] {
    const auto scripts = collect_scripts(args->paths);
    if (scripts.empty()) {
      std::string where;
      for (const auto& p : args->paths) where += (where.empty() ? "" : ", ") + p;
      fail("drill", fmt::format("no .pkt scripts found in {}; nothing was run", where));
    }
    drill::ParseOptions parse;
    parse.defines =
        args->defines.empty()
            ? std::vector<std::string>{args->personality == "linux" ? "Linux" : "FreeBSD"}
            : args->defines;
    const int code =
        args->check ? check_scripts(scripts, parse) : run_scripts(*args, scripts, parse);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace synack::cli
