// SPDX-License-Identifier: Apache-2.0
#include "tcp/time_wait.hpp"

#include <algorithm>

#include "tcp/acceptability.hpp"
#include "tcp/syn_fin.hpp"

namespace synack::tcp {
namespace {

TimeWaitResult drop(DropReason why, std::string_view cause, std::string_view rfc) {
  return {TimeWaitVerdict::kDrop, std::nullopt, why, {}, cause, rfc};
}

TimeWaitResult ack(const TimeWaitEntry& tw, Instant now, std::string_view cause,
                   std::string_view rfc, DropReason why = DropReason::kNone) {
  return {TimeWaitVerdict::kAck, time_wait_ack(tw, now), why, {}, cause, rfc};
}

TimeWaitResult challenge_ack(TimeWaitEntry& tw, const Config& cfg, Instant now,
                             std::string_view cause, std::string_view rfc,
                             DropReason why = DropReason::kSynInWindow) {
  // The entry keeps no time window: at most `challenge_ack_limit` over its life.
  if (tw.challenge_acks >= std::min<std::uint32_t>(cfg.challenge_ack_limit, 255)) {
    return drop(DropReason::kChallengeAckLimit, cause, "RFC 5961 §7");
  }
  ++tw.challenge_acks;
  return ack(tw, now, cause, rfc, why);
}

TimeWaitResult restart(TimeWaitEntry& tw, const Config& cfg, Instant now, std::string_view cause,
                       std::string_view rfc) {
  tw.expiry = now + 2 * cfg.msl;
  return {TimeWaitVerdict::kAckRestart, time_wait_ack(tw, now), DropReason::kNone, {}, cause, rfc};
}

TimeWaitResult on_rst(TimeWaitEntry& tw, const TcpSegment& seg, const Config& cfg, Instant now) {
  if (tw.rfc1337) {
    return drop(DropReason::kRstInTimeWait, "rcv RST in TIME-WAIT",
                "RFC 1337 §3 (TW assassination)");
  }
  const std::uint32_t wnd = std::max<std::uint32_t>(tw.rcv_wnd, 1);
  if (seg.seq == tw.rcv_nxt || (cfg.insecure_rst && in_window(seg.seq, tw.rcv_nxt, wnd))) {
    return {TimeWaitVerdict::kClose,
            std::nullopt,
            DropReason::kNone,
            {},
            "rcv RST",
            "RFC 9293 §3.10.7.4 second: RST (TIME-WAIT)"};
  }
  if (in_window(seg.seq, tw.rcv_nxt, wnd)) {
    return challenge_ack(tw, cfg, now, "rcv RST in window, not RCV.NXT", "RFC 5961 §3.2",
                         DropReason::kRstInWindow);
  }
  return drop(DropReason::kRstOutOfWindow, "rcv RST outside the window", "RFC 5961 §3.2");
}

// A SYN (no ACK) that may re-open: a newer TSval (RFC 6191) or SEG.SEQ > RCV.NXT.
// RFC 9293 MAY-2: a new SYN reopens the connection from TIME-WAIT (RFC 6191 rules).
// RFC 9293 SHLD-4: with timestamps, a SYN with a newer TSval reopens TIME-WAIT (RFC 6191).
bool syn_reopens(const TimeWaitEntry& tw, const TcpSegment& seg) {
  if (!seg.flags.syn() || seg.flags.ack()) return false;
  const auto ts = seg.options.summarize().timestamps;
  return (tw.ts_ok && ts) ? static_cast<std::int32_t>(ts->val - tw.ts_recent) > 0
                          : seq_gt(seg.seq, tw.rcv_nxt);
}

TimeWaitResult on_syn(TimeWaitEntry& tw, const TcpSegment& seg, const Config& cfg, Instant now) {
  if (syn_reopens(tw, seg)) {
    // Linux: ISS = tw_snd_nxt + 65535 + 2, beyond anything the old incarnation sent.
    return {TimeWaitVerdict::kReopen,
            std::nullopt,
            DropReason::kNone,
            tw.snd_nxt + 65537u,
            "rcv SYN with SEG.SEQ > RCV.NXT",
            "RFC 9293 §3.10.7.4 fourth (TIME-WAIT note), RFC 6191 §2"};
  }
  return challenge_ack(tw, cfg, now, "rcv SYN in TIME-WAIT", "RFC 5961 §4.2");
}

// DEVIATION(freebsd): Config::time_wait_twcheck — FreeBSD tcp_twcheck() after
// RST and re-opening SYN handling: no ACK bit → drop (an old SYN is not
// challenged); a duplicate FIN restarts 2·MSL; anything but an exact duplicate
// ACK is answered with an ACK.
TimeWaitResult twcheck(TimeWaitEntry& tw, const TcpSegment& seg, const Config& cfg, Instant now) {
  constexpr std::string_view kRule = "FreeBSD tcp_twcheck()";
  if (!seg.flags.ack()) return drop(DropReason::kNoAck, "ACK bit off in TIME-WAIT", kRule);
  if (seg.flags.fin() && seg.seq + seg.seg_len() == tw.rcv_nxt) {
    return restart(tw, cfg, now, "rcv retransmitted FIN", kRule);
  }
  const bool duplicate_ack = !seg.flags.fin() && !seg.flags.syn() && seg.payload.empty() &&
                             seg.seq == tw.rcv_nxt && seg.ack == tw.snd_nxt;
  if (!duplicate_ack) {
    return ack(tw, now, "rcv segment in TIME-WAIT", kRule, DropReason::kNotAcceptable);
  }
  return drop(DropReason::kTimeWaitIgnored, "rcv duplicate ACK in TIME-WAIT", kRule);
}

}  // namespace

TcpSegment time_wait_ack(const TimeWaitEntry& tw, Instant now) {
  TcpSegment s;
  s.src_port = tw.tuple.local_port();
  s.dst_port = tw.tuple.remote_port();
  s.seq = tw.snd_nxt;
  s.ack = tw.rcv_nxt;
  s.flags.bits = TcpFlags::kAck;
  s.window =
      static_cast<std::uint16_t>(std::min<std::uint32_t>(tw.rcv_wnd >> tw.rcv_wscale, 65535));
  if (tw.ts_ok) s.options.nop().nop().timestamps(ts_clock(now), tw.ts_recent);
  return s;
}

TimeWaitResult time_wait_on_segment(TimeWaitEntry& tw, const TcpSegment& seg, Instant now,
                                    const Config& cfg) {
  if (drops_syn_fin(seg, cfg)) return drop(DropReason::kSynFin, kSynFinCause, kSynFinRule);
  if (seg.flags.rst()) return on_rst(tw, seg, cfg, now);
  if (cfg.time_wait_twcheck) {
    return syn_reopens(tw, seg) ? on_syn(tw, seg, cfg, now) : twcheck(tw, seg, cfg, now);
  }
  if (seg.flags.syn()) return on_syn(tw, seg, cfg, now);
  // A retransmission of the peer's FIN: ACK it and restart 2·MSL (§3.10.7.4 fifth, TIME-WAIT).
  if (seg.flags.fin() && seg.seq + seg.seg_len() == tw.rcv_nxt) {
    return restart(tw, cfg, now, "rcv retransmitted FIN",
                   "RFC 9293 §3.10.7.4 fifth: ACK (TIME-WAIT)");
  }
  if (!segment_acceptable(seg.seq, seg.seg_len(), tw.rcv_nxt, tw.rcv_wnd)) {
    return ack(tw, now, "segment not acceptable", "RFC 9293 §3.10.7.4 first: sequence number",
               DropReason::kNotAcceptable);
  }
  if (!seg.flags.ack()) {
    return drop(DropReason::kNoAck, "ACK bit off", "RFC 9293 §3.10.7.4 fifth: ACK");
  }
  if (seg.flags.fin() && seg.seq + static_cast<SeqLen>(seg.payload.size()) == tw.rcv_nxt) {
    return restart(tw, cfg, now, "rcv FIN", "RFC 9293 §3.10.7.4 eighth: FIN (TIME-WAIT)");
  }
  if (!seg.payload.empty() || seg.flags.fin()) {
    return ack(tw, now, "text after FIN", "RFC 9293 §3.10.7.4 seventh: text (TIME-WAIT)",
               DropReason::kDataAfterFin);
  }
  // DEVIATION(linux): an acceptable bare ACK is ignored (tcp_timewait_state_process
  // TCP_TW_SUCCESS) instead of re-ACKed; only FINs restart the timer.
  return drop(DropReason::kTimeWaitIgnored, "rcv ACK in TIME-WAIT",
              "RFC 9293 §3.10.7.4 fifth: ACK (TIME-WAIT)");
}

}  // namespace synack::tcp
