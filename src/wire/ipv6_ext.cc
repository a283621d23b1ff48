// SPDX-License-Identifier: Apache-2.0
#include "wire/ipv6_ext.hpp"

#include <algorithm>

namespace synack {
namespace {

using WalkResult = std::expected<Ipv6Chain, Ipv6WalkError>;

// The four headers a destination walks (RFC 8200 §4.1). ESP, AH, Mobility,
// HIP, Shim6 and the experimental values end the walk: the stack either
// handles them as an upper layer or answers "unrecognized Next Header".
bool is_walked(std::uint8_t nh) {
  return nh == kIpv6HopByHop || nh == kIpv6Routing || nh == kIpv6Fragment || nh == kIpv6DestOptions;
}

// The bytes of the upper-layer header that must be in a first fragment
// (RFC 7112 §5; the same table as Linux's ipv6_frag_thdr_truncated).
std::size_t upper_header_min(std::uint8_t protocol) {
  switch (protocol) {
    case kIpProtoTcp:
      return 20;
    case kIpProtoUdp:
    case kIpProtoIcmpv6:
      return 8;
    default:
      return 0;
  }
}

struct Walk {
  Bytes pkt;         // the packet, [0, 40 + payload length)
  bool icmp_ok;      // RFC 4443 §2.4 (e.3)/(e.6): dst and src allow an error
  bool src_unicast;  // (e.6) alone: the source may be told even about multicast
  const Ipv6WalkLimits& limits;

  [[nodiscard]] std::size_t end() const { return pkt.size(); }

  static Ipv6WalkError silent(WireError why) { return {why, std::nullopt}; }

  // A refusal that answers with Parameter Problem where RFC 4443 §2.4 allows;
  // `to_multicast` for the one case (e.3.2) that is sent even to a multicast dst.
  [[nodiscard]] Ipv6WalkError problem(WireError why, Icmpv6ParamCode code, std::size_t pointer,
                                      bool to_multicast = false) const {
    const bool send = icmp_ok || (to_multicast && src_unicast);
    if (!send) return silent(why);
    return {why, Icmpv6ParamProblem{code, static_cast<std::uint32_t>(pointer)}};
  }

  // The length of the header of kind `nh` at `at`, all of it inside the packet.
  [[nodiscard]] std::expected<std::size_t, Ipv6WalkError> header_length(std::uint8_t nh,
                                                                        std::size_t at) const {
    // Every extension header is at least 8 bytes (RFC 8200 §4): check those
    // before reading the length byte, then the whole header.
    if (end() < 8 || at > end() - 8) return std::unexpected(silent(WireError::kIp6ExtTruncated));
    const std::size_t len = nh == kIpv6Fragment ? 8 : (load_u8(pkt, at + 1) + 1u) * 8u;
    if (len > end() - at) return std::unexpected(silent(WireError::kIp6ExtTruncated));
    return len;
  }

  // RFC 8200 §4.2: the options of a Hop-by-Hop or Destination Options header
  // at `at`, `len` bytes long (length already checked).
  [[nodiscard]] std::optional<Ipv6WalkError> check_options(std::size_t at, std::size_t len) const {
    const std::size_t stop = at + len;
    std::size_t pos = at + 2;
    std::size_t options = 0;
    std::size_t padding = 0;  // bytes of padding in a row (RFC 8504 §5.3: at most 7)
    while (pos < stop) {
      const std::uint8_t type = load_u8(pkt, pos);
      if (type == 0) {  // Pad1: a single byte, no length
        if (++padding > 7) return silent(WireError::kIp6OptionLimit);
        ++pos;
        continue;
      }
      if (stop - pos < 2) return silent(WireError::kIp6OptionPastEnd);
      const std::size_t olen = 2u + load_u8(pkt, pos + 1);
      if (olen > stop - pos) return silent(WireError::kIp6OptionPastEnd);
      if (type == 1) {  // PadN
        padding += olen;
        if (padding > 7) return silent(WireError::kIp6OptionLimit);
        pos += olen;
        continue;
      }
      padding = 0;
      if (++options > limits.max_options) return silent(WireError::kIp6OptionLimit);
      // No other option is implemented (Router Alert and the like are 00:
      // skipped; a Jumbo Payload is 11: refused). The two high-order bits of
      // the type say what to do with an unrecognized one.
      switch (type >> 6) {
        case 0:  // skip over it
          break;
        case 1:  // discard silently
          return silent(WireError::kIp6UnknownOption);
        case 2:  // discard, Parameter Problem code 2 even to multicast
          return problem(WireError::kIp6UnknownOption, Icmpv6ParamCode::kUnrecognizedOption, pos,
                         true);
        default:  // 3: discard, Parameter Problem code 2 unless to multicast
          return problem(WireError::kIp6UnknownOption, Icmpv6ParamCode::kUnrecognizedOption, pos);
      }
      pos += olen;
    }
    return std::nullopt;
  }

  // RFC 8200 §4.4 and RFC 5095 §3: a host forwards nothing, so any Routing
  // header with segments left must be refused; with 0 it is skipped.
  [[nodiscard]] std::optional<Ipv6WalkError> check_routing(std::size_t at) const {
    const std::uint8_t type = load_u8(pkt, at + 2);
    const std::uint8_t segments_left = load_u8(pkt, at + 3);
    if (segments_left == 0) return std::nullopt;
    return problem(type == 0 ? WireError::kIp6RoutingType0 : WireError::kIp6RoutingUnsupported,
                   Icmpv6ParamCode::kErroneousHeaderField, at + 2);
  }

  // RFC 7112 §5: the first fragment holds the rest of the chain and the
  // upper-layer header; only the lengths are checked here (the reassembled
  // packet is walked in full).
  [[nodiscard]] bool first_fragment_complete(std::uint8_t nh, std::size_t at) const {
    for (std::size_t n = 0; is_walked(nh); ++n) {
      if (n >= kIpv6MaxChainHeaders || end() < 8 || at > end() - 8) return false;
      const std::size_t len = nh == kIpv6Fragment ? 8 : (load_u8(pkt, at + 1) + 1u) * 8u;
      if (len > end() - at) return false;
      nh = load_u8(pkt, at);
      at += len;
    }
    return upper_header_min(nh) <= end() - at;
  }

  // RFC 8200 §4.5. Returns true when the walk stops here (a real fragment).
  [[nodiscard]] std::expected<bool, Ipv6WalkError> fragment(std::size_t at, Ipv6Chain& c) const {
    const std::uint16_t offset_m = load_be16(pkt, at + 2);
    const std::uint32_t offset = (offset_m >> 3) * 8u;
    const bool more = (offset_m & 1) != 0;
    if (offset == 0 && !more) {  // RFC 6946 §4: an atomic fragment is processed in isolation
      c.atomic_fragment = true;
      return false;
    }
    const std::size_t data = at + 8;
    const std::size_t data_len = end() - data;
    if (more && data_len % 8 != 0) {
      return std::unexpected(
          problem(WireError::kIp6FragmentBadLength, Icmpv6ParamCode::kErroneousHeaderField, 4));
    }
    if ((at - Ipv6View::kHeaderSize) + offset + data_len > 0xffff) {
      return std::unexpected(problem(WireError::kIp6FragmentBadLength,
                                     Icmpv6ParamCode::kErroneousHeaderField, at + 2));
    }
    const std::uint8_t nh = load_u8(pkt, at);
    if (offset == 0 && !first_fragment_complete(nh, data)) {
      return std::unexpected(problem(WireError::kIp6FirstFragmentIncomplete,
                                     Icmpv6ParamCode::kIncompleteHeaderChain, 0));
    }
    c.fragment = Ipv6FragmentInfo{load_be32(pkt, at + 4), offset, more, at};
    c.protocol = nh;
    c.protocol_field = at;
    c.upper_offset = data;
    c.upper = pkt.subspan(data);
    return true;
  }
};

}  // namespace

std::optional<Icmpv6ParamProblem> Ipv6Chain::unrecognized_next_header() const {
  if (!icmp_allowed || protocol == kIpv6NoNextHeader) return std::nullopt;
  return Icmpv6ParamProblem{Icmpv6ParamCode::kUnrecognizedNextHeader,
                            static_cast<std::uint32_t>(protocol_field)};
}

WalkResult walk_ipv6_chain(const Ipv6View& ip, const Ipv6WalkLimits& limits) {
  const Ipv6Addr src = ip.src();
  const bool src_unicast = !src.is_unspecified() && !src.is_multicast();
  const Walk w{ip.bytes(), src_unicast && !ip.dst().is_multicast(), src_unicast, limits};
  const std::size_t max_headers = std::min(limits.max_headers, kIpv6MaxChainHeaders);

  Ipv6Chain c;
  c.icmp_allowed = w.icmp_ok;
  std::uint8_t nh = ip.next_header();
  std::size_t field = 6;  // the fixed header's Next Header byte
  std::size_t at = Ipv6View::kHeaderSize;
  while (is_walked(nh)) {
    if (nh == kIpv6HopByHop && at != Ipv6View::kHeaderSize) {
      // RFC 8200 §4: Hop-by-Hop only immediately after the IPv6 header.
      return std::unexpected(w.problem(WireError::kIp6HopByHopNotFirst,
                                       Icmpv6ParamCode::kUnrecognizedNextHeader, field));
    }
    if (c.headers >= max_headers) {
      return std::unexpected(Walk::silent(WireError::kIp6ChainTooLong));
    }
    const auto len = w.header_length(nh, at);
    if (!len) return std::unexpected(len.error());
    c.kinds[c.headers++] = nh;
    std::optional<Ipv6WalkError> refused;
    if (nh == kIpv6HopByHop || nh == kIpv6DestOptions) refused = w.check_options(at, *len);
    if (nh == kIpv6Routing) refused = w.check_routing(at);
    if (refused) return std::unexpected(*refused);
    if (nh == kIpv6Fragment) {
      const auto stop = w.fragment(at, c);
      if (!stop) return std::unexpected(stop.error());
      if (*stop) return c;
    }
    field = at;
    nh = load_u8(w.pkt, at);
    at += *len;
  }
  c.protocol = nh;
  c.protocol_field = field;
  c.upper_offset = at;
  c.upper = w.pkt.subspan(at);
  return c;
}

std::expected<Ipv6QuotedChain, WireError> walk_ipv6_quote(Bytes quote) {
  if (quote.size() < Ipv6View::kHeaderSize) return std::unexpected(WireError::kTruncated);
  if ((load_u8(quote, 0) >> 4) != 6) return std::unexpected(WireError::kIp6BadVersion);
  // The quote is usually cut short; bytes past the quoted packet's own length are not its own.
  const Bytes pkt =
      quote.first(std::min(quote.size(), Ipv6View::kHeaderSize + load_be16(quote, 4)));
  std::uint8_t nh = load_u8(pkt, 6);
  std::size_t at = Ipv6View::kHeaderSize;
  for (std::size_t n = 0; is_walked(nh); ++n) {
    if (n >= kIpv6MaxChainHeaders) return std::unexpected(WireError::kIp6ChainTooLong);
    if (at > pkt.size() - 8 || pkt.size() < 8) return std::unexpected(WireError::kTruncated);
    const std::size_t len = nh == kIpv6Fragment ? 8 : (load_u8(pkt, at + 1) + 1u) * 8u;
    if (len > pkt.size() - at) return std::unexpected(WireError::kTruncated);
    if (nh == kIpv6Fragment && (load_be16(pkt, at + 2) >> 3) != 0) {
      return std::unexpected(WireError::kIpFragment);
    }
    nh = load_u8(pkt, at);
    at += len;
  }
  return Ipv6QuotedChain{nh, pkt.subspan(at)};
}

}  // namespace synack
