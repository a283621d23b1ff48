// SPDX-License-Identifier: Apache-2.0
#include "icmp_echo.hpp"

#include <cstring>

#include "base/checksum.hpp"

namespace synack::interop {
namespace {
constexpr std::uint8_t kIcmpEchoReply = 0;
constexpr std::uint8_t kIcmpEchoRequest = 8;
}  // namespace

std::optional<Ipv4View> as_echo_request(Bytes packet) {
  auto ip = Ipv4View::parse(packet);
  if (!ip || ip->protocol() != kIpProtoIcmp || ip->payload().size() < 8) return std::nullopt;
  if (load_u8(ip->payload(), 0) != kIcmpEchoRequest) return std::nullopt;
  return *ip;
}

std::vector<std::byte> echo_reply(const Ipv4View& request) {
  const Bytes icmp_in = request.payload();
  std::vector<std::byte> packet(Ipv4Header::kSize + icmp_in.size());
  Ipv4Header ip;
  ip.protocol = kIpProtoIcmp;
  ip.src = request.dst();
  ip.dst = request.src();
  ip.emit(packet, static_cast<std::uint16_t>(icmp_in.size()));
  const MutableBytes icmp = MutableBytes(packet).subspan(Ipv4Header::kSize);
  std::memcpy(icmp.data(), icmp_in.data(), icmp_in.size());
  store_u8(icmp, 0, kIcmpEchoReply);
  store_be16(icmp, 2, 0);
  store_be16(icmp, 2, internet_checksum(icmp));
  return packet;
}

double ping_rtt_min_ms(const std::string& out) {
  const auto rtt = out.find("rtt min");
  if (rtt == std::string::npos) return -1;
  const auto at = out.find(" = ", rtt);
  if (at == std::string::npos) return -1;
  return std::strtod(out.c_str() + at + 3, nullptr);
}

}  // namespace synack::interop
