// SPDX-License-Identifier: Apache-2.0
#include "drill/expected_failures.hpp"

#include <fmt/core.h>

#include <set>
#include <sstream>

namespace synack::drill {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

}  // namespace

std::expected<std::vector<ExpectedFailure>, std::string> parse_expected_failures(
    const std::string& text) {
  std::vector<ExpectedFailure> out;
  std::set<std::string> seen;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string t = trim(line);
    if (t.empty() || t.front() == '#') continue;
    const auto space = t.find_first_of(" \t");
    ExpectedFailure f{t.substr(0, space), space == std::string::npos ? "" : trim(t.substr(space))};
    if (f.path.size() < 5 || !f.path.ends_with(".pkt")) {
      return std::unexpected(
          fmt::format("line {}: expected a .pkt path, got '{}'", number, f.path));
    }
    if (!seen.insert(f.path).second) {
      return std::unexpected(fmt::format("line {}: {} is listed twice", number, f.path));
    }
    out.push_back(std::move(f));
  }
  return out;
}

bool names_script(const std::string& entry, const std::string& script) {
  return script == entry || (script.size() > entry.size() && script.ends_with(entry) &&
                             script[script.size() - entry.size() - 1] == '/');
}

ExpectationCheck check_expectations(const std::vector<ExpectedFailure>& list,
                                    const std::vector<std::string>& scripts,
                                    const std::vector<Outcome>& outcomes) {
  ExpectationCheck c;
  std::vector<bool> matched(list.size(), false);
  for (std::size_t i = 0; i < scripts.size() && i < outcomes.size(); ++i) {
    bool listed = false;
    for (std::size_t j = 0; j < list.size(); ++j) {
      if (names_script(list[j].path, scripts[i])) {
        listed = true;
        matched[j] = true;
      }
    }
    if (listed && outcomes[i] == Outcome::kPass) c.unexpected_passes.push_back(scripts[i]);
    if (listed && outcomes[i] != Outcome::kPass) ++c.still_failing;
    if (!listed && outcomes[i] == Outcome::kFail) c.unexpected_failures.push_back(scripts[i]);
  }
  for (std::size_t j = 0; j < list.size(); ++j) {
    if (!matched[j]) c.unmatched.push_back(list[j].path);
  }
  return c;
}

}  // namespace synack::drill
