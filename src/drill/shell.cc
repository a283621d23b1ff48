// SPDX-License-Identifier: Apache-2.0
// Backtick commands without a shell (see shell.hpp).
#include "drill/shell.hpp"

#include <fmt/core.h>

#include <array>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>
#include <utility>

namespace synack::drill {
namespace {

// One Linux sysctl (net.ipv4.KEY) and the knob behind it. Triples
// (tcp_rmem, tcp_wmem) are expanded by linux_sysctl().
struct LinuxKey {
  std::string_view key;
  Knob knob;
};
constexpr std::array<LinuxKey, 26> kLinuxKeys{{
    {"net.ipv4.tcp_timestamps", Knob::kTimestamps},
    {"net.ipv4.tcp_window_scaling", Knob::kWindowScaling},
    {"net.ipv4.tcp_sack", Knob::kSack},
    {"net.ipv4.tcp_dsack", Knob::kDsack},
    {"net.ipv4.tcp_fack", Knob::kFack},
    {"net.ipv4.tcp_syn_retries", Knob::kSynRetries},
    {"net.ipv4.tcp_synack_retries", Knob::kSynackRetries},
    {"net.ipv4.tcp_frto", Knob::kFrto},
    {"net.ipv4.tcp_reordering", Knob::kReordering},
    {"net.ipv4.tcp_congestion_control", Knob::kCongestionControl},
    {"net.ipv4.tcp_slow_start_after_idle", Knob::kSlowStartAfterIdle},
    {"net.ipv4.tcp_early_retrans", Knob::kEarlyRetrans},
    {"net.ipv4.tcp_recovery", Knob::kRecovery},
    {"net.ipv4.tcp_tso_win_divisor", Knob::kTsoWinDivisor},
    {"net.ipv4.tcp_min_tso_segs", Knob::kMinTsoSegs},
    {"net.ipv4.tcp_ecn", Knob::kLinuxEcn},
    {"net.ipv4.tcp_ecn_option", Knob::kEcnOption},
    {"net.ipv4.tcp_pacing_ss_ratio", Knob::kPacingSsRatio},
    {"net.ipv4.tcp_pacing_ca_ratio", Knob::kPacingCaRatio},
    {"net.ipv4.tcp_notsent_lowat", Knob::kNotsentLowat},
    {"net.ipv4.tcp_fastopen", Knob::kFastOpen},
    {"net.ipv4.tcp_fastopen_key", Knob::kFastOpenKey},
    {"net.ipv4.tcp_fastopen_blackhole_timeout_sec", Knob::kFastOpenBlackhole},
    {"net.ipv4.tcp_syncookies", Knob::kLinuxSynCookies},
    {"net.ipv4.tcp_mtu_probing", Knob::kMtuProbing},
    {"net.ipv4.tcp_base_mss", Knob::kBaseMss},
}};

std::optional<std::int64_t> to_number(std::string_view s) {
  int base = 10;
  if (s.starts_with("0x") || s.starts_with("0X")) {
    base = 16;
    s.remove_prefix(2);
  }
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// $((A*B+C)): the arithmetic expansions defaults.sh uses (+ and * of integers).
std::optional<std::int64_t> arithmetic(std::string_view e) {
  std::int64_t sum = 0;
  std::size_t start = 0;
  while (start <= e.size()) {
    const auto plus = e.find('+', start);
    const auto term = e.substr(start, plus == std::string_view::npos ? e.npos : plus - start);
    std::int64_t product = 1;
    std::size_t f = 0;
    while (f <= term.size()) {
      const auto star = term.find('*', f);
      const auto factor = to_number(trim(term.substr(f, star == term.npos ? term.npos : star - f)));
      if (!factor) return std::nullopt;
      product *= *factor;
      if (star == term.npos) break;
      f = star + 1;
    }
    sum += product;
    if (plus == std::string_view::npos) break;
    start = plus + 1;
  }
  return sum;
}

// Shell words: quotes removed, $((...)) expanded. nullopt on other expansions.
std::optional<std::vector<std::string>> words_of(std::string_view cmd) {
  std::vector<std::string> words;
  std::string w;
  bool in_word = false;
  char quote = 0;
  for (std::size_t i = 0; i < cmd.size(); ++i) {
    const char c = cmd[i];
    if (quote == 0 && std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(std::exchange(w, {}));
      in_word = false;
      continue;
    }
    in_word = true;
    if (quote == 0 && (c == '"' || c == '\'')) {
      quote = c;
    } else if (quote == c) {
      quote = 0;
    } else if (c == '$' && quote != '\'') {
      if (cmd.substr(i, 3) != "$((")
        return std::nullopt;  // $PPID and friends: not ours to expand (sysctl_restore handled)
      const auto close = cmd.find("))", i);
      if (close == std::string_view::npos) return std::nullopt;
      const auto v = arithmetic(cmd.substr(i + 3, close - i - 3));
      if (!v) return std::nullopt;
      w += std::to_string(*v);
      i = close + 1;
    } else {
      w += c;
    }
  }
  if (in_word) words.push_back(w);
  return words;
}

// Drops output redirections (`> /dev/null`, `2>&1`, `&> /dev/null`).
std::vector<std::string> without_redirections(std::vector<std::string> w) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const std::string& x = w[i];
    if (x == ">" || x == "&>" || x == "2>" || x == ">>") {
      ++i;  // and its target
    } else if (!x.starts_with(">/") && !x.starts_with("2>") && !x.starts_with("&>/")) {
      out.push_back(x);
    }
  }
  return out;
}

// Simple commands: `\`-newline joined, `#` comments dropped, split at
// newlines and ';'.
std::vector<std::string> simple_commands(std::string_view text) {
  std::string joined;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && (i + 1 == text.size() || text[i + 1] == '\n')) {
      joined += ' ';  // a line continuation (or a stray one before the closing backtick)
      ++i;
    } else {
      joined += text[i];
    }
  }
  std::vector<std::string> out;
  std::istringstream lines(joined);
  for (std::string line; std::getline(lines, line);) {
    // a '#' at the start of a word begins a comment
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '#' && (i == 0 || std::isspace(static_cast<unsigned char>(line[i - 1])))) {
        line.resize(i);
        break;
      }
    }
    std::istringstream parts(line);
    for (std::string part; std::getline(parts, part, ';');) {
      if (const auto t = trim(part); !t.empty()) out.emplace_back(t);
    }
  }
  return out;
}

using Steps = std::vector<ShellStep>;
using Result = std::expected<Steps, std::string>;

Result unsupported(std::string_view cmd) {
  return std::unexpected(fmt::format("unsupported command: {}", cmd));
}

// One K=V of sysctl or set_sysctls.py (K with '.' or '/', /proc/sys/ stripped).
Result setting(std::string_view kv) {
  const auto eq = kv.find('=');
  if (eq == std::string_view::npos) return unsupported(kv);
  std::string key(kv.substr(0, eq));
  if (key.starts_with("/proc/sys/")) key.erase(0, 10);
  for (char& c : key) c = c == '/' ? '.' : c;
  const std::string_view value = kv.substr(eq + 1);
  if (knob_for_sysctl(key)) {  // FreeBSD
    const auto v = to_number(value);
    if (!v) return std::unexpected(fmt::format("non-numeric sysctl value in {}", kv));
    return Steps{SysctlCommand{key, *v}};
  }
  auto knobs = linux_sysctl(key, value);
  if (!knobs) return std::unexpected(knobs.error());
  Steps out;
  for (auto& k : *knobs) out.emplace_back(std::move(k));
  return out;
}

Result parse_simple(std::string_view cmd, const std::filesystem::path& dir, int depth);

Result settings(const std::vector<std::string>& w, std::size_t first) {
  Steps out;
  for (std::size_t i = first; i < w.size(); ++i) {
    if (w[i].starts_with("-")) {
      if (w[i] != "-q" && w[i] != "-e" && w[i] != "-w") return unsupported(w[i]);
      continue;
    }
    auto s = setting(w[i]);
    if (!s) return s;
    out.insert(out.end(), s->begin(), s->end());
  }
  if (out.empty()) return unsupported(w[0]);
  return out;
}

// The suite's defaults.sh, read and interpreted; its settings are lenient.
Result defaults_file(const std::filesystem::path& path, int depth) {
  std::ifstream in(path);
  if (!in) return std::unexpected(fmt::format("cannot read {}", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  Steps out;
  for (const auto& cmd : simple_commands(text.str())) {
    if (cmd.starts_with("#!")) continue;
    auto steps = parse_simple(cmd, path.parent_path(), depth + 1);
    if (!steps) {
      out.emplace_back(NoteCommand{fmt::format("defaults.sh: not modelled: {}", cmd)});
      continue;
    }
    for (auto& s : *steps) {
      if (auto* k = std::get_if<KnobCommand>(&s)) k->lenient = true;
      out.push_back(std::move(s));
    }
  }
  return out;
}

// The defaults.sh a script names: the path as written, else (a corpus laid out
// flatter than upstream's tree) common/defaults.sh in the script's directory
// or the nearest parent that has one.
std::filesystem::path find_defaults(const std::filesystem::path& dir, const std::string& name) {
  std::error_code ec;
  const auto written = dir / name;
  if (std::filesystem::exists(written, ec)) return written;
  for (auto d = dir; !d.empty(); d = d.parent_path()) {
    const auto candidate = d / "common" / "defaults.sh";
    if (std::filesystem::exists(candidate, ec)) return candidate;
    if (d == d.parent_path()) break;
  }
  return written;
}

Result parse_words(const std::vector<std::string>& w, std::string_view cmd,
                   const std::filesystem::path& dir, int depth) {
  const std::string& name = w[0];
  if (name.ends_with("/defaults.sh") && w.size() == 1 && depth < 2) {
    return defaults_file(find_defaults(dir, name), depth);
  }
  if (name.starts_with("/tmp/sysctl_restore_")) {
    return Steps{NoteCommand{"sysctl restore: every script starts on a fresh stack"}};
  }
  if (name == "sysctl") return settings(w, 1);
  if (name.ends_with("set_sysctls.py")) return settings(w, 1);
  if (name == "ip" && w.size() >= 3 && w[1] == "tcp_metrics" && w[2] == "flush") {
    return Steps{NoteCommand{"ip tcp_metrics flush: a fresh stack has no cached metrics"}};
  }
  if (name == "nstat" && w.size() == 1) {
    return Steps{NoteCommand{"nstat: the runner keeps no SNMP counters"}};
  }
  if (name == "tc" && w.size() >= 6 && w[1] == "qdisc" && w.back() == "pfifo") {
    return Steps{NoteCommand{"tc qdisc pfifo: packets leave as the stack sends them"}};
  }
  if (name == "ethtool" && w.size() >= 4 && w[1] == "-K") {
    bool off = true;
    for (std::size_t i = 3; i + 1 < w.size(); i += 2) {
      if ((w[i] != "tso" && w[i] != "gso" && w[i] != "gro") || w[i + 1] != "off") off = false;
    }
    if (off && w.size() % 2 == 1) return Steps{TsoCommand{false}};
  }
  return unsupported(cmd);
}

Result parse_simple(std::string_view cmd, const std::filesystem::path& dir, int depth) {
  // A || B: B runs only when A fails; we take the first we understand.
  if (const auto bar = cmd.find("||"); bar != std::string_view::npos) {
    auto first = parse_simple(trim(cmd.substr(0, bar)), dir, depth);
    if (first) return first;
    return parse_simple(trim(cmd.substr(bar + 2)), dir, depth);
  }
  if (cmd.starts_with("sockstat") || cmd.starts_with("tcpdrop")) {
    auto c = parse_command(cmd);
    if (!c) return std::unexpected(c.error());
    return std::visit([](auto& x) { return Steps{ShellStep{x}}; }, *c);
  }
  if (cmd.find('|') != std::string_view::npos) return unsupported(cmd);
  if (cmd.starts_with("/tmp/sysctl_restore_")) {
    return Steps{NoteCommand{"sysctl restore: every script starts on a fresh stack"}};
  }
  auto words = words_of(cmd);
  if (!words) return unsupported(cmd);
  const auto w = without_redirections(std::move(*words));
  if (w.empty()) return Steps{};
  return parse_words(w, cmd, dir, depth);
}

}  // namespace

std::expected<std::vector<KnobCommand>, std::string> linux_sysctl(std::string_view key,
                                                                  std::string_view value) {
  const auto bad = [&] { return std::unexpected(fmt::format("bad value for {}: {}", key, value)); };
  const std::string setting = fmt::format("{}={}", key, value);
  if (key == "net.ipv4.tcp_rmem" || key == "net.ipv4.tcp_wmem") {
    std::istringstream in{std::string(value)};
    std::int64_t min = 0, def = 0, max = 0;
    if (!(in >> min >> def >> max)) return bad();
    const bool r = key == "net.ipv4.tcp_rmem";
    return std::vector<KnobCommand>{
        {Knob::kBufMin, min, setting, false},
        {r ? Knob::kRmemDefault : Knob::kWmemDefault, def, setting, false},
        {r ? Knob::kRmemMax : Knob::kWmemMax, max, setting, false}};
  }
  for (const auto& k : kLinuxKeys) {
    if (k.key != key) continue;
    std::optional<std::int64_t> v;
    if (k.knob == Knob::kCongestionControl) {
      if (value == "reno") v = 0;
      if (value == "cubic") v = 1;
    } else if (k.knob == Knob::kFastOpenKey) {
      v = 1;
    } else {
      v = to_number(value);
    }
    if (!v) return bad();
    return std::vector<KnobCommand>{{k.knob, *v, setting, false}};
  }
  return std::unexpected(fmt::format("unknown sysctl {}", key));
}

std::string_view linux_knob_name(Knob k) {
  switch (k) {
    case Knob::kRmemDefault:
      return "net.ipv4.tcp_rmem[1]";
    case Knob::kRmemMax:
      return "net.ipv4.tcp_rmem[2]";
    case Knob::kWmemDefault:
      return "net.ipv4.tcp_wmem[1]";
    case Knob::kWmemMax:
      return "net.ipv4.tcp_wmem[2]";
    case Knob::kBufMin:
      return "net.ipv4.tcp_rmem[0]";
    default:
      break;
  }
  for (const auto& m : kLinuxKeys) {
    if (m.knob == k) return m.key;
  }
  return "?";
}

std::expected<std::vector<ShellStep>, std::string> parse_shell(
    std::string_view text, const std::filesystem::path& script_dir) {
  Steps out;
  for (const auto& cmd : simple_commands(text)) {
    auto steps = parse_simple(cmd, script_dir, 0);
    if (!steps) return steps;
    out.insert(out.end(), steps->begin(), steps->end());
  }
  return out;
}

}  // namespace synack::drill
