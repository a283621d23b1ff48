// The BSD-shaped socket API over the stack's connections and listeners.
// Non-blocking throughout: calls that would wait return operation_would_block
// (EAGAIN) or operation_in_progress (EINPROGRESS) and readiness says when to
// retry, exactly as with O_NONBLOCK sockets.
#include <algorithm>

#include "stack/stack.hpp"
#include "stack/stack_internal.hpp"

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
  sockets_[fd]->cfg = config_.tcp;
  return static_cast<Fd>(fd);
}

bool Stack::port_in_use(const tcp::Endpoint& local, bool reuse) const {
  for (const auto& other : sockets_) {
    if (!other || !other->local || other->local->port != local.port) continue;
    if (reuse && other->reuse_addr && other->kind != SocketEntry::Kind::kListener) continue;
    const bool any = other->local->addr == Ipv4Addr{} || local.addr == Ipv4Addr{};
    if (any || other->local->addr == local.addr) return true;
  }
  return false;
}

std::expected<void, std::errc> Stack::bind(Fd fd, tcp::Endpoint local) {
  SocketEntry* entry_ptr = entry(fd);
  if (entry_ptr == nullptr) return fail(std::errc::bad_file_descriptor);
  SocketEntry& s = *entry_ptr;
  if (s.local || s.kind != SocketEntry::Kind::kFresh) return fail(std::errc::invalid_argument);
  if (local.addr != Ipv4Addr{} && local.addr != config_.address) {
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
  auto slot = std::make_unique<ListenSlot>(
      ListenSlot{tcp::Listener(*s.local, queue, s.cfg, trace_, next_conn_id_), fd});
  next_conn_id_ += 1u << 20;  // ids of the listener's children
  std::size_t index = 0;
  while (index < listeners_.size() && listeners_[index]) ++index;
  if (index == listeners_.size()) listeners_.emplace_back();
  listeners_[index] = std::move(slot);
  s.kind = SocketEntry::Kind::kListener;
  s.index = static_cast<std::uint32_t>(index);
  return {};
}

std::expected<Fd, std::errc> Stack::accept(Fd fd, tcp::Endpoint* peer) {
  SocketEntry* entry_ptr = entry(fd);
  if (entry_ptr == nullptr) return fail(std::errc::bad_file_descriptor);
  SocketEntry& s = *entry_ptr;
  if (s.kind != SocketEntry::Kind::kListener) return fail(std::errc::invalid_argument);
  std::unique_ptr<tcp::Connection> c = listeners_[s.index]->listener.accept();
  if (!c) return fail(std::errc::operation_would_block);
  const tcp::Config cfg = s.cfg;
  auto child = socket();
  if (!child) return fail(child.error());
  SocketEntry& cs = *sockets_[static_cast<std::size_t>(*child)];
  cs.cfg = cfg;
  cs.local = c->tuple().local;
  cs.kind = SocketEntry::Kind::kConnection;
  cs.connect_reported = true;
  if (peer != nullptr) *peer = c->tuple().remote;
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
  if (tcb_count() >= config_.max_connections) return fail(std::errc::no_buffer_space);
  tcp::Endpoint local = s.local.value_or(tcp::Endpoint{config_.address, 0});
  if (local.addr == Ipv4Addr{}) local.addr = config_.address;
  if (local.port == 0) {
    auto port = ports_.pick(local.addr, remote.addr, remote.port, [&](std::uint16_t p) {
      return conn_index_.find({{local.addr, p}, remote}) != nullptr ||
             time_wait_.find({{local.addr, p}, remote}) != nullptr ||
             bound_ports_.contains(p);  // bound by bind()/listen(): not for connect
    });
    if (!port) return fail(port.error());
    local.port = *port;
  } else if (conn_index_.find({local, remote}) != nullptr) {
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
  auto r = c.send(data, now);
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
      listeners_[s.index]->listener.close(now);
      drain_listener(s.index, now);
      break;
    }
    case SocketEntry::Kind::kConnection: {
      ConnSlot& slot = *conns_[s.index];
      tcp::Connection& c = *slot.conn;
      const bool unread = c.status().receive_queued > 0;
      if (s.linger == 0 || unread) {
        // SO_LINGER 0, or data the application never read: abortive close,
        // RST (RFC 9293 §3.10.4 ABORT; RFC 2525 §2.17, as Linux and FreeBSD).
        (void)c.abort(now);
      } else if (!s.shut_wr) {
        (void)c.close(now);
      }
      c.detach(now);
      slot.fd = -1;
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
  tcp::Listener& l = listeners_[index]->listener;
  while (auto out = l.poll_transmit(now)) queue_control(out->first, out->second);
  listeners_[index].reset();
}

std::expected<int, std::errc> Stack::getsockopt(Fd fd, SockOpt opt) const {
  const SocketEntry* entry_ptr = entry(fd);
  if (entry_ptr == nullptr) return fail(std::errc::bad_file_descriptor);
  const SocketEntry& s = *entry_ptr;
  const tcp::Connection* c =
      s.kind == SocketEntry::Kind::kConnection ? conns_[s.index]->conn.get() : nullptr;
  switch (opt) {
    case SockOpt::kError: {
      if (s.pending_error) return static_cast<int>(*s.pending_error);
      if (c != nullptr && c->error()) return static_cast<int>(*c->error());
      return 0;
    }
    case SockOpt::kRcvBuf:  // the connection's RCV.BUFF (FreeBSD rounds it to the MSS)
      return static_cast<int>(c != nullptr ? c->receive_buffer_size() : s.cfg.rcv_buf);
    case SockOpt::kSndBuf:
      return static_cast<int>(s.cfg.snd_buf);
    case SockOpt::kReuseAddr:
      return s.reuse_addr ? 1 : 0;
    case SockOpt::kKeepAlive:
      return s.keepalive ? 1 : 0;
    case SockOpt::kLinger:
      return s.linger;
    case SockOpt::kNoDelay:
      return s.no_delay ? 1 : 0;
    case SockOpt::kMaxSeg:
      return c != nullptr && tcp::is_synchronized(c->state()) ? c->status().snd_mss : s.cfg.mss;
    case SockOpt::kKeepIdle:
      return s.keep_idle;
    case SockOpt::kKeepIntvl:
      return s.keep_intvl;
    case SockOpt::kKeepCnt:
      return s.keep_cnt;
    case SockOpt::kUserTimeout:
      return s.user_timeout_ms;
  }
  return fail(std::errc::no_protocol_option);
}

std::expected<void, std::errc> Stack::setsockopt(Fd fd, SockOpt opt, int value) {
  SocketEntry* entry_ptr = entry(fd);
  if (entry_ptr == nullptr) return fail(std::errc::bad_file_descriptor);
  SocketEntry& s = *entry_ptr;
  const bool positive = value > 0;
  switch (opt) {
    case SockOpt::kError:
      return fail(std::errc::no_protocol_option);  // read-only
    case SockOpt::kRcvBuf:
    case SockOpt::kSndBuf: {
      if (!positive) return fail(std::errc::invalid_argument);
      // Linux doubles the value for bookkeeping overhead; we keep it as given,
      // with a floor of one MSS so a window can always open.
      const auto bytes = std::max<std::uint32_t>(static_cast<std::uint32_t>(value), s.cfg.mss);
      (opt == SockOpt::kRcvBuf ? s.cfg.rcv_buf : s.cfg.snd_buf) = bytes;
      return {};
    }
    case SockOpt::kReuseAddr:
      s.reuse_addr = value != 0;
      return {};
    case SockOpt::kKeepAlive:
      s.keepalive = value != 0;
      return {};
    case SockOpt::kLinger:
      s.linger = value < 0 ? -1 : value;
      return {};
    case SockOpt::kNoDelay:
      s.no_delay = value != 0;
      return {};
    case SockOpt::kMaxSeg:
      if (value < 64 || value > 65495) return fail(std::errc::invalid_argument);
      s.cfg.mss = static_cast<std::uint16_t>(std::min<int>(value, s.cfg.mss));
      return {};
    case SockOpt::kKeepIdle:
    case SockOpt::kKeepIntvl:
    case SockOpt::kKeepCnt:
      if (!positive) return fail(std::errc::invalid_argument);
      (opt == SockOpt::kKeepIdle    ? s.keep_idle
       : opt == SockOpt::kKeepIntvl ? s.keep_intvl
                                    : s.keep_cnt) = value;
      return {};
    case SockOpt::kUserTimeout:
      if (value < 0) return fail(std::errc::invalid_argument);
      s.user_timeout_ms = value;
      return {};
  }
  return fail(std::errc::no_protocol_option);
}

std::expected<void, std::errc> Stack::set_congestion(Fd fd, std::string_view name) {
  SocketEntry* entry_ptr = entry(fd);
  if (entry_ptr == nullptr) return fail(std::errc::bad_file_descriptor);
  SocketEntry& s = *entry_ptr;
  (void)s;
  if (name != "newreno" && name != "reno" && name != "cubic")
    return fail(std::errc::no_such_file_or_directory);
  return {};
}

std::expected<TcpInfo, std::errc> Stack::tcp_info(Fd fd) const {
  const SocketEntry* entry_ptr = entry(fd);
  if (entry_ptr == nullptr) return fail(std::errc::bad_file_descriptor);
  const SocketEntry& s = *entry_ptr;
  TcpInfo info;
  if (s.kind == SocketEntry::Kind::kListener) {
    info.state = tcp::State::kListen;
    return info;
  }
  if (s.kind != SocketEntry::Kind::kConnection) return info;  // CLOSED
  const tcp::Status st = conns_[s.index]->conn->status();
  info.state = st.state;
  info.options =
      static_cast<std::uint8_t>((st.ts_ok ? 1 : 0) | (st.sack_ok ? 2 : 0) | (st.wscale_ok ? 4 : 0));
  info.snd_wscale = st.snd_wscale;
  info.rcv_wscale = st.rcv_wscale;
  info.rto = static_cast<std::uint32_t>(std::chrono::duration_cast<microseconds>(st.rto).count());
  info.snd_mss = st.snd_mss;
  info.rcv_mss = s.cfg.mss;
  info.retransmits = st.retransmits;
  info.snd_wnd = st.snd.wnd;
  info.rcv_wnd = st.rcv.wnd;
  info.unacked = static_cast<std::uint32_t>(st.snd.nxt - st.snd.una);
  return info;
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
    case SocketEntry::Kind::kListener:
      return listeners_[s.index]->listener.accept_queue_length() > 0 ? kPollIn : 0;
    case SocketEntry::Kind::kConnection:
      break;
  }
  const tcp::Connection& c = *conns_[s.index]->conn;
  std::uint32_t mask = 0;
  const tcp::Status st = c.status();
  if (st.receive_queued > 0 || c.at_eof() || c.error()) mask |= kPollIn;
  const bool sending = c.state() == tcp::State::kEstablished || c.state() == tcp::State::kCloseWait;
  if (sending && c.send_space() > 0 && !s.shut_wr) mask |= kPollOut;
  if (c.error()) mask |= kPollErr | kPollOut;
  if (c.state() == tcp::State::kClosed || (c.at_eof() && s.shut_wr)) mask |= kPollHup;
  return mask;
}

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
