// SPDX-License-Identifier: Apache-2.0
// PAWS — Protection Against Wrapped Sequences (RFC 7323 §5): the pure rules,
// shared by the connection (connection_timestamps.cc) and its tests.
#pragma once

#include <cstdint>

#include "base/seq.hpp"
#include "base/time.hpp"

namespace synack::tcp {

/// RFC 7323 §5.5: TS.Recent is invalid once the connection has been idle
/// (TS.Recent not updated) for more than 24 days — a 1 ms timestamp clock
/// wraps its sign bit in 24.8 days.
inline constexpr Duration kPawsIdle = std::chrono::hours(24 * 24);

/// "a < b" for timestamps: 32-bit serial-number arithmetic (RFC 7323 §5.2,
/// RFC 1982), so 0xFFFFFFF0 < 0x10.
[[nodiscard]] constexpr bool ts_before(std::uint32_t a, std::uint32_t b) {
  return static_cast<std::int32_t>(a - b) < 0;
}

/// RFC 7323 §5.5: TS.Recent, last updated at `recent_age`, is still valid at `now`.
[[nodiscard]] constexpr bool ts_recent_valid(Instant recent_age, Instant now) {
  return now - recent_age <= kPawsIdle;
}

/// RFC 7323 §4.3 (2) with the "covering" test (RFC 7323 Appendix D errata,
/// FreeBSD tcp_input, Linux tcp_store_ts_recent via rcv_wup): the segment
/// [SEG.SEQ, SEG.SEQ + SEG.LEN] contains Last.ACK.sent, so its TSval is the
/// one the next ACK echoes.
[[nodiscard]] constexpr bool covers_last_ack_sent(SeqNum seg_seq, SeqLen seg_len,
                                                  SeqNum last_ack_sent) {
  return seq_le(seg_seq, last_ack_sent) && seq_le(last_ack_sent, seg_seq + seg_len);
}

}  // namespace synack::tcp
