// SPDX-License-Identifier: Apache-2.0
// packetdrill script parser (see parser.hpp). Hand-written, line oriented:
// every event of the corpus fits on one logical line.
#include "drill/parser.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

#include "wire/tcp.hpp"

namespace synack::drill {

ParseError::ParseError(const std::string& path, int line, const std::string& detail)
    : std::runtime_error(fmt::format("{}:{}: syntax error: {}", path, line, detail)), line_(line) {}

std::optional<std::int64_t> parse_seconds(std::string_view text) {
  std::int64_t whole = 0;
  std::int64_t frac = 0;
  int frac_digits = 0;
  bool any_digit = false;
  std::size_t i = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
    if (whole > 1'000'000'000) return std::nullopt;
    whole = whole * 10 + (text[i] - '0');
    any_digit = true;
  }
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
      any_digit = true;
      if (frac_digits < 6) {
        frac = frac * 10 + (text[i] - '0');
        ++frac_digits;
      }
    }
  }
  if (!any_digit || i != text.size()) return std::nullopt;
  for (; frac_digits < 6; ++frac_digits) frac *= 10;
  return whole * 1'000'000 + frac;
}

namespace {

bool is_ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// ---------------------------------------------------------------------------
// Pass 1: blank comments, keeping newlines (so line numbers stay right).

std::string strip_comments(std::string_view in) {
  std::string out(in);
  enum class Mode { kNormal, kBacktick, kString, kCode, kBlock } mode = Mode::kNormal;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const char c = out[i];
    const char next = i + 1 < out.size() ? out[i + 1] : '\0';
    switch (mode) {
      case Mode::kNormal:
        if (c == '/' && next == '/') {
          while (i < out.size() && out[i] != '\n') out[i++] = ' ';
          --i;
        } else if (c == '/' && next == '*') {
          out[i] = out[i + 1] = ' ';
          ++i;
          mode = Mode::kBlock;
        } else if (c == '`') {
          mode = Mode::kBacktick;
        } else if (c == '"') {
          mode = Mode::kString;
        } else if (c == '%' && next == '{') {
          mode = Mode::kCode;
          ++i;
        }
        break;
      case Mode::kBlock:
        if (c == '*' && next == '/') {
          out[i] = out[i + 1] = ' ';
          ++i;
          mode = Mode::kNormal;
        } else if (c != '\n') {
          out[i] = ' ';
        }
        break;
      case Mode::kBacktick:  // a shell command may span lines (Linux scripts)
        if (c == '`') mode = Mode::kNormal;
        break;
      case Mode::kString:
        if (c == '\\' && next != '\0') {
          ++i;
        } else if (c == '"' || c == '\n') {
          mode = Mode::kNormal;
        }
        break;
      case Mode::kCode:
        if (c == '}' && next == '%') {
          mode = Mode::kNormal;
          ++i;
        }
        break;
    }
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

struct Line {
  int number;
  std::string text;
};

// Opened minus closed ( [ { outside strings: > 0 when a call continues on the
// next line.
int bracket_balance(std::string_view line) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in_string) {
      if (c == '\\') ++i;
      if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      --depth;
    }
  }
  return depth;
}

// ---------------------------------------------------------------------------
// Pass 2: #ifdef / #ifndef / #else / #endif, then join %{ }% blocks.

std::vector<Line> preprocess(const std::string& text, const std::string& path,
                             const ParseOptions& options) {
  struct Cond {
    bool parent_active;
    bool taken;
    bool in_else;
    int line;
  };
  std::vector<Cond> conds;
  std::vector<Line> lines;
  bool in_code = false;
  bool in_shell = false;  // inside a backtick command spanning lines
  int open_brackets = 0;  // ( [ { left open by the event so far
  bool active = true;
  std::istringstream stream(text);
  std::string raw;
  int number = 0;
  while (std::getline(stream, raw)) {
    ++number;
    const std::string_view t = trim(raw);
    const bool odd_backticks = std::ranges::count(raw, '`') % 2 == 1;
    if (in_shell) {  // shell lines (their '#' comments too) belong to the command
      if (active) lines.back().text += "\n" + raw;
      if (odd_backticks) in_shell = false;
      continue;
    }
    if (!in_code && !t.empty() && t.front() == '#') {
      std::istringstream words{std::string(t)};
      std::string directive, name;
      words >> directive >> name;
      if (directive == "#ifdef" || directive == "#ifndef") {
        if (name.empty())
          throw ParseError(path, number, fmt::format("{} without a name", directive));
        bool defined = std::ranges::find(options.defines, name) != options.defines.end();
        if (directive == "#ifndef") defined = !defined;
        conds.push_back({active, defined, false, number});
        active = active && defined;
      } else if (directive == "#else") {
        if (conds.empty() || conds.back().in_else)
          throw ParseError(path, number, "unexpected '#else'");
        conds.back().in_else = true;
        active = conds.back().parent_active && !conds.back().taken;
      } else if (directive == "#endif") {
        if (conds.empty()) throw ParseError(path, number, "unexpected '#endif'");
        active = conds.back().parent_active;
        conds.pop_back();
      } else {
        throw ParseError(path, number, fmt::format("unexpected '{}'", directive));
      }
      continue;
    }
    const bool opens = raw.find("%{") != std::string::npos;
    const bool closes =
        raw.rfind("}%") != std::string::npos && (!opens || raw.rfind("}%") > raw.find("%{"));
    if (!in_code && odd_backticks) in_shell = true;
    if (!active) {
      if (opens && !closes) in_code = true;
      if (in_code && closes && !opens) in_code = false;
      continue;
    }
    if (in_code) {
      lines.back().text += "\n" + raw;
      if (raw.find("}%") != std::string::npos) in_code = false;
      continue;
    }
    if (opens && !closes) in_code = true;
    if (!opens && open_brackets > 0) {  // a call's arguments spanning lines (Linux msghdr)
      lines.back().text += "\n" + raw;
      open_brackets += bracket_balance(raw);
      continue;
    }
    if (!t.empty()) lines.push_back({number, raw});
    if (!opens && !in_shell) open_brackets = std::max(0, bracket_balance(raw));
  }
  if (!conds.empty()) throw ParseError(path, conds.back().line, "'#ifdef' without '#endif'");
  if (in_code) throw ParseError(path, number, "'%{' without '}%'");
  if (in_shell) throw ParseError(path, number, "'`' without a closing '`'");
  return lines;
}

// ---------------------------------------------------------------------------
// Pass 3: one logical line at a time.

class LineParser {
 public:
  LineParser(const Line& line, const std::string& path) : s_(line.text), line_(line), path_(path) {}

  [[noreturn]] void fail(const std::string& detail) const {
    throw ParseError(path_, line_.number, detail);
  }
  [[noreturn]] void unexpected() const { fail(fmt::format("unexpected {}", describe_next())); }

  // The next token for messages: a word, or one punctuation character.
  [[nodiscard]] std::string describe_next() const {
    std::size_t i = pos_;
    while (i < s_.size() && std::isspace(static_cast<unsigned char>(s_[i]))) ++i;
    if (i >= s_.size()) return "end of line";
    std::size_t j = i;
    if (is_ident_char(s_[i])) {
      while (j < s_.size() && (is_ident_char(s_[j]) || s_[j] == '.')) ++j;
    } else {
      j = i + 1;
    }
    return fmt::format("'{}'", s_.substr(i, j - i));
  }

  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  [[nodiscard]] bool at_end() {
    skip_space();
    return pos_ >= s_.size();
  }
  [[nodiscard]] char peek() {
    skip_space();
    return pos_ < s_.size() ? s_[pos_] : '\0';
  }
  [[nodiscard]] bool looking_at(std::string_view text) {
    skip_space();
    return s_.compare(pos_, text.size(), text) == 0;
  }
  bool accept(std::string_view text) {
    if (!looking_at(text)) return false;
    pos_ += text.size();
    return true;
  }
  void expect(std::string_view text) {
    if (!accept(text)) fail(fmt::format("expected '{}' but found {}", text, describe_next()));
  }
  void expect_end() {
    if (!at_end()) unexpected();
  }
  // A word of identifier characters (may be empty).
  std::string word() {
    skip_space();
    const std::size_t start = pos_;
    while (pos_ < s_.size() && is_ident_char(s_[pos_])) ++pos_;
    return std::string(s_.substr(start, pos_ - start));
  }
  // A keyword: the word if it is exactly `kw` (then consumed).
  bool accept_word(std::string_view kw) {
    skip_space();
    const std::size_t save = pos_;
    if (word() == kw) return true;
    pos_ = save;
    return false;
  }
  // An unsigned 32-bit decimal or 0x hex number.
  std::uint32_t u32() {
    const auto v = integer();
    if (v < 0 || v > 0xffffffffLL) fail(fmt::format("number {} out of range", v));
    return static_cast<std::uint32_t>(v);
  }
  std::int64_t integer() {
    skip_space();
    const std::size_t start = pos_;
    bool negative = false;
    if (pos_ < s_.size() && s_[pos_] == '-') {
      negative = true;
      ++pos_;
    }
    int base = 10;
    if (s_.compare(pos_, 2, "0x") == 0 || s_.compare(pos_, 2, "0X") == 0) {
      base = 16;
      pos_ += 2;
    }
    std::int64_t value = 0;
    std::size_t digits = 0;
    while (pos_ < s_.size() && std::isxdigit(static_cast<unsigned char>(s_[pos_]))) {
      const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s_[pos_])));
      const int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'a' + 10;
      if (d >= base) break;
      if (value > (std::int64_t{1} << 40)) fail("number too large");
      value = value * base + d;
      ++pos_;
      ++digits;
    }
    if (digits == 0 || (pos_ < s_.size() && is_ident_char(s_[pos_]))) {
      pos_ = start;
      unexpected();
    }
    return negative ? -value : value;
  }
  // A time in seconds ("0.1", ".5", "3") → µs.
  std::int64_t seconds() {
    skip_space();
    const std::size_t start = pos_;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '.' && pos_ + 1 < s_.size() &&
        std::isdigit(static_cast<unsigned char>(s_[pos_ + 1]))) {
      ++pos_;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    }
    const auto v = parse_seconds(s_.substr(start, pos_ - start));
    if (!v) {
      pos_ = start;
      unexpected();
    }
    return *v;
  }
  std::string rest() {
    skip_space();
    std::string r(trim(s_.substr(pos_)));
    pos_ = s_.size();
    return r;
  }
  // Text up to the closing `close`, consumed with it.
  std::string until(std::string_view close) {
    const std::size_t end = s_.find(close, pos_);
    if (end == std::string_view::npos) fail(fmt::format("missing '{}'", close));
    std::string r(s_.substr(pos_, end - pos_));
    pos_ = end + close.size();
    return r;
  }
  std::size_t pos() const { return pos_; }
  void set_pos(std::size_t p) { pos_ = p; }
  std::string_view text() const { return s_; }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
  const Line& line_;
  const std::string& path_;
};

EventTime parse_time(LineParser& p) {
  EventTime t;
  if (p.accept("*")) {
    t.kind = TimeKind::kAny;
    return t;
  }
  t.kind = p.accept("+") ? TimeKind::kRelative : TimeKind::kAbsolute;
  t.usecs = p.seconds();
  if (p.accept("~")) {
    p.accept("+");
    t.range_end_usecs = p.seconds();
    if (*t.range_end_usecs < t.usecs) p.fail("time range ends before it starts");
  }
  if (p.accept("...")) {
    p.accept("+");
    t.end_usecs = p.seconds();
    if (*t.end_usecs < t.usecs) p.fail("blocking call ends before it starts");
  }
  return t;
}

// --- system calls ----------------------------------------------------------

Expr parse_expr(LineParser& p);

Expr parse_primary(LineParser& p) {
  Expr e;
  if (p.accept("...")) {
    e.kind = Expr::Kind::kEllipsis;
    return e;
  }
  const char c = p.peek();
  if (std::isdigit(static_cast<unsigned char>(c)) || c == '-') {
    e.kind = Expr::Kind::kInteger;
    e.integer = p.integer();
    return e;
  }
  if (c == '"') {
    p.expect("\"");
    e.kind = Expr::Kind::kString;
    e.text = p.until("\"");
    return e;
  }
  if (p.accept("[")) {
    e.kind = Expr::Kind::kList;
    if (p.accept("]")) return e;
    do {
      e.items.push_back(parse_expr(p));
    } while (p.accept(","));
    p.expect("]");
    return e;
  }
  if (p.accept("{")) {
    e.kind = Expr::Kind::kStruct;
    if (p.accept("}")) return e;
    do {
      const std::size_t save = p.pos();
      p.accept(".");
      std::string name = p.word();
      if (!name.empty() && p.looking_at("(")) {  // msg_iov(1)=..., msg_name(...)=...
        const std::size_t paren = p.pos();
        p.expect("(");
        name += "(" + p.until(")") + ")";
        if (!p.looking_at("=")) {
          p.set_pos(paren);
          name.clear();
        }
      }
      if (name.empty() || !p.accept("=")) {
        p.set_pos(save);
        name.clear();
      }
      e.fields.push_back(name);
      e.items.push_back(parse_expr(p));
    } while (p.accept(","));
    p.expect("}");
    return e;
  }
  if (is_ident_char(c)) {
    e.text = p.word();
    e.kind = Expr::Kind::kSymbol;
    if (p.accept("(")) {
      e.kind = Expr::Kind::kCall;
      if (!p.accept(")")) {
        do {
          e.items.push_back(parse_expr(p));
        } while (p.accept(","));
        p.expect(")");
      }
    }
    return e;
  }
  p.unexpected();
}

Expr parse_expr(LineParser& p) {
  Expr first = parse_primary(p);
  if (!p.looking_at("|") || p.looking_at("||")) return first;
  Expr e;
  e.kind = Expr::Kind::kOr;
  e.items.push_back(std::move(first));
  while (p.accept("|")) e.items.push_back(parse_primary(p));
  return e;
}

SyscallEvent parse_syscall(LineParser& p) {
  SyscallEvent call;
  call.name = p.word();
  p.expect("(");
  if (!p.accept(")")) {
    do {
      call.args.push_back(parse_expr(p));
    } while (p.accept(","));
    p.expect(")");
  }
  p.expect("=");
  call.ret = parse_expr(p);
  if (is_ident_char(p.peek()) && !std::isdigit(static_cast<unsigned char>(p.peek()))) {
    call.errno_name = p.word();
  }
  if (p.accept("(")) {
    std::string note;
    int depth = 1;
    const auto text = p.text();
    std::size_t i = p.pos();
    for (; i < text.size() && depth > 0; ++i) {
      if (text[i] == '(') ++depth;
      if (text[i] == ')' && --depth == 0) break;
      note += text[i];
    }
    if (depth != 0) p.fail("missing ')' after the call's comment");
    p.set_pos(i + 1);
    call.note = std::string(trim(note));
  }
  p.expect_end();
  return call;
}

// --- packets ---------------------------------------------------------------

std::uint16_t flag_bit(char c) {
  switch (c) {
    case 'F':
      return TcpFlags::kFin;
    case 'S':
      return TcpFlags::kSyn;
    case 'R':
      return TcpFlags::kRst;
    case 'P':
      return TcpFlags::kPsh;
    case '.':
      return TcpFlags::kAck;
    case 'U':
      return TcpFlags::kUrg;
    case 'E':
      return TcpFlags::kEce;
    case 'W':
      return TcpFlags::kCwr;
    case 'A':
      return TcpFlags::kAe;
    default:
      return 0;
  }
}

OptionSpec parse_option(LineParser& p) {
  OptionSpec o;
  const std::size_t save = p.pos();
  const std::string name = p.word();
  if (name == "nop") {
    o.kind = OptionSpec::Kind::kNop;
  } else if (name == "eol") {
    o.kind = OptionSpec::Kind::kEol;
  } else if (name == "mss") {
    o.kind = OptionSpec::Kind::kMss;
    o.value = p.u32();
    if (o.value > 0xffff) p.fail("mss out of range");
  } else if (name == "wscale") {
    o.kind = OptionSpec::Kind::kWindowScale;
    o.value = p.u32();
    if (o.value > 0xff) p.fail("wscale out of range");
  } else if (name == "sackOK") {
    o.kind = OptionSpec::Kind::kSackPermitted;
  } else if (name == "sack") {
    o.kind = OptionSpec::Kind::kSack;
    while (std::isdigit(static_cast<unsigned char>(p.peek()))) {
      const auto left = p.u32();
      p.expect(":");
      o.sack.emplace_back(left, p.u32());
    }
    if (o.sack.empty() || o.sack.size() > 4) p.fail("sack needs 1 to 4 blocks");
  } else if (name == "TS") {
    o.kind = OptionSpec::Kind::kTimestamps;
    if (!p.accept_word("val"))
      p.fail(fmt::format("expected 'val' but found {}", p.describe_next()));
    o.ts_val = p.accept("*") ? 0 : p.u32();
    if (!p.accept_word("ecr"))
      p.fail(fmt::format("expected 'ecr' but found {}", p.describe_next()));
    o.ts_ecr = p.accept("*") ? 0 : p.u32();
  } else if (name == "FO" || name == "FOEXP" || name == "md5") {
    o.kind = name == "FO"      ? OptionSpec::Kind::kFastOpen
             : name == "FOEXP" ? OptionSpec::Kind::kFastOpenExp
                               : OptionSpec::Kind::kMd5;
    if (p.peek() != ',' && p.peek() != '>') o.text = p.word();
  } else {
    p.set_pos(save);
    p.fail(fmt::format("unknown TCP option {}", p.describe_next()));
  }
  return o;
}

void parse_options(LineParser& p, PacketEvent& pkt) {
  if (p.accept("...")) {
    p.expect(">");
    pkt.options_any = true;
    return;
  }
  if (p.accept(">")) return;
  do {
    pkt.options.push_back(parse_option(p));
  } while (p.accept(","));
  p.expect(">");
}

std::uint32_t seq_number(LineParser& p, bool& absolute) {
  const auto v = p.u32();
  if (p.text().substr(p.pos(), 1) == "!") {
    p.set_pos(p.pos() + 1);
    absolute = true;
  }
  return v;
}

void parse_seq(LineParser& p, PacketEvent& pkt) {
  if (p.accept("...")) {
    pkt.seq_any = true;
    p.expect("(");
    pkt.len = p.u32();
    p.expect(")");
    return;
  }
  bool start_abs = false, end_abs = false;
  pkt.seq = seq_number(p, start_abs);
  p.expect(":");
  const std::uint32_t end = seq_number(p, end_abs);
  p.expect("(");
  pkt.len = p.u32();
  p.expect(")");
  pkt.seq_absolute = start_abs;
  if (end - pkt.seq != pkt.len) {
    p.fail(fmt::format("inconsistent segment: {}:{} is not {} bytes", pkt.seq, end, pkt.len));
  }
}

std::optional<Ecn> parse_ecn(LineParser& p) {
  if (!p.accept("[")) return std::nullopt;
  const std::size_t save = p.pos();
  const std::string name = p.word();
  Ecn e;
  if (name == "noecn") {
    e = Ecn::kNotEct;
  } else if (name == "ect0") {
    e = Ecn::kEct0;
  } else if (name == "ect1") {
    e = Ecn::kEct1;
  } else if (name == "ce") {
    e = Ecn::kCe;
  } else {
    p.set_pos(save);
    p.fail(fmt::format("unknown ECN codepoint {}", p.describe_next()));
  }
  p.expect("]");
  return e;
}

EventBody parse_packet(LineParser& p, Direction dir) {
  auto ecn = parse_ecn(p);
  {
    const std::size_t save = p.pos();
    if (p.word() == "icmp") {
      IcmpEvent icmp;
      icmp.direction = dir;
      icmp.type = p.word();
      if (icmp.type.empty()) p.unexpected();
      const std::size_t before_code = p.pos();
      icmp.code = p.word();
      if (icmp.code == "mtu") {  // "frag_needed mtu N": no code word
        icmp.code.clear();
        p.set_pos(before_code);
      }
      icmp.rest = p.rest();
      return icmp;
    }
    p.set_pos(save);
  }
  PacketEvent pkt;
  pkt.direction = dir;
  pkt.ecn = ecn;
  p.skip_space();
  const std::size_t start = p.pos();
  const auto text = p.text();
  std::size_t end = start;
  while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
  pkt.flags_text = std::string(text.substr(start, end - start));
  if (pkt.flags_text.empty()) p.unexpected();
  if (pkt.flags_text != "-") {
    for (const char c : pkt.flags_text) {
      const auto bit = flag_bit(c);
      if (bit == 0) p.fail(fmt::format("unknown TCP flag '{}' in '{}'", c, pkt.flags_text));
      pkt.flags |= bit;
    }
  }
  p.set_pos(end);
  parse_seq(p, pkt);
  for (;;) {
    if (p.at_end()) break;
    if (p.accept("<")) {
      parse_options(p, pkt);
      p.expect_end();
      break;
    }
    const std::size_t save = p.pos();
    const std::string kw = p.word();
    if (kw == "ack" && !pkt.ack) {
      bool abs = false;
      pkt.ack = seq_number(p, abs);
      pkt.ack_absolute = abs;
    } else if (kw == "win" && !pkt.window) {
      const auto w = p.u32();
      if (w > 0xffff) p.fail("window out of range");
      pkt.window = static_cast<std::uint16_t>(w);
    } else if (kw == "urg" && !pkt.urgent) {
      const auto u = p.u32();
      if (u > 0xffff) p.fail("urgent pointer out of range");
      pkt.urgent = static_cast<std::uint16_t>(u);
    } else {
      p.set_pos(save);
      p.unexpected();
    }
  }
  return pkt;
}

// --- backticks and %{ }% ---------------------------------------------------

CodeEvent parse_code(LineParser& p) {
  CodeEvent code;
  code.text = p.until("}%");
  p.expect_end();
  std::string stmt;
  std::istringstream in(code.text);
  while (std::getline(in, stmt, '\n')) {
    std::istringstream parts(stmt);
    std::string piece;
    while (std::getline(parts, piece, ';')) {
      const std::string_view s = trim(piece);
      if (s.empty() || s.front() == '#') continue;
      if (!s.starts_with("assert ")) {
        code.only_asserts = false;
        continue;
      }
      std::string_view rest = trim(s.substr(7));
      std::size_t n = 0;
      while (n < rest.size() && is_ident_char(rest[n])) ++n;
      Assertion a;
      a.name = std::string(rest.substr(0, n));
      rest = trim(rest.substr(n));
      for (const std::string_view op : {"==", "!=", "<=", ">=", "<", ">"}) {
        if (rest.starts_with(op)) {
          a.op = std::string(op);
          a.value = std::string(trim(rest.substr(op.size())));
          break;
        }
      }
      if (a.name.empty() || a.op.empty() || a.value.empty()) {
        code.only_asserts = false;
        continue;
      }
      code.asserts.push_back(std::move(a));
    }
  }
  return code;
}

void parse_header_option(LineParser& p, Script& script) {
  p.expect("--");
  const std::string name = p.word();
  if (name.empty()) p.unexpected();
  std::string value;
  if (p.accept("=")) value = p.rest();
  p.expect_end();
  script.options[name] = value;
  if (name == "ip_version") {
    if (value == "ipv4") {
      script.ip_version = IpVersion::kIpv4;
    } else if (value == "ipv6") {
      script.ip_version = IpVersion::kIpv6;
    } else if (value == "ipv4-mapped-ipv6") {
      script.ip_version = IpVersion::kIpv4MappedIpv6;
    } else {
      p.fail(fmt::format("unknown ip_version '{}'", value));
    }
  } else if (name == "tolerance_usecs" || name == "mtu") {
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc{} || end != value.data() + value.size() || n < 0 || n > 100'000'000)
      p.fail(fmt::format("bad value '{}' for --{}", value, name));
    if (name == "mtu") {
      if (n < 68 || n > 65535) p.fail(fmt::format("mtu {} out of range", n));
      script.mtu = static_cast<std::uint32_t>(n);
    } else {
      script.tolerance_usecs = n;
    }
  }
}

Event parse_event(LineParser& p) {
  Event ev;
  if (p.peek() == '`') {
    ev.time.untimed = true;  // Linux scripts: a command before the first event, "+0"
  } else {
    ev.time = parse_time(p);
  }
  const char c = p.peek();
  if (c == '<' || c == '>') {
    p.expect(std::string_view(&c, 1));
    ev.body = parse_packet(p, c == '<' ? Direction::kInbound : Direction::kOutbound);
  } else if (c == '`') {
    p.expect("`");
    CommandEvent cmd;
    cmd.text = std::string(trim(p.until("`")));
    p.expect_end();
    ev.body = std::move(cmd);
  } else if (p.looking_at("%{")) {
    p.expect("%{");
    ev.body = parse_code(p);
  } else if (is_ident_char(c) && !std::isdigit(static_cast<unsigned char>(c))) {
    ev.body = parse_syscall(p);
  } else {
    p.unexpected();
  }
  if (ev.time.kind == TimeKind::kAny) {
    const auto* pkt = std::get_if<PacketEvent>(&ev.body);
    if (pkt == nullptr || pkt->direction != Direction::kOutbound)
      p.fail("'*' time is only allowed for outbound packets");
  }
  if (ev.time.end_usecs && !std::holds_alternative<SyscallEvent>(ev.body)) {
    p.fail("'...' end time is only allowed for system calls");
  }
  return ev;
}

}  // namespace

Script parse_script(std::string_view text, const std::string& path, const ParseOptions& options) {
  Script script;
  script.path = path;
  for (const Line& line : preprocess(strip_comments(text), path, options)) {
    LineParser p(line, path);
    if (p.looking_at("--")) {
      parse_header_option(p, script);
      continue;
    }
    Event ev = parse_event(p);
    ev.line = line.number;
    script.events.push_back(std::move(ev));
  }
  return script;
}

std::expected<Script, std::string> parse_file(const std::filesystem::path& path,
                                              const ParseOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(fmt::format("{}: cannot read file", path.string()));
  std::ostringstream buf;
  buf << in.rdbuf();
  try {
    return parse_script(buf.str(), path.string(), options);
  } catch (const ParseError& e) {
    return std::unexpected(std::string(e.what()));
  }
}

}  // namespace synack::drill
