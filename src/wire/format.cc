// SPDX-License-Identifier: Apache-2.0
#include "wire/format.hpp"

#include <fmt/format.h>

#include "wire/icmp.hpp"
#include "wire/ipv6.hpp"
#include "wire/ipv6_ext.hpp"
#include "wire/ipv6_tcp.hpp"
#include "wire/tcp.hpp"

namespace synack {
namespace {

// Appends the known option `o` and returns true, or false if `o` is of an
// unknown kind or of a length only raw() can build.
bool append_known(std::string& out, const TcpOptionItem& o) {
  const Bytes d = o.data;
  auto it = std::back_inserter(out);
  switch (static_cast<TcpOptionKind>(o.kind)) {
    case TcpOptionKind::kEol:
      out += "eol";
      return true;
    case TcpOptionKind::kNop:
      out += "nop";
      return true;
    case TcpOptionKind::kMss:
      if (d.size() != 2) return false;
      fmt::format_to(it, "mss {}", load_be16(d, 0));
      return true;
    case TcpOptionKind::kWindowScale:
      if (d.size() != 1) return false;
      fmt::format_to(it, "wscale {}", load_u8(d, 0));
      return true;
    case TcpOptionKind::kSackPermitted:
      if (!d.empty()) return false;
      out += "sackOK";
      return true;
    case TcpOptionKind::kTimestamps:
      if (d.size() != 8) return false;
      fmt::format_to(it, "TS val {} ecr {}", load_be32(d, 0), load_be32(d, 4));
      return true;
    case TcpOptionKind::kSack:
      if (d.empty() || d.size() % 8 != 0) return false;
      out += "sack";
      for (std::size_t k = 0; k < d.size(); k += 8) {
        fmt::format_to(it, " {}:{}", load_be32(d, k), load_be32(d, k + 4));
      }
      return true;
  }
  return false;
}

void append_option(std::string& out, const TcpOptionItem& o) {
  if (!out.empty()) out += ',';
  if (append_known(out, o)) return;
  fmt::format_to(std::back_inserter(out), "unknown-{}", o.kind);
  if (o.data.empty()) return;
  out += " 0x";
  for (std::size_t k = 0; k < o.data.size(); ++k) {
    fmt::format_to(std::back_inserter(out), "{:02x}", load_u8(o.data, k));
  }
}

std::string_view unreach_name(std::uint8_t code) {
  static constexpr std::string_view kNames[] = {
      "no-route", "admin-prohibited", "beyond-scope", "address",
      "port",     "source-policy",    "reject-route"};
  return code < std::size(kNames) ? kNames[code] : std::string_view{};
}

std::string_view param_name(std::uint8_t code) {
  static constexpr std::string_view kNames[] = {"header-field", "next-header", "option",
                                                "header-chain"};
  return code < std::size(kNames) ? kNames[code] : std::string_view{};
}

std::string_view ext_name(std::uint8_t nh) {
  switch (nh) {
    case kIpv6HopByHop:
      return "hbh";
    case kIpv6Routing:
      return "rt";
    case kIpv6Fragment:
      return "frag";
    default:
      return "dstopts";
  }
}

// ", quote [SRC]:SP > [DST]:DP tcp" (or udp, or "SRC > DST proto P").
std::string format_quote(Bytes body) {
  const auto q = parse_icmpv6_quote(body);
  if (!q) return fmt::format(", quote {}", to_string(q.error()));
  if (q->protocol == kIpProtoTcp || q->protocol == kIpProtoUdp) {
    return fmt::format(", quote [{}]:{} > [{}]:{} {}", q->src.to_string(), q->src_port,
                       q->dst.to_string(), q->dst_port, q->protocol == kIpProtoTcp ? "tcp" : "udp");
  }
  return fmt::format(", quote {} > {} proto {}", q->src.to_string(), q->dst.to_string(),
                     q->protocol);
}

std::string icmpv6_text(const Icmpv6View& m) {
  const std::uint8_t code = m.code();
  switch (static_cast<Icmpv6Type>(m.type())) {
    case Icmpv6Type::kEchoRequest:
    case Icmpv6Type::kEchoReply:
      return fmt::format("echo {} id {} seq {} len {}", m.type() == 128 ? "request" : "reply",
                         m.echo_id(), m.echo_seq(), m.body().size());
    case Icmpv6Type::kDestUnreachable:
      if (!unreach_name(code).empty()) return fmt::format("unreachable {}", unreach_name(code));
      return fmt::format("unreachable code {}", code);
    case Icmpv6Type::kPacketTooBig:
      return fmt::format("packet too big mtu {}", m.mtu());
    case Icmpv6Type::kTimeExceeded:
      if (code <= 1) return fmt::format("time exceeded {}", code == 0 ? "hop-limit" : "reassembly");
      return fmt::format("time exceeded code {}", code);
    case Icmpv6Type::kParameterProblem:
      if (!param_name(code).empty()) {
        return fmt::format("parameter problem {} pointer {}", param_name(code), m.pointer());
      }
      return fmt::format("parameter problem code {} pointer {}", code, m.pointer());
  }
  return fmt::format("type {} code {} len {}", m.type(), code, m.body().size());
}

// "udp SPORT > DPORT len N" or "proto P len N" for an upper layer without a printer.
std::string upper_text(std::uint8_t protocol, Bytes upper) {
  if (protocol == kIpProtoUdp && upper.size() >= 8) {
    return fmt::format("udp {} > {} len {}", load_be16(upper, 0), load_be16(upper, 2),
                       upper.size() - 8);
  }
  return fmt::format("proto {} len {}", protocol, upper.size());
}

std::string format_ipv4(Bytes packet) {
  const auto ip = Ipv4View::parse(packet);
  if (!ip) return fmt::format("malformed: {}", to_string(ip.error()));
  const std::string addrs = fmt::format("{} > {}", ip->src().to_string(), ip->dst().to_string());
  if (ip->protocol() == kIpProtoTcp && !ip->is_fragment()) {
    const auto pkt = parse_ipv4_tcp(packet);
    if (!pkt) return fmt::format("{} malformed: {}", addrs, to_string(pkt.error()));
    return format_packet(ip->src(), ip->dst(), pkt->tcp);
  }
  if (ip->is_fragment()) {
    return fmt::format("{} frag id 0x{:x} {}+{}{} proto {}", addrs, ip->identification(),
                       ip->fragment_offset(), ip->payload().size(),
                       ip->more_fragments() ? " more" : "", ip->protocol());
  }
  if (ip->protocol() == kIpProtoIcmp) {
    const auto icmp = IcmpView::parse(ip->payload());
    if (!icmp) return fmt::format("{} malformed: {}", addrs, to_string(icmp.error()));
    return fmt::format("{} icmp type {} code {}", addrs, icmp->type(), icmp->code());
  }
  return fmt::format("{} {}", addrs, upper_text(ip->protocol(), ip->payload()));
}

std::string format_ipv6(Bytes packet) {
  const auto ip = Ipv6View::parse(packet);
  if (!ip) return fmt::format("malformed: {}", to_string(ip.error()));
  const Ipv6Addr src = ip->src();
  const Ipv6Addr dst = ip->dst();
  const std::string addrs = fmt::format("{} > {}", src.to_string(), dst.to_string());
  const auto chain = walk_ipv6_chain(*ip);
  if (!chain) return fmt::format("{} malformed: {}", addrs, to_string(chain.error().reason));
  std::string ext;
  for (std::size_t k = 0; k < chain->headers; ++k) {
    ext += k == 0 ? " (ext " : ",";
    ext += ext_name(chain->kinds[k]);
  }
  if (!ext.empty()) ext += ')';
  if (const auto& f = chain->fragment) {
    return fmt::format("{} frag id 0x{:x} {}+{}{} proto {}{}", addrs, f->identification, f->offset,
                       chain->upper.size(), f->more ? " more" : "", chain->protocol, ext);
  }
  if (chain->protocol == kIpProtoTcp) {
    const auto pkt = parse_ipv6_tcp(packet);
    if (!pkt) return fmt::format("{} malformed: {}{}", addrs, to_string(pkt.error()), ext);
    return format_packet(src, dst, pkt->tcp) + ext;
  }
  if (chain->protocol == kIpProtoIcmpv6) {
    const auto m = Icmpv6View::parse(chain->upper, src, dst);
    if (!m) return fmt::format("{} malformed: {}{}", addrs, to_string(m.error()), ext);
    return fmt::format("{} icmp6 {}{}", addrs, format_icmpv6(*m), ext);
  }
  return fmt::format("{} {}{}", addrs, upper_text(chain->protocol, chain->upper), ext);
}

}  // namespace

std::string format_options(const TcpOptions& options) {
  std::string out;
  options.for_each([&out](const TcpOptionItem& o) { append_option(out, o); });
  return out;
}

std::string format_segment(const TcpSegment& seg) {
  std::string out =
      fmt::format("{} {}:{}({})", seg.flags.to_string(), seg.seq.raw(),
                  (seg.seq + static_cast<SeqLen>(seg.payload.size())).raw(), seg.payload.size());
  if (seg.flags.ack()) fmt::format_to(std::back_inserter(out), " ack {}", seg.ack.raw());
  fmt::format_to(std::back_inserter(out), " win {}", seg.window);
  if (seg.flags.urg()) fmt::format_to(std::back_inserter(out), " urg {}", seg.urgent);
  if (!seg.options.empty())
    fmt::format_to(std::back_inserter(out), " <{}>", format_options(seg.options));
  return out;
}

std::string format_packet(Ipv4Addr src, Ipv4Addr dst, const TcpSegment& seg) {
  return fmt::format("{}:{} > {}:{} {}", src.to_string(), seg.src_port, dst.to_string(),
                     seg.dst_port, format_segment(seg));
}

std::string format_packet(const Ipv6Addr& src, const Ipv6Addr& dst, const TcpSegment& seg) {
  return fmt::format("[{}]:{} > [{}]:{} {}", src.to_string(), seg.src_port, dst.to_string(),
                     seg.dst_port, format_segment(seg));
}

std::string format_icmpv6(const Icmpv6View& msg) {
  std::string out = icmpv6_text(msg);
  if (msg.is_error() && msg.type() >= 1 && msg.type() <= 4) out += format_quote(msg.body());
  return out;
}

std::string format_ip_packet(Bytes packet) {
  if (packet.empty()) return "malformed: truncated";
  switch (load_u8(packet, 0) >> 4) {
    case 4:
      return format_ipv4(packet);
    case 6:
      return format_ipv6(packet);
    default:
      return fmt::format("malformed: ip version {}", load_u8(packet, 0) >> 4);
  }
}

}  // namespace synack
