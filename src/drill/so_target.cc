// SPDX-License-Identifier: Apache-2.0
// SoTarget: drill::Target over a packetdrill shared object (so_target.hpp).
#include "drill/so_target.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "drill/emulation.hpp"

namespace synack::drill {
namespace {

struct HostOpt {
  int level;
  int name;
};

std::optional<HostOpt> host_option(SockOpt o) {
  switch (o) {
    case SockOpt::kRcvBuf:
      return HostOpt{SOL_SOCKET, SO_RCVBUF};
    case SockOpt::kSndBuf:
      return HostOpt{SOL_SOCKET, SO_SNDBUF};
    case SockOpt::kError:
      return HostOpt{SOL_SOCKET, SO_ERROR};
    case SockOpt::kReuseAddr:
      return HostOpt{SOL_SOCKET, SO_REUSEADDR};
    case SockOpt::kKeepAlive:
      return HostOpt{SOL_SOCKET, SO_KEEPALIVE};
    case SockOpt::kLinger:
      return HostOpt{SOL_SOCKET, SO_LINGER};
    case SockOpt::kNoDelay:
      return HostOpt{IPPROTO_TCP, TCP_NODELAY};
    case SockOpt::kMaxSeg:
      return HostOpt{IPPROTO_TCP, TCP_MAXSEG};
    case SockOpt::kKeepIdle:
      return HostOpt{IPPROTO_TCP, TCP_KEEPIDLE};
    case SockOpt::kKeepIntvl:
      return HostOpt{IPPROTO_TCP, TCP_KEEPINTVL};
    case SockOpt::kKeepCnt:
      return HostOpt{IPPROTO_TCP, TCP_KEEPCNT};
    case SockOpt::kUserTimeout:
      return HostOpt{IPPROTO_TCP, TCP_USER_TIMEOUT};
    case SockOpt::kTos:
      return HostOpt{IPPROTO_IP, IP_TOS};
    default:
      return std::nullopt;  // TCP_NOOPT, TCP_KEEPINIT, SO_REUSEPORT, TCP_NOPUSH: not in synack
  }
}

tcp::State state_of_linux(std::uint8_t s) {
  switch (s) {
    case TCP_ESTABLISHED:
      return tcp::State::kEstablished;
    case TCP_SYN_SENT:
      return tcp::State::kSynSent;
    case TCP_SYN_RECV:
      return tcp::State::kSynReceived;
    case TCP_FIN_WAIT1:
      return tcp::State::kFinWait1;
    case TCP_FIN_WAIT2:
      return tcp::State::kFinWait2;
    case TCP_TIME_WAIT:
      return tcp::State::kTimeWait;
    case TCP_CLOSE_WAIT:
      return tcp::State::kCloseWait;
    case TCP_LAST_ACK:
      return tcp::State::kLastAck;
    case TCP_LISTEN:
      return tcp::State::kListen;
    case TCP_CLOSING:
      return tcp::State::kClosing;
    default:
      return tcp::State::kClosed;
  }
}

sockaddr_in sockaddr_of(Ipv4Addr addr, std::uint16_t port) {
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_port = htons(port);
  in.sin_addr.s_addr = htonl(addr.value);
  return in;
}

}  // namespace

SoTarget::SoTarget(const std::string& path) {
  handle_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle_ == nullptr) throw std::runtime_error(dlerror());
  init_ =
      reinterpret_cast<packetdrill_interface_init_t>(dlsym(handle_, "packetdrill_interface_init"));
  if (init_ == nullptr) throw std::runtime_error(path + ": no packetdrill_interface_init");
  next_event_ =
      reinterpret_cast<long long (*)(void*)>(dlsym(handle_, "synack_packetdrill_next_event_usecs"));
  sysctl_ = reinterpret_cast<int (*)(void*, const char*, long long)>(
      dlsym(handle_, "synack_packetdrill_sysctl"));
  count_ = reinterpret_cast<int (*)(void*, int, const char*)>(
      dlsym(handle_, "synack_packetdrill_count_connections"));
  drop_time_wait_ =
      reinterpret_cast<int (*)(void*)>(dlsym(handle_, "synack_packetdrill_drop_time_wait"));
}

SoTarget::~SoTarget() {
  if (ifc_.free != nullptr) ifc_.free(ifc_.userdata);
  if (handle_ != nullptr) dlclose(handle_);
}

void SoTarget::reset(const TargetSetup& setup) {
  if (ifc_.free != nullptr) ifc_.free(ifc_.userdata);
  ifc_ = packetdrill_interface{};
  const std::string flags =
      std::string(setup.personality == Personality::kFreeBsd ? "freebsd" : "linux") +
      ",mtu=" + std::to_string(setup.mtu) + ",local=" + setup.local_addr.to_string() +
      ",receive_nowait";
  init_(flags.c_str(), &ifc_);
  timeval tv{};
  ifc_.gettimeofday(ifc_.userdata, &tv, nullptr);
  start_ = Instant{} + seconds(tv.tv_sec) + microseconds(tv.tv_usec);
  now_ = setup.start;
  start_ -= setup.start.time_since_epoch();  // so-clock instant = target instant + (start_)
  fds_.clear();
}

void SoTarget::advance_to(Instant t) {
  if (t <= now_) return;
  const auto us = std::chrono::duration_cast<microseconds>(t - now_).count();
  ifc_.usleep(ifc_.userdata, static_cast<useconds_t>(us));
  now_ = t;
}

Instant SoTarget::next_event() const {
  if (next_event_ == nullptr) return kNever;
  const long long us = next_event_(ifc_.userdata);
  if (us < 0) return kNever;
  return Instant{} + microseconds(us) - start_.time_since_epoch();
}

void SoTarget::inject(Bytes packet) {
  ifc_.netdev_send(ifc_.userdata, packet.data(), packet.size());
}

std::optional<OutboundPacket> SoTarget::next_outbound() {
  std::vector<std::byte> buf(65536);
  std::size_t n = buf.size();
  long long at = 0;
  if (ifc_.netdev_receive(ifc_.userdata, buf.data(), &n, &at) != 0 || n == 0) return std::nullopt;
  buf.resize(n);
  return OutboundPacket{Instant{} + microseconds(at) - start_.time_since_epoch(), std::move(buf)};
}

bool SoTarget::blocking(int fd) const {
  const auto it = fds_.find(fd);
  return it != fds_.end() && !it->second.nonblocking;
}

SysResult SoTarget::result(long long ret, bool may_block, int fd) const {
  if (ret >= 0) return SysResult::ok(ret);
  const int err = errno;
  if (may_block && blocking(fd) && (err == EAGAIN || err == EINPROGRESS || err == EALREADY)) {
    return SysResult::blocked();
  }
  return SysResult::error(err);
}

SysResult SoTarget::socket(bool nonblocking) {
  const int fd = ifc_.socket(ifc_.userdata, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, IPPROTO_TCP);
  if (fd < 0) return SysResult::error(errno);
  fds_[fd] = Fd{nonblocking, false};
  return SysResult::ok(fd);
}

SysResult SoTarget::bind(int fd, Ipv4Addr addr, std::uint16_t port) {
  const sockaddr_in in = sockaddr_of(addr, port);
  return result(ifc_.bind(ifc_.userdata, fd, reinterpret_cast<const sockaddr*>(&in), sizeof in),
                false, fd);
}

SysResult SoTarget::listen(int fd, int backlog) {
  return result(ifc_.listen(ifc_.userdata, fd, backlog), false, fd);
}

SysResult SoTarget::accept(int fd) {
  sockaddr_in in{};
  socklen_t len = sizeof in;
  const int r = ifc_.accept(ifc_.userdata, fd, reinterpret_cast<sockaddr*>(&in), &len);
  if (r >= 0) {
    fds_[r] = Fd{false, false};
    ifc_.fcntl(ifc_.userdata, r, F_SETFL, O_RDWR | O_NONBLOCK);
  }
  return result(r, true, fd);
}

SysResult SoTarget::connect(int fd, Ipv4Addr addr, std::uint16_t port) {
  const sockaddr_in in = sockaddr_of(addr, port);
  const int r = ifc_.connect(ifc_.userdata, fd, reinterpret_cast<const sockaddr*>(&in), sizeof in);
  auto it = fds_.find(fd);
  if (it == fds_.end()) return result(r, false, fd);
  const int err = errno;
  if (it->second.connecting) {  // re-issued blocking connect: EISCONN means it completed
    if (r == 0 || err == EISCONN) {
      it->second.connecting = false;
      return SysResult::ok();
    }
    if (err == EALREADY || err == EINPROGRESS) return SysResult::blocked();
    it->second.connecting = false;
    return SysResult::error(err);
  }
  if (r < 0 && err == EINPROGRESS && !it->second.nonblocking) {
    it->second.connecting = true;
    return SysResult::blocked();
  }
  errno = err;
  return result(r, false, fd);
}

SysResult SoTarget::recv(int fd, std::size_t len, bool peek) {
  std::vector<std::byte> buf(len);
  return result(ifc_.recv(ifc_.userdata, fd, buf.data(), len, peek ? MSG_PEEK : 0), true, fd);
}

SysResult SoTarget::send(int fd, Bytes data) {
  return result(ifc_.write(ifc_.userdata, fd, data.data(), data.size()), true, fd);
}

SysResult SoTarget::shutdown(int fd, int how) {
  const int h = how == 0 ? SHUT_RD : how == 1 ? SHUT_WR : SHUT_RDWR;
  return result(ifc_.shutdown(ifc_.userdata, fd, h), false, fd);
}

SysResult SoTarget::close(int fd) {
  const int r = ifc_.close(ifc_.userdata, fd);
  if (r == 0) fds_.erase(fd);
  return result(r, false, fd);
}

SysResult SoTarget::get_nonblocking(int fd) {
  const auto it = fds_.find(fd);
  if (it == fds_.end()) return SysResult::error(EBADF);
  return SysResult::ok(it->second.nonblocking ? 1 : 0);
}

SysResult SoTarget::set_nonblocking(int fd, bool on) {
  const auto it = fds_.find(fd);
  if (it == fds_.end()) return SysResult::error(EBADF);
  it->second.nonblocking = on;
  return SysResult::ok();
}

SysResult SoTarget::getsockopt(int fd, SockOpt opt, std::int64_t* value) {
  const auto o = host_option(opt);
  if (!o) return SysResult::error(ENOPROTOOPT);
  if (opt == SockOpt::kLinger) {
    linger l{};
    socklen_t len = sizeof l;
    const int r = ifc_.getsockopt(ifc_.userdata, fd, o->level, o->name, &l, &len);
    if (r == 0) *value = l.l_onoff != 0 ? l.l_linger : -1;
    return result(r, false, fd);
  }
  int v = 0;
  socklen_t len = sizeof v;
  const int r = ifc_.getsockopt(ifc_.userdata, fd, o->level, o->name, &v, &len);
  if (r == 0) *value = v;
  return result(r, false, fd);
}

SysResult SoTarget::setsockopt(int fd, SockOpt opt, std::int64_t value) {
  const auto o = host_option(opt);
  if (!o) return SysResult::error(ENOPROTOOPT);
  if (opt == SockOpt::kLinger) {
    const linger l{value >= 0 ? 1 : 0, value >= 0 ? static_cast<int>(value) : 0};
    return result(ifc_.setsockopt(ifc_.userdata, fd, o->level, o->name, &l, sizeof l), false, fd);
  }
  const int v = static_cast<int>(value);
  return result(ifc_.setsockopt(ifc_.userdata, fd, o->level, o->name, &v, sizeof v), false, fd);
}

bool SoTarget::supports(SockOpt opt) const {
  return host_option(opt).has_value();
}

bool SoTarget::set_knob(Knob knob, std::int64_t value) {
  if (sysctl_ == nullptr) return false;
  for (const SysctlMapping& m : sysctl_table()) {
    if (m.knob == knob) return sysctl_(ifc_.userdata, std::string(m.key).c_str(), value) == 0;
  }
  return false;
}

std::optional<int> SoTarget::count_connections(std::optional<std::uint16_t> port,
                                               tcp::State state) const {
  if (count_ == nullptr) return std::nullopt;  // packetdrill's interface has no such query
  const std::string name(tcp::to_bsd_string(state));
  const int n = count_(ifc_.userdata, port ? *port : -1, name.c_str());
  return n < 0 ? std::nullopt : std::optional<int>(n);
}

int SoTarget::drop_time_wait() {
  return drop_time_wait_ == nullptr ? 0 : drop_time_wait_(ifc_.userdata);
}

std::optional<TcpInfo> SoTarget::tcp_info(int fd) const {
  if (!fds_.contains(fd)) return std::nullopt;
  struct tcp_info t {};  // the C struct of <netinet/tcp.h>
  socklen_t len = sizeof t;
  if (ifc_.getsockopt(ifc_.userdata, fd, IPPROTO_TCP, TCP_INFO, &t, &len) != 0) {
    return TcpInfo{tcp::State::kClosed, 0};
  }
  return TcpInfo{state_of_linux(t.tcpi_state), t.tcpi_options};
}

}  // namespace synack::drill
