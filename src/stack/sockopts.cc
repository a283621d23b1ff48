// SPDX-License-Identifier: Apache-2.0
// Socket options (getsockopt / setsockopt / TCP_CONGESTION / TCP_INFO). Every
// option lives in the socket's tcp::Config copy, so connect() and listen()
// start from it and accepted sockets inherit the listener's (as Linux); on a
// connected socket the option reaches the connection at once.
#include <algorithm>
#include <chrono>

#include "stack/stack.hpp"
#include "stack/stack_internal.hpp"

namespace synack {
namespace {

std::unexpected<std::errc> fail(std::errc e) {
  return std::unexpected(e);
}

// Linux bounds: MAX_TCP_KEEPIDLE / MAX_TCP_KEEPINTVL 32767 s, MAX_TCP_KEEPCNT 127.
constexpr int kMaxKeepSeconds = 32767;
constexpr int kMaxKeepCount = 127;

int whole_seconds(Duration d) {
  return static_cast<int>(std::chrono::duration_cast<seconds>(d).count());
}

}  // namespace

// Brings a connection's options in line with its socket's configuration
// (only what differs, so timers are not restarted needlessly).
void Stack::apply_options(tcp::Connection& c, const tcp::Config& cfg, Instant now) {
  const tcp::Config& have = c.config();
  if (have.keepalive_idle != cfg.keepalive_idle ||
      have.keepalive_interval != cfg.keepalive_interval ||
      have.keepalive_count != cfg.keepalive_count) {
    c.set_keepalive_timing(cfg.keepalive_idle, cfg.keepalive_interval, cfg.keepalive_count, now);
  }
  if (have.keepalive != cfg.keepalive) c.set_keepalive(cfg.keepalive, now);
  if (have.nodelay != cfg.nodelay) c.set_nodelay(cfg.nodelay);
  if (have.tos != cfg.tos) c.set_tos(cfg.tos);
  if (have.user_timeout != cfg.user_timeout) c.set_user_timeout(cfg.user_timeout, now);
  if (have.congestion_control != cfg.congestion_control) {
    (void)c.set_congestion_control(cfg.congestion_control);
  }
}

// The socket's configuration changed: its connection or listener follows.
void Stack::options_changed(SocketEntry& s, Instant now) {
  if (s.kind == SocketEntry::Kind::kConnection) {
    apply_options(*conns_[s.index]->conn, *s.cfg, now);
    mark_dirty(s.index);  // deadlines moved: settle() reschedules the timer
  } else if (s.kind == SocketEntry::Kind::kListener) {
    demux_.listener(s.index).set_config(s.cfg);  // for connections still to come
  }
}

std::expected<int, std::errc> Stack::getsockopt(Fd fd, SockOpt opt) const {
  const SocketEntry* entry_ptr = entry(fd);
  if (entry_ptr == nullptr) return fail(std::errc::bad_file_descriptor);
  const SocketEntry& s = *entry_ptr;
  const tcp::Connection* c =
      s.kind == SocketEntry::Kind::kConnection ? conns_[s.index]->conn.get() : nullptr;
  switch (opt) {
    // RFC 9293 MUST-47: errors reach the application: SO_ERROR, kPollErr, the calls' results.
    case SockOpt::kError: {
      if (s.pending_error) return static_cast<int>(*s.pending_error);
      if (c != nullptr && c->error()) return static_cast<int>(*c->error());
      return 0;
    }
    case SockOpt::kRcvBuf:  // the connection's RCV.BUFF (FreeBSD rounds it to the MSS)
      return static_cast<int>(c != nullptr ? c->receive_buffer_size() : s.cfg->rcv_buf);
    case SockOpt::kSndBuf:
      return static_cast<int>(s.cfg->snd_buf);
    case SockOpt::kReuseAddr:
      return s.reuse_addr ? 1 : 0;
    case SockOpt::kKeepAlive:
      return s.cfg->keepalive ? 1 : 0;
    case SockOpt::kLinger:
      return s.linger;
    case SockOpt::kNoDelay:
      return s.cfg->nodelay ? 1 : 0;  // accepted sockets inherit it in cfg
    case SockOpt::kMaxSeg:
      return c != nullptr && tcp::is_synchronized(c->state()) ? c->status().snd_mss : s.cfg->mss;
    case SockOpt::kKeepIdle:
      return whole_seconds(s.cfg->keepalive_idle);
    case SockOpt::kKeepIntvl:
      return whole_seconds(s.cfg->keepalive_interval);
    case SockOpt::kKeepCnt:
      return static_cast<int>(s.cfg->keepalive_count);
    case SockOpt::kUserTimeout:
      return static_cast<int>(
          std::chrono::duration_cast<milliseconds>(s.cfg->user_timeout).count());
    case SockOpt::kTos:
      return s.cfg->tos;
  }
  return fail(std::errc::no_protocol_option);
}

std::expected<void, std::errc> Stack::setsockopt(Fd fd, SockOpt opt, int value) {
  return setsockopt(fd, opt, value, clock_);
}

std::expected<void, std::errc> Stack::setsockopt(Fd fd, SockOpt opt, int value, Instant now) {
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
      // Linux doubles SO_SNDBUF for bookkeeping overhead (Config::sndbuf_doubling);
      // otherwise the value as given, with a floor of one MSS so a window can
      // always open.
      auto bytes = static_cast<std::uint32_t>(value);
      if (opt == SockOpt::kSndBuf && s.cfg->sndbuf_doubling) {
        bytes = std::max<std::uint32_t>(std::min<std::uint32_t>(bytes, 212992) * 2, 4608);
      }
      bytes = std::max<std::uint32_t>(bytes, s.cfg->mss);
      (opt == SockOpt::kRcvBuf ? s.cfg.mutate().rcv_buf : s.cfg.mutate().snd_buf) = bytes;
      return {};
    }
    case SockOpt::kReuseAddr:
      s.reuse_addr = value != 0;
      return {};
    case SockOpt::kLinger:
      s.linger = value < 0 ? -1 : value;
      return {};
    // RFC 9293 MUST-17: TCP_NODELAY disables Nagle on this connection.
    case SockOpt::kNoDelay:  // Nagle off (RFC 9293 §3.7.4); on a connection it takes effect now
      s.no_delay = value != 0;
      s.cfg.mutate().nodelay = s.no_delay;
      break;
    case SockOpt::kMaxSeg:
      if (value < 64 || value > 65495) return fail(std::errc::invalid_argument);
      // On a listener it reaches the SYN-ACKs it sends from now on (Linux
      // advertises min(TCP_MAXSEG, device MSS) in them).
      s.cfg.mutate().mss = static_cast<std::uint16_t>(std::min<int>(value, s.cfg->mss));
      break;
    // RFC 9293 MUST-24: keep-alives on or off per connection (SO_KEEPALIVE).
    case SockOpt::kKeepAlive:  // SO_KEEPALIVE (RFC 9293 §3.8.4)
      s.cfg.mutate().keepalive = value != 0;
      break;
    // RFC 9293 MUST-27: the keep-alive interval is configurable (TCP_KEEPIDLE, KEEPINTVL, KEEPCNT).
    case SockOpt::kKeepIdle:   // TCP_KEEPIDLE, s
    case SockOpt::kKeepIntvl:  // TCP_KEEPINTVL, s
      if (value < 1 || value > kMaxKeepSeconds) return fail(std::errc::invalid_argument);
      (opt == SockOpt::kKeepIdle ? s.cfg.mutate().keepalive_idle
                                 : s.cfg.mutate().keepalive_interval) = seconds(value);
      break;
    case SockOpt::kTos:
      // RFC 9293 MUST-48: the application sets the Diffserv field (IP_TOS), also
      // during the connection (RFC 9293 SHLD-21: the next segment carries it).
      // RFC 9293 SHLD-23 [n/a]: advice to applications (change the Diffserv field rarely).
      if (value < 0 || value > 255) return fail(std::errc::invalid_argument);
      s.cfg.mutate().tos = static_cast<std::uint8_t>(value);
      break;
    case SockOpt::kKeepCnt:  // TCP_KEEPCNT, probes
      if (value < 1 || value > kMaxKeepCount) return fail(std::errc::invalid_argument);
      s.cfg.mutate().keepalive_count = static_cast<std::uint32_t>(value);
      break;
    // RFC 9293 MUST-21: the application sets R2 per connection (TCP_USER_TIMEOUT).
    case SockOpt::kUserTimeout:  // TCP_USER_TIMEOUT, ms (RFC 5482)
      if (value < 0) return fail(std::errc::invalid_argument);
      s.cfg.mutate().user_timeout = milliseconds(value);
      break;
    default:
      return fail(std::errc::no_protocol_option);
  }
  options_changed(s, now);
  return {};
}

std::expected<void, std::errc> Stack::set_congestion(Fd fd, std::string_view name) {
  SocketEntry* entry_ptr = entry(fd);
  if (entry_ptr == nullptr) return fail(std::errc::bad_file_descriptor);
  SocketEntry& s = *entry_ptr;
  // Config::congestion_control must name storage that outlives the socket.
  if (name == "newreno" || name == "reno") {
    s.cfg.mutate().congestion_control = "newreno";
  } else if (name == "cubic") {
    s.cfg.mutate().congestion_control = "cubic";
  } else {
    return fail(std::errc::no_such_file_or_directory);  // Linux: ENOENT
  }
  options_changed(s, clock_);
  return {};
}

std::expected<std::string_view, std::errc> Stack::congestion(Fd fd) const {
  const SocketEntry* entry_ptr = entry(fd);
  if (entry_ptr == nullptr) return fail(std::errc::bad_file_descriptor);
  return entry_ptr->cfg->congestion_control;
}

std::expected<TcpInfo, std::errc> Stack::tcp_info(Fd fd) const {
  return tcp_info(fd, clock_);
}

std::expected<TcpInfo, std::errc> Stack::tcp_info(Fd fd, Instant now) const {
  const SocketEntry* entry_ptr = entry(fd);
  if (entry_ptr == nullptr) return fail(std::errc::bad_file_descriptor);
  const SocketEntry& s = *entry_ptr;
  if (s.kind == SocketEntry::Kind::kConnection) return conns_[s.index]->conn->info(now);
  TcpInfo info;
  if (s.kind == SocketEntry::Kind::kListener) info.state = tcp::State::kListen;
  return info;  // CLOSED: fresh or dead sockets
}

}  // namespace synack
