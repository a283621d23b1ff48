// SPDX-License-Identifier: Apache-2.0
#include "sim/faults.hpp"

#include <fmt/format.h>
#include <charconv>

#include "wire/ipv4.hpp"
#include "wire/tcp.hpp"

namespace synack::sim {
namespace {

constexpr std::string_view kFlagHelp = "(use S F R P U E W . A -)";

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    const auto pos = s.find(sep);
    out.push_back(s.substr(0, pos));
    if (pos == std::string_view::npos) return out;
    s.remove_prefix(pos + 1);
  }
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

std::expected<std::uint32_t, std::string> parse_nth(std::string_view tok) {
  std::uint32_t n = 0;
  const auto [end, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), n);
  if (ec != std::errc{} || end != tok.data() + tok.size() || n == 0) {
    return std::unexpected(fmt::format("bad segment number '{}' (want 1, 2, ...)", tok));
  }
  return n;
}

std::expected<FaultAction, std::string> parse_action(std::string_view tok) {
  if (tok == "drop") return FaultAction::kDrop;
  if (tok == "delay") return FaultAction::kDelay;
  if (tok == "dup-at") return FaultAction::kDupAt;
  return std::unexpected(fmt::format("unknown action '{}' (use drop, delay, dup-at)", tok));
}

std::string format_duration(Duration d) {
  const auto ns = d.count();
  if (ns % 1'000'000 == 0) return fmt::format("{}ms", ns / 1'000'000);
  if (ns % 1'000 == 0) return fmt::format("{}us", ns / 1'000);
  return fmt::format("{}ns", ns);
}

// Parses the selector and optional argument from the tokens after the action.
std::expected<Fault, std::string> parse_tokens(FaultAction action,
                                               std::span<const std::string_view> toks) {
  Fault f{.action = action};
  std::size_t i = 0;
  if (i == toks.size() || toks[i].empty()) return std::unexpected("missing segment selector");
  if (!all_digits(toks[i])) {
    auto flags = parse_tcp_flags(toks[i++]);
    if (!flags) return std::unexpected(flags.error());
    f.match.flags = *flags;
  }
  if (i < toks.size() && all_digits(toks[i])) {
    auto n = parse_nth(toks[i++]);
    if (!n) return std::unexpected(n.error());
    f.match.nth = *n;
  } else if (!f.match.flags) {
    return std::unexpected(fmt::format("bad segment selector '{}'", toks[i]));
  }
  const bool wants_arg = action != FaultAction::kDrop;
  if (wants_arg) {
    if (i == toks.size()) return std::unexpected("missing duration (e.g. 500ms)");
    auto d = parse_duration(toks[i++]);
    if (!d) return std::unexpected(d.error());
    if (action == FaultAction::kDelay) f.delay = *d;
    if (action == FaultAction::kDupAt) f.at = Instant{} + *d;
  }
  if (i != toks.size()) return std::unexpected(fmt::format("unexpected token '{}'", toks[i]));
  return f;
}

}  // namespace

std::expected<std::uint8_t, std::string> parse_tcp_flags(std::string_view text) {
  if (text == "-") return std::uint8_t{0};
  if (text.empty()) return std::unexpected(fmt::format("empty TCP flags {}", kFlagHelp));
  std::uint8_t bits = 0;
  for (char c : text) {
    switch (c) {
      case 'F':
        bits |= TcpFlags::kFin;
        break;
      case 'S':
        bits |= TcpFlags::kSyn;
        break;
      case 'R':
        bits |= TcpFlags::kRst;
        break;
      case 'P':
        bits |= TcpFlags::kPsh;
        break;
      case '.':
      case 'A':
        bits |= TcpFlags::kAck;
        break;
      case 'U':
        bits |= TcpFlags::kUrg;
        break;
      case 'E':
        bits |= TcpFlags::kEce;
        break;
      case 'W':
        bits |= TcpFlags::kCwr;
        break;
      default:
        return std::unexpected(fmt::format("unknown TCP flag '{}' in '{}' {}", c, text, kFlagHelp));
    }
  }
  return bits;
}

std::string format_tcp_flags(std::uint8_t flags) {
  std::string s;
  constexpr std::pair<std::uint8_t, char> kOrder[] = {
      {TcpFlags::kSyn, 'S'}, {TcpFlags::kFin, 'F'}, {TcpFlags::kRst, 'R'}, {TcpFlags::kPsh, 'P'},
      {TcpFlags::kUrg, 'U'}, {TcpFlags::kEce, 'E'}, {TcpFlags::kCwr, 'W'}, {TcpFlags::kAck, '.'}};
  for (auto [bit, c] : kOrder) {
    if (flags & bit) s += c;
  }
  return s.empty() ? "-" : s;
}

std::expected<Duration, std::string> parse_duration(std::string_view text) {
  const auto digits_end = text.find_first_not_of("0123456789");
  const std::string_view num = text.substr(0, digits_end);
  const std::string_view unit = digits_end == std::string_view::npos ? "" : text.substr(digits_end);
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), n);
  const bool number_ok = !num.empty() && ec == std::errc{} && end == num.data() + num.size();
  std::int64_t scale = 0;
  if (unit == "ns") scale = 1;
  if (unit == "us") scale = 1'000;
  if (unit == "ms") scale = 1'000'000;
  if (unit == "s") scale = 1'000'000'000;
  if (!number_ok || scale == 0 || n > INT64_MAX / scale) {
    return std::unexpected(fmt::format("bad duration '{}' (want e.g. 500ms, 3s, 250us)", text));
  }
  return Duration{n * scale};
}

std::expected<Fault, std::string> parse_fault(std::string_view text) {
  const auto toks = split(text, ':');
  auto fail = [&](const std::string& why) {
    return std::unexpected(fmt::format("bad fault '{}': {}", text, why));
  };
  auto action = parse_action(toks[0]);
  if (!action) return fail(action.error());
  auto f = parse_tokens(*action, std::span(toks).subspan(1));
  if (!f) return fail(f.error());
  return *f;
}

std::expected<std::vector<Fault>, std::string> parse_faults(std::string_view text) {
  std::vector<Fault> out;
  for (std::string_view item : split(text, ',')) {
    auto f = parse_fault(item);
    if (!f) return std::unexpected(f.error());
    out.push_back(*f);
  }
  return out;
}

std::string Fault::to_string() const {
  std::string s = action == FaultAction::kDrop    ? "drop"
                  : action == FaultAction::kDelay ? "delay"
                                                  : "dup-at";
  if (match.flags) s += fmt::format(":{}", format_tcp_flags(*match.flags));
  if (!match.flags || match.nth != 1) s += fmt::format(":{}", match.nth);
  if (action == FaultAction::kDelay) s += fmt::format(":{}", format_duration(delay));
  if (action == FaultAction::kDupAt)
    s += fmt::format(":{}", format_duration(at.time_since_epoch()));
  return s;
}

FaultOutcome FaultPlan::apply(Bytes ip_packet) {
  FaultOutcome out;
  if (faults_.empty()) return out;
  const auto ip = Ipv4View::parse(ip_packet, /*verify_checksum=*/false);
  if (!ip || ip->protocol() != kIpProtoTcp || ip->is_fragment()) return out;
  const auto tcp = TcpView::parse(ip->payload());
  if (!tcp) return out;
  ++segments_;
  const auto flags_byte = static_cast<std::uint8_t>(tcp->flags().bits & 0xff);
  for (Armed& a : faults_) {
    if (a.done) continue;
    if (a.fault.match.flags && *a.fault.match.flags != flags_byte) continue;
    if (++a.matches != a.fault.match.nth) continue;
    a.done = true;
    ++out.fired;
    switch (a.fault.action) {
      case FaultAction::kDrop:
        out.drop = true;
        break;
      case FaultAction::kDelay:
        out.delay += a.fault.delay;
        break;
      case FaultAction::kDupAt:
        out.redeliver.push_back(a.fault.at);
        break;
    }
  }
  return out;
}

std::size_t FaultPlan::fired() const {
  std::size_t n = 0;
  for (const Armed& a : faults_) n += a.done;
  return n;
}

std::vector<Fault> FaultPlan::unfired() const {
  std::vector<Fault> out;
  for (const Armed& a : faults_) {
    if (!a.done) out.push_back(a.fault);
  }
  return out;
}

}  // namespace synack::sim
