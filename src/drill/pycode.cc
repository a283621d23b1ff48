// SPDX-License-Identifier: Apache-2.0
// A Python-subset evaluator for %{ }% blocks (see pycode.hpp): a tokenizer and
// a recursive-descent evaluator that computes as it parses.
#include "drill/pycode.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <utility>
#include <vector>

namespace synack::drill {
namespace {

struct Named {
  std::string_view name;
  std::int64_t value;
};

// Linux <linux/tcp.h> and <netinet/tcp.h> values.
constexpr std::array<Named, 23> kConstants{{
    {"TCPI_OPT_TIMESTAMPS", 1},
    {"TCPI_OPT_SACK", 2},
    {"TCPI_OPT_WSCALE", 4},
    {"TCPI_OPT_ECN", 8},
    {"TCPI_OPT_ECN_SEEN", 16},
    {"TCPI_OPT_SYN_DATA", 32},
    {"TCP_CA_Open", 0},
    {"TCP_CA_Disorder", 1},
    {"TCP_CA_CWR", 2},
    {"TCP_CA_Recovery", 3},
    {"TCP_CA_Loss", 4},
    {"TCP_ESTABLISHED", 1},
    {"TCP_SYN_SENT", 2},
    {"TCP_SYN_RECV", 3},
    {"TCP_FIN_WAIT1", 4},
    {"TCP_FIN_WAIT2", 5},
    {"TCP_TIME_WAIT", 6},
    {"TCP_CLOSE", 7},
    {"TCP_CLOSE_WAIT", 8},
    {"TCP_LAST_ACK", 9},
    {"TCP_LISTEN", 10},
    {"TCP_CLOSING", 11},
    {"True", 1},
}};

struct Failure {
  PyResult::Kind kind;
  std::string message;
};

bool ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// One statement's tokens: numbers, names, operators, strings (kept whole).
struct Token {
  enum class Kind : std::uint8_t { kNumber, kName, kOp, kString, kEnd } kind = Kind::kEnd;
  std::string text;
  std::int64_t number = 0;
};

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      std::size_t j = i;
      while (j < s.size() && ident_char(s[j])) ++j;
      std::string_view lit = s.substr(i, j - i);
      int base = 10;
      if (lit.starts_with("0x") || lit.starts_with("0X")) {
        base = 16;
        lit.remove_prefix(2);
      }
      Token t{Token::Kind::kNumber, std::string(s.substr(i, j - i))};
      const auto [end, ec] = std::from_chars(lit.data(), lit.data() + lit.size(), t.number, base);
      if (ec != std::errc{} || end != lit.data() + lit.size()) {
        throw Failure{PyResult::Kind::kUnsupported, fmt::format("python: bad number '{}'", t.text)};
      }
      out.push_back(std::move(t));
      i = j;
    } else if (ident_char(c)) {
      std::size_t j = i;
      while (j < s.size() && ident_char(s[j])) ++j;
      out.push_back({Token::Kind::kName, std::string(s.substr(i, j - i))});
      i = j;
    } else if (c == '\'' || c == '"') {
      const auto close = s.find(c, i + 1);
      if (close == std::string_view::npos) {
        throw Failure{PyResult::Kind::kUnsupported, "python: unterminated string"};
      }
      out.push_back({Token::Kind::kString, std::string(s.substr(i, close - i + 1))});
      i = close + 1;
    } else {
      static constexpr std::array<std::string_view, 12> kTwo{
          "==", "!=", "<=", ">=", "//", "+=", "-=", "**", "<<", ">>", "*=", "|="};
      std::string op(1, c);
      for (const auto two : kTwo) {
        if (s.substr(i, 2) == two) op = std::string(two);
      }
      out.push_back({Token::Kind::kOp, op});
      i += op.size();
    }
  }
  out.push_back({Token::Kind::kEnd, ""});
  return out;
}

class Evaluator {
 public:
  Evaluator(std::vector<Token> tokens, std::map<std::string, std::int64_t>* vars,
            const PyLookup* lookup)
      : t_(std::move(tokens)), vars_(vars), lookup_(lookup) {}

  void statement() {
    if (is_name("assert")) {
      ++pos_;
      const std::size_t start = pos_;
      const std::int64_t v = expr();
      const std::size_t end = pos_;
      if (is_op(",")) pos_ = t_.size() - 1;  // the message: not evaluated
      expect_end();
      if (run() && v == 0) {
        throw Failure{PyResult::Kind::kAssertFailed,
                      fmt::format("assertion failed: {}{}", text(start, end), values(start, end))};
      }
      return;
    }
    if (is_name("print")) {
      pos_ = t_.size() - 1;
      return;
    }
    if (t_[pos_].kind == Token::Kind::kName && t_[pos_ + 1].kind == Token::Kind::kOp &&
        (t_[pos_ + 1].text == "=" || t_[pos_ + 1].text == "+=" || t_[pos_ + 1].text == "-=")) {
      const std::string name = t_[pos_].text;
      const std::string op = t_[pos_ + 1].text;
      pos_ += 2;
      const std::int64_t v = expr();
      expect_end();
      if (!run()) return;
      if (op == "=") {
        (*vars_)[name] = v;
      } else {
        const std::int64_t old = value_of(name);
        (*vars_)[name] = op == "+=" ? old + v : old - v;
      }
      return;
    }
    unexpected();
  }

 private:
  [[nodiscard]] bool run() const { return vars_ != nullptr; }
  [[nodiscard]] bool is_op(std::string_view op) const {
    return t_[pos_].kind == Token::Kind::kOp && t_[pos_].text == op;
  }
  [[nodiscard]] bool is_name(std::string_view n) const {
    return t_[pos_].kind == Token::Kind::kName && t_[pos_].text == n;
  }
  bool accept_op(std::string_view op) {
    if (!is_op(op)) return false;
    ++pos_;
    return true;
  }
  [[noreturn]] void unexpected() const {
    const Token& t = t_[pos_];
    throw Failure{PyResult::Kind::kUnsupported,
                  t.kind == Token::Kind::kEnd ? std::string("python: unexpected end of statement")
                                              : fmt::format("python: unexpected '{}'", t.text)};
  }
  void expect_end() const {
    if (t_[pos_].kind != Token::Kind::kEnd) unexpected();
  }
  [[nodiscard]] std::string text(std::size_t from, std::size_t to) const {
    std::string s;
    for (std::size_t i = from; i < to; ++i) {
      if (!s.empty() && t_[i].text != ")" && s.back() != '(') s += ' ';
      s += t_[i].text;
    }
    return s;
  }
  // " (tcpi_x is 5, cwnd is 10)" for the names between from and to.
  [[nodiscard]] std::string values(std::size_t from, std::size_t to) {
    std::string s;
    std::vector<std::string> seen;
    for (std::size_t i = from; i < to; ++i) {
      const std::string& n = t_[i].text;
      if (t_[i].kind != Token::Kind::kName || n == "and" || n == "or" || n == "not") continue;
      if (python_constant(n) || std::ranges::find(seen, n) != seen.end()) continue;
      seen.push_back(n);
      s += fmt::format("{}{} is {}", s.empty() ? " (" : ", ", n, value_of(n));
    }
    return s.empty() ? s : s + ")";
  }
  std::int64_t value_of(const std::string& name) {
    if (!run()) return 0;
    if (const auto it = vars_->find(name); it != vars_->end()) return it->second;
    if (const auto c = python_constant(name)) return *c;
    if (*lookup_) {
      if (const auto v = (*lookup_)(name)) return *v;
    }
    throw Failure{PyResult::Kind::kUnsupported,
                  name.starts_with("tcpi_") ? fmt::format("tcp_info field {} not available", name)
                                            : fmt::format("python: unknown name {}", name)};
  }

  std::int64_t expr() {  // or
    std::int64_t v = conj();
    while (is_name("or")) {
      ++pos_;
      const std::int64_t r = conj();
      v = v != 0 ? v : r;
    }
    return v;
  }
  std::int64_t conj() {  // and
    std::int64_t v = negation();
    while (is_name("and")) {
      ++pos_;
      const std::int64_t r = negation();
      v = v == 0 ? v : r;
    }
    return v;
  }
  std::int64_t negation() {
    if (is_name("not")) {
      ++pos_;
      return negation() == 0 ? 1 : 0;
    }
    return comparison();
  }
  std::int64_t comparison() {  // chained, as Python: a < b < c is a < b and b < c
    std::int64_t left = bit_or();
    bool all = true;
    bool any = false;
    for (;;) {
      std::string op;
      for (const std::string_view o : {"==", "!=", "<=", ">=", "<", ">"}) {
        if (is_op(o)) op = std::string(o);
      }
      if (op.empty()) break;
      ++pos_;
      any = true;
      const std::int64_t right = bit_or();
      const bool ok = op == "=="   ? left == right
                      : op == "!=" ? left != right
                      : op == "<=" ? left <= right
                      : op == ">=" ? left >= right
                      : op == "<"  ? left < right
                                   : left > right;
      all = all && ok;
      left = right;
    }
    return any ? (all ? 1 : 0) : left;
  }
  std::int64_t bit_or() {
    std::int64_t v = bit_xor();
    while (accept_op("|")) v |= bit_xor();
    return v;
  }
  std::int64_t bit_xor() {
    std::int64_t v = bit_and();
    while (accept_op("^")) v ^= bit_and();
    return v;
  }
  std::int64_t bit_and() {
    std::int64_t v = sum();
    while (accept_op("&")) v &= sum();
    return v;
  }
  std::int64_t sum() {
    std::int64_t v = product();
    for (;;) {
      if (accept_op("+")) {
        v += product();
      } else if (accept_op("-")) {
        v -= product();
      } else {
        return v;
      }
    }
  }
  std::int64_t product() {
    std::int64_t v = unary();
    for (;;) {
      if (accept_op("*")) {
        v *= unary();
      } else if (accept_op("//") || accept_op("/") || accept_op("%")) {
        const bool mod = t_[pos_ - 1].text == "%";
        const std::int64_t d = unary();
        if (run() && d == 0) throw Failure{PyResult::Kind::kUnsupported, "python: division by 0"};
        if (run()) v = mod ? v % d : v / d;
      } else {
        return v;
      }
    }
  }
  std::int64_t unary() {
    if (accept_op("-")) return -unary();
    if (accept_op("+")) return unary();
    return atom();
  }
  std::int64_t atom() {
    const Token& t = t_[pos_];
    if (t.kind == Token::Kind::kNumber) {
      ++pos_;
      return t.number;
    }
    if (t.kind == Token::Kind::kName && t.text != "and" && t.text != "or" && t.text != "not") {
      ++pos_;
      if (is_op("(")) unexpected();  // no function calls
      return value_of(t.text);
    }
    if (accept_op("(")) {
      const std::int64_t v = expr();
      if (!accept_op(")")) unexpected();
      return v;
    }
    unexpected();
  }

  std::vector<Token> t_;
  std::size_t pos_ = 0;
  std::map<std::string, std::int64_t>* vars_;  // nullptr: syntax check only
  const PyLookup* lookup_;
};

// Statements: `\`-newline joined, '#' comments dropped (outside strings),
// split at newlines and ';' (outside strings).
std::vector<std::string> statements(std::string_view code) {
  std::vector<std::string> out;
  std::string cur;
  char quote = 0;
  bool comment = false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (comment) {
      if (c != '\n') continue;
      comment = false;
    }
    if (quote != 0) {
      cur += c;
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\\' && i + 1 < code.size() && code[i + 1] == '\n') {
      cur += ' ';
      ++i;
    } else if (c == '\'' || c == '"') {
      quote = c;
      cur += c;
    } else if (c == '#') {
      comment = true;
    } else if (c == '\n' || c == ';') {
      out.push_back(std::exchange(cur, {}));
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  std::erase_if(out, [](const std::string& s) {
    return s.find_first_not_of(" \t\r\\") == std::string::npos;
  });
  return out;
}

PyResult run_all(std::string_view code, std::map<std::string, std::int64_t>* vars,
                 const PyLookup* lookup) {
  try {
    for (const auto& s : statements(code)) Evaluator(tokenize(s), vars, lookup).statement();
  } catch (const Failure& f) {
    return {f.kind, f.message};
  }
  return {};
}

}  // namespace

std::optional<std::int64_t> python_constant(std::string_view name) {
  for (const auto& c : kConstants) {
    if (c.name == name) return c.value;
  }
  return std::nullopt;
}

PyResult run_python(std::string_view code, std::map<std::string, std::int64_t>& vars,
                    const PyLookup& lookup) {
  return run_all(code, &vars, &lookup);
}

std::optional<std::string> check_python(std::string_view code) {
  const PyResult r = run_all(code, nullptr, nullptr);
  if (r.kind == PyResult::Kind::kOk) return std::nullopt;
  return r.message;
}

}  // namespace synack::drill
