// SPDX-License-Identifier: Apache-2.0
// The BSD-shaped socket API over the stack's connections and listeners.
// Non-blocking throughout: calls that would wait return operation_would_block
// (EAGAIN) or operation_in_progress (EINPROGRESS) and readiness says when to
// retry, exactly as with O_NONBLOCK sockets.
#include <algorithm>

#include "stack/stack.hpp"
#include "stack/stack_internal.hpp"
#include "stack/unicast.hpp"

namespace synack {
namespace {

constexpr int kMaxBacklog = 4096;  // Linux net.core.somaxconn default

std::unexpected<std::errc> fail(std::errc e) {
  return std::unexpected(e);
}

}  // namespace

Stack::SocketEntry* Stack::entry(Fd fd) {
  if (fd < 0 || static_cast<std::size_t>(fd) >= sockets_.size()) return nullptr;
  return sockets_[static_cast<std::size_t>(fd)].get();
}

const Stack::SocketEntry* Stack::entry(Fd fd) const {
  return const_cast<Stack*>(this)->entry(fd);
}

std::expected<Fd, std::errc> Stack::socket() {
  // The lowest free descriptor, as POSIX requires, in O(log n).
  std::size_t fd = sockets_.size();
  if (!free_fds_.empty()) {
    fd = static_cast<std::size_t>(free_fds_.top());
    free_fds_.pop();
  }
  if (fd >= static_cast<std::size_t>(1) << 24) return fail(std::errc::too_many_files_open);
  if (fd == sockets_.size()) sockets_.emplace_back();
  sockets_[fd] = std::make_unique<SocketEntry>();
  if (!tcp_shared_) tcp_shared_ = tcp::SharedConfig(config_.tcp);  // reset by tcp_config()
  sockets_[fd]->cfg = tcp_shared_;
  return static_cast<Fd>(fd);
}

// RFC 9293 MUST-42: with SO_REUSEADDR, a port may LISTEN while it connects (Linux semantics).
bool Stack::port_in_use(const tcp::Endpoint& local, bool reuse) const {
  for (const auto& other : sockets_) {
    if (!other || !other->local || other->local->port != local.port) continue;
    if (reuse && other->reuse_addr && other->kind != SocketEntry::Kind::kListener) continue;
    const bool any = is_unspecified(other->local->addr) || is_unspecified(local.addr);
    if (any || other->local->addr == local.addr) return true;
  }
  return false;
}

std::expected<void, std::errc> Stack::bind(Fd fd, tcp::Endpoint local) {
  SocketEntry* entry_ptr = entry(fd);
  if (entry_ptr == nullptr) return fail(std::errc::bad_file_descriptor);
  SocketEntry& s = *entry_ptr;
  if (s.local || s.kind != SocketEntry::Kind::kFresh) return fail(std::errc::invalid_argument);
  // RFC 9293 MUST-43: the local IP address of OPEN is optional: bind() before connect().
  // IPv6 sockets: not yet (EAFNOSUPPORT, as a kernel without IPv6).
  if (local.is_v6()) return fail(std::errc::address_family_not_supported);
  if (!is_unspecified(local.addr) && local.addr != IpAddr{config_.address}) {
    return fail(std::errc::address_not_available);
  }
  if (local.port == 0) {
    auto port = ports_.pick(config_.address, Ipv4Addr{}, 0, [&](std::uint16_t p) {
      return port_in_use({local.addr, p}, false);
    });
    if (!port) return fail(port.error());
    local.port = *port;
  } else if (port_in_use(local, s.reuse_addr)) {
    return fail(std::errc::address_in_use);
  }
  s.local = local;
  s.explicit_bind = true;
  ++bound_ports_[local.port];
  return {};
}

std::expected<void, std::errc> Stack::listen(Fd fd, int backlog, Instant now) {
  SocketEntry* entry_ptr = entry(fd);
  if (entry_ptr == nullptr) return fail(std::errc::bad_file_descriptor);
  SocketEntry& s = *entry_ptr;
  if (s.kind == SocketEntry::Kind::kListener) return {};  // listen() again: Linux updates backlog
  if (s.kind != SocketEntry::Kind::kFresh) return fail(std::errc::invalid_argument);
  if (!s.local) {
    if (auto r = bind(fd, {Ipv4Addr{}, 0}); !r) return r;
  }
  const auto queue = static_cast<std::size_t>(std::clamp(backlog, 1, kMaxBacklog));
  (void)now;
  // RFC 9293 MUST-41: a passive OPEN makes its own listener (or fails); others stay as they are.
  const std::uint32_t id = demux_.add_listener(
      std::make_unique<tcp::Listener>(*s.local, queue, s.cfg, trace_, next_conn_id_));
  next_conn_id_ += 1u << 20;  // ids of the listener's children
  if (id >= listen_fds_.size()) listen_fds_.resize(id + 1, -1);
  listen_fds_[id] = fd;
  s.kind = SocketEntry::Kind::kListener;
  s.index = id;
  return {};
}

std::expected<Fd, std::errc> Stack::accept(Fd fd, tcp::Endpoint* peer) {
  SocketEntry* entry_ptr = entry(fd);
  if (entry_ptr == nullptr) return fail(std::errc::bad_file_descriptor);
  SocketEntry& s = *entry_ptr;
  if (s.kind != SocketEntry::Kind::kListener) return fail(std::errc::invalid_argument);
  std::unique_ptr<tcp::Connection> c = demux_.listener(s.index).accept();
  if (!c) return fail(std::errc::operation_would_block);
  const tcp::SharedConfig cfg = s.cfg;
  auto child = socket();
  if (!child) return fail(child.error());
  SocketEntry& cs = *sockets_[static_cast<std::size_t>(*child)];
  cs.cfg = cfg;
  cs.local = c->tuple().local;
  cs.kind = SocketEntry::Kind::kConnection;
  cs.connect_reported = true;
  if (peer != nullptr) *peer = c->tuple().remote;
  apply_options(*c, *cfg, clock_);  // options set on the listener after listen() (Linux inherits)
  cs.index = add_connection(std::move(c), *child);
  return *child;
}

std::expected<void, std::errc> Stack::connect(Fd fd, tcp::Endpoint remote, Instant now) {
  SocketEntry* entry_ptr = entry(fd);
  if (entry_ptr == nullptr) return fail(std::errc::bad_file_descriptor);
  SocketEntry& s = *entry_ptr;
  if (s.kind == SocketEntry::Kind::kConnection) {
    const tcp::Connection& c = *conns_[s.index]->conn;
    if (c.error()) return fail(*c.error());
    if (c.state() == tcp::State::kSynSent || c.state() == tcp::State::kSynReceived) {
      return fail(std::errc::connection_already_in_progress);
    }
    return fail(std::errc::already_connected);
  }
  if (s.kind == SocketEntry::Kind::kDead) {
    if (s.pending_error) return fail(*std::exchange(s.pending_error, std::nullopt));
    return fail(std::errc::already_connected);
  }
  if (s.kind != SocketEntry::Kind::kFresh) return fail(std::errc::invalid_argument);
  // RFC 9293 MUST-46: no OPEN to 0.0.0.0, broadcast or multicast (Linux: ENETUNREACH).
  if (remote.is_v6()) return fail(std::errc::address_family_not_supported);
  if (!is_unicast(remote.addr)) return fail(std::errc::network_unreachable);
  if (tcb_count() >= config_.max_connections) return fail(std::errc::no_buffer_space);
  tcp::Endpoint local = s.local.value_or(tcp::Endpoint{config_.address, 0});
  // RFC 9293 MUST-44: no local address given: the IP layer's (the interface's) is used.
  if (is_unspecified(local.addr)) local.addr = config_.address;
  if (local.port == 0) {
    auto port = ports_.pick(local.addr, remote.addr, remote.port, [&](std::uint16_t p) {
      return demux_.find_connection({{local.addr, p}, remote}) != nullptr ||
             demux_.in_time_wait({{local.addr, p}, remote}) ||
             bound_ports_.contains(p);  // bound by bind()/listen(): not for connect
    });
    if (!port) return fail(port.error());
    local.port = *port;
  } else if (demux_.find_connection({local, remote}) != nullptr) {
    return fail(std::errc::address_in_use);
  }
  s.local = local;
  auto c = std::make_unique<tcp::Connection>(s.cfg, trace_, next_conn_id());
  if (auto r = c->open_active({local, remote}, now); !r) return fail(r.error());
  s.kind = SocketEntry::Kind::kConnection;
  s.index = add_connection(std::move(c), fd);
  s.connect_reported = true;
  return fail(std::errc::operation_in_progress);
}

std::expected<std::size_t, std::errc> Stack::send(Fd fd, Bytes data, Instant now) {
  return send(fd, data, 0, now);
}

std::expected<std::size_t, std::errc> Stack::send(Fd fd, Bytes data, int flags, Instant now) {
  SocketEntry* entry_ptr = entry(fd);
  if (entry_ptr == nullptr) return fail(std::errc::bad_file_descriptor);
  SocketEntry& s = *entry_ptr;
  if (s.shut_wr) return fail(std::errc::broken_pipe);
  if (s.kind == SocketEntry::Kind::kDead) {
    if (s.pending_error) return fail(*std::exchange(s.pending_error, std::nullopt));
    return fail(std::errc::broken_pipe);
  }
  if (s.kind != SocketEntry::Kind::kConnection) return fail(std::errc::not_connected);
  tcp::Connection& c = *conns_[s.index]->conn;
  if (c.state() == tcp::State::kSynSent || c.state() == tcp::State::kSynReceived) {
    return fail(std::errc::operation_would_block);
  }
  if (data.empty()) return 0;
  auto r = (flags & kMsgOob) ? c.send_urgent(data, now) : c.send(data, now);
  mark_dirty(s.index);
  if (r && *r == 0) return fail(std::errc::operation_would_block);
  return r;
}

std::expected<std::size_t, std::errc> Stack::recv(Fd fd, MutableBytes out, int flags, Instant now) {
  SocketEntry* entry_ptr = entry(fd);
  if (entry_ptr == nullptr) return fail(std::errc::bad_file_descriptor);
  SocketEntry& s = *entry_ptr;
  if (s.kind == SocketEntry::Kind::kDead) {
    if (s.pending_error) return fail(*std::exchange(s.pending_error, std::nullopt));
    return 0;
  }
  if (s.kind != SocketEntry::Kind::kConnection) return fail(std::errc::not_connected);
  if (s.shut_rd) return 0;
  tcp::Connection& c = *conns_[s.index]->conn;
  auto r = (flags & kMsgPeek) ? c.peek(out) : c.receive(out, now);
  if (!r) return r;
  if (*r == 0 && !c.at_eof()) return fail(std::errc::operation_would_block);
  if (*r > 0 && !(flags & kMsgPeek)) mark_dirty(s.index);  // a window update may be due
  return r;
}

std::expected<std::size_t, std::errc> Stack::urgent_pending(Fd fd) const {
  const SocketEntry* entry_ptr = entry(fd);
  if (entry_ptr == nullptr) return fail(std::errc::bad_file_descriptor);
  if (entry_ptr->kind != SocketEntry::Kind::kConnection) return fail(std::errc::not_connected);
  return conns_[entry_ptr->index]->conn->urgent_pending();
}

std::expected<void, std::errc> Stack::shutdown(Fd fd, ShutdownHow how, Instant now) {
  SocketEntry* entry_ptr = entry(fd);
  if (entry_ptr == nullptr) return fail(std::errc::bad_file_descriptor);
  SocketEntry& s = *entry_ptr;
  if (s.kind != SocketEntry::Kind::kConnection) return fail(std::errc::not_connected);
  if (how != ShutdownHow::kWrite) s.shut_rd = true;
  if (how != ShutdownHow::kRead && !s.shut_wr) {
    s.shut_wr = true;
    tcp::Connection& c = *conns_[s.index]->conn;
    if (c.state() != tcp::State::kSynSent) (void)c.close(now);
    mark_dirty(s.index);
  }
  return {};
}

std::expected<void, std::errc> Stack::close(Fd fd, Instant now) {
  SocketEntry* entry_ptr = entry(fd);
  if (entry_ptr == nullptr) return fail(std::errc::bad_file_descriptor);
  SocketEntry& s = *entry_ptr;
  switch (s.kind) {
    case SocketEntry::Kind::kListener: {
      const tcp::Listener& l = demux_.listener(s.index);
      for (std::size_t i = 0; i < tcp::kDropReasonCount; ++i) {
        finished_drops_.count[i] += l.drops().count[i];
      }
      finished_cookies_ += l.cookies_sent();
      demux_.listener(s.index).close(now);
      drain_listener(s.index, now);
      if (any_ && any_->fd == fd) any_.reset();  // held SYNs are forgotten (the clients retry)
      break;
    }
    case SocketEntry::Kind::kConnection: {
      ConnSlot& slot = *conns_[s.index];
      tcp::Connection& c = *slot.conn;
      const bool unread = c.status().receive_queued > 0;
      const bool too_many = orphans_ >= config_.max_orphans;
      if (too_many) ++counters_.orphans_aborted;  // Linux: "too many orphaned sockets"
      // RFC 9293 MAY-1: CLOSE ends reading too (half-duplex close; shutdown() half-closes).
      // RFC 9293 SHLD-3: data never read is lost: the close is abortive (RST).
      if (s.linger == 0 || unread || too_many) {
        // SO_LINGER 0, or data the application never read: abortive close,
        // RST (RFC 9293 §3.10.4 ABORT; RFC 2525 §2.17, as Linux and FreeBSD).
        (void)c.abort(now);
      } else if (!s.shut_wr) {
        (void)c.close(now);
      }
      c.detach(now);
      slot.fd = -1;
      ++orphans_;
      mark_dirty(s.index);
      break;
    }
    case SocketEntry::Kind::kFresh:
    case SocketEntry::Kind::kDead:
      break;
  }
  if (s.explicit_bind) release_bound_port(s.local->port);
  sockets_[static_cast<std::size_t>(fd)].reset();
  free_fds_.push(fd);
  return {};
}

void Stack::release_bound_port(std::uint16_t port) {
  auto it = bound_ports_.find(port);
  if (it != bound_ports_.end() && --it->second == 0) bound_ports_.erase(it);
}

// A closed listener's queued connections were aborted by Listener::close();
// their RSTs still have to go out, then the slot is freed.
void Stack::drain_listener(std::uint32_t index, Instant now) {
  demux_.remove_listener(
      index, now, [&](const tcp::FourTuple& t, const TcpSegment& seg) { queue_control(t, seg); });
  listen_fds_[index] = -1;
}

std::uint32_t Stack::poll(Fd fd) const {
  const SocketEntry* entry_ptr = entry(fd);
  if (entry_ptr == nullptr) return kPollErr;
  const SocketEntry& s = *entry_ptr;
  switch (s.kind) {
    case SocketEntry::Kind::kFresh:
      return kPollOut | kPollHup;  // as Linux for an unconnected socket
    case SocketEntry::Kind::kDead:
      return kPollIn | kPollHup | (s.pending_error ? kPollErr : 0);
    case SocketEntry::Kind::kListener: {
      const bool held = any_ && any_->fd == fd && !any_->fresh.empty();
      return demux_.listener(s.index).accept_queue_length() > 0 || held ? kPollIn : 0;
    }
    case SocketEntry::Kind::kConnection:
      break;
  }
  const tcp::Connection& c = *conns_[s.index]->conn;
  std::uint32_t mask = 0;
  const tcp::Status st = c.status();
  if (st.receive_queued > 0 || c.at_eof() || c.error()) mask |= kPollIn;
  if (c.urgent_pending() > 0) mask |= kPollPri;  // RFC 9293 MUST-32 (with the callback)
  const bool sending = c.state() == tcp::State::kEstablished || c.state() == tcp::State::kCloseWait;
  if (sending && c.send_space() > 0 && !s.shut_wr) mask |= kPollOut;
  if (c.error()) mask |= kPollErr | kPollOut;
  if (c.state() == tcp::State::kClosed || (c.at_eof() && s.shut_wr)) mask |= kPollHup;
  return mask;
}

// RFC 9293 SHLD-20: reports are pulled (SO_ERROR, TCP_INFO) or pushed here; nullptr stops them.
void Stack::set_callback(std::function<void(Fd, std::uint32_t)> callback) {
  callback_ = std::move(callback);
}

std::expected<tcp::FourTuple, std::errc> Stack::endpoints(Fd fd) const {
  const SocketEntry* entry_ptr = entry(fd);
  if (entry_ptr == nullptr) return fail(std::errc::bad_file_descriptor);
  const SocketEntry& s = *entry_ptr;
  if (s.kind == SocketEntry::Kind::kConnection) return conns_[s.index]->conn->tuple();
  if (s.local) return tcp::FourTuple{*s.local, {}};
  return fail(std::errc::not_connected);
}

}  // namespace synack
