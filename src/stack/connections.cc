// SPDX-License-Identifier: Apache-2.0
// Connection bookkeeping: slots, dirty list, timers, TIME-WAIT conversion,
// freeing, readiness notifications, ICMP errors.
#include <algorithm>

#include "stack/stack.hpp"
#include "stack/stack_internal.hpp"
#include "wire/icmp.hpp"

namespace synack {

std::uint32_t Stack::add_connection(std::unique_ptr<tcp::Connection> c, Fd fd) {
  std::uint32_t slot;
  if (!free_conns_.empty()) {
    slot = free_conns_.back();
    free_conns_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(conns_.size());
    conns_.emplace_back();
  }
  conns_[slot] = std::make_unique<ConnSlot>();
  conns_[slot]->conn = std::move(c);
  conns_[slot]->fd = fd;
  conns_[slot]->last_state = conns_[slot]->conn->state();
  demux_.add_connection(conns_[slot]->conn->tuple(), slot);
  mark_dirty(slot);
  return slot;
}

void Stack::free_connection(std::uint32_t slot) {
  ConnSlot& c = *conns_[slot];
  demux_.remove_connection(c.conn->tuple());
  wheel_.cancel(slot);
  for (std::size_t i = 0; i < tcp::kDropReasonCount; ++i) {
    finished_drops_.count[i] += c.conn->drops().count[i];
  }
  counters_.ooo_interval_limit_segments += ooo_interval_limit_segments(*c.conn);
  counters_.sack_blocks_ignored += c.conn->sender().scoreboard().ignored_blocks();
  if (c.fd < 0) --orphans_;
  if (c.fd >= 0) sockets_[static_cast<std::size_t>(c.fd)]->kind = SocketEntry::Kind::kDead;
  conns_[slot].reset();
  free_conns_.push_back(slot);
}

void Stack::mark_dirty(std::uint32_t slot, bool wake_app) {
  ConnSlot& c = *conns_[slot];
  schedule_timer(slot);
  if (wake_app && c.fd >= 0) notify(c.fd);
  if (c.dirty) return;
  c.dirty = true;
  dirty_.push_back(slot);
}

// After a connection's output is drained: keep it, turn it into a compact
// TIME-WAIT entry, or free it. A connection in TIME-WAIT becomes a compact
// entry whether or not the application still holds the socket (as Linux's
// tcp_time_wait(): the socket then reads end of stream, and writes fail with
// EPIPE), once every received byte has been read.
void Stack::settle(std::uint32_t slot, Instant now) {
  ConnSlot& c = *conns_[slot];
  if (c.conn->state() == tcp::State::kTimeWait && (c.fd < 0 || c.conn->at_eof())) {
    to_time_wait(slot, now);
    return;
  }
  if (c.conn->can_be_freed() && c.fd < 0) {
    free_connection(slot);
    return;
  }
  schedule_timer(slot);
}

void Stack::to_time_wait(std::uint32_t slot, Instant now) {
  (void)now;
  const tcp::TimeWaitEntry entry = conns_[slot]->conn->to_time_wait();
  free_connection(slot);
  if (!demux_.add_time_wait(entry)) {
    ++counters_.time_wait_evicted;  // Linux: "TCP: time wait bucket table overflow"
  }
}

void Stack::notify(Fd fd) {
  if (fd < 0 || !callback_) return;
  notify_pending_.push_back(fd);
}

void Stack::flush_notifications() {
  if (!callback_ || notify_pending_.empty()) return;
  std::sort(notify_pending_.begin(), notify_pending_.end());
  notify_pending_.erase(std::unique(notify_pending_.begin(), notify_pending_.end()),
                        notify_pending_.end());
  std::vector<Fd> fds;
  fds.swap(notify_pending_);
  for (Fd fd : fds) callback_(fd, poll(fd));
}

// RFC 5927 §4.1 / RFC 1122 §4.2.3.9: an ICMP error about one of our segments.
// The quoted sequence number must lie in [SND.UNA, SND.NXT) or the message is
// ignored (blind-attack defence).
// RFC 9293 MUST-54: an ICMP error goes to the connection whose segment it quotes.
void Stack::deliver_icmp_error(const IcmpView& icmp, Instant now) {
  const auto quote = parse_icmp_quote(icmp.body());
  if (quote && quote->protocol == kIpProtoUdp) {
    udp_->on_icmp_error(*quote, icmp.type(), icmp.code());
    return;
  }
  if (!quote || quote->protocol != kIpProtoTcp ||
      (quote->src != config_.address && !config_.any_destination)) {
    counters_.drop(StackDrop::kIcmpIgnored);
    return;
  }
  const tcp::FourTuple t{{quote->src, quote->src_port}, {quote->dst, quote->dst_port}};
  const std::uint32_t* slot = demux_.find_connection(t);
  if (slot == nullptr) {
    counters_.drop(StackDrop::kIcmpIgnored);
    return;
  }
  tcp::Connection& c = *conns_[*slot]->conn;
  const SeqNum seq(quote->tcp_seq);
  if (!(seq_le(c.sender().snd.una, seq) && seq_lt(seq, c.sender().snd.nxt))) {
    counters_.drop(StackDrop::kIcmpIgnored);
    return;
  }
  c.on_icmp_error(icmp.type(), icmp.code(), icmp.next_hop_mtu(), now);
  mark_dirty(*slot, true);
}

std::size_t Stack::count_in_state(tcp::State s, std::optional<std::uint16_t> port) const {
  std::size_t n = 0;
  const auto match = [&](const tcp::FourTuple& t) { return !port || t.local.port == *port; };
  for (const auto& c : conns_) {
    if (c && c->conn->state() == s && match(c->conn->tuple())) ++n;
  }
  demux_.for_each_listener([&](const tcp::Listener& l) {
    if (s == tcp::State::kListen && l.state() == tcp::State::kListen &&
        (!port || l.local().port == *port)) {
      ++n;
    }
    if (s == tcp::State::kSynReceived && (!port || l.local().port == *port)) {
      n += l.syn_queue_length();
    }
  });
  if (s == tcp::State::kTimeWait) {
    demux_.for_each_time_wait([&](const tcp::TimeWaitEntry& tw) {
      if (match(tw.tuple.get())) ++n;
    });
  }
  return n;
}

std::vector<std::pair<tcp::FourTuple, tcp::State>> Stack::connections() const {
  std::vector<std::pair<tcp::FourTuple, tcp::State>> out;
  for (const auto& c : conns_) {
    if (c) out.emplace_back(c->conn->tuple(), c->conn->state());
  }
  demux_.for_each_time_wait([&](const tcp::TimeWaitEntry& tw) {
    out.emplace_back(tw.tuple.get(), tcp::State::kTimeWait);
  });
  return out;
}

std::size_t Stack::drop_time_wait(Instant now) {
  std::size_t n = demux_.drop_time_wait();
  for (std::uint32_t slot = 0; slot < conns_.size(); ++slot) {
    if (conns_[slot] && conns_[slot]->conn->state() == tcp::State::kTimeWait) {
      (void)conns_[slot]->conn->abort(now);
      mark_dirty(slot);
      ++n;
    }
  }
  return n;
}

}  // namespace synack
