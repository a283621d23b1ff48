// SPDX-License-Identifier: Apache-2.0
// The client side of SOCKS5 (RFC 1928) with no authentication, as a relay
// speaks it: the greeting, a CONNECT or UDP ASSOCIATE request for an IPv4
// endpoint, the replies parsed from the bytes received so far, and the UDP
// request header (RFC 1928 §7). Sans-IO: bytes in, bytes out.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "tcp/types.hpp"

namespace synack::apps::socks5 {

inline constexpr std::uint8_t kConnect = 0x01;
inline constexpr std::uint8_t kUdpAssociate = 0x03;

/// The method-selection message offering "no authentication required" (RFC 1928 §3).
std::vector<std::byte> greeting();
/// A request (RFC 1928 §4) for `command` to an IPv4 endpoint (ATYP 1).
std::vector<std::byte> request(std::uint8_t command, tcp::Endpoint to);

/// Why the proxy failed a request: the REP field (RFC 1928 §6), or a protocol error.
enum class Failure : std::uint8_t {
  kGeneral = 1,
  kNotAllowed = 2,
  kNetworkUnreachable = 3,
  kHostUnreachable = 4,
  kConnectionRefused = 5,
  kTtlExpired = 6,
  kCommandNotSupported = 7,
  kAddressTypeNotSupported = 8,
  kNoAcceptableMethod = 0xfe,  ///< the server refused "no authentication"
  kProtocol = 0xff,            ///< a malformed reply
};
[[nodiscard]] std::string_view to_string(Failure f);

/// The method-selection reply: needs 2 bytes. nullopt: incomplete; else
/// success or the failure.
std::optional<std::expected<void, Failure>> parse_method_reply(Bytes received);
/// A request's reply (RFC 1928 §6): its length once complete (IPv4, IPv6 and
/// domain BND.ADDR accepted), and BND.ADDR:BND.PORT for IPv4. nullopt: incomplete.
struct Reply {
  std::size_t length = 0;
  tcp::Endpoint bound;  ///< the relay address for UDP ASSOCIATE (0.0.0.0: the server's)
};
std::optional<std::expected<Reply, Failure>> parse_reply(Bytes received);

/// RFC 1928 §7: the header before every UDP datagram (RSV, FRAG 0, IPv4 DST).
std::vector<std::byte> udp_header(tcp::Endpoint to);
/// Splits a datagram from the UDP relay into its source and payload; fails
/// (nullopt) on fragments (FRAG ≠ 0), non-IPv4 addresses, short input.
std::optional<std::pair<tcp::Endpoint, Bytes>> parse_udp(Bytes datagram);

}  // namespace synack::apps::socks5
