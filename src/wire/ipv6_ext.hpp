// SPDX-License-Identifier: Apache-2.0
// The IPv6 extension-header chain (RFC 8200 §4), walked the way a destination
// host processes it: Hop-by-Hop Options (only right after the fixed header),
// Routing, Fragment and Destination Options headers, each length checked
// before it is used, up to a configured number of headers. The walk ends at the
// first Next Header value that is not one of these four (the upper layer: TCP,
// ICMPv6, UDP, No Next Header, or a protocol the stack may not know), or at the
// Fragment header of a real fragment.
//
// A refused packet comes back with its WireError (to count) and, where RFC 8200
// says the source should be told, the ICMPv6 Parameter Problem to send
// (RFC 4443 §3.4) — already filtered by RFC 4443 §2.4 (e.3) and (e.6): nothing
// for a packet to a multicast address (except code 2 for an option whose
// action is 10), from a multicast or the unspecified address. Rate limiting
// (RFC 4443 §2.4 (f)) is the stack's job.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>

#include "base/bytes.hpp"
#include "wire/error.hpp"
#include "wire/ipv6.hpp"

namespace synack {

/// ICMPv6 Parameter Problem codes (RFC 4443 §3.4, RFC 7112 §5).
enum class Icmpv6ParamCode : std::uint8_t {
  kErroneousHeaderField = 0,
  kUnrecognizedNextHeader = 1,
  kUnrecognizedOption = 2,
  kIncompleteHeaderChain = 3,  ///< first fragment without the whole chain (RFC 7112)
};

/// A Parameter Problem to send back: its code and the pointer, the offset in
/// bytes from the start of the offending packet's IPv6 header to the byte at fault.
struct Icmpv6ParamProblem {
  Icmpv6ParamCode code = Icmpv6ParamCode::kErroneousHeaderField;
  std::uint32_t pointer = 0;
  friend constexpr bool operator==(const Icmpv6ParamProblem&, const Icmpv6ParamProblem&) = default;
};

/// Hard upper bound on Ipv6WalkLimits::max_headers (the size of Ipv6Chain::kinds).
inline constexpr std::size_t kIpv6MaxChainHeaders = 16;

/// Bounds on what one packet may make the walk do (RFC 8504 §5.3 asks hosts for
/// configurable limits). Defaults follow Linux (net.ipv6.max_hbh_opts_number,
/// max_dst_opts_number = 8).
struct Ipv6WalkLimits {
  /// Extension headers per packet, 0..kIpv6MaxChainHeaders; more is kIp6ChainTooLong.
  std::size_t max_headers = 8;
  /// Options other than padding per Hop-by-Hop or Destination Options header;
  /// more is kIp6OptionLimit (as is a run of more than 7 padding bytes).
  std::size_t max_options = 8;
};

/// The Fragment header of a real fragment (RFC 8200 §4.5): offset ≠ 0 or M set.
struct Ipv6FragmentInfo {
  std::uint32_t identification = 0;
  std::uint32_t offset = 0;       ///< bytes (the field × 8)
  bool more = false;              ///< M flag
  std::size_t header_offset = 0;  ///< of the Fragment header, from the packet start
};

/// A walked chain. `protocol`/`upper` describe what follows the last header
/// walked: for a fragment, the Fragment header's Next Header and the fragment's
/// data (reassemble, then walk the reassembled packet again).
struct Ipv6Chain {
  std::uint8_t protocol = 0;       ///< the Next Header value the walk stopped at
  std::size_t protocol_field = 0;  ///< offset of the byte holding `protocol` (6 if no ext header)
  std::size_t upper_offset = 0;    ///< where the upper layer (or fragment data) starts
  Bytes upper;                     ///< [upper_offset, 40 + payload length)
  std::uint8_t headers = 0;        ///< extension headers walked
  std::array<std::uint8_t, kIpv6MaxChainHeaders> kinds{};  ///< their Next Header values, in order
  bool atomic_fragment =
      false;  ///< a Fragment header with offset 0 and M 0 was walked past (RFC 6946)
  std::optional<Ipv6FragmentInfo> fragment;  ///< set for a real fragment
  bool icmp_allowed = true;  ///< RFC 4443 §2.4 (e.3, e.6) allow an error to this packet

  /// The Parameter Problem (code 1, pointing at protocol_field) to send when
  /// the stack has no handler for `protocol` (RFC 8200 §4); nullopt where
  /// RFC 4443 §2.4 forbids an error, and for No Next Header (ignored, §4.7).
  [[nodiscard]] std::optional<Icmpv6ParamProblem> unrecognized_next_header() const;
};

/// Why the walk refused a packet.
struct Ipv6WalkError {
  WireError reason;
  std::optional<Icmpv6ParamProblem> icmp;  ///< what to send back, if anything
};

/// Walks the extension headers of a validated packet, as its destination.
/// Refusals (each with its reason; ICMP as RFC 8200 says):
///   kIp6ExtTruncated     a header (or its length byte) past the payload — silent
///   kIp6ChainTooLong     more than limits.max_headers headers — silent
///   kIp6HopByHopNotFirst Next Header 0 after an extension header — code 1 at that byte
///   kIp6OptionPastEnd    an option past its header — silent
///   kIp6OptionLimit      > max_options options, or > 7 bytes of padding in a row — silent
///   kIp6UnknownOption    unknown option with action 01 (silent), 10 or 11 (code 2 at its type; 11
///   not to multicast) kIp6RoutingType0     Routing type 0 with segments left > 0 — code 0 at the
///   type (RFC 5095 §3) kIp6RoutingUnsupported any other Routing header with segments left > 0 —
///   code 0 at the type
///                        (a host forwards nothing; with segments left 0 it is skipped)
///   kIp6FragmentBadLength M set and fragment data not a multiple of 8 (code 0 at the payload
///                        length), or offset + data past 65535 (code 0 at the offset field)
///   kIp6FirstFragmentIncomplete the first fragment ends before the upper-layer header does
///                        (TCP 20, UDP 8, ICMPv6 8 bytes) — code 3, pointer 0 (RFC 7112 §5)
[[nodiscard]] std::expected<Ipv6Chain, Ipv6WalkError> walk_ipv6_chain(
    const Ipv6View& ip, const Ipv6WalkLimits& limits = {});

/// What the walk of a quoted, possibly cut-short packet found (ICMPv6 errors
/// quote as much of the offending packet as fits in 1280 bytes).
struct Ipv6QuotedChain {
  std::uint8_t protocol = 0;  ///< upper-layer protocol
  Bytes upper;                ///< its first bytes, as many as were quoted
};

/// Skips the extension headers of a quoted packet (`quote` starts at its IPv6
/// header; its payload length is not checked against the bytes quoted).
/// Errors: kTruncated (< 40 bytes, or a header cut off), kIp6BadVersion,
/// kIp6ChainTooLong (> kIpv6MaxChainHeaders), kIpFragment (a fragment with
/// offset ≠ 0 quotes no upper-layer header).
[[nodiscard]] std::expected<Ipv6QuotedChain, WireError> walk_ipv6_quote(Bytes quote);

}  // namespace synack
