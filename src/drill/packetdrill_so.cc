// SPDX-License-Identifier: Apache-2.0
// libsynack_packetdrill.so: packetdrill's shared-object interface
// (packetdrill_interface.h) over drill::StackAdapter, the same adapter the
// in-process runner uses. Upstream packetdrill runs
//   packetdrill --so_filename=libsynack_packetdrill.so [--so_flags=F] script.pkt
// and calls these hooks instead of the kernel (docs/conformance.md "Running
// real packetdrill against synack").
//
// Time: one virtual clock per instance. usleep(n) advances it by n µs, firing
// every stack timer on the way; gettimeofday() reads it. packetdrill spins on
// gettimeofday() for the last 20 µs before an event, so a gettimeofday() that
// directly follows another one advances the clock by 1 µs (a spin moves time
// the way a real clock would; any other hook in between resets that).
// netdev_receive() with nothing queued runs the clock forward to the stack's
// next timer until the stack sends something (what a kernel would do while
// packetdrill waits for a packet).
//
// Threads: packetdrill issues blocking calls ("T1...T2" in a script) from a
// second thread and goes on with later events. One mutex serialises every
// hook. A blocking call that cannot complete waits on a condition variable
// (its thread sleeps, which is what packetdrill watches for) and re-issues the
// call after each change of state (an injected packet, a timer step, another
// call); usleep() steps timer by timer and lets a waiting call re-check at
// each step, so the call returns at the virtual time it completes. A blocking
// call that nothing else wakes for 200 ms of wall time (packetdrill's main
// thread called it, so nobody else will move the clock) advances the clock to
// the next timer itself, as the kernel's clock would run on.
//
// --so_flags: comma- or space-separated `freebsd` (default) | `linux`,
// `mtu=N` (bytes, 68..65535), `local=A.B.C.D` (the stack's address,
// default 192.168.0.1, packetdrill's), `receive_nowait` (netdev_receive()
// never runs the clock: for drivers that step time themselves, such as
// so_target.cc). Unknown flags are reported on stderr and ignored.
#include <fcntl.h>
#include <fmt/core.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "drill/emulation.hpp"
#include "drill/packetdrill_interface.h"
#include "drill/stack_adapter.hpp"

namespace synack::drill {
namespace {

using Lock = std::unique_lock<std::mutex>;

/// The virtual time gettimeofday() reports for script time 0 (1 s: never a
/// zero timeval).
constexpr Instant kStart = Instant{} + seconds(1);
/// Wall time a blocked call waits for another thread before moving the clock itself.
constexpr auto kSelfAdvanceAfter = std::chrono::milliseconds(200);
/// Wall time usleep()/netdev_send() give a woken call to re-check.
constexpr auto kSettleLimit = std::chrono::seconds(1);

std::int64_t usecs_of(Instant t) {
  return std::chrono::duration_cast<microseconds>(t.time_since_epoch()).count();
}

// (level, optname) of the host's headers → drill::SockOpt; nullopt if unknown.
std::optional<SockOpt> option_of(int level, int name) {
  if (level == SOL_SOCKET) {
    switch (name) {
      case SO_RCVBUF:
        return SockOpt::kRcvBuf;
      case SO_SNDBUF:
        return SockOpt::kSndBuf;
      case SO_ERROR:
        return SockOpt::kError;
      case SO_REUSEADDR:
        return SockOpt::kReuseAddr;
      case SO_REUSEPORT:
        return SockOpt::kReusePort;
      case SO_KEEPALIVE:
        return SockOpt::kKeepAlive;
      case SO_LINGER:
        return SockOpt::kLinger;
      default:
        return std::nullopt;
    }
  }
  if (level == IPPROTO_TCP) {
    switch (name) {
      case TCP_NODELAY:
        return SockOpt::kNoDelay;
      case TCP_MAXSEG:
        return SockOpt::kMaxSeg;
      case TCP_CORK:
        return SockOpt::kNoPush;
      case TCP_KEEPIDLE:
        return SockOpt::kKeepIdle;
      case TCP_KEEPINTVL:
        return SockOpt::kKeepIntvl;
      case TCP_KEEPCNT:
        return SockOpt::kKeepCnt;
      default:
        return std::nullopt;
    }
  }
  return std::nullopt;
}

/// One packetdrill run: the adapter, its clock and the threads' rendezvous.
class SoInstance {
 public:
  explicit SoInstance(const char* flags) {
    TargetSetup setup;
    setup.local_addr = Ipv4Addr::from_octets(192, 168, 0, 1);
    setup.remote_addr = Ipv4Addr::from_octets(192, 0, 2, 1);
    setup.start = kStart;
    parse_flags(flags ? flags : "", setup, receive_nowait_);
    adapter_.reset(setup);
  }

  // --- sockets ----------------------------------------------------------------
  int socket(int domain, int type, int protocol) {
    Lock lock(mu_);
    touch();
    if (domain != AF_INET) return fail(EAFNOSUPPORT);
    if ((type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != SOCK_STREAM) return fail(EPROTONOSUPPORT);
    if (protocol != 0 && protocol != IPPROTO_TCP) return fail(EPROTONOSUPPORT);
    return finish(adapter_.socket((type & SOCK_NONBLOCK) != 0));
  }

  int bind(int fd, const sockaddr* addr, socklen_t len) {
    Lock lock(mu_);
    touch();
    const auto ep = endpoint_of(addr, len);
    if (!ep) return fail(errno);
    return finish(adapter_.bind(fd, *ep->v4(), ep->port));
  }

  int listen(int fd, int backlog) {
    Lock lock(mu_);
    touch();
    return finish(adapter_.listen(fd, backlog));
  }

  int accept(int fd, sockaddr* addr, socklen_t* len) {
    Lock lock(mu_);
    touch();
    tcp::Endpoint peer;
    const SysResult r = block(lock, [&] { return adapter_.accept(fd, &peer); });
    if (r.ret >= 0) fill_endpoint(peer, addr, len);
    return finish(r);
  }

  int connect(int fd, const sockaddr* addr, socklen_t len) {
    Lock lock(mu_);
    touch();
    const auto ep = endpoint_of(addr, len);
    if (!ep) return fail(errno);
    return finish(block(lock, [&] { return adapter_.connect(fd, *ep->v4(), ep->port); }));
  }

  ssize_t recv(int fd, void* buf, std::size_t len, int flags) {
    Lock lock(mu_);
    touch();
    if (buf == nullptr && len > 0) return fail(EFAULT);  // the kernel's answer to a bad buffer
    const MutableBytes out(static_cast<std::byte*>(buf), len);
    const bool peek = (flags & MSG_PEEK) != 0;
    return finish(nonblocking_if(fd, (flags & MSG_DONTWAIT) != 0, lock,
                                 [&] { return adapter_.recv_into(fd, out, peek); }));
  }

  ssize_t readv(int fd, const iovec* iov, int iovcnt) {
    if (!iovecs_ok(iov, iovcnt)) return fail(EFAULT);
    std::size_t total = 0;
    for (int i = 0; i < iovcnt; ++i) total += iov[i].iov_len;
    std::vector<std::byte> tmp(total);
    const ssize_t n = recv(fd, tmp.data(), tmp.size(), 0);
    scatter(tmp.data(), n, iov, iovcnt);
    return n;
  }

  ssize_t recvmsg(int fd, msghdr* msg, int flags) {
    if (msg == nullptr || !iovecs_ok(msg->msg_iov, static_cast<int>(msg->msg_iovlen))) {
      return fail(EFAULT);
    }
    std::size_t total = 0;
    for (std::size_t i = 0; i < msg->msg_iovlen; ++i) total += msg->msg_iov[i].iov_len;
    std::vector<std::byte> tmp(total);
    const ssize_t n = recv(fd, tmp.data(), tmp.size(), flags);
    scatter(tmp.data(), n, msg->msg_iov, static_cast<int>(msg->msg_iovlen));
    msg->msg_controllen = 0;
    msg->msg_flags = 0;
    return n;
  }

  // A blocking send returns once every byte is queued (as Linux does).
  ssize_t send(int fd, const void* buf, std::size_t len, int flags) {
    Lock lock(mu_);
    touch();
    if (buf == nullptr && len > 0) return fail(EFAULT);  // the kernel's answer to a bad buffer
    const auto* p = static_cast<const std::byte*>(buf);
    std::size_t sent = 0;
    const SysResult r = nonblocking_if(fd, (flags & MSG_DONTWAIT) != 0, lock, [&] {
      SysResult s = adapter_.send(fd, Bytes(p + sent, len - sent));
      if (s.ret > 0) {
        sent += static_cast<std::size_t>(s.ret);
        bump();
        if (sent < len && adapter_.get_nonblocking(fd).ret == 0) return SysResult::blocked();
      }
      return s;
    });
    if (sent > 0) return static_cast<ssize_t>(sent);
    return finish(r);
  }

  ssize_t writev(int fd, const iovec* iov, int iovcnt, int flags) {
    if (!iovecs_ok(iov, iovcnt)) return fail(EFAULT);
    std::vector<std::byte> tmp;
    for (int i = 0; i < iovcnt; ++i) {
      const auto* b = static_cast<const std::byte*>(iov[i].iov_base);
      tmp.insert(tmp.end(), b, b + iov[i].iov_len);
    }
    return send(fd, tmp.data(), tmp.size(), flags);
  }

  int shutdown(int fd, int how) {
    Lock lock(mu_);
    touch();
    const int h = how == SHUT_RD ? 0 : how == SHUT_WR ? 1 : 2;
    return finish(adapter_.shutdown(fd, h));
  }

  int close(int fd) {
    Lock lock(mu_);
    touch();
    return finish(adapter_.close(fd));
  }

  int fcntl(int fd, int cmd, long arg) {
    Lock lock(mu_);
    touch();
    if (!adapter_.is_open(fd)) return fail(EBADF);
    switch (cmd) {
      case F_GETFL: {
        const SysResult r = adapter_.get_nonblocking(fd);
        return r.ret < 0 ? finish(r) : O_RDWR | (r.ret != 0 ? O_NONBLOCK : 0);
      }
      case F_SETFL:
        return finish(adapter_.set_nonblocking(fd, (arg & O_NONBLOCK) != 0));
      case F_GETFD:
      case F_SETFD:
        return 0;
      default:
        return fail(EINVAL);
    }
  }

  int ioctl(int fd, unsigned long request, void* arg) {
    Lock lock(mu_);
    touch();
    if (!adapter_.is_open(fd)) return fail(EBADF);
    if (request == FIONBIO && arg != nullptr) {
      return finish(adapter_.set_nonblocking(fd, *static_cast<int*>(arg) != 0));
    }
    return fail(ENOTTY);
  }

  int getsockopt(int fd, int level, int name, void* val, socklen_t* len) {
    Lock lock(mu_);
    touch();
    if (level == IPPROTO_TCP && name == TCP_INFO) return get_tcp_info(fd, val, len);
    const auto opt = option_of(level, name);
    if (!opt) return fail(ENOPROTOOPT);
    std::int64_t v = 0;
    const SysResult r = adapter_.getsockopt(fd, *opt, &v);
    if (r.ret < 0) return finish(r);
    if (*opt == SockOpt::kLinger) {
      if (*len < sizeof(linger)) return fail(EINVAL);
      linger l{v >= 0 ? 1 : 0, v >= 0 ? static_cast<int>(v) : 0};
      std::memcpy(val, &l, sizeof l);
      *len = sizeof l;
      return 0;
    }
    if (*len < sizeof(int)) return fail(EINVAL);
    const int i = static_cast<int>(v);
    std::memcpy(val, &i, sizeof i);
    *len = sizeof i;
    return 0;
  }

  int setsockopt(int fd, int level, int name, const void* val, socklen_t len) {
    Lock lock(mu_);
    touch();
    const auto opt = option_of(level, name);
    if (!opt || !adapter_.supports(*opt)) return fail(ENOPROTOOPT);
    std::int64_t v = 0;
    if (*opt == SockOpt::kLinger) {
      if (len < sizeof(linger)) return fail(EINVAL);
      linger l{};
      std::memcpy(&l, val, sizeof l);
      v = l.l_onoff != 0 ? l.l_linger : -1;
    } else {
      if (len < sizeof(int)) return fail(EINVAL);
      int i = 0;
      std::memcpy(&i, val, sizeof i);
      v = i;
    }
    return finish(adapter_.setsockopt(fd, *opt, v));
  }

  // timeout: ms, −1 = forever, on the virtual clock.
  int poll(pollfd* fds, nfds_t nfds, int timeout) {
    Lock lock(mu_);
    touch();
    const Instant until = timeout < 0 ? kNever : adapter_.now() + milliseconds(timeout);
    int ready = 0;
    block(
        lock,
        [&] {
          ready = 0;
          for (nfds_t i = 0; i < nfds; ++i) {
            const std::uint32_t mask = adapter_.poll(fds[i].fd);
            const auto always = static_cast<std::uint32_t>(POLLERR | POLLHUP);
            fds[i].revents =
                static_cast<short>(mask & (static_cast<std::uint32_t>(fds[i].events) | always));
            if (!adapter_.is_open(fds[i].fd)) fds[i].revents = POLLNVAL;
            if (fds[i].revents != 0) ++ready;
          }
          if (ready > 0 || adapter_.now() >= until) return SysResult::ok(ready);
          return SysResult::blocked();
        },
        until);
    return ready;
  }

  // --- wire -----------------------------------------------------------------
  int netdev_send(const void* buf, std::size_t count) {
    Lock lock(mu_);
    touch();
    const auto* p = static_cast<const std::byte*>(buf);
    if (count < 20 || (std::to_integer<unsigned>(p[0]) >> 4) != 4) return fail(EAFNOSUPPORT);
    adapter_.inject(Bytes(p, count));
    bump();
    settle(lock);
    return 0;
  }

  int netdev_receive(void* buf, std::size_t* count, long long* time_usecs) {
    Lock lock(mu_);
    touch();
    // Nothing queued: let the stack's clock run to its next timer (a kernel's
    // would) until it sends something, or, with no timer at all, give another
    // thread's call a moment to produce a packet.
    int stuck = 0;
    while (adapter_.outbound_count() == 0) {
      if (receive_nowait_) {
        *count = 0;
        return 0;
      }
      const Instant next = adapter_.next_event();
      if (next == kNever || ++stuck > 100'000) {
        cv_.wait_for(lock, std::chrono::milliseconds(10));
        if (adapter_.outbound_count() == 0) {
          *count = 0;
          return 0;
        }
        break;
      }
      step_to(lock, std::max(next, adapter_.now()));
    }
    auto p = adapter_.next_outbound();
    if (p->bytes.size() > *count) return fail(EMSGSIZE);
    std::memcpy(buf, p->bytes.data(), p->bytes.size());
    *count = p->bytes.size();
    *time_usecs = usecs_of(p->at);
    return 0;
  }

  // --- clock ----------------------------------------------------------------
  int usleep(useconds_t usec) {
    Lock lock(mu_);
    touch();
    step_to(lock, adapter_.now() + microseconds(usec));
    return 0;
  }

  int gettimeofday(timeval* tv) {
    Lock lock(mu_);
    if (last_was_clock_read_) step_to(lock, adapter_.now() + microseconds(1));
    touch();
    last_was_clock_read_ = true;
    if (tv != nullptr) {
      const std::int64_t us = usecs_of(adapter_.now());
      tv->tv_sec = static_cast<time_t>(us / 1'000'000);
      tv->tv_usec = static_cast<suseconds_t>(us % 1'000'000);
    }
    return 0;
  }

  // --- synack extensions ----------------------------------------------------
  long long next_event_usecs() {
    Lock lock(mu_);
    touch();
    const Instant next = adapter_.next_event();
    return next == kNever ? -1 : usecs_of(next);
  }

  int sysctl(const char* key, long long value) {
    Lock lock(mu_);
    touch();
    const auto knob = knob_for_sysctl(key ? key : "");
    if (!knob) return fail(ENOENT);
    return adapter_.set_knob(*knob, value) ? 0 : fail(EINVAL);
  }

  int count_connections(int port, const char* state) {
    Lock lock(mu_);
    touch();
    const auto s = bsd_state(state ? state : "");
    if (!s) return fail(EINVAL);
    const auto p = port < 0 ? std::nullopt : std::optional<std::uint16_t>(port);
    const auto n = adapter_.count_connections(p, *s);
    return n ? *n : fail(ENOSYS);
  }

  int drop_time_wait() {
    Lock lock(mu_);
    touch();
    const int n = adapter_.drop_time_wait();
    bump();
    return n;
  }

 private:
  static int fail(int err) {
    errno = err;
    return -1;
  }

  // What the kernel could read: no null array, no null non-empty buffer (the
  // only bad addresses a user-space stack can recognise; others would fault).
  static bool iovecs_ok(const iovec* iov, int iovcnt) {
    if (iovcnt < 0 || (iov == nullptr && iovcnt > 0)) return false;
    for (int i = 0; i < iovcnt; ++i) {
      if (iov[i].iov_base == nullptr && iov[i].iov_len > 0) return false;
    }
    return true;
  }

  int finish(const SysResult& r) {
    bump();
    if (r.ret >= 0) return static_cast<int>(r.ret);
    return fail(r.would_block ? EAGAIN : r.err);
  }

  // Every hook but gettimeofday() breaks a spin of clock reads.
  void touch() {
    last_was_clock_read_ = false;
    ++calls_;
  }

  // State changed: blocked calls re-check.
  void bump() {
    ++pass_;
    rechecked_ = 0;
    cv_.notify_all();
  }

  // Waits (bounded) until every blocked call has re-checked since the last bump().
  void settle(Lock& lock) {
    cv_.wait_for(lock, kSettleLimit, [&] { return rechecked_ >= waiters_; });
  }

  // Runs the clock to `t` one timer at a time; blocked calls re-check at each.
  void step_to(Lock& lock, Instant t) {
    for (;;) {
      const Instant next = adapter_.next_event();
      if (next == kNever || next > t) break;
      const Instant before = adapter_.now();
      adapter_.advance_to(std::max(next, before));
      bump();
      settle(lock);
      if (adapter_.next_event() <= before) break;  // a stuck timer: do not spin here
    }
    adapter_.advance_to(t);
    bump();
    settle(lock);
  }

  // Issues `call` until it stops answering blocked() (at most until `until`,
  // when given, for poll). See the file comment for how the wait ends.
  template <typename Call>
  SysResult block(Lock& lock, Call call, Instant until = kNever) {
    SysResult r = call();
    if (!r.would_block) return r;
    ++waiters_;
    ++rechecked_;
    cv_.notify_all();
    for (;;) {
      const std::uint64_t seen_pass = pass_;
      const std::uint64_t seen_calls = calls_;
      const bool woken = cv_.wait_for(lock, kSelfAdvanceAfter, [&] { return pass_ != seen_pass; });
      if (!woken && calls_ == seen_calls) {  // nobody else is moving the clock
        const Instant next = std::min(adapter_.next_event(), until);
        if (next != kNever) adapter_.advance_to(std::max(next, adapter_.now()));
      }
      r = call();
      ++rechecked_;
      cv_.notify_all();
      if (!r.would_block) break;
    }
    --waiters_;
    cv_.notify_all();
    return r;
  }

  // MSG_DONTWAIT: this call alone behaves as on a non-blocking socket.
  template <typename Call>
  SysResult nonblocking_if(int fd, bool dontwait, Lock& lock, Call call) {
    if (!dontwait) return block(lock, call);
    const bool was = adapter_.get_nonblocking(fd).ret == 1;
    adapter_.set_nonblocking(fd, true);
    SysResult r = call();
    adapter_.set_nonblocking(fd, was);
    return r;
  }

  int get_tcp_info(int fd, void* val, socklen_t* len) {
    const auto info = adapter_.tcp_info(fd);
    if (!info) return fail(EBADF);
    struct tcp_info t {};
    t.tcpi_state = linux_tcp_state(info->state);
    t.tcpi_options = info->options;
    const auto n = std::min<socklen_t>(*len, sizeof t);
    std::memcpy(val, &t, n);
    *len = n;
    return 0;
  }

  static std::optional<tcp::Endpoint> endpoint_of(const sockaddr* addr, socklen_t len) {
    if (addr == nullptr || len < sizeof(sockaddr_in)) {
      errno = EINVAL;
      return std::nullopt;
    }
    sockaddr_in in{};
    std::memcpy(&in, addr, sizeof in);
    if (in.sin_family != AF_INET) {
      errno = EAFNOSUPPORT;
      return std::nullopt;
    }
    return tcp::Endpoint{Ipv4Addr{ntohl(in.sin_addr.s_addr)},
                         ntohs(in.sin_port)};  // IPv4: v4() set
  }

  static void fill_endpoint(const tcp::Endpoint& ep, sockaddr* addr, socklen_t* len) {
    if (addr == nullptr || len == nullptr) return;
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_port = htons(ep.port);
    in.sin_addr.s_addr = htonl(std::get<Ipv4Addr>(ep.addr).value);
    std::memcpy(addr, &in, std::min<std::size_t>(*len, sizeof in));
    *len = sizeof in;
  }

  static void scatter(const std::byte* from, ssize_t n, const iovec* iov, int iovcnt) {
    std::size_t left = n > 0 ? static_cast<std::size_t>(n) : 0;
    for (int i = 0; i < iovcnt && left > 0; ++i) {
      const std::size_t k = std::min(left, iov[i].iov_len);
      std::memcpy(iov[i].iov_base, from, k);
      from += k;
      left -= k;
    }
  }

  static void parse_flags(std::string_view flags, TargetSetup& setup, bool& receive_nowait) {
    while (!flags.empty()) {
      const auto end = flags.find_first_of(", ");
      const std::string_view f = flags.substr(0, end);
      flags = end == std::string_view::npos ? std::string_view{} : flags.substr(end + 1);
      if (f.empty()) continue;
      if (f == "freebsd") {
        setup.personality = Personality::kFreeBsd;
      } else if (f == "linux") {
        setup.personality = Personality::kLinux;
      } else if (f == "receive_nowait") {
        receive_nowait = true;
      } else if (f.starts_with("mtu=")) {
        const int mtu = std::atoi(std::string(f.substr(4)).c_str());
        if (mtu >= 68 && mtu <= 65535) {
          setup.mtu = static_cast<std::uint32_t>(mtu);
        } else {
          fmt::print(stderr, "libsynack_packetdrill: bad --so_flags mtu '{}' (68..65535)\n", f);
        }
      } else if (f.starts_with("local=")) {
        if (auto a = Ipv4Addr::parse(f.substr(6))) {
          setup.local_addr = *a;
        } else {
          fmt::print(stderr, "libsynack_packetdrill: bad --so_flags address '{}'\n", f);
        }
      } else {
        fmt::print(stderr, "libsynack_packetdrill: unknown --so_flags entry '{}' ignored\n", f);
      }
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  StackAdapter adapter_;
  bool last_was_clock_read_ = false;
  bool receive_nowait_ = false;  ///< --so_flags receive_nowait
  std::uint64_t calls_ = 0;      ///< hooks entered (any thread)
  std::uint64_t pass_ = 0;       ///< state changes (bump())
  int waiters_ = 0;              ///< calls blocked in block()
  int rechecked_ = 0;            ///< waiters that re-checked since the last bump()
};

SoInstance* self(void* userdata) {
  return static_cast<SoInstance*>(userdata);
}

// --- the C hooks ------------------------------------------------------------

void hook_free(void* u) {
  delete self(u);
}
int hook_socket(void* u, int domain, int type, int protocol) {
  return self(u)->socket(domain, type, protocol);
}
int hook_bind(void* u, int fd, const sockaddr* a, socklen_t n) {
  return self(u)->bind(fd, a, n);
}
int hook_listen(void* u, int fd, int backlog) {
  return self(u)->listen(fd, backlog);
}
int hook_accept(void* u, int fd, sockaddr* a, socklen_t* n) {
  return self(u)->accept(fd, a, n);
}
int hook_connect(void* u, int fd, const sockaddr* a, socklen_t n) {
  return self(u)->connect(fd, a, n);
}
ssize_t hook_read(void* u, int fd, void* buf, size_t count) {
  return self(u)->recv(fd, buf, count, 0);
}
ssize_t hook_readv(void* u, int fd, const iovec* iov, int iovcnt) {
  return self(u)->readv(fd, iov, iovcnt);
}
ssize_t hook_recv(void* u, int fd, void* buf, size_t len, int flags) {
  return self(u)->recv(fd, buf, len, flags);
}
ssize_t hook_recvfrom(void* u, int fd, void* buf, size_t len, int flags, sockaddr* from,
                      socklen_t* fromlen) {
  if (fromlen != nullptr) *fromlen = 0;  // a connected stream socket reports no address
  (void)from;
  return self(u)->recv(fd, buf, len, flags);
}
ssize_t hook_recvmsg(void* u, int fd, msghdr* msg, int flags) {
  return self(u)->recvmsg(fd, msg, flags);
}
ssize_t hook_write(void* u, int fd, const void* buf, size_t count) {
  return self(u)->send(fd, buf, count, 0);
}
ssize_t hook_writev(void* u, int fd, const iovec* iov, int iovcnt) {
  return self(u)->writev(fd, iov, iovcnt, 0);
}
ssize_t hook_send(void* u, int fd, const void* buf, size_t len, int flags) {
  return self(u)->send(fd, buf, len, flags);
}
ssize_t hook_sendto(void* u, int fd, const void* buf, size_t len, int flags, const sockaddr*,
                    socklen_t) {
  return self(u)->send(fd, buf, len, flags);
}
ssize_t hook_sendmsg(void* u, int fd, const msghdr* msg, int flags) {
  if (msg == nullptr) {
    errno = EFAULT;
    return -1;
  }
  return self(u)->writev(fd, msg->msg_iov, static_cast<int>(msg->msg_iovlen), flags);
}
int hook_fcntl(void* u, int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  // F_SETFL/F_SETFD pass an int; other commands pass nothing we read.
  const long arg = (cmd == F_SETFL || cmd == F_SETFD) ? va_arg(ap, int) : 0;
  va_end(ap);
  return self(u)->fcntl(fd, cmd, arg);
}
int hook_ioctl(void* u, int fd, unsigned long request, ...) {
  va_list ap;
  va_start(ap, request);
  void* arg = va_arg(ap, void*);
  va_end(ap);
  return self(u)->ioctl(fd, request, arg);
}
int hook_close(void* u, int fd) {
  return self(u)->close(fd);
}
int hook_shutdown(void* u, int fd, int how) {
  return self(u)->shutdown(fd, how);
}
int hook_getsockopt(void* u, int fd, int level, int name, void* val, socklen_t* len) {
  return self(u)->getsockopt(fd, level, name, val, len);
}
int hook_setsockopt(void* u, int fd, int level, int name, const void* val, socklen_t len) {
  return self(u)->setsockopt(fd, level, name, val, len);
}
int hook_poll(void* u, pollfd* fds, nfds_t nfds, int timeout) {
  return self(u)->poll(fds, nfds, timeout);
}
int hook_netdev_send(void* u, const void* buf, size_t count) {
  return self(u)->netdev_send(buf, count);
}
int hook_netdev_receive(void* u, void* buf, size_t* count, long long* time_usecs) {
  return self(u)->netdev_receive(buf, count, time_usecs);
}
int hook_usleep(void* u, useconds_t usec) {
  return self(u)->usleep(usec);
}
int hook_gettimeofday(void* u, timeval* tv, struct timezone*) {
  return self(u)->gettimeofday(tv);
}
// Not offered by synack: epoll, pipes, splice (ENOSYS, so a script using
// them fails with a clear errno instead of crashing packetdrill).
int hook_epoll_create(void*, int) {
  errno = ENOSYS;
  return -1;
}
int hook_epoll_ctl(void*, int, int, int, epoll_event*) {
  errno = ENOSYS;
  return -1;
}
int hook_epoll_wait(void*, int, epoll_event*, int, int) {
  errno = ENOSYS;
  return -1;
}
int hook_pipe(void*, int*) {
  errno = ENOSYS;
  return -1;
}
int hook_splice(void*, int, loff_t*, int, loff_t*, size_t, unsigned int) {
  errno = ENOSYS;
  return -1;
}

}  // namespace
}  // namespace synack::drill

extern "C" {

__attribute__((visibility("default"))) void packetdrill_interface_init(
    const char* flags, struct packetdrill_interface* ifc) {
  using namespace synack::drill;
  *ifc = packetdrill_interface{};
  ifc->userdata = new SoInstance(flags);
  ifc->free = hook_free;
  ifc->socket = hook_socket;
  ifc->bind = hook_bind;
  ifc->listen = hook_listen;
  ifc->accept = hook_accept;
  ifc->connect = hook_connect;
  ifc->read = hook_read;
  ifc->readv = hook_readv;
  ifc->recv = hook_recv;
  ifc->recvfrom = hook_recvfrom;
  ifc->recvmsg = hook_recvmsg;
  ifc->write = hook_write;
  ifc->writev = hook_writev;
  ifc->send = hook_send;
  ifc->sendto = hook_sendto;
  ifc->sendmsg = hook_sendmsg;
  ifc->fcntl = hook_fcntl;
  ifc->ioctl = hook_ioctl;
  ifc->close = hook_close;
  ifc->shutdown = hook_shutdown;
  ifc->getsockopt = hook_getsockopt;
  ifc->setsockopt = hook_setsockopt;
  ifc->poll = hook_poll;
  ifc->netdev_send = hook_netdev_send;
  ifc->netdev_receive = hook_netdev_receive;
  ifc->usleep = hook_usleep;
  ifc->gettimeofday = hook_gettimeofday;
  ifc->epoll_create = hook_epoll_create;
  ifc->epoll_ctl = hook_epoll_ctl;
  ifc->epoll_wait = hook_epoll_wait;
  ifc->pipe = hook_pipe;
  ifc->splice = hook_splice;
}

__attribute__((visibility("default"))) long long synack_packetdrill_next_event_usecs(
    void* userdata) {
  return synack::drill::self(userdata)->next_event_usecs();
}

__attribute__((visibility("default"))) int synack_packetdrill_sysctl(void* userdata,
                                                                     const char* key,
                                                                     long long value) {
  return synack::drill::self(userdata)->sysctl(key, value);
}

__attribute__((visibility("default"))) int synack_packetdrill_count_connections(void* userdata,
                                                                                int port,
                                                                                const char* state) {
  return synack::drill::self(userdata)->count_connections(port, state);
}

__attribute__((visibility("default"))) int synack_packetdrill_drop_time_wait(void* userdata) {
  return synack::drill::self(userdata)->drop_time_wait();
}

}  // extern "C"
