// SPDX-License-Identifier: Apache-2.0
#include "capture/segment.hpp"

#include <arpa/inet.h>

#include <fmt/format.h>

#include "wire/ipv4.hpp"
#include "wire/tcp.hpp"
#include "wire/tcp_options.hpp"

namespace synack::capture {

std::string IpAddr::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(version == 6 ? AF_INET6 : AF_INET, bytes.data(), text, sizeof text);
  return text;
}

std::string SocketAddr::to_string() const {
  return ip.version == 6 ? fmt::format("[{}]:{}", ip.to_string(), port)
                         : fmt::format("{}:{}", ip.to_string(), port);
}

const char* skip_name(Skip s) {
  switch (s) {
    case Skip::kNotIp:
      return "not IP";
    case Skip::kIpv6:
      return "IPv6";
    case Skip::kNotTcp:
      return "not TCP";
    case Skip::kFragment:
      return "IP fragment";
    case Skip::kMalformed:
      return "malformed";
    case Skip::kTruncated:
      return "truncated header";
  }
  return "?";
}

namespace {

IpAddr ipv4(Bytes header, std::size_t at) {
  IpAddr a;
  for (std::size_t i = 0; i < 4; ++i) a.bytes[i] = load_u8(header, at + i);
  return a;
}

// The TCP header at `tcp` (captured bytes) with `wire_len` bytes of segment
// on the wire (header + payload).
std::expected<Segment, Skip> decode_tcp(Bytes tcp, std::size_t wire_len) {
  if (tcp.size() < TcpView::kMinHeader) return std::unexpected(Skip::kTruncated);
  const std::size_t hlen = (load_u8(tcp, 12) >> 4) * 4u;
  if (hlen < TcpView::kMinHeader || hlen > wire_len) return std::unexpected(Skip::kMalformed);
  if (tcp.size() < hlen) return std::unexpected(Skip::kTruncated);
  const auto view = TcpView::parse(tcp.first(hlen));
  if (!view) return std::unexpected(Skip::kMalformed);
  auto seg = TcpSegment::parse(*view);
  Segment s;
  if (seg) {
    s.tcp = viz::fields_from_segment(*seg);
  } else {  // keep the segment, without its options
    s.tcp.flags = view->flags();
    s.tcp.seq = view->seq().raw();
    s.tcp.ack = view->ack().raw();
    s.tcp.window = view->window();
    s.tcp.options_text = "malformed options";
  }
  s.src.port = view->src_port();
  s.dst.port = view->dst_port();
  s.tcp.len = static_cast<std::uint32_t>(wire_len - hlen);
  return s;
}

std::expected<Segment, Skip> decode_ipv4(Bytes ip, std::size_t orig_len) {
  if (ip.size() < 20) return std::unexpected(Skip::kTruncated);
  if ((load_u8(ip, 0) >> 4) != 4) return std::unexpected(Skip::kMalformed);
  const std::size_t ihl = (load_u8(ip, 0) & 0x0f) * 4u;
  if (ihl < 20) return std::unexpected(Skip::kMalformed);
  if (ip.size() < ihl) return std::unexpected(Skip::kTruncated);
  if (load_u8(ip, 9) != kIpProtoTcp) return std::unexpected(Skip::kNotTcp);
  if ((load_be16(ip, 6) & 0x3fffu) != 0) return std::unexpected(Skip::kFragment);
  std::size_t total = load_be16(ip, 2);
  if (total == 0) total = orig_len;  // TSO/GRO super-segment beyond 64 KiB
  if (total < ihl) return std::unexpected(Skip::kMalformed);
  auto s = decode_tcp(ip.subspan(ihl), total - ihl);
  if (!s) return s;
  s->src.ip = ipv4(ip, 12);
  s->dst.ip = ipv4(ip, 16);
  return s;
}

}  // namespace

std::expected<Segment, Skip> decode_segment(const NetPacket& net, std::size_t orig_len) {
  switch (net.proto) {
    case NetProto::kIpv4:
      return decode_ipv4(net.bytes, orig_len);
    case NetProto::kIpv6:
      return std::unexpected(Skip::kIpv6);  // decode_ipv6 goes here
    case NetProto::kOther:
      break;
  }
  return std::unexpected(Skip::kNotIp);
}

}  // namespace synack::capture
