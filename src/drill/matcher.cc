// SPDX-License-Identifier: Apache-2.0
// Outbound matching and inbound building (see matcher.hpp).
#include "drill/matcher.hpp"

#include <fmt/core.h>

#include <array>

#include "wire/format.hpp"

namespace synack::drill {

std::uint32_t SeqMap::map_ecr(std::uint32_t script_ecr) const {
  if (const auto it = ts_val.find(script_ecr); it != ts_val.end()) return it->second;
  if (first_ts) return script_ecr - first_ts->first + first_ts->second;
  return script_ecr;
}

std::expected<LivePacket, std::string> parse_live(std::vector<std::byte> bytes) {
  auto parsed = parse_ipv4_tcp(Bytes(bytes));
  if (!parsed) return std::unexpected(std::string(to_string(parsed.error())));
  return LivePacket(std::move(bytes), *parsed);
}

LivePacket coalesce(const std::vector<LivePacket>& parts) {
  std::vector<std::byte> payload;
  for (const auto& p : parts) {
    payload.insert(payload.end(), p.packet.tcp.payload.begin(), p.packet.tcp.payload.end());
  }
  TcpSegment seg = parts.front().packet.tcp;
  const std::uint16_t tail = TcpFlags::kPsh | TcpFlags::kFin;
  seg.flags.bits = static_cast<std::uint16_t>((seg.flags.bits & ~tail) |
                                              (parts.back().packet.tcp.flags.bits & tail));
  seg.payload = Bytes(payload);
  const Ipv4Header ip = Ipv4Header::from(parts.front().packet.ip);
  std::vector<std::byte> out(Ipv4Header::kSize + seg.wire_size());
  out.resize(emit_ipv4_tcp(MutableBytes(out), ip, seg));
  auto live = parse_live(std::move(out));
  return std::move(*live);
}

std::vector<std::byte> script_option_bytes(const std::vector<OptionSpec>& options,
                                           std::vector<bool>* ignore, const SeqMap* inbound_map) {
  TcpOptions built;
  std::vector<std::size_t> ts_offsets;
  for (const OptionSpec& o : options) {
    switch (o.kind) {
      case OptionSpec::Kind::kNop:
        built.nop();
        break;
      case OptionSpec::Kind::kEol:
        built.eol();
        break;
      case OptionSpec::Kind::kMss:
        built.mss(static_cast<std::uint16_t>(o.value));
        break;
      case OptionSpec::Kind::kWindowScale:
        built.window_scale(static_cast<std::uint8_t>(o.value));
        break;
      case OptionSpec::Kind::kSackPermitted:
        built.sack_permitted();
        break;
      case OptionSpec::Kind::kSack: {
        std::vector<SackBlock> blocks;
        for (const auto& [l, r] : o.sack) {
          // Inbound SACK blocks name the stack's bytes: shift by its ISN.
          const std::uint32_t shift = inbound_map ? inbound_map->local_isn : 0;
          blocks.push_back({SeqNum(l + shift), SeqNum(r + shift)});
        }
        built.sack(blocks);
        break;
      }
      case OptionSpec::Kind::kTimestamps:
        ts_offsets.push_back(built.size());
        built.timestamps(o.ts_val, inbound_map ? inbound_map->map_ecr(o.ts_ecr) : o.ts_ecr);
        break;
      case OptionSpec::Kind::kFastOpen:  // never built: preflight SKIPs these scripts
      case OptionSpec::Kind::kFastOpenExp:
      case OptionSpec::Kind::kMd5:
        break;
    }
  }
  std::vector<std::byte> bytes(built.bytes().begin(), built.bytes().end());
  bytes.resize(built.padded_size(), std::byte{0});
  if (ignore) {
    ignore->assign(bytes.size(), false);
    for (const std::size_t at : ts_offsets) {
      for (std::size_t i = at + 2; i < at + 10 && i < bytes.size(); ++i) (*ignore)[i] = true;
    }
  }
  return bytes;
}

namespace {

std::string field(std::string_view name, std::uint64_t expected, std::uint64_t actual) {
  return fmt::format("live packet field {}: expected: {} vs actual: {}", name, expected, actual);
}

struct FlagName {
  std::uint16_t bit;
  std::string_view name;
};
constexpr std::array<FlagName, 9> kFlagNames{{
    {TcpFlags::kFin, "tcp_fin"},
    {TcpFlags::kSyn, "tcp_syn"},
    {TcpFlags::kRst, "tcp_rst"},
    {TcpFlags::kPsh, "tcp_psh"},
    {TcpFlags::kAck, "tcp_ack"},
    {TcpFlags::kUrg, "tcp_urg"},
    {TcpFlags::kEce, "tcp_ece"},
    {TcpFlags::kCwr, "tcp_cwr"},
    {TcpFlags::kAe, "tcp_ae"},
}};

std::optional<std::string> match_options(const PacketEvent& script, const LivePacket& live) {
  if (script.options_any) return std::nullopt;
  std::vector<bool> ignore;
  const auto expected = script_option_bytes(script.options, &ignore);
  const auto view = TcpView::parse(live.packet.ip.payload());
  const Bytes actual = view ? view->options() : Bytes{};
  bool same = expected.size() == actual.size();
  for (std::size_t i = 0; same && i < expected.size(); ++i) {
    same = ignore[i] || expected[i] == actual[i];
  }
  if (same) return std::nullopt;
  PacketEvent just_options;
  just_options.options = script.options;
  const std::string want = script.options.empty() ? "none" : [&] {
    const std::string s = just_options.to_string();
    return s.substr(s.find('<'));
  }();
  const std::string got = live.packet.tcp.options.empty()
                              ? "none"
                              : fmt::format("<{}>", format_options(live.packet.tcp.options));
  return fmt::format("bad outbound TCP options: expected: {} vs actual: {}", want, got);
}

}  // namespace

std::optional<std::string> match_outbound(const PacketEvent& script, const LivePacket& live,
                                          const SeqMap& map) {
  const TcpSegment& seg = live.packet.tcp;
  if (script.ecn) {
    const unsigned ecn = live.packet.ip.tos() & 0x3u;
    if (ecn != static_cast<unsigned>(*script.ecn)) {
      return field("ip_ecn", static_cast<unsigned>(*script.ecn), ecn);
    }
  }
  if (!script.seq_any) {
    const std::uint32_t actual =
        script.seq_absolute ? seg.seq.raw() : map.local_to_script(seg.seq.raw());
    if (actual != script.seq) return field("tcp_seq", script.seq, actual);
  }
  const std::uint32_t want_ack = script.ack.value_or(0);
  if (seg.ack.raw() != want_ack) return field("tcp_ack_seq", want_ack, seg.ack.raw());
  for (const auto& f : kFlagNames) {
    const bool want = (script.flags & f.bit) != 0;
    const bool got = (seg.flags.bits & f.bit) != 0;
    if (want != got) return field(f.name, want, got);
  }
  if (seg.reserved != 0) return field("tcp_reserved_bits", 0, seg.reserved);
  if (script.window && seg.window != *script.window) {
    return field("tcp_window", *script.window, seg.window);
  }
  const std::uint16_t want_urg = script.urgent.value_or(0);
  if (seg.urgent != want_urg) return field("tcp_urg_ptr", want_urg, seg.urgent);
  if (auto bad = match_options(script, live)) return bad;
  if (seg.payload.size() != script.len) {
    return fmt::format("live packet payload: expected {} bytes vs actual {} bytes", script.len,
                       seg.payload.size());
  }
  for (std::size_t i = 0; i < seg.payload.size(); ++i) {
    if (seg.payload[i] != std::byte{0}) {
      return fmt::format("live packet payload: byte {}: expected: 0x00 vs actual: 0x{:02x}", i,
                         std::to_integer<unsigned>(seg.payload[i]));
    }
  }
  return std::nullopt;
}

void learn_isn(const PacketEvent& script, const LivePacket& live, SeqMap& map) {
  const TcpSegment& seg = live.packet.tcp;
  if (map.have_local_isn || !seg.flags.syn() || script.seq_absolute) return;
  map.local_isn = seg.seq.raw() - (script.seq_any ? 0 : script.seq);
  map.have_local_isn = true;
}

void learn_timestamps(const PacketEvent& script, const LivePacket& live, SeqMap& map) {
  const auto ts = live.packet.tcp.options.summarize().timestamps;
  if (!ts) return;
  for (const OptionSpec& o : script.options) {
    if (o.kind != OptionSpec::Kind::kTimestamps) continue;
    map.ts_val[o.ts_val] = ts->val;
    if (!map.first_ts) map.first_ts = std::make_pair(o.ts_val, ts->val);
  }
}

std::vector<std::byte> build_inbound(const PacketEvent& script, const SeqMap& map,
                                     const Endpoints& ends) {
  const auto option_bytes = script_option_bytes(script.options, nullptr, &map);
  TcpSegment seg;
  seg.src_port = ends.remote_port;
  seg.dst_port = ends.local_port;
  seg.seq = SeqNum(script.seq);
  // packetdrill maps the ack field whenever the ACK bit is set, "ack N" written
  // or not (an omitted ack is script 0, i.e. the stack's ISN: an old ACK).
  const std::uint32_t ack = script.ack.value_or(0);
  const bool mapped = script.ack ? !script.ack_absolute : (script.flags & TcpFlags::kAck) != 0;
  seg.ack = SeqNum(mapped ? map.local_to_live(ack) : ack);
  seg.flags = TcpFlags{script.flags};
  seg.window = script.window.value_or(0);
  seg.urgent = script.urgent.value_or(0);
  if (auto parsed = TcpOptions::parse(Bytes(option_bytes))) seg.options = *parsed;
  const std::vector<std::byte> payload(script.len, std::byte{0});
  seg.payload = Bytes(payload);
  Ipv4Header ip;
  ip.src = ends.remote_addr;
  ip.dst = ends.local_addr;
  ip.tos = static_cast<std::uint8_t>(script.ecn.value_or(Ecn::kNotEct));
  std::vector<std::byte> out(Ipv4Header::kSize + seg.wire_size());
  out.resize(emit_ipv4_tcp(MutableBytes(out), ip, seg));
  return out;
}

std::string format_live(const LivePacket& live, const SeqMap& map) {
  TcpSegment seg = live.packet.tcp;
  seg.seq = SeqNum(map.local_to_script(seg.seq.raw()));
  std::string s = format_segment(seg);
  const unsigned ecn = live.packet.ip.tos() & 0x3u;
  if (ecn != 0) {
    constexpr std::array<std::string_view, 4> kNames{"noecn", "ect1", "ect0", "ce"};
    s = fmt::format("[{}] {}", kNames[ecn], s);
  }
  return s;
}

}  // namespace synack::drill
