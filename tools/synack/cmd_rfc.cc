// SPDX-License-Identifier: Apache-2.0
// `synack rfc [LABEL]`: RFC 9293's requirement table as a judge. Without a
// label: the summary of docs/rfc9293-requirements.md (counts by level and
// status); with one (MUST-58, shld-19, SHOULD-19, MAY-3, REC-1): the RFC's
// sentence, synack's answer, the code that honours it and the tests that prove
// it; --list: one line per requirement. The matrix is embedded at build time
// (embed_text.cmake), so an installed binary needs no source tree.
#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include "commands.hpp"

extern const char kRfc9293MatrixText[];  // generated: rfc9293_matrix_text.cc

namespace synack::cli {
namespace {

struct Row {
  std::string label, level, section, requirement, status, answer, code, tests;
  std::string sentence;
};

struct Matrix {
  std::string summary;
  std::vector<Row> rows;
};

[[noreturn]] void fail(const std::string& message) {
  fmt::print(stderr, "synack rfc: {}\n", message);
  throw CLI::RuntimeError(1);
}

std::string trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

// Splits one markdown table row on unescaped '|' ("\|" is a literal bar).
std::vector<std::string> cells(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  for (std::size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
      cur += '|';
      ++i;
    } else if (line[i] == '|') {
      out.push_back(trim(cur));
      cur.clear();
    } else {
      cur += line[i];
    }
  }
  return out;
}

bool is_label_row(std::string_view line) {
  for (std::string_view kind : {"| MUST-", "| SHLD-", "| MAY-", "| REC-"}) {
    if (line.starts_with(kind)) return true;
  }
  return false;
}

Matrix parse(std::string_view text) {
  Matrix m;
  std::map<std::string, std::string> sentences;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    constexpr std::string_view kSummary = "**Summary:** ", kSentence = "- **";
    if (line.starts_with(kSummary)) {
      m.summary = std::string(line.substr(kSummary.size()));
    } else if (is_label_row(line)) {
      auto c = cells(line);
      c.resize(8);
      m.rows.push_back({c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], {}});
    } else if (line.starts_with(kSentence)) {
      const std::size_t end = line.find("**", kSentence.size());
      const std::size_t colon = line.find("): ", end);
      if (end != std::string_view::npos && colon != std::string_view::npos) {
        sentences[std::string(line.substr(kSentence.size(), end - kSentence.size()))] =
            std::string(line.substr(colon + 3));
      }
    }
  }
  for (auto& r : m.rows) r.sentence = sentences[r.label];
  return m;
}

// "should-19" / "SHLD-19" / "must-58" → the RFC's spelling.
std::string normalise(std::string label) {
  std::ranges::transform(label, label.begin(), [](unsigned char ch) { return std::toupper(ch); });
  if (label.starts_with("SHOULD-")) label = "SHLD-" + label.substr(7);
  return label;
}

void print_list(const std::string& text, std::string_view heading) {
  if (text.empty()) return;
  fmt::print("  {}:\n", heading);
  std::string_view rest = text;
  while (!rest.empty()) {
    const std::size_t br = rest.find("<br>");
    fmt::print("    {}\n", rest.substr(0, br));
    rest.remove_prefix(br == std::string_view::npos ? rest.size() : br + 4);
  }
}

void print_summary(const Matrix& m) {
  fmt::print("RFC 9293 requirements (Appendix B), synack's coverage:\n");
  std::string_view rest = m.summary;
  constexpr std::string_view kSep = " · ";
  while (!rest.empty()) {
    const std::size_t sep = rest.find(kSep);
    fmt::print("  {}\n", rest.substr(0, sep));
    rest.remove_prefix(sep == std::string_view::npos ? rest.size() : sep + kSep.size());
  }
  fmt::print("`synack rfc LABEL` explains one (e.g. MUST-58); `synack rfc --list` lists all.\n");
}

void print_row(const Row& r) {
  fmt::print("{} ({}, RFC 9293 §{}): {}\n", r.label, r.level, r.section, r.requirement);
  fmt::print("  RFC: {}\n", r.sentence);
  fmt::print("  status: {}\n", r.status);
  if (!r.answer.empty()) fmt::print("  synack: {}\n", r.answer);
  print_list(r.code, "code");
  print_list(r.tests, "tests");
  if (r.tests.empty()) fmt::print("  tests: none\n");
}

void rfc(const std::string& label, bool list) {
  const Matrix m = parse(kRfc9293MatrixText);
  if (m.rows.empty()) fail("the embedded matrix has no rows (rebuild synack)");
  if (list) {
    for (const auto& r : m.rows) {
      fmt::print("{:<8} {:<11} {:<24} {}\n", r.label, r.level, r.status, r.requirement);
    }
    return;
  }
  if (label.empty()) return print_summary(m);
  const std::string want = normalise(label);
  const auto it = std::ranges::find(m.rows, want, &Row::label);
  if (it == m.rows.end()) {
    fail(
        fmt::format("no requirement \"{}\" in RFC 9293 (labels MUST-1..69, SHLD-1..31, "
                    "MAY-1..18, REC-1)",
                    label));
  }
  print_row(*it);
}

}  // namespace

void add_rfc_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "rfc", "RFC 9293 requirements (Appendix B): coverage summary, or one requirement");
  auto label = std::make_shared<std::string>();
  auto list = std::make_shared<bool>(false);
  cmd->add_option("label", *label,
                  "a label: MUST-1..69, SHLD-1..31 (or SHOULD-n), MAY-1..18, REC-1");
  cmd->add_flag("--list", *list, "one line per requirement: label, level, status, short text");
  cmd->callback([label, list] { rfc(*label, *list); });
}

}  // namespace synack::cli
