// SPDX-License-Identifier: Apache-2.0
#include "apps/socks5.hpp"

namespace synack::apps::socks5 {
namespace {

void put_endpoint(std::vector<std::byte>& out, tcp::Endpoint e) {
  out.push_back(std::byte{1});                                // ATYP IPv4
  const std::uint32_t v4 = std::get<Ipv4Addr>(e.addr).value;  // IPv4 only (ATYP 1)
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(std::byte(v4 >> shift));
  out.push_back(std::byte(e.port >> 8));
  out.push_back(std::byte(e.port & 0xff));
}

std::uint8_t at(Bytes b, std::size_t i) {
  return std::to_integer<std::uint8_t>(b[i]);
}

}  // namespace

std::vector<std::byte> greeting() {
  return {std::byte{5}, std::byte{1}, std::byte{0}};  // VER 5, 1 method: 0 (no auth)
}

std::vector<std::byte> request(std::uint8_t command, tcp::Endpoint to) {
  std::vector<std::byte> out{std::byte{5}, std::byte{command}, std::byte{0}};
  put_endpoint(out, to);
  return out;
}

std::string_view to_string(Failure f) {
  switch (f) {
    case Failure::kGeneral:
      return "general SOCKS server failure";
    case Failure::kNotAllowed:
      return "connection not allowed by ruleset";
    case Failure::kNetworkUnreachable:
      return "network unreachable";
    case Failure::kHostUnreachable:
      return "host unreachable";
    case Failure::kConnectionRefused:
      return "connection refused";
    case Failure::kTtlExpired:
      return "TTL expired";
    case Failure::kCommandNotSupported:
      return "command not supported";
    case Failure::kAddressTypeNotSupported:
      return "address type not supported";
    case Failure::kNoAcceptableMethod:
      return "no acceptable authentication method";
    case Failure::kProtocol:
      return "malformed SOCKS5 reply";
  }
  return "unknown SOCKS5 failure";
}

std::optional<std::expected<void, Failure>> parse_method_reply(Bytes received) {
  if (received.size() < 2) return std::nullopt;
  if (at(received, 0) != 5) return std::unexpected(Failure::kProtocol);
  if (at(received, 1) != 0) return std::unexpected(Failure::kNoAcceptableMethod);
  return std::expected<void, Failure>{};
}

std::optional<std::expected<Reply, Failure>> parse_reply(Bytes received) {
  if (received.size() < 5) return std::nullopt;
  if (at(received, 0) != 5) return std::unexpected(Failure::kProtocol);
  std::size_t addr_len = 0;
  switch (at(received, 3)) {
    case 1:
      addr_len = 4;
      break;
    case 3:
      addr_len = 1 + at(received, 4);
      break;
    case 4:
      addr_len = 16;
      break;
    default:
      return std::unexpected(Failure::kProtocol);
  }
  const std::size_t length = 4 + addr_len + 2;
  if (received.size() < length) return std::nullopt;
  if (at(received, 1) != 0) {
    const std::uint8_t rep = at(received, 1);
    return std::unexpected(rep <= 8 ? Failure{rep} : Failure::kGeneral);
  }
  Reply r{.length = length, .bound = {}};
  if (at(received, 3) == 1) {
    r.bound.addr =
        Ipv4Addr{(std::uint32_t{at(received, 4)} << 24) | (std::uint32_t{at(received, 5)} << 16) |
                 (std::uint32_t{at(received, 6)} << 8) | at(received, 7)};
    r.bound.port = static_cast<std::uint16_t>((at(received, 8) << 8) | at(received, 9));
  }
  return r;
}

std::vector<std::byte> udp_header(tcp::Endpoint to) {
  std::vector<std::byte> out{std::byte{0}, std::byte{0}, std::byte{0}};  // RSV, FRAG 0
  put_endpoint(out, to);
  return out;
}

std::optional<std::pair<tcp::Endpoint, Bytes>> parse_udp(Bytes d) {
  if (d.size() < 10 || at(d, 2) != 0 || at(d, 3) != 1) return std::nullopt;
  tcp::Endpoint from;
  from.addr = Ipv4Addr{(std::uint32_t{at(d, 4)} << 24) | (std::uint32_t{at(d, 5)} << 16) |
                       (std::uint32_t{at(d, 6)} << 8) | at(d, 7)};
  from.port = static_cast<std::uint16_t>((at(d, 8) << 8) | at(d, 9));
  return std::pair{from, d.subspan(10)};
}

}  // namespace synack::apps::socks5
