// SPDX-License-Identifier: Apache-2.0
// The send side (sender.hpp): the send sequence space and what an ACK does to
// it (RFC 9293 §3.10.7.4 fifth), RTT samples and the retransmission timer
// (RFC 6298, RFC 7323 §4), the RTO's go-back-N and the user timeout (RFC 5482).
#include "tcp/sender.hpp"

#include <algorithm>

#include "tcp/paws.hpp"
#include "tcp/time_wait.hpp"

namespace synack::tcp {

Sender::Sender(const Config& cfg) : buf_(cfg.snd_buf), rtt_(rtt_config(cfg)) {}

// ---- the sequence space -------------------------------------------------------------

void Sender::on_peer_syn(const TcpSegment& syn, bool ack) {
  snd.wnd = syn.window;  // SYN windows are never scaled (RFC 7323 §2.2)
  max_snd_wnd_ = snd.wnd;
  snd.wl1 = syn.seq;
  if (ack) {
    snd.una = syn.ack;
    snd.wl2 = syn.ack;
  }
}

void Sender::take_window(const TcpSegment& seg, std::uint8_t snd_wscale) {
  snd.wnd = std::uint32_t{seg.window} << snd_wscale;
  snd.wl1 = seg.seq;
  snd.wl2 = seg.ack;
  max_snd_wnd_ = std::max(max_snd_wnd_, snd.wnd);
}

void Sender::update_window(const TcpSegment& seg, std::uint8_t snd_wscale) {
  // RFC 9293 MUST-1: SEG.WND is an unsigned 16-bit field, widened to 32 bits before scaling.
  // §3.10.7.4 fifth: update if SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK).
  if (seq_lt(snd.wl1, seg.seq) || (snd.wl1 == seg.seq && seq_le(snd.wl2, seg.ack))) {
    take_window(seg, snd_wscale);
  }
}

std::size_t Sender::acknowledge(SeqNum ack, const Config& cfg, Instant now) {
  // SND.UNA < SEG.ACK =< SND.NXT: remove what is acknowledged (data, not SYN/FIN).
  const SeqNum front = data_front();
  SeqNum data_end = ack;
  if (fin_sent_ && seq_gt(ack, fin_seq_)) data_end = fin_seq_;
  const std::int32_t n = data_end - front;
  if (n > 0) buf_.acknowledge(static_cast<std::size_t>(n));
  snd.una = ack;
  urgent_progress();
  unacked_since_ = kNever;  // progress: the user timeout starts again (RFC 5482)
  // RFC 6298 (5.2)/(5.3): stop or restart the timer. The backed-off RTO stays
  // until a new RTT sample collapses it (RFC 6298 §5, Karn).
  retransmits_ = 0;
  // After an RTO the go-back-N ends once its high mark is acknowledged.
  if (rto_recovery_ && !seq_lt(snd.una, rto_high_)) rto_recovery_ = false;
  rtx_pending_ = rtx_pending_ && rto_recovery_;
  if (snd.una == snd.nxt) {
    rtx_deadline_ = kNever;
  } else {
    arm_retransmit(cfg, now);
  }
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

std::size_t Sender::bytes_in_flight() const {
  const SeqNum end = fin_sent_ ? fin_seq_ : snd.nxt;
  const std::int32_t n = end - data_front();
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

// Every segment that starts before SND.UP carries URG and the offset to it;
// an offset beyond the 16-bit field is sent as 65535, still ahead of SEG.SEQ,
// until a later segment can name SND.UP itself (Linux tcp_options_write does the same).
void Sender::mark_urgent(TcpSegment& s) const {
  if (!up_valid_ || s.flags.syn() || s.flags.rst() || !seq_gt(snd.up, s.seq)) return;
  s.flags.bits |= TcpFlags::kUrg;
  s.urgent = static_cast<std::uint16_t>(std::min<std::uint32_t>(snd.up - s.seq, 0xffff));
}

void Sender::release() {
  buf_.clear();
  stop_timers();
}

void Sender::stop_timers() {
  rtx_deadline_ = kNever;
  rtx_pending_ = probe_pending_ = false;
  stop_persist();
}

// ---- RTT and the retransmission timer (RFC 6298) --------------------------------------

RttConfig Sender::rtt_config(const Config& cfg) {
  return RttConfig{.initial_rto = cfg.initial_rto,
                   .min_rto = cfg.min_rto,
                   .max_rto = cfg.max_rto,
                   .granularity = milliseconds(1),
                   .syn_fallback_rto = cfg.initial_rto_after_syn_timeout};
}

Duration Sender::rto(const Config& cfg) const {
  // RFC 6298: SRTT + max(G, 4·RTTVAR) (initial_rto before a sample), doubled on
  // each expiry (5.5); handshake RTOs start at initial_rto unclamped by min_rto.
  // FreeBSD's rexmit_slop is added once backed off (0 for Linux).
  const Duration r = rtt_.rto();
  if (rtt_.backoffs() == 0) return r;
  return std::min(r + cfg.rexmit_slop, cfg.max_rto);
}

void Sender::handshake_complete() {
  // RFC 6298 (5.7): after a retransmitted SYN/SYN-ACK, data starts with RTO = 3 s
  // unless an RTT was already measured (e.g. from the SYN-ACK's timestamps).
  if (syn_timed_out_) rtt_.on_handshake_after_syn_timeout();
  retransmits_ = 0;
}

void Sender::restart_rto_estimate(const Config& cfg) {
  retransmits_ = 0;
  rtt_ = RttEstimator(rtt_config(cfg));
  rtt_sampler_ = RttSampler{};
}

void Sender::sample_rtt(const TcpSegment& seg, bool ts_ok, Instant now) {
  // RFC 7323 §4.1: with timestamps an ACK of new data gives RTT = now − TSecr
  // (retransmissions included: the echo names the transmission). TSecr 0 is
  // "no echo" (our clock at 0 ms), so it falls back to Karn's sampler.
  if (ts_ok) {
    if (const auto ts = seg.options.summarize().timestamps; ts && ts->ecr != 0) {
      const std::uint32_t ticks = ts_clock(now) - ts->ecr;
      if (ticks < (1u << 31) && !echo_predates_retransmission(ts->ecr, now)) {
        rtt_.on_sample(milliseconds(ticks));
      }
      (void)rtt_sampler_.on_ack(seg.ack, now);
      return;
    }
  }
  // RFC 6298 §3 (Karn): only a segment never retransmitted is timed.
  if (const auto r = rtt_sampler_.on_ack(seg.ack, now)) rtt_.on_sample(*r);
}

bool Sender::echo_predates_retransmission(std::uint32_t tsecr, Instant now) const {
  // An echo older than our latest retransmission answers a segment sent before
  // it: the ACK the peer sent then was lost or held back, and this one (a
  // duplicate ACK for a copy that does not cover its Last.ACK.sent, or its
  // own retransmission carrying the ACK) echoes the TS.Recent of that time,
  // RFC 7323 §4.3. now − TSecr would time the peer's backoff, not the path;
  // under 15 % loss + 15 % corruption such samples drove the RTO to minutes
  // (issue 17). Karn's rule (RFC 6298 §3) applied to the echo: not timed.
  // DEVIATION(linux): tcp_ack_update_rtt takes the TSecr sample when every
  // acknowledged segment was retransmitted.
  const auto rtx = rtt_sampler_.last_retransmission();
  // A retransmission 2^31 ms ago or more is no longer comparable (serial
  // arithmetic, RFC 7323 §5.2); any echo is newer than it by then.
  if (!rtx || now - *rtx >= milliseconds(std::int64_t{1} << 31)) return false;
  return ts_before(tsecr, ts_clock(*rtx));
}

void Sender::arm_retransmit(const Config& cfg, Instant now) {
  rtx_deadline_ = now + rto(cfg);
  note_unacked(now);  // user timeout
  // Linux tcp_clamp_rto_to_user_timeout: never sleep past the user timeout.
  if (cfg.user_timeout > Duration::zero() && unacked_since_ != kNever) {
    rtx_deadline_ = std::min(rtx_deadline_, unacked_since_ + cfg.user_timeout);
  }
}

RtoVerdict Sender::on_data_rto(const Config& cfg, std::uint16_t mss, Instant now) {
  if (snd.una == snd.nxt) return RtoVerdict::kIdle;  // nothing outstanding
  // RFC 9293 SHLD-17: data beyond a closed window is probed, never counted toward R2.
  if (snd.wnd == 0 && !fin_sent_) {
    // The peer closed its window with data outstanding: probes on the
    // persist timer, not retransmissions (RFC 6429; sender_persist.cc).
    persist_.mut().base = rto(cfg);
    persist_.mut().shift = 0;
    return RtoVerdict::kPersist;
  }
  // RFC 9293 MUST-20: R2 (max_retransmissions 15, or the user timeout) closes; R1 below.
  // RFC 9293 SHLD-11: R2 default ≥ 100 s: 15 backed-off RTOs of ≥ 200 ms last ≈ 15 min.
  if (cfg.user_timeout == Duration::zero() && retransmits_ >= cfg.max_retransmissions) {
    return RtoVerdict::kGiveUp;
  }
  rtx_pending_ = true;
  rto_recovery_ = true;  // later segments follow at cwnd pace (rto_recovery_segment)
  rto_high_ = snd.nxt;
  rtx_next_ = data_front();
  // RFC 5681 §3.1 (4): ssthresh = max(FlightSize/2, 2·SMSS) once per episode,
  // cwnd = 1 SMSS; RFC 6582 §3.2 (4): recover = SND.NXT, leave fast recovery.
  recovery_.on_rto(snd.nxt, static_cast<std::uint32_t>(bytes_in_flight()), congestion(cfg, mss),
                   now);
  fast_rtx_pending_ = false;
  return RtoVerdict::kRetransmit;
}

unsigned Sender::back_off(const Config& cfg, Instant now) {
  ++retransmits_;
  rtt_.backoff();                // RFC 6298 (5.5)
  rtt_sampler_.on_retransmit();  // RFC 6298 §3 (Karn)
  arm_retransmit(cfg, now);
  return retransmits_;
}

// ---- user timeout -------------------------------------------------------------------

void Sender::note_unacked(Instant now) {
  if (unacked_since_ == kNever && data_phase_) unacked_since_ = now;
}

bool Sender::user_timeout_expired(const Config& cfg, Instant now) const {
  return cfg.user_timeout > Duration::zero() && unacked_since_ != kNever &&
         now - unacked_since_ >= cfg.user_timeout;
}

void Sender::clamp_to_user_timeout(const Config& cfg, Instant now) {
  // Clamp a pending RTO to the new limit (Linux tcp_clamp_rto_to_user_timeout).
  if (cfg.user_timeout > Duration::zero() && rtx_deadline_ != kNever && unacked_since_ != kNever) {
    rtx_deadline_ = std::min(rtx_deadline_, std::max(now, unacked_since_ + cfg.user_timeout));
  }
}

}  // namespace synack::tcp
