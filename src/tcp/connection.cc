// SPDX-License-Identifier: Apache-2.0
// Connection: construction, user calls (RFC 9293 §3.10.1–§3.10.6) and the
// helpers shared with segment arrival (trace, state changes, RST/ACK queueing).
#include "tcp/connection.hpp"

#include <algorithm>

#include "tcp/rst.hpp"

namespace synack::tcp {

// The TCB's memory budget (docs/architecture.md "Memory per connection"): what
// an idle connection does not need goes out of line (base/out_of_line.hpp).
static_assert(sizeof(Connection) <= 656, "tcp::Connection grew: move cold state out of line");

Connection::Connection(SharedConfig cfg, TraceSink* sink, std::uint64_t id)
    : cfg_(std::move(cfg)), sink_(sink), id_(id), sender_(*cfg_), receiver_(cfg_->rcv_buf) {}

// ---- tracing and state ----------------------------------------------------------------

void Connection::trace(TraceKind kind, std::string_view cause, std::string_view rfc, Instant now,
                       DropReason why) {
  if (kind == TraceKind::kRetransmit) ++stats_.total_retrans;  // every retransmission is traced
  if (sink_ == nullptr) return;
  sink_->on_event(TraceEvent{now, id_, tuple_.get(), kind, state_, state_, cause, rfc, why});
}

void Connection::set_state(State to, std::string_view cause, std::string_view rfc, Instant now) {
  const State from = state_;
  state_ = to;
  sender_.set_data_phase(is_synchronized(to) && to != State::kSynReceived);  // user timeout
  if (to == State::kEstablished && from != to) arm_keepalive(now);  // connection_keepalive.cc
  if (sink_ != nullptr && from != to) {
    sink_->on_event(
        TraceEvent{now, id_, tuple_.get(), TraceKind::kStateChange, from, to, cause, rfc, {}});
  }
}

void Connection::drop(DropReason why, std::string_view cause, std::string_view rfc, Instant now) {
  drops_.add(why);
  trace(TraceKind::kDrop, cause, rfc, now, why);
}

void Connection::queue_rst(const TcpSegment& rst, std::string_view cause, std::string_view rfc,
                           Instant now) {
  if (control_.get().size() < kMaxControl) control_.mut().push_back(rst);
  trace(TraceKind::kRstSent, cause, rfc, now);
}

void Connection::send_challenge_ack(std::string_view cause, std::string_view rfc, Instant now) {
  // RFC 5961 §7: rate-limit challenge ACKs, per connection (never host-wide, CVE-2016-5696).
  if (now - challenge_window_start_ >= cfg_->challenge_ack_interval) {
    challenge_window_start_ = now;
    challenge_count_ = 0;
  }
  if (challenge_count_ >= cfg_->challenge_ack_limit) {
    drop(DropReason::kChallengeAckLimit, cause, "RFC 5961 §7", now);
    return;
  }
  ++challenge_count_;
  ack_pending_ = true;
  challenge_pending_ = true;  // never carries a FIN again (Config::ack_resends_fin)
  trace(TraceKind::kChallengeAck, cause, rfc, now);
}

void Connection::release_buffers(bool keep_received) {
  // A graceful close keeps received bytes for RECEIVE; a reset flushes all queues.
  sender_.release();
  receiver_.release(keep_received);
  syn_pending_ = ack_pending_ = keepalive_probe_pending_ = false;
  close_deadline_ = handshake_deadline_ = kNever;
  keepalive_deadline_ = kNever;
}

// RFC 9293 MUST-13: TIME-WAIT lasts 2·MSL (Config::msl 30 s: Linux's 60 s TIME-WAIT).
void Connection::enter_time_wait(Instant now) {
  sender_.stop_timers();  // "turn off the other timers"
  receiver_.stop_delack();
  handshake_deadline_ = kNever;
  keepalive_probe_pending_ = false;
  keepalive_deadline_ = kNever;
  close_deadline_ = now + 2 * cfg_->msl;
}

bool Connection::can_be_freed() const {
  if (!control_.get().empty()) return false;
  return state_ == State::kClosed || (state_ == State::kListen && passive_);
}

TimeWaitEntry Connection::to_time_wait() const {
  TimeWaitEntry tw;
  tw.tuple = tuple_;
  tw.snd_nxt = sender_.snd.nxt;
  tw.rcv_nxt = receiver_.rcv.nxt;
  tw.rcv_wnd = receive_window();
  tw.ts_recent = ts_recent_;
  tw.expiry = close_deadline_;
  tw.rcv_wscale = wscale_ok_ ? rcv_wscale_ : 0;
  tw.ts_ok = ts_ok_;
  tw.rfc1337 = cfg_->time_wait_rfc1337;
  return tw;
}

std::uint16_t Connection::send_mss() const {
  // Segments fit both MSSs (ours reflects our MTU), minus the TS option (RFC 7323).
  return static_cast<std::uint16_t>(std::min(peer_mss_, cfg_->mss) - (ts_ok_ ? 12 : 0));
}

Status Connection::status() const {
  Status s;
  s.state = state_;
  s.error = error_;
  s.tuple = tuple_.get();
  s.snd = sender_.snd;
  s.rcv = receiver_.rcv;
  s.rcv.wnd = receive_window();
  s.max_snd_wnd = sender_.max_snd_wnd();
  s.snd_mss = send_mss();
  s.snd_wscale = snd_wscale_;
  s.rcv_wscale = rcv_wscale_;
  s.wscale_ok = wscale_ok_;
  s.sack_ok = sack_ok_;
  s.ts_ok = ts_ok_;
  s.send_queued = sender_.queued();
  s.receive_queued = receiver_.readable();
  s.rto = sender_.rto(*cfg_);
  s.retransmits = sender_.retransmits();
  s.passive = passive_;
  s.fin_received = receiver_.fin_received();
  s.fin_sent = sender_.fin_sent();
  if (const CongestionControl* cc = sender_.congestion()) {
    s.cwnd = cc->cwnd();
    s.ssthresh = cc->ssthresh();
  }
  s.srtt = sender_.rtt().srtt().value_or(Duration::zero());
  s.persist_probes = sender_.persist_probes();
  s.soft_error = soft_error_;
  return s;
}

// ---- OPEN (§3.10.1) -------------------------------------------------------------------

std::expected<void, std::errc> Connection::open_active(const FourTuple& tuple, Instant now) {
  return open_active(tuple, IsnGenerator(cfg_->isn_secret, cfg_->fixed_iss).next(tuple, now), now);
}

std::expected<void, std::errc> Connection::open_active(const FourTuple& tuple, SeqNum iss,
                                                       Instant now) {
  if (state_ != State::kClosed) {
    // §3.10.1 "OPEN Call" in any other state: "error: connection already exists".
    return std::unexpected(is_synchronized(state_) && state_ != State::kSynReceived
                               ? std::errc::already_connected
                               : std::errc::connection_already_in_progress);
  }
  *this = Connection(cfg_, sink_, id_);
  tuple_ = tuple;
  trace(TraceKind::kUserCall, "user OPEN (active)", "RFC 9293 §3.10.1", now);
  sender_.open(iss);  // the SYN is "sent" now; poll_transmit emits it
  receiver_.rcv.wnd = receive_window();
  rcv_wscale_ = cfg_->window_scaling ? std::min<std::uint8_t>(cfg_->window_scale, 14) : 0;
  syn_pending_ = true;
  if (cfg_->connect_timeout > Duration::zero()) handshake_deadline_ = now + cfg_->connect_timeout;
  set_state(State::kSynSent, "user OPEN (active)", "RFC 9293 §3.10.1", now);
  sender_.arm_retransmit(*cfg_, now);
  return {};
}

Connection Connection::accept_syn(SharedConfig cfg, TraceSink* sink, std::uint64_t id,
                                  const FourTuple& tuple, const TcpSegment& syn, SeqNum iss,
                                  Instant now, bool synack_already_sent) {
  Connection c(std::move(cfg), sink, id);
  c.tuple_ = tuple;
  c.passive_ = true;
  c.state_ = State::kListen;
  c.init_from_syn(syn, iss, now);
  if (synack_already_sent) c.syn_pending_ = false;
  return c;
}

void Connection::take_peer_options(const TcpSegment& syn, bool we_offered, Instant now) {
  const TcpOptionSummary o = syn.options.summarize();
  peer_mss_ = o.mss.value_or(536);     // RFC 9293 §3.7.1: 536 when absent
  if (peer_mss_ < 64) peer_mss_ = 64;  // never segment into absurdly small pieces
  // RFC 7323 §2.2: window scaling only if both sides sent the option.
  wscale_ok_ = cfg_->window_scaling && o.window_scale.has_value() && we_offered;
  snd_wscale_ = wscale_ok_ ? std::min<std::uint8_t>(*o.window_scale, 14) : 0;  // §2.3 clamp
  rcv_wscale_ = wscale_ok_ ? std::min<std::uint8_t>(cfg_->window_scale, 14) : 0;
  sack_ok_ = cfg_->sack && o.sack_permitted && we_offered;
  ts_ok_ = cfg_->timestamps && o.timestamps.has_value() && we_offered;
  if (ts_ok_) {
    ts_recent_ = o.timestamps->val;  // RFC 7323 §4.3 (1)
    ts_recent_age_ = now;
  }
}

void Connection::init_from_syn(const TcpSegment& syn, SeqNum iss, Instant now,
                               std::string_view cause, std::string_view rfc) {
  // §3.10.7.2 third: RCV.NXT = SEG.SEQ+1, IRS = SEG.SEQ, SND.NXT = ISS+1, SND.UNA = ISS.
  receiver_.on_syn(syn.seq);
  sender_.open(iss);
  sender_.on_peer_syn(syn, /*ack=*/false);  // SND.WND never scaled in a SYN (RFC 7323 §2.2)
  sender_.snd.wl2 = iss;
  last_ack_sent_ = receiver_.rcv.nxt;
  take_peer_options(syn, /*we_offered=*/true, now);  // a SYN-ACK echoes what the peer offered
  ecn_on_syn(syn);
  receiver_.rcv.wnd = receive_window();
  syn_pending_ = true;
  sender_.restart_rto_estimate(*cfg_);
  set_state(State::kSynReceived, cause, rfc, now);
  sender_.arm_retransmit(*cfg_, now);
  // DEVIATION(linux): data (and FIN) on a SYN is not queued; the peer retransmits it.
}

// A listener's queued connection sent back to LISTEN (RFC 9293 §3.10.7.4
// second / fourth, passive open): its listener frees it (can_be_freed()).
void Connection::return_to_listen(std::string_view cause, std::string_view rfc, Instant now) {
  release_buffers();
  control_.reset();
  set_state(State::kListen, cause, rfc, now);
}

// ---- SEND, RECEIVE (§3.10.2, §3.10.3) ---------------------------------------------------

// RFC 9293 MAY-15 [not implemented]: SEND has no PUSH flag; all data is pushed (MUST-60/61).
// RFC 9293 MAY-14 [not implemented]: no FLUSH call.
std::expected<std::size_t, std::errc> Connection::send(Bytes data, Instant /*now*/) {
  switch (state_) {
    case State::kClosed:
      return std::unexpected(error_.value_or(std::errc::not_connected));
    case State::kListen:
      return std::unexpected(std::errc::not_connected);
    case State::kSynSent:
    case State::kSynReceived:
    case State::kEstablished:
    case State::kCloseWait:
      if (sender_.fin_queued()) return std::unexpected(std::errc::broken_pipe);
      break;
    default:
      // FIN-WAIT-*, CLOSING, LAST-ACK, TIME-WAIT: "error: connection closing".
      return std::unexpected(std::errc::broken_pipe);
  }
  if (data.empty()) return 0;
  const std::size_t n = sender_.write(data);
  if (n == 0) return std::unexpected(std::errc::operation_would_block);
  return n;
}

// RFC 9293 MAY-17 [not implemented]: a received PSH is not passed to RECEIVE.
std::expected<std::size_t, std::errc> Connection::receive(MutableBytes out, Instant now) {
  if (state_ == State::kClosed && receiver_.readable() == 0) {
    if (error_) return std::unexpected(*error_);
    if (!receiver_.fin_received()) return std::unexpected(std::errc::not_connected);
  }
  bool window_update = false;
  const std::size_t n = receiver_.read(out, *cfg_, window_shape(), window_update);
  urgent_progress();
  if (window_update && is_synchronized(state_) && state_ != State::kTimeWait) ack_pending_ = true;
  (void)now;
  return n;
}

// ---- CLOSE, ABORT (§3.10.4, §3.10.5) ------------------------------------------------

std::expected<void, std::errc> Connection::close(Instant now) {
  trace(TraceKind::kUserCall, "user CLOSE", "RFC 9293 §3.10.4", now);
  switch (state_) {
    case State::kClosed:
      return std::unexpected(std::errc::not_connected);
    case State::kListen:
    case State::kSynSent:
      release_buffers();
      control_.reset();
      set_state(State::kClosed, "user CLOSE", "RFC 9293 §3.10.4", now);
      return {};
    case State::kSynReceived:
    case State::kEstablished:
      sender_.queue_fin();
      set_state(State::kFinWait1, "user CLOSE", "RFC 9293 §3.10.4", now);
      return {};
    case State::kCloseWait:
      sender_.queue_fin();
      set_state(State::kLastAck, "user CLOSE", "RFC 9293 §3.10.4", now);
      return {};
    default:
      return std::unexpected(std::errc::connection_already_in_progress);
  }
}

void Connection::detach(Instant now) {
  detached_ = true;
  if (state_ == State::kFinWait2 && close_deadline_ == kNever) {
    close_deadline_ = now + cfg_->fin_wait_2_timeout;
  }
}

std::expected<void, std::errc> Connection::abort(Instant now) {
  trace(TraceKind::kUserCall, "user ABORT", "RFC 9293 §3.10.5", now);
  switch (state_) {
    case State::kClosed:
      return std::unexpected(std::errc::not_connected);
    case State::kSynReceived:
    case State::kEstablished:
    case State::kFinWait1:
    case State::kFinWait2:
    case State::kCloseWait: {
      // §3.10.5: <SEQ=SND.NXT><CTL=RST>.
      TcpSegment rst = make_segment(sender_.snd.nxt, TcpFlags::kRst, {}, now);
      rst.options = TcpOptions{};
      rst.window = 0;
      release_buffers();
      control_.reset();
      queue_rst(rst, "user ABORT", "RFC 9293 §3.10.5", now);
      break;
    }
    default:
      release_buffers();
      control_.reset();
      break;
  }
  set_state(State::kClosed, "user ABORT", "RFC 9293 §3.10.5", now);
  return {};
}

}  // namespace synack::tcp
