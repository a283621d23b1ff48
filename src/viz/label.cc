// SPDX-License-Identifier: Apache-2.0
#include "viz/label.hpp"

#include <fmt/format.h>

#include "viz/run_json.hpp"

namespace synack::viz {

std::string flag_words(TcpFlags f) {
  static constexpr std::uint16_t kOrder[] = {TcpFlags::kSyn, TcpFlags::kFin, TcpFlags::kRst,
                                             TcpFlags::kPsh, TcpFlags::kAck, TcpFlags::kUrg,
                                             TcpFlags::kEce, TcpFlags::kCwr, TcpFlags::kAe};
  std::string s;
  for (auto bit : kOrder) {
    if (!(f.bits & bit)) continue;
    if (!s.empty()) s += ' ';
    s += flag_name(bit);
  }
  return s.empty() ? "none" : s;
}

std::string short_options(const PacketEvent& p, const Analysis& a) {
  const auto& o = p.tcp.options;
  std::vector<std::string> parts;
  if (o.mss) parts.push_back(fmt::format("mss {}", *o.mss));
  if (o.window_scale) parts.push_back(fmt::format("ws {}", *o.window_scale));
  if (o.sack_permitted) parts.emplace_back("sackOK");
  if (o.timestamps) parts.emplace_back("TS");
  for (const auto& b : o.sack) {
    parts.push_back(
        fmt::format("sack {}-{}", a.relative(b.left.raw(), p.to), a.relative(b.right.raw(), p.to)));
  }
  if (parts.empty()) return {};
  return fmt::format("<{}>", fmt::join(parts, " "));
}

std::vector<std::string> label_words(const PacketEvent& p, const PacketInfo& info,
                                     const Analysis& a) {
  std::vector<std::string> w;
  w.push_back(flag_words(p.tcp.flags));
  w.push_back(fmt::format("seq={}", info.seq));
  if (p.tcp.flags.ack()) w.push_back(fmt::format("ack={}", info.ack));
  if (p.tcp.len > 0) w.push_back(fmt::format("len={}", p.tcp.len));
  if (!p.tcp.flags.rst()) w.push_back(fmt::format("win={}", info.window));
  if (auto o = short_options(p, a); !o.empty()) w.push_back(std::move(o));
  return w;
}

std::string segment_label(const PacketEvent& p, const PacketInfo& info, const Analysis& a) {
  return fmt::format("{}", fmt::join(label_words(p, info, a), " "));
}

std::string fate_text(const PacketEvent& p) {
  switch (p.fate) {
    case Fate::kDelivered:
      return {};
    case Fate::kDropped:
      return p.reason.empty() ? "dropped" : "dropped: " + p.reason;
    case Fate::kCorrupted:
      return p.reason.empty() ? "corrupted" : "corrupted: " + p.reason;
    case Fate::kDuplicated:
      return "link duplicate";
  }
  return {};
}

std::string explain_text(const StateEvent& s) {
  std::string t = s.cause.empty() ? std::string("(no cause recorded)") : s.cause;
  if (!s.rfc.empty()) t += " \xe2\x80\x94 " + s.rfc;  // em dash
  return t;
}

std::vector<std::pair<std::string, std::string>> packet_details(const Run& run,
                                                                const PacketEvent& p,
                                                                const PacketInfo& info,
                                                                const Analysis& a) {
  auto name = [&run](EndpointId e) {
    return e < run.endpoints.size()
               ? fmt::format("{} {}", run.endpoints[e].name, run.endpoints[e].address())
               : fmt::format("endpoint {}", e);
  };
  std::vector<std::pair<std::string, std::string>> d;
  d.emplace_back("frame", fmt::format("#{}", info.number));
  d.emplace_back("from", name(p.from));
  d.emplace_back("to", name(p.to));
  d.emplace_back("sent", time_ms(p.sent) + " ms");
  d.emplace_back("arrived", p.arrived ? time_ms(*p.arrived) + " ms" : "never");
  d.emplace_back("fate", p.fate == Fate::kDelivered ? "delivered" : fate_text(p));
  d.emplace_back("flags", fmt::format("{} ({})", flag_words(p.tcp.flags), p.tcp.flags.to_string()));
  d.emplace_back("seq", a.absolute ? fmt::format("{}", p.tcp.seq)
                                   : fmt::format("{} (raw {})", info.seq, p.tcp.seq));
  d.emplace_back("ack", !p.tcp.flags.ack() ? fmt::format("- (raw {}, ACK not set)", p.tcp.ack)
                        : a.absolute       ? fmt::format("{}", p.tcp.ack)
                                           : fmt::format("{} (raw {})", info.ack, p.tcp.ack));
  d.emplace_back("len", fmt::format("{} bytes (SEG.LEN {})", p.tcp.len, p.tcp.seg_len()));
  d.emplace_back("window", fmt::format("{} bytes (raw {})", info.window, p.tcp.window));
  const std::string opts =
      p.tcp.options_text.empty() ? format_options(p.tcp.options) : p.tcp.options_text;
  d.emplace_back("options", opts.empty() ? "none" : opts);
  const auto tags = info.tag_texts();
  d.emplace_back("analysis", tags.empty() ? "-" : fmt::format("{}", fmt::join(tags, " ")));
  if (!p.raw_hex.empty()) d.emplace_back("raw", p.raw_hex);
  return d;
}

std::string time_ms(Instant t) {
  const auto ns = t.time_since_epoch().count();
  const auto sign = ns < 0 ? "-" : "";
  const auto abs = ns < 0 ? -ns : ns;
  return fmt::format("{}{}.{:03}", sign, abs / 1'000'000, (abs / 1'000) % 1'000);
}

}  // namespace synack::viz
