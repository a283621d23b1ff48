// SPDX-License-Identifier: Apache-2.0
// Explainability: every state transition, drop, RST sent, challenge ACK,
// retransmission, timer and user call is reported as a TraceEvent carrying the
// cause and the RFC rule (docs/architecture.md, "Every decision is explainable").
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

#include "base/out_of_line.hpp"
#include "base/time.hpp"
#include "tcp/state.hpp"
#include "tcp/types.hpp"

namespace synack::tcp {

enum class TraceKind : std::uint8_t {
  kStateChange,   ///< from → to
  kDrop,          ///< a segment discarded; `drop` says why
  kRstSent,       ///< a RST queued for transmission
  kChallengeAck,  ///< an RFC 5961 challenge ACK queued
  kRetransmit,    ///< a segment (SYN, SYN-ACK, data, FIN) retransmitted after RTO
  kTimerFired,    ///< a timer expired (TIME-WAIT, FIN-WAIT-2, give-up)
  kUserCall,      ///< OPEN / SEND / RECEIVE / CLOSE / ABORT
};

/// Why a segment was discarded. Counted per connection / listener.
enum class DropReason : std::uint8_t {
  kNone,                ///< not a drop
  kRstNoConnection,     ///< RST to a CLOSED port / LISTEN (never RST a RST)
  kRstOutOfWindow,      ///< RFC 5961 §3.2: RST outside the receive window
  kRstInWindow,         ///< RFC 5961 §3.2: RST in the window but not at RCV.NXT (challenge ACK)
  kRstInTimeWait,       ///< RFC 1337: RST ignored in TIME-WAIT
  kRstUnacceptableAck,  ///< RST in SYN-SENT without an acceptable ACK
  kSynFin,              ///< SYN+FIN with drop_synfin
  kNoSynNoRst,          ///< SYN-SENT: neither SYN nor RST (§3.10.7.3 fifth)
  kNotAcceptable,       ///< fails the §3.10.7.4 acceptability test (ACK sent)
  kNoAck,               ///< ACK bit off in a synchronized state (§3.10.7.4 fifth)
  kAckUnsent,           ///< SEG.ACK > SND.NXT (ACK sent)
  kAckTooOld,           ///< SEG.ACK < SND.UNA − MAX.SND.WND (RFC 5961 §5.2, ACK sent)
  kUnacceptableAck,     ///< SYN-SENT / SYN-RECEIVED / LISTEN: bad ACK (RST sent)
  kSynInWindow,         ///< SYN in a synchronized state (challenge ACK or RST)
  kChallengeAckLimit,   ///< a challenge ACK suppressed by the per-connection limit
  kOutOfOrder,          ///< data not at RCV.NXT (held segments are not kept yet)
  kReceiveBufferFull,   ///< data beyond the receive buffer
  kDataAfterFin,        ///< text or FIN after the peer's FIN (ignored)
  kSynQueueFull,        ///< listener: SYN queue full (drop or RST)
  kAcceptQueueFull,     ///< listener: accept queue full
  kBadCookie,           ///< listener: ACK with an invalid SYN cookie
  kTimeWaitIgnored,     ///< TIME-WAIT: a segment that needs no answer
  kStaleSynAck,         ///< SYN-RECEIVED: duplicate SYN answered by SYN-ACK
  kPaws,                ///< RFC 7323 §5.3: SEG.TSval older than TS.Recent (ACK sent unless RST)
  kPmtuFloor,           ///< ICMP frag-needed below Config::min_pmtu: MTU raised to the floor
  kCount,
};
inline constexpr std::size_t kDropReasonCount = static_cast<std::size_t>(DropReason::kCount);

[[nodiscard]] std::string_view to_string(TraceKind k);
[[nodiscard]] std::string_view to_string(DropReason r);

/// Drops by reason (index = DropReason).
struct DropCounters {
  std::array<std::uint64_t, kDropReasonCount> count{};
  void add(DropReason r) { ++count[static_cast<std::size_t>(r)]; }
  [[nodiscard]] std::uint64_t operator[](DropReason r) const {
    return count[static_cast<std::size_t>(r)];
  }
  [[nodiscard]] std::uint64_t total() const;
};

/// DropCounters allocated on the first drop: a connection that never dropped
/// anything holds one pointer instead of the whole array (the compact TCB of
/// docs/architecture.md).
class LazyDropCounters {
 public:
  void add(DropReason r) { counters_.mut().add(r); }
  /// The counters (all zero before the first drop).
  [[nodiscard]] const DropCounters& get() const { return counters_.get(); }

 private:
  OutOfLine<DropCounters> counters_;
};

/// One explained decision. `cause` and `rfc` point at static strings.
struct TraceEvent {
  Instant at;
  std::uint64_t conn = 0;  ///< connection id given at construction (0 = listener / none)
  FourTuple tuple;
  TraceKind kind = TraceKind::kStateChange;
  State from = State::kClosed;  ///< state before (== to unless kStateChange)
  State to = State::kClosed;
  std::string_view cause;  ///< e.g. "rcv SYN,ACK", "RTO", "user CLOSE"
  std::string_view rfc;    ///< e.g. "RFC 9293 §3.10.7.4 fifth: ACK"
  DropReason drop = DropReason::kNone;
};

/// Receives trace events. Implementations must not call back into the engine.
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void on_event(const TraceEvent& e) = 0;
};

}  // namespace synack::tcp
