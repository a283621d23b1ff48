// SPDX-License-Identifier: Apache-2.0
// Listener: LISTEN (RFC 9293 §3.10.7.2) with a SYN queue, an accept queue and
// SYN cookies (RFC 4987 §3.6).
#include "tcp/listener.hpp"

#include <algorithm>

#include "tcp/rst.hpp"
#include "tcp/syn_cookie.hpp"
#include "tcp/syn_fin.hpp"

namespace synack::tcp {

Listener::Listener(const Endpoint& local, std::size_t backlog, SharedConfig cfg, TraceSink* sink,
                   std::uint64_t first_conn_id)
    : local_(local),
      backlog_(std::max<std::size_t>(backlog, 1)),
      cfg_(std::move(cfg)),
      sink_(sink),
      next_id_(first_conn_id),
      isn_(cfg_->isn_secret, cfg_->fixed_iss) {
  state_ = State::kListen;
  trace(FourTuple{local, {}}, TraceKind::kStateChange, State::kClosed, State::kListen,
        "user OPEN (passive)", "RFC 9293 §3.10.1", Instant{});
}

void Listener::trace(const FourTuple& tuple, TraceKind kind, State from, State to,
                     std::string_view cause, std::string_view rfc, Instant now, DropReason why) {
  if (sink_ != nullptr) sink_->on_event(TraceEvent{now, 0, tuple, kind, from, to, cause, rfc, why});
}

ListenerResult Listener::dropped(const FourTuple& tuple, DropReason why, std::string_view cause,
                                 std::string_view rfc, Instant now) {
  drops_.add(why);
  trace(tuple, TraceKind::kDrop, state_, state_, cause, rfc, now, why);
  return {ListenerResult::Kind::kDropped, std::nullopt, why};
}

ListenerResult Listener::reply(const FourTuple& tuple, TcpSegment seg, std::string_view cause,
                               std::string_view rfc, Instant now) {
  if (seg.flags.rst()) trace(tuple, TraceKind::kRstSent, state_, state_, cause, rfc, now);
  return {ListenerResult::Kind::kReply, std::move(seg), DropReason::kNone};
}

ListenerResult Listener::on_segment(const FourTuple& tuple, const TcpSegment& seg, Instant now,
                                    std::optional<SeqNum> iss) {
  if (state_ != State::kListen) {
    if (auto rst = reset_for(seg))
      return reply(tuple, *rst, "listener closed", "RFC 9293 §3.10.7.1", now);
    return dropped(tuple, DropReason::kRstNoConnection, "RST to a closed listener",
                   "RFC 9293 §3.10.7.1", now);
  }
  if (auto it = syn_queue_.find(tuple); it != syn_queue_.end()) {
    return to_half_open(*it->second, tuple, seg, now);
  }
  for (auto& c : accept_queue_) {
    if (c->has_tuple(tuple)) {
      c->on_segment(seg, now);
      return {ListenerResult::Kind::kToConnection, std::nullopt, DropReason::kNone};
    }
  }
  if (seg.flags.rst()) {  // §3.10.7.2 first: an incoming RST should be ignored
    return dropped(tuple, DropReason::kRstNoConnection, "rcv RST in LISTEN",
                   "RFC 9293 §3.10.7.2 first: RST", now);
  }
  if (seg.flags.ack() && seg.flags.syn() && cfg_->listen_drop_synack) {
    // DEVIATION(freebsd): Config::listen_drop_synack — the FreeBSD corpus
    // (rcv-syn-ack-listen, passing on FreeBSD head) sees no RST for a SYN-ACK
    // arriving in LISTEN; RFC 9293 §3.10.7.2 second would send <SEQ=SEG.ACK><CTL=RST>.
    return dropped(tuple, DropReason::kUnacceptableAck, "rcv SYN,ACK in LISTEN",
                   "FreeBSD (rcv-syn-ack-listen)", now);
  }
  if (seg.flags.ack()) {
    if (cfg_->syn_cookies != SynCookies::kOff && !seg.flags.syn() && !seg.flags.fin()) {
      return on_cookie_ack(tuple, seg, now);
    }
    drops_.add(DropReason::kUnacceptableAck);
    return reply(tuple, reset_to_ack(seg), "rcv ACK in LISTEN", "RFC 9293 §3.10.7.2 second: ACK",
                 now);
  }
  if (seg.flags.syn()) {
    if (drops_syn_fin(seg, *cfg_)) {
      return dropped(tuple, DropReason::kSynFin, kSynFinCause, kSynFinRule, now);
    }
    return on_syn(tuple, seg, now, iss);
  }
  return dropped(tuple, DropReason::kNoSynNoRst, "no SYN in LISTEN", "RFC 9293 §3.10.7.2 fourth",
                 now);
}

ListenerResult Listener::on_syn(const FourTuple& tuple, const TcpSegment& seg, Instant now,
                                std::optional<SeqNum> iss) {
  if (accept_queue_.size() >= backlog_) {
    // Linux drops SYNs while the accept queue is full (the peer retries).
    return dropped(tuple, DropReason::kAcceptQueueFull, "accept queue full",
                   "Linux tcp_v4_conn_request", now);
  }
  const bool full = syn_queue_.size() >= backlog_;
  if (!iss && (cfg_->syn_cookies == SynCookies::kAlways ||
               (full && cfg_->syn_cookies == SynCookies::kWhenFull))) {
    // RFC 4987 §3.6: answer without keeping state; the ISS is the cookie.
    const std::uint16_t peer_mss = seg.options.summarize().mss.value_or(536);
    const SeqNum cookie = make_syn_cookie(cfg_->isn_secret, tuple, seg.seq, peer_mss, now);
    TcpSegment sa;
    sa.src_port = seg.dst_port;
    sa.dst_port = seg.src_port;
    sa.seq = cookie;
    sa.ack = seg.seq + 1;
    sa.flags.bits = TcpFlags::kSyn | TcpFlags::kAck;
    sa.window = static_cast<std::uint16_t>(
        std::min<std::uint32_t>(cfg_->rcv_buf, cfg_->max_unscaled_window));
    sa.options.mss(
        cfg_->mss);  // DEVIATION: window scale, SACK and TS are not encoded in the cookie
    ++cookies_sent_;
    return reply(tuple, sa, "SYN cookie", "RFC 4987 §3.6", now);
  }
  if (full) {
    if (cfg_->overflow == OverflowAction::kReset) {
      drops_.add(DropReason::kSynQueueFull);
      return reply(tuple, *reset_for(seg), "SYN queue full", "Linux tcp_abort_on_overflow", now);
    }
    return dropped(tuple, DropReason::kSynQueueFull, "SYN queue full", "RFC 4987 §2.1", now);
  }
  auto c = std::make_unique<Connection>(Connection::accept_syn(
      cfg_, sink_, next_id_++, tuple, seg, iss ? *iss : isn_.next(tuple, now), now));
  syn_queue_.emplace(tuple, std::move(c));
  return {ListenerResult::Kind::kNewHalfOpen, std::nullopt, DropReason::kNone};
}

ListenerResult Listener::on_cookie_ack(const FourTuple& tuple, const TcpSegment& seg, Instant now) {
  const SeqNum peer_isn = seg.seq - 1;
  const SeqNum cookie = seg.ack - 1;
  const auto mss = check_syn_cookie(cfg_->isn_secret, tuple, peer_isn, cookie, now);
  if (!mss) {
    drops_.add(DropReason::kBadCookie);
    return reply(tuple, reset_to_ack(seg), "rcv ACK in LISTEN (no valid cookie)",
                 "RFC 9293 §3.10.7.2 second: ACK", now);
  }
  if (accept_queue_.size() >= backlog_) {
    return dropped(tuple, DropReason::kAcceptQueueFull, "accept queue full (cookie)",
                   "RFC 4987 §3.6", now);
  }
  // Rebuild the SYN the cookie stands for, then let the ACK complete the handshake.
  TcpSegment syn;
  syn.src_port = seg.src_port;
  syn.dst_port = seg.dst_port;
  syn.seq = peer_isn;
  syn.flags.bits = TcpFlags::kSyn;
  syn.window = seg.window;
  syn.options.mss(*mss);
  auto c = std::make_unique<Connection>(
      Connection::accept_syn(cfg_, sink_, next_id_++, tuple, syn, cookie, now, true));
  c->on_segment(seg, now);
  if (c->state() == State::kSynReceived || c->state() == State::kListen ||
      c->state() == State::kClosed) {
    return dropped(tuple, DropReason::kBadCookie, "cookie ACK did not complete", "RFC 4987 §3.6",
                   now);
  }
  accept_queue_.push_back(std::move(c));
  return {ListenerResult::Kind::kCompletedCookie, std::nullopt, DropReason::kNone};
}

ListenerResult Listener::to_half_open(Connection& c, const FourTuple& tuple, const TcpSegment& seg,
                                      Instant now) {
  const bool completes =
      c.state() == State::kSynReceived && seg.flags.ack() && !seg.flags.rst() && !seg.flags.syn();
  if (completes && accept_queue_.size() >= backlog_) {
    if (cfg_->overflow == OverflowAction::kReset) {
      drops_.add(DropReason::kAcceptQueueFull);
      (void)c.abort(now);
      auto r = c.poll_transmit(now);
      syn_queue_.erase(tuple);
      if (r) return reply(tuple, *r, "accept queue full", "Linux tcp_abort_on_overflow", now);
      return {ListenerResult::Kind::kDropped, std::nullopt, DropReason::kAcceptQueueFull};
    }
    // Linux: drop the ACK; the SYN-ACK retransmission gives the peer another try.
    return dropped(tuple, DropReason::kAcceptQueueFull, "accept queue full",
                   "Linux tcp_abort_on_overflow=0", now);
  }
  c.on_segment(seg, now);
  const bool done = c.state() != State::kSynReceived && c.state() != State::kListen &&
                    c.state() != State::kClosed;
  harvest();
  return {done ? ListenerResult::Kind::kCompleted : ListenerResult::Kind::kToConnection,
          std::nullopt, DropReason::kNone};
}

void Listener::harvest() {
  for (auto it = syn_queue_.begin(); it != syn_queue_.end();) {
    Connection& c = *it->second;
    if (c.can_be_freed()) {
      it = syn_queue_.erase(it);  // RST returned it to LISTEN, or it gave up
    } else if (c.state() != State::kSynReceived && c.state() != State::kListen &&
               c.state() != State::kClosed) {
      accept_queue_.push_back(std::move(it->second));
      it = syn_queue_.erase(it);
    } else {
      ++it;
    }
  }
}

std::optional<std::pair<FourTuple, TcpSegment>> Listener::poll_transmit(Instant now) {
  for (auto& [tuple, c] : syn_queue_) {
    if (auto s = c->poll_transmit(now)) return std::pair{tuple, *s};
  }
  for (auto& c : accept_queue_) {
    if (auto s = c->poll_transmit(now)) return std::pair{c->tuple(), *s};
  }
  harvest();
  return std::nullopt;
}

Instant Listener::next_deadline() const {
  Instant t = kNever;
  for (const auto& [tuple, c] : syn_queue_) t = std::min(t, c->next_deadline());
  for (const auto& c : accept_queue_) t = std::min(t, c->next_deadline());
  return t;
}

void Listener::on_timeout(Instant now) {
  for (auto& [tuple, c] : syn_queue_) {
    if (c->next_deadline() <= now) c->on_timeout(now);
  }
  for (auto& c : accept_queue_) {
    if (c->next_deadline() <= now) c->on_timeout(now);
  }
}

const Connection* Listener::find(const FourTuple& tuple) const {
  if (auto it = syn_queue_.find(tuple); it != syn_queue_.end()) return it->second.get();
  for (const auto& c : accept_queue_) {
    if (c->has_tuple(tuple)) return c.get();
  }
  return nullptr;
}

std::unique_ptr<Connection> Listener::accept() {
  harvest();
  if (accept_queue_.empty()) return nullptr;
  auto c = std::move(accept_queue_.front());
  accept_queue_.pop_front();
  return c;
}

void Listener::close(Instant now) {
  for (auto& [tuple, c] : syn_queue_) (void)c->abort(now);
  for (auto& c : accept_queue_) (void)c->abort(now);
  trace(FourTuple{local_, {}}, TraceKind::kStateChange, state_, State::kClosed, "user CLOSE",
        "RFC 9293 §3.10.4", now);
  state_ = State::kClosed;
}

}  // namespace synack::tcp
