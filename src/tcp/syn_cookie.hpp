// SPDX-License-Identifier: Apache-2.0
// SYN cookies (RFC 4987 §3.6): a listener whose SYN queue is full answers with
// a SYN-ACK whose ISS encodes the state it did not keep, and rebuilds the
// connection from the returning ACK.
//
// Layout of the 32-bit cookie: bits 31..8 SipHash-2-4(secret, "cookie",
// 4-tuple, peer ISN, t, MSS index) (24 bits), bits 7..3 the low 5 bits of t (a 64 s
// counter), bits 2..0 an index into kCookieMssTable. Valid for the current and
// the previous counter value (64..128 s).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "base/seq.hpp"
#include "base/siphash.hpp"
#include "base/time.hpp"
#include "tcp/types.hpp"

namespace synack::tcp {

/// MSS values a cookie can carry (bytes); the largest ≤ the peer's MSS is used.
inline constexpr std::array<std::uint16_t, 8> kCookieMssTable{536,  1200, 1300, 1380,
                                                              1420, 1440, 1460, 8960};

/// The ISS to send in a cookie SYN-ACK for a SYN with SEG.SEQ = `peer_isn`
/// offering `peer_mss` (536 if absent, RFC 9293 §3.7.1).
[[nodiscard]] SeqNum make_syn_cookie(const SipKey& secret, const FourTuple& tuple, SeqNum peer_isn,
                                     std::uint16_t peer_mss, Instant now);

/// Checks the cookie echoed in an ACK (cookie = SEG.ACK − 1, peer ISN = SEG.SEQ − 1).
/// Returns the MSS it encodes, or nullopt if forged or older than two counter periods.
[[nodiscard]] std::optional<std::uint16_t> check_syn_cookie(const SipKey& secret,
                                                            const FourTuple& tuple, SeqNum peer_isn,
                                                            SeqNum cookie, Instant now);

}  // namespace synack::tcp
