// SPDX-License-Identifier: Apache-2.0
#include "wire/icmpv6.hpp"

#include <algorithm>
#include <cstring>

namespace synack {
namespace {

Icmpv6Message error(Icmpv6Type type, std::uint8_t code, std::uint32_t rest, Bytes invoking) {
  return {static_cast<std::uint8_t>(type), code, rest,
          invoking.first(std::min(invoking.size(), kIcmpv6MaxQuote))};
}

}  // namespace

std::expected<Icmpv6View, WireError> Icmpv6View::parse(Bytes message, const Ipv6Addr& src,
                                                       const Ipv6Addr& dst) {
  if (message.size() < kHeaderSize) return std::unexpected(WireError::kTruncated);
  // The payload length is 16 bits, so a message from a parsed view fits the
  // 32-bit length; a bigger span cannot be an IPv6 payload.
  if (message.size() > 0xffff) return std::unexpected(WireError::kTruncated);
  auto c = pseudo_header_ipv6(src, dst, kIpProtoIcmpv6, static_cast<std::uint32_t>(message.size()));
  if (c.add(message).finish() != 0) return std::unexpected(WireError::kIcmp6BadChecksum);
  return Icmpv6View(message);
}

std::expected<Icmpv6Quote, WireError> parse_icmpv6_quote(Bytes body) {
  const auto chain = walk_ipv6_quote(body);
  if (!chain) return std::unexpected(chain.error());
  if (chain->upper.size() < 8) return std::unexpected(WireError::kTruncated);
  Icmpv6Quote q;
  q.src = Ipv6Addr::load(body, 8);
  q.dst = Ipv6Addr::load(body, 24);
  q.protocol = chain->protocol;
  q.src_port = load_be16(chain->upper, 0);
  q.dst_port = load_be16(chain->upper, 2);
  q.tcp_seq = load_be32(chain->upper, 4);
  return q;
}

Icmpv6Message Icmpv6Message::echo_request(std::uint16_t id, std::uint16_t seq, Bytes data) {
  return {static_cast<std::uint8_t>(Icmpv6Type::kEchoRequest), 0, (std::uint32_t{id} << 16) | seq,
          data};
}

Icmpv6Message Icmpv6Message::echo_reply(const Icmpv6View& request) {
  return {static_cast<std::uint8_t>(Icmpv6Type::kEchoReply), 0, request.rest(), request.body()};
}

Icmpv6Message Icmpv6Message::dest_unreachable(Icmpv6UnreachCode code, Bytes invoking) {
  return error(Icmpv6Type::kDestUnreachable, static_cast<std::uint8_t>(code), 0, invoking);
}

Icmpv6Message Icmpv6Message::packet_too_big(std::uint32_t mtu, Bytes invoking) {
  return error(Icmpv6Type::kPacketTooBig, 0, mtu, invoking);
}

Icmpv6Message Icmpv6Message::time_exceeded(Icmpv6TimeCode code, Bytes invoking) {
  return error(Icmpv6Type::kTimeExceeded, static_cast<std::uint8_t>(code), 0, invoking);
}

Icmpv6Message Icmpv6Message::parameter_problem(Icmpv6ParamProblem problem, Bytes invoking) {
  return error(Icmpv6Type::kParameterProblem, static_cast<std::uint8_t>(problem.code),
               problem.pointer, invoking);
}

void Icmpv6Message::emit(MutableBytes out, const Ipv6Addr& src, const Ipv6Addr& dst) const {
  store_u8(out, 0, type);
  store_u8(out, 1, code);
  store_be16(out, 2, 0);
  store_be32(out, 4, rest);
  if (!body.empty()) std::memcpy(out.data() + Icmpv6View::kHeaderSize, body.data(), body.size());
  const auto len = static_cast<std::uint32_t>(wire_size());
  auto c = pseudo_header_ipv6(src, dst, kIpProtoIcmpv6, len);
  store_be16(out, 2, c.add(out.first(len)).finish());
}

std::size_t emit_ipv6_icmpv6(MutableBytes out, Ipv6Header ip, const Icmpv6Message& msg) {
  ip.next_header = kIpProtoIcmpv6;
  ip.emit(out, static_cast<std::uint16_t>(msg.wire_size()));
  msg.emit(out.subspan(Ipv6Header::kSize), ip.src, ip.dst);
  return Ipv6Header::kSize + msg.wire_size();
}

}  // namespace synack
