// SPDX-License-Identifier: Apache-2.0
// The forwarder (forward.hpp): TCP relays between synack sockets and kernel
// sockets, their SOCKS5 set-up, UDP flows, timeouts.
#include "apps/forward.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/core.h>

#include "apps/socks5.hpp"
#include "base/buffer_pool.hpp"
#include "tun/netns.hpp"

namespace synack::apps {
namespace {

sockaddr_in to_sockaddr(tcp::Endpoint e) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(e.port);
  a.sin_addr.s_addr = htonl(std::get<Ipv4Addr>(e.addr).value);  // the forwarder is IPv4
  return a;
}

// Closes a kernel socket with a RST (SO_LINGER 0), as an abortive close.
void close_abortive(int fd) {
  const linger l{.l_onoff = 1, .l_linger = 0};
  (void)::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::close(fd);
}

bool refused(int err) {
  return err == ECONNREFUSED || err == ECONNRESET;
}

// The client side of a SOCKS5 handshake (RFC 1928 §3, §4, §6) on a connected
// non-blocking socket: greeting, then `command` for `to` once the method
// reply came. The messages are a few bytes each: they fit an empty socket buffer.
struct SocksHandshake {
  std::uint8_t command = socks5::kConnect;
  tcp::Endpoint to;
  bool method_done = false;
  std::vector<std::byte> in;  // received, not yet parsed; after the reply: stream bytes

  // 0, or the errno of a failed send.
  static int send_all(int fd, const std::vector<std::byte>& m) {
    return ::send(fd, m.data(), m.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(m.size())
               ? 0
               : (errno != 0 ? errno : EIO);
  }
  int start(int fd) const { return send_all(fd, socks5::greeting()); }
  // Reads what arrived. nullopt: not complete yet; else the reply (its bytes
  // removed from `in`) or an errno: ECONNREFUSED (refused, or the proxy
  // closed), EHOSTUNREACH (the proxy could not reach the destination) ...
  std::optional<std::expected<socks5::Reply, int>> step(int fd) {
    std::array<std::byte, 512> buf;
    const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return std::nullopt;
    if (n <= 0) return std::unexpected(n == 0 ? ECONNREFUSED : errno);
    in.insert(in.end(), buf.begin(), buf.begin() + n);
    if (!method_done) {
      const auto m = socks5::parse_method_reply(in);
      if (!m) return std::nullopt;
      if (!*m) return std::unexpected(ECONNREFUSED);
      in.erase(in.begin(), in.begin() + 2);
      method_done = true;
      if (const int err = send_all(fd, socks5::request(command, to)); err != 0) {
        return std::unexpected(err);
      }
    }
    const auto reply = socks5::parse_reply(in);
    if (!reply) return std::nullopt;
    if (!*reply) {
      return std::unexpected(reply->error() == socks5::Failure::kConnectionRefused ? ECONNREFUSED
                                                                                   : EHOSTUNREACH);
    }
    in.erase(in.begin(), in.begin() + static_cast<std::ptrdiff_t>((*reply)->length));
    return **reply;
  }
};

}  // namespace

// One direction's bytes in flight: a bounded ring whose storage comes from
// the per-thread buffer pool while it holds data (base/buffer_pool.hpp), so an
// idle relay holds none and a busy one does not pay malloc for each burst.
struct Forwarder::Ring {
  std::byte* buf = nullptr;
  std::size_t head = 0, len = 0, cap = 0;
  std::size_t* total = nullptr;  // the forwarder's allocated bytes (and its peak)
  std::size_t* peak = nullptr;

  Ring() = default;
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;
  ~Ring() { release(); }

  [[nodiscard]] bool empty() const { return len == 0; }
  [[nodiscard]] bool full() const { return len == cap; }
  [[nodiscard]] std::size_t allocated() const { return buf != nullptr ? cap : 0; }
  // The contiguous free space (takes the storage on first use).
  MutableBytes writable() {
    if (buf == nullptr) {
      buf = buffer_pool::acquire(cap);
      *total += cap;
      *peak = std::max(*peak, *total);
    }
    const std::size_t tail = (head + len) % cap;
    const std::size_t n = tail >= head ? std::min(cap - tail, cap - len) : head - tail;
    return {buf + tail, n};
  }
  [[nodiscard]] Bytes readable() const { return {buf + head, std::min(len, cap - head)}; }
  void produced(std::size_t n) { len += n; }
  void consumed(std::size_t n) {
    head = (head + n) % cap;
    len -= n;
    if (len == 0) head = 0;
  }
  // An empty ring gives its storage back (after a pass that moved everything).
  void trim() {
    if (len == 0) release();
  }
  void release() {
    if (buf == nullptr) return;
    buffer_pool::release(buf, cap);
    *total -= cap;
    buf = nullptr;
    head = len = 0;
  }
};

struct Forwarder::Relay {
  enum class Phase : std::uint8_t { kConnecting, kSocks, kOpen };
  std::uint64_t id = 0;
  tcp::FourTuple tuple;  // local = the original destination, remote = the client
  Fd inner = -1;         // synack socket (-1: the SYN is held, not yet accepted)
  int outer = -1;        // kernel socket
  Phase phase = Phase::kConnecting;
  Ring up, down;  // client → destination, destination → client
  bool inner_eof = false, outer_eof = false, inner_shut = false, outer_shut = false;
  SocksHandshake socks;
  Instant started{};
  std::uint32_t events = 0;
};

struct Forwarder::Flow {
  tcp::Endpoint client, destination;
  int outer = -1;  // UDP socket: connected to the destination, or to the SOCKS5 UDP relay
  Instant last{};
  std::uint32_t events = 0;
  // SOCKS5 UDP ASSOCIATE (RFC 1928 §7): the TCP control connection (the
  // association lives as long as it), its handshake, and the datagrams that
  // came before the relay's address (at most kMaxEarly).
  int control = -1;
  std::uint32_t control_events = 0;
  bool associated = false;
  SocksHandshake socks;
  std::vector<std::vector<std::byte>> early;
  static constexpr std::size_t kMaxEarly = 8;
  std::vector<std::byte> socks_header;  // the UDP request header before each datagram
};

std::expected<std::unique_ptr<Forwarder>, std::string> Forwarder::create(TunStack& ts,
                                                                         ForwardOptions o) {
  if (!ts.stack().config().any_destination) {
    return std::unexpected("the stack is not in any-destination mode");
  }
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) return std::unexpected(fmt::format("cannot create epoll: {}", std::strerror(errno)));
  std::unique_ptr<Forwarder> f(new Forwarder(ts, std::move(o), ep));
  // Check the egress settings once, so a wrong one is a set-up error, not a per-connection one.
  if (auto probe = f->open_upstream(SOCK_DGRAM, {}); !probe) {
    return std::unexpected(fmt::format(
        "cannot open an upstream socket{}: {}",
        f->options_.egress_netns.empty() ? "" : " in network namespace " + f->options_.egress_netns,
        std::strerror(probe.error())));
  } else {
    ::close(*probe);
  }
  Stack& s = ts.stack();
  f->listener_ = *s.socket();
  if (auto r = s.listen_any(f->listener_, f->options_.backlog,
                            {.defer_handshake = !f->options_.accept_at_once}, ts.now());
      !r) {
    return std::unexpected(
        fmt::format("cannot listen: {}", std::make_error_code(r.error()).message()));
  }
  auto u = s.udp().socket();
  if (!u || !s.udp().bind_any(*u))
    return std::unexpected("cannot bind the any-destination UDP socket");
  f->udp_any_ = *u;
  Forwarder* self = f.get();
  s.udp().set_callback([self](UdpFd, std::uint32_t) { self->on_udp(self->ts_.now()); });
  if (auto r = ts.loop().add_fd(ep, EPOLLIN,
                                [self](std::uint32_t, Instant now) { self->on_epoll(now); });
      !r) {
    return std::unexpected(r.error().message);
  }
  return f;
}

Forwarder::Forwarder(TunStack& ts, ForwardOptions options, int epoll_fd)
    : ts_(ts), stack_(ts.stack()), options_(std::move(options)), epoll_fd_(epoll_fd) {}

Forwarder::~Forwarder() {
  ts_.loop().remove_fd(epoll_fd_);
  stack_.udp().set_callback(nullptr);
  for (auto& [id, r] : relays_) {
    if (r->outer >= 0) ::close(r->outer);
  }
  relays_.clear();  // their rings go back to the pool while buffered_ still exists
  for (auto& [k, f] : flows_) {
    ::close(f->outer);
    if (f->control >= 0) ::close(f->control);
  }
  ::close(epoll_fd_);
}

// A non-blocking kernel socket in the egress namespace, with the egress
// device and mark, connecting to `to` (not connected when `to` is 0.0.0.0:0).
// Error: the errno.
std::expected<int, int> Forwarder::open_upstream(int type, tcp::Endpoint to) {
  int fd = -1;
  {
    std::optional<ScopedNetns> ns;
    if (!options_.egress_netns.empty()) {
      auto entered = ScopedNetns::enter(options_.egress_netns);
      if (!entered) return std::unexpected(static_cast<int>(entered.error().code));
      ns.emplace(std::move(*entered));
    }
    fd = ::socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  }
  if (fd < 0) return std::unexpected(errno);
  const auto fail = [&](int err) {
    ::close(fd);
    return std::unexpected(err);
  };
  if (!options_.egress_dev.empty() &&
      ::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, options_.egress_dev.c_str(),
                   static_cast<socklen_t>(options_.egress_dev.size())) != 0) {
    return fail(errno);
  }
  if (options_.mark &&
      ::setsockopt(fd, SOL_SOCKET, SO_MARK, &*options_.mark, sizeof *options_.mark) != 0) {
    return fail(errno);
  }
  if (to.port == 0) return fd;
  const sockaddr_in a = to_sockaddr(to);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0 && errno != EINPROGRESS) {
    return fail(errno);
  }
  return fd;
}

void Forwarder::watch(int fd, std::uint32_t events, std::uint32_t& current) {
  if (events == current) return;
  epoll_event ev{.events = events, .data = {.fd = fd}};
  (void)::epoll_ctl(epoll_fd_, current == 0 && events != 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd,
                    &ev);
  current = events == 0 ? EPOLLRDHUP : events;  // registered either way: keep MOD working
}

// ---- TCP -------------------------------------------------------------------------

void Forwarder::on_ready(Fd fd, std::uint32_t, Instant now) {
  if (fd == listener_) {
    while (auto t = stack_.pending_syn(listener_)) start_relay(*t, -1, now);
    while (auto c = stack_.accept(listener_)) on_accepted(*c, now);
    return;
  }
  auto it = by_inner_.find(fd);
  if (it == by_inner_.end()) return;
  auto r = relays_.find(it->second);
  if (r != relays_.end()) pump(*r->second, now);
}

// A held SYN (inner = -1) or an accepted connection (accept at once): open its upstream.
void Forwarder::start_relay(const tcp::FourTuple& t, Fd inner, Instant now) {
  const auto reject = [&](Refusal how) {
    if (inner >= 0) {
      (void)stack_.setsockopt(inner, SockOpt::kLinger, 0, now);
      (void)stack_.close(inner, now);
    } else {
      (void)stack_.refuse(listener_, t, how, now);
    }
  };
  if (relays_.size() >= options_.max_connections) {
    ++stats_.tcp_over_limit;
    reject(Refusal::kReset);
    return;
  }
  auto outer = open_upstream(SOCK_STREAM, options_.socks5.value_or(t.local));
  if (!outer) {
    ++(refused(outer.error()) ? stats_.tcp_refused : stats_.tcp_unreachable);
    reject(refused(outer.error()) ? Refusal::kReset : Refusal::kUnreachable);
    return;
  }
  auto r = std::make_unique<Relay>();
  r->id = next_id_++;
  r->tuple = t;
  r->inner = inner;
  r->outer = *outer;
  r->started = now;
  for (Ring* ring : {&r->up, &r->down}) {
    ring->cap = options_.buffer_bytes;
    ring->total = &buffered_;
    ring->peak = &stats_.buffer_peak;
  }
  watch(r->outer, EPOLLOUT, r->events);
  outer_tcp_[r->outer] = r->id;
  if (inner >= 0) {
    by_inner_[inner] = r->id;
  } else {
    by_tuple_[t] = r->id;
  }
  relays_[r->id] = std::move(r);
}

void Forwarder::on_accepted(Fd fd, Instant now) {
  const auto t = stack_.endpoints(fd);
  if (!t) {
    (void)stack_.close(fd, now);
    return;
  }
  auto held = by_tuple_.find(*t);
  if (held == by_tuple_.end()) {  // accepted at once (or a SYN the held table had no room for)
    start_relay(*t, fd, now);
    return;
  }
  Relay& r = *relays_.at(held->second);
  by_tuple_.erase(held);
  r.inner = fd;
  by_inner_[fd] = r.id;
  pump(r, now);
}

void Forwarder::on_epoll(Instant now) {
  std::array<epoll_event, 64> evs;
  const int n = ::epoll_wait(epoll_fd_, evs.data(), static_cast<int>(evs.size()), 0);
  for (int i = 0; i < n; ++i) {
    const int fd = evs[static_cast<std::size_t>(i)].data.fd;
    const std::uint32_t events = evs[static_cast<std::size_t>(i)].events;
    if (auto it = outer_tcp_.find(fd); it != outer_tcp_.end()) {
      auto r = relays_.find(it->second);
      if (r != relays_.end()) on_outer(*r->second, events, now);
    } else if (auto f = outer_udp_.find(fd); f != outer_udp_.end()) {
      auto flow = flows_.find(f->second);
      if (flow != flows_.end()) on_flow(*flow->second, now);
    } else if (auto c = udp_control_.find(fd); c != udp_control_.end()) {
      auto flow = flows_.find(c->second);
      if (flow != flows_.end()) on_control(*flow->second, events);
    }
  }
}

void Forwarder::on_outer(Relay& r, std::uint32_t events, Instant now) {
  switch (r.phase) {
    case Relay::Phase::kConnecting: {
      if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) return;
      int err = 0;
      socklen_t len = sizeof err;
      (void)::getsockopt(r.outer, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        connect_failed(r, err, now);
        return;
      }
      if (!options_.socks5) {
        connected(r, now);
        return;
      }
      r.socks.to = r.tuple.local;
      if (const int e = r.socks.start(r.outer); e != 0) {
        connect_failed(r, e, now);
        return;
      }
      r.phase = Relay::Phase::kSocks;
      watch(r.outer, EPOLLIN, r.events);
      return;
    }
    case Relay::Phase::kSocks:
      socks_step(r, now);
      return;
    case Relay::Phase::kOpen:
      pump(r, now);
      return;
  }
}

// RFC 1928: the proxy's replies to our greeting and CONNECT.
void Forwarder::socks_step(Relay& r, Instant now) {
  const auto reply = r.socks.step(r.outer);
  if (!reply) return;
  if (!*reply) {
    connect_failed(r, reply->error(), now);
    return;
  }
  // Bytes the destination sent right after the reply belong to the stream.
  const Bytes rest(r.socks.in);
  if (!rest.empty()) {
    const MutableBytes w = r.down.writable();
    const std::size_t k = std::min(w.size(), rest.size());
    std::memcpy(w.data(), rest.data(), k);
    r.down.produced(k);
  }
  std::vector<std::byte>().swap(r.socks.in);
  connected(r, now);
}

void Forwarder::connected(Relay& r, Instant now) {
  r.phase = Relay::Phase::kOpen;
  ++stats_.tcp_relayed;
  if (r.inner < 0) {
    if (!stack_.admit(listener_, r.tuple, now)) {  // the held SYN expired
      by_tuple_.erase(r.tuple);
      destroy(r);
      return;
    }
    watch(r.outer, 0, r.events);  // nothing to move until the client's handshake completes
    return;
  }
  pump(r, now);
}

void Forwarder::connect_failed(Relay& r, int err, Instant now) {
  ++(refused(err) ? stats_.tcp_refused : stats_.tcp_unreachable);
  if (r.inner < 0) {
    (void)stack_.refuse(listener_, r.tuple, refused(err) ? Refusal::kReset : Refusal::kUnreachable,
                        now);
    by_tuple_.erase(r.tuple);
  } else {
    (void)stack_.setsockopt(r.inner, SockOpt::kLinger, 0, now);  // RST to the client
    (void)stack_.close(r.inner, now);
    by_inner_.erase(r.inner);
    r.inner = -1;
  }
  destroy(r);
}

// Moves bytes both ways until neither side can take or give more, then
// propagates FINs, and sets the kernel socket's interest from the buffers.
void Forwarder::pump(Relay& r, Instant now) {
  if (r.phase != Relay::Phase::kOpen || r.inner < 0) return;
  for (bool progress = true; progress;) {
    progress = false;
    while (!r.inner_eof && !r.up.full()) {
      auto n = stack_.recv(r.inner, r.up.writable(), 0, now);
      if (!n && n.error() == std::errc::operation_would_block) break;
      if (!n) return abort(r, now);  // the client reset
      if (*n == 0) {
        r.inner_eof = true;
        break;
      }
      r.up.produced(*n);
      stats_.bytes_up += *n;
      progress = true;
    }
    while (!r.up.empty()) {
      const Bytes b = r.up.readable();
      const ssize_t n = ::send(r.outer, b.data(), b.size(), MSG_NOSIGNAL);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n < 0) return abort(r, now);
      r.up.consumed(static_cast<std::size_t>(n));
      progress = true;
    }
    if (r.inner_eof && r.up.empty() && !r.outer_shut) {
      ::shutdown(r.outer, SHUT_WR);  // the client's FIN
      r.outer_shut = true;
    }
    while (!r.outer_eof && !r.down.full()) {
      const MutableBytes w = r.down.writable();
      const ssize_t n = ::recv(r.outer, w.data(), w.size(), 0);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n < 0) return abort(r, now);  // ECONNRESET: reset the client too
      if (n == 0) {
        r.outer_eof = true;
        break;
      }
      r.down.produced(static_cast<std::size_t>(n));
      stats_.bytes_down += static_cast<std::size_t>(n);
      progress = true;
    }
    while (!r.down.empty()) {
      auto n = stack_.send(r.inner, r.down.readable(), now);
      if (!n && n.error() == std::errc::operation_would_block) break;
      if (!n) return abort(r, now);
      r.down.consumed(*n);
      progress = true;
    }
    if (r.outer_eof && r.down.empty() && !r.inner_shut) {
      (void)stack_.shutdown(r.inner, ShutdownHow::kWrite, now);  // the destination's FIN
      r.inner_shut = true;
    }
  }
  if (r.inner_eof && r.outer_eof && r.up.empty() && r.down.empty()) {
    ++stats_.tcp_finished;
    (void)stack_.close(r.inner, now);
    by_inner_.erase(r.inner);
    r.inner = -1;
    destroy(r);
    return;
  }
  r.up.trim();  // an idle connection holds no relay buffer
  r.down.trim();
  std::uint32_t want = 0;
  if (!r.outer_eof && !r.down.full()) want |= EPOLLIN;
  if (!r.up.empty()) want |= EPOLLOUT;
  watch(r.outer, want, r.events);
}

// A RST on either side, or an error: reset both.
void Forwarder::abort(Relay& r, Instant now) {
  ++stats_.tcp_reset;
  if (r.inner >= 0) {
    (void)stack_.setsockopt(r.inner, SockOpt::kLinger, 0, now);
    (void)stack_.close(r.inner, now);
    by_inner_.erase(r.inner);
    r.inner = -1;
  }
  close_abortive(r.outer);
  outer_tcp_.erase(r.outer);
  r.outer = -1;
  destroy(r);
}

void Forwarder::destroy(Relay& r) {
  if (r.outer >= 0) {
    ::close(r.outer);  // also leaves the epoll set
    outer_tcp_.erase(r.outer);
  }
  if (r.inner >= 0) by_inner_.erase(r.inner);
  r.up.release();
  r.down.release();
  relays_.erase(r.id);  // r is gone
}

// ---- UDP --------------------------------------------------------------------------

void Forwarder::on_udp(Instant now) {
  std::array<std::byte, 65536> buf;
  tcp::Endpoint from, to;
  for (;;) {
    auto n = stack_.udp().recvfrom(udp_any_, buf, &from, &to);
    if (!n) return;
    const Bytes payload = Bytes(buf).first(std::min<std::size_t>(*n, buf.size()));
    const tcp::FourTuple key{to, from};
    const auto it = flows_.find(key);
    Flow* flow = it != flows_.end() ? it->second.get() : open_flow(from, to);
    if (flow == nullptr) {
      ++stats_.udp_dropped;
      continue;
    }
    Flow& f = *flow;
    f.last = now;
    if (f.control >= 0 && !f.associated) {  // SOCKS5: not associated yet
      if (f.early.size() < Flow::kMaxEarly) {
        f.early.emplace_back(payload.begin(), payload.end());
      } else {
        ++stats_.udp_dropped;
      }
      continue;
    }
    send_up(f, payload);
  }
}

// A new flow: a UDP socket connected to the destination, or (SOCKS5) a TCP
// control connection to the proxy whose UDP ASSOCIATE reply names the relay.
Forwarder::Flow* Forwarder::open_flow(tcp::Endpoint client, tcp::Endpoint destination) {
  if (flows_.size() >= options_.max_udp_flows) return nullptr;
  auto outer = open_upstream(SOCK_DGRAM, options_.socks5 ? tcp::Endpoint{} : destination);
  if (!outer) return nullptr;
  auto f = std::make_unique<Flow>();
  f->client = client;
  f->destination = destination;
  f->outer = *outer;
  if (options_.socks5) {
    auto control = open_upstream(SOCK_STREAM, *options_.socks5);
    if (!control) {
      ::close(*outer);
      return nullptr;
    }
    f->control = *control;
    f->socks_header = socks5::udp_header(destination);
    f->socks.command = socks5::kUdpAssociate;  // to 0.0.0.0:0: "not known yet" (RFC 1928 §4)
    watch(f->control, EPOLLOUT, f->control_events);
    udp_control_[f->control] = {destination, client};
  }
  watch(f->outer, EPOLLIN, f->events);
  outer_udp_[f->outer] = {destination, client};
  ++stats_.udp_flows;
  Flow* raw = f.get();
  flows_.emplace(tcp::FourTuple{destination, client}, std::move(f));
  return raw;
}

void Forwarder::send_up(Flow& f, Bytes payload) {
  ssize_t sent = 0;
  if (f.control >= 0) {  // RFC 1928 §7: each datagram carries its destination
    std::array<iovec, 2> iov{iovec{f.socks_header.data(), f.socks_header.size()},
                             iovec{const_cast<std::byte*>(payload.data()), payload.size()}};
    msghdr m{};
    m.msg_iov = iov.data();
    m.msg_iovlen = iov.size();
    sent = ::sendmsg(f.outer, &m, 0);
  } else {
    sent = ::send(f.outer, payload.data(), payload.size(), 0);
  }
  ++(sent < 0 ? stats_.udp_dropped : stats_.udp_up);
}

// The SOCKS5 control connection of a flow: connected, handshake, or closed
// (which ends the association, RFC 1928 §7).
void Forwarder::on_control(Flow& f, std::uint32_t events) {
  if (!f.associated && f.control_events == EPOLLOUT) {
    int err = 0;
    socklen_t len = sizeof err;
    (void)::getsockopt(f.control, SOL_SOCKET, SO_ERROR, &err, &len);
    if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) return;
    if (err != 0 || f.socks.start(f.control) != 0) return close_flow(f);
    watch(f.control, EPOLLIN, f.control_events);
    return;
  }
  if (f.associated) {  // anything but silence: the proxy ended the association
    std::array<std::byte, 64> buf;
    const ssize_t n = ::recv(f.control, buf.data(), buf.size(), 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    return close_flow(f);
  }
  const auto reply = f.socks.step(f.control);
  if (!reply) return;
  if (!*reply) return close_flow(f);
  tcp::Endpoint relay = (*reply)->bound;
  if (is_unspecified(relay.addr)) relay.addr = options_.socks5->addr;  // "the server's address"
  const sockaddr_in a = to_sockaddr(relay);
  if (::connect(f.outer, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
    return close_flow(f);
  }
  f.associated = true;
  for (const auto& d : f.early) send_up(f, d);
  std::vector<std::vector<std::byte>>().swap(f.early);
}

void Forwarder::on_flow(Flow& f, Instant now) {
  std::array<std::byte, 65536> buf;
  for (;;) {
    const ssize_t n = ::recv(f.outer, buf.data(), buf.size(), 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n < 0) {  // ECONNREFUSED from an ICMP port unreachable: dropped, counted
      ++stats_.udp_dropped;
      return;
    }
    f.last = now;
    Bytes payload = Bytes(buf).first(static_cast<std::size_t>(n));
    if (f.control >= 0) {  // strip the RFC 1928 §7 header; fragments are dropped
      const auto d = socks5::parse_udp(payload);
      if (!d) {
        ++stats_.udp_dropped;
        continue;
      }
      payload = d->second;
    }
    if (stack_.udp().send_from(udp_any_, payload, f.destination, f.client)) {
      ++stats_.udp_down;
    } else {
      ++stats_.udp_dropped;
    }
  }
}

void Forwarder::close_flow(Flow& f) {
  ::close(f.outer);
  outer_udp_.erase(f.outer);
  if (f.control >= 0) {
    ::close(f.control);
    udp_control_.erase(f.control);
  }
  flows_.erase(tcp::FourTuple{f.destination, f.client});
}

Forwarder::TcpStates Forwarder::tcp_states() const {
  TcpStates n;
  for (const auto& [id, r] : relays_) {
    if (r->phase != Relay::Phase::kOpen || r->inner < 0) {
      ++n.connecting;
    } else if (r->inner_eof || r->outer_eof) {
      ++n.half_closed;
    } else {
      ++n.open;
    }
  }
  return n;
}

// ---- timeouts ----------------------------------------------------------------------

void Forwarder::on_tick(Instant now) {
  std::vector<std::uint64_t> late;
  for (const auto& [id, r] : relays_) {
    if (r->phase != Relay::Phase::kOpen && now - r->started >= options_.connect_timeout) {
      late.push_back(id);
    }
  }
  for (const auto id : late) connect_failed(*relays_.at(id), ETIMEDOUT, now);
  std::vector<Flow*> idle;
  for (const auto& [k, f] : flows_) {
    if (now - f->last >= options_.udp_idle_timeout) idle.push_back(f.get());
  }
  for (Flow* f : idle) close_flow(*f);
  ts_.flush(now);
}

}  // namespace synack::apps
