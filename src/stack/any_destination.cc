// SPDX-License-Identifier: Apache-2.0
// Any-destination mode (any_destination.hpp): the listen_any() socket, the
// SYNs it holds while the application reaches the original destination, and
// their admission or refusal.
#include <algorithm>
#include <vector>

#include "stack/stack.hpp"
#include "stack/stack_internal.hpp"
#include "tcp/rst.hpp"

namespace synack {
namespace {

std::unexpected<std::errc> fail(std::errc e) {
  return std::unexpected(e);
}

}  // namespace

std::expected<void, std::errc> Stack::listen_any(Fd fd, int backlog, AnyListenOptions options,
                                                 Instant now) {
  SocketEntry* s = entry(fd);
  if (s == nullptr) return fail(std::errc::bad_file_descriptor);
  if (!config_.any_destination || s->kind != SocketEntry::Kind::kFresh || s->local) {
    return fail(std::errc::invalid_argument);
  }
  if (any_) return fail(std::errc::address_in_use);
  s->local = tcp::Endpoint{};  // 0.0.0.0:0: every address and port (tcp::Demux::listener_id)
  if (auto r = listen(fd, backlog, now); !r) {
    s->local.reset();
    return r;
  }
  if (options.max_pending == 0) options.max_pending = demux_.listener(s->index).backlog();
  any_ = std::make_unique<AnyDestination>(fd, options, tuple_hash(config_.secret));
  return {};
}

// A new SYN for the listen_any() listener is held (not answered) when the
// handshake is deferred; everything else goes on to the demultiplexer.
bool Stack::hold_syn(const tcp::FourTuple& t, const TcpSegment& seg, Instant now) {
  if (!any_->options.defer_handshake || !seg.flags.syn() || seg.flags.ack() || seg.flags.rst() ||
      seg.flags.fin()) {
    return false;
  }
  if (demux_.find_connection(t) != nullptr || demux_.in_time_wait(t)) return false;
  const tcp::Listener* l = demux_.find_listener(t.local);
  const SocketEntry* s = entry(any_->fd);
  if (l == nullptr || s == nullptr || l != &demux_.listener(s->index)) return false;
  if (l->find(t) != nullptr) return false;  // admitted already: a retransmitted SYN
  TcpSegment copy = seg;
  copy.payload = {};
  if (AnyDestination::Held* h = any_->held.find(t)) {  // the client retransmitted it
    h->syn = copy;
    return true;
  }
  if (any_->held.size() >= any_->options.max_pending) {
    std::vector<tcp::FourTuple> stale;
    any_->held.for_each([&](const tcp::FourTuple& k, AnyDestination::Held& h) {
      if (now - h.since >= any_->options.pending_timeout) stale.push_back(k);
    });
    for (const auto& k : stale) any_->held.erase(k);
    if (any_->held.size() >= any_->options.max_pending) {
      ++any_->overflowed;  // the listener's SYN queue and cookies take it (RFC 4987 §3.6)
      return false;
    }
  }
  any_->held.insert(t, {copy, now});
  any_->fresh.push_back(t);
  ++any_->deferred;
  notify(any_->fd);
  return true;
}

std::optional<tcp::FourTuple> Stack::pending_syn(Fd fd) {
  if (!any_ || any_->fd != fd) return std::nullopt;
  while (!any_->fresh.empty()) {
    const tcp::FourTuple t = any_->fresh.front();
    any_->fresh.pop_front();
    if (any_->held.find(t) != nullptr) return t;
  }
  return std::nullopt;
}

// The held SYN of `t`, taken out of the table (admit and refuse).
std::expected<TcpSegment, std::errc> Stack::take_held(Fd fd, const tcp::FourTuple& t, Instant now) {
  if (entry(fd) == nullptr) return fail(std::errc::bad_file_descriptor);
  if (!any_ || any_->fd != fd) return fail(std::errc::invalid_argument);
  const AnyDestination::Held* h = any_->held.find(t);
  if (h == nullptr) return fail(std::errc::no_such_device_or_address);
  const TcpSegment syn = h->syn;
  any_->held.erase(t);
  clock_ = std::max(clock_, now);
  return syn;
}

std::expected<void, std::errc> Stack::admit(Fd fd, const tcp::FourTuple& t, Instant now) {
  const auto syn = take_held(fd, t, now);
  if (!syn) return fail(syn.error());
  const tcp::Delivery d = demux_.on_segment(t, *syn, now);
  if (d.to == tcp::Delivery::To::kOverLimit) {
    counters_.drop(StackDrop::kTooManyConnections);
    return fail(std::errc::no_buffer_space);
  }
  if (d.completed) notify(fd);
  if (d.reply) queue_control(t, *d.reply);
  flush_notifications();
  return {};
}

std::expected<void, std::errc> Stack::refuse(Fd fd, const tcp::FourTuple& t, Refusal how,
                                             Instant now) {
  const auto held = take_held(fd, t, now);
  if (!held) return fail(held.error());
  const TcpSegment& syn = *held;
  if (how == Refusal::kReset) {
    // RFC 9293 §3.10.7.1: what the destination's stack answers a SYN for a closed port.
    if (auto rst = tcp::reset_for(syn)) {
      ++counters_.rst_out;
      queue_control(t, *rst);
    }
    return {};
  }
  // RFC 792 / RFC 1122 §3.2.2.1: host unreachable, quoting the SYN's IP header
  // and its first 8 bytes (the ports and sequence number the client matches).
  std::vector<std::byte> quoted(Ipv4Header::kSize + syn.wire_size());
  const Ipv4Addr local = std::get<Ipv4Addr>(t.local.addr);
  const Ipv4Addr remote = std::get<Ipv4Addr>(t.remote.addr);
  emit_ipv4_tcp(quoted, Ipv4Header{.ttl = 64, .src = remote, .dst = local}, syn);
  queue_icmp(remote, 3, 1, 0, Bytes(quoted).first(Ipv4Header::kSize + 8), local);
  return {};
}

std::pair<std::uint64_t, std::uint64_t> Stack::any_destination_counts() const {
  if (!any_) return {0, 0};
  return {any_->deferred, any_->overflowed};
}

}  // namespace synack
