// SPDX-License-Identifier: Apache-2.0
// TIME-WAIT as a compact entry (RFC 9293 §3.10.7.4, RFC 1337, RFC 6191): once
// a connection reaches TIME-WAIT its owner may free the TCB and keep only this
// (≤ 64 bytes); time_wait_on_segment() says what to do with each arrival.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "base/seq.hpp"
#include "base/time.hpp"
#include "tcp/config.hpp"
#include "tcp/trace.hpp"
#include "tcp/types.hpp"
#include "wire/tcp.hpp"

namespace synack::tcp {

struct TimeWaitEntry {
  StoredTuple tuple;                ///< 16 bytes; an IPv6 pair out of line
  SeqNum snd_nxt;                   ///< our SND.NXT (after our FIN)
  SeqNum rcv_nxt;                   ///< RCV.NXT (after the peer's FIN)
  std::uint32_t rcv_wnd = 0;        ///< RCV.WND, bytes (for the window test and our ACKs)
  std::uint32_t ts_recent = 0;      ///< last TSval from the peer (RFC 7323 §4.3)
  Instant expiry = kNever;          ///< 2·MSL after the last FIN
  std::uint8_t rcv_wscale = 0;      ///< our window shift (0 without window scaling)
  bool ts_ok = false;               ///< timestamps negotiated
  bool rfc1337 = true;              ///< ignore RST (Config::time_wait_rfc1337)
  std::uint8_t challenge_acks = 0;  ///< challenge ACKs sent in the current interval
};
static_assert(sizeof(TimeWaitEntry) <= 64, "TIME-WAIT entries must stay compact");

/// What to do with a segment that arrived for a TIME-WAIT entry.
enum class TimeWaitVerdict : std::uint8_t {
  kDrop,        ///< discard (counted by `drop`)
  kAck,         ///< send `reply` (an ACK)
  kAckRestart,  ///< send `reply` and restart the 2·MSL timer (entry.expiry updated)
  kClose,       ///< RST accepted: delete the entry (CLOSED)
  kReopen,      ///< a new SYN: hand it to the listener / re-open with ISS `reopen_iss`
};

struct TimeWaitResult {
  TimeWaitVerdict verdict = TimeWaitVerdict::kDrop;
  std::optional<TcpSegment> reply;
  DropReason drop = DropReason::kNone;
  SeqNum reopen_iss;  ///< for kReopen: an ISS beyond anything the old connection sent
  std::string_view cause;
  std::string_view rfc;
};

/// Decides about `seg` against `tw` at `now` (RFC 9293 §3.10.7.4 for TIME-WAIT):
/// RST → ignored (RFC 1337) or RFC 5961 §3.2 checks; a SYN (no ACK) with
/// SEG.SEQ > RCV.NXT, or (with timestamps) a newer TSval (RFC 6191 §2),
/// re-opens; other SYNs → ACK (RFC 5961 §4.2); a retransmitted FIN → ACK and
/// restart 2·MSL; other unacceptable segments → ACK; the rest is dropped.
[[nodiscard]] TimeWaitResult time_wait_on_segment(TimeWaitEntry& tw, const TcpSegment& seg,
                                                  Instant now, const Config& cfg);

/// The ACK <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> a TIME-WAIT entry sends.
[[nodiscard]] TcpSegment time_wait_ack(const TimeWaitEntry& tw, Instant now);

/// True once 2·MSL have passed since the last FIN (RFC 9293 §3.10.8 TIME-WAIT TIMEOUT).
[[nodiscard]] inline bool time_wait_expired(const TimeWaitEntry& tw, Instant now) {
  return now >= tw.expiry;
}

/// TSval clock shared by connections and TIME-WAIT entries: 1 ms ticks (RFC 7323 §5.4).
[[nodiscard]] inline std::uint32_t ts_clock(Instant now) {
  return static_cast<std::uint32_t>(to_us(now) / 1000);
}

}  // namespace synack::tcp
