// SPDX-License-Identifier: Apache-2.0
// Connection: Explicit Congestion Notification (RFC 3168 §6.1), switched by
// Config::ecn. Negotiated in the handshake; the IP layer marks new data ECT(0)
// (ip_ecn()) and reports CE (note_ce()); the engine echoes, reacts, confirms.
#include "tcp/connection.hpp"

namespace synack::tcp {

// Our SYN (transmission number retransmits_) asks for ECN: kOn, and not past
// Config::ecn_syn_retries retransmissions (RFC 3168 §6.1.1.1 fallback).
bool Connection::ecn_syn_asks() const {
  return cfg_->ecn == EcnMode::kOn && sender_.retransmits() <= cfg_->ecn_syn_retries;
}

// RFC 9293 SHLD-8 [configurable]: RFC 3168 ECN, Config::ecn, default accept-only.
// RFC 3168 §6.1.1: an ECN-setup SYN carries ECE and CWR; the SYN-ACK agreeing
// carries ECE only, and only to a SYN that asked.
void Connection::ecn_on_syn(const TcpSegment& syn) {
  const bool ece = syn.flags.ece(), cwr = syn.flags.cwr();
  if (syn.flags.ack()) {
    ecn_ok_ = ecn_syn_asks() && ece && !cwr;  // the answer to our SYN
  } else {
    ecn_ok_ = cfg_->ecn != EcnMode::kOff && ece && cwr;  // a peer's SYN asks
  }
}

void Connection::note_ce() {
  if (!ecn_ok_ || !is_synchronized(state_)) return;
  ece_pending_ = true;
  ack_pending_ = true;  // tell the sender at once
}

void Connection::ecn_on_segment(const TcpSegment& seg, Instant now) {
  if (!ecn_ok_) return;
  if (seg.flags.cwr()) ece_pending_ = false;  // §6.1.3: the sender has reacted
  if (!seg.flags.ece() || !seg.flags.ack() || seg.flags.syn() || !sender_.congestion()) return;
  // §6.1.2: at most one reduction per window of data.
  if (ecn_cut_ && seq_lt(seg.ack, ecn_recover_)) return;
  sender_.congestion(*cfg_, send_mss())
      .on_ecn(static_cast<std::uint32_t>(sender_.bytes_in_flight()), now);
  ecn_cut_ = true;
  ecn_recover_ = sender_.snd.nxt;
  cwr_pending_ = true;
}

void Connection::ecn_mark(TcpSegment& s) const {
  if (s.flags.rst()) return;
  if (s.flags.syn()) {
    if (!s.flags.ack() && ecn_syn_asks()) s.flags.bits |= TcpFlags::kEce | TcpFlags::kCwr;
    if (s.flags.ack() && ecn_ok_) s.flags.bits |= TcpFlags::kEce;
    return;
  }
  if (ecn_ok_ && ece_pending_ && s.flags.ack()) s.flags.bits |= TcpFlags::kEce;
}

void Connection::ecn_new_data(TcpSegment& s) {
  if (!ecn_ok_ || s.payload.empty()) return;
  last_tx_ect_ = true;  // §6.1.5: never on retransmissions, ACKs, SYNs or probes
  if (cwr_pending_) {
    s.flags.bits |= TcpFlags::kCwr;
    cwr_pending_ = false;
  }
}

}  // namespace synack::tcp
