// SPDX-License-Identifier: Apache-2.0
// The adapter from drill::Target to the synack stack (src/stack/stack.hpp):
// one Stack per reset(), driven in virtual time. See stack_adapter.hpp and
// docs/conformance.md "The stack adapter" for the contract this implements.
// Built only with -DSYNACK_DRILL_STACK=ON (no_stack_target.cc otherwise).
#include "drill/stack_adapter.hpp"

#include <algorithm>
#include <cerrno>
#include <deque>
#include <map>
#include <system_error>
#include <vector>

#include "drill/emulation.hpp"
#include "drill/stack_target.hpp"

namespace synack::drill {
namespace {

int errno_of(std::errc e) {
  return static_cast<int>(e);
}

// drill's option → the stack's; nullopt when the stack has no such option.
std::optional<synack::SockOpt> stack_option(drill::SockOpt o) {
  switch (o) {
    case drill::SockOpt::kRcvBuf:
      return synack::SockOpt::kRcvBuf;
    case drill::SockOpt::kSndBuf:
      return synack::SockOpt::kSndBuf;
    case drill::SockOpt::kError:
      return synack::SockOpt::kError;
    case drill::SockOpt::kReuseAddr:
      return synack::SockOpt::kReuseAddr;
    case drill::SockOpt::kKeepAlive:
      return synack::SockOpt::kKeepAlive;
    case drill::SockOpt::kLinger:
      return synack::SockOpt::kLinger;
    case drill::SockOpt::kNoDelay:
      return synack::SockOpt::kNoDelay;
    case drill::SockOpt::kMaxSeg:
      return synack::SockOpt::kMaxSeg;
    case drill::SockOpt::kKeepIdle:
      return synack::SockOpt::kKeepIdle;
    case drill::SockOpt::kKeepIntvl:
      return synack::SockOpt::kKeepIntvl;
    case drill::SockOpt::kKeepCnt:
      return synack::SockOpt::kKeepCnt;
    case drill::SockOpt::kUserTimeout:
      return synack::SockOpt::kUserTimeout;
    case drill::SockOpt::kTos:
      return synack::SockOpt::kTos;
    default:
      return std::nullopt;
  }
}

// The smallest shift s with 65535 << s ≥ `max_buf` (RFC 7323 §2.3, FreeBSD's rule), ≤ 14.
std::uint8_t window_scale_for(std::int64_t max_buf) {
  std::uint8_t s = 0;
  while (s < 14 && (std::int64_t{65535} << s) < max_buf) ++s;
  return s;
}

// Linux tcp_select_initial_window(): halve max(tcp_rmem[2], rmem_max 212992)
// until it fits in 16 bits, ≤ 14 (15 MiB → 8, 6 MiB → 7).
std::uint8_t linux_window_scale_for(std::int64_t rmem_max) {
  std::int64_t space = std::max<std::int64_t>(rmem_max, 212992);
  std::uint8_t s = 0;
  while (space > 65535 && s < 14) {
    space >>= 1;
    ++s;
  }
  return s;
}

// Linux sysctls with nothing to change because the engine already behaves so
// (value as the engine does it); any other value is not modelled.
bool linux_matches(Knob knob, std::int64_t v) {
  switch (knob) {
    case Knob::kDsack:  // RFC 2883 DSACK blocks are sent
      return v == 1;
    case Knob::kFack:  // no FACK
      return v == 0;
    case Knob::kReordering:  // dupthresh 3 (RFC 5681 §3.2)
      return v == 3;
    case Knob::kSlowStartAfterIdle:  // cwnd is not reset after idle
      return v == 0;
    case Knob::kNotsentLowat:  // no TCP_NOTSENT_LOWAT: "unlimited"
      return v == 0xffffffffLL;
    case Knob::kFastOpen:  // no TCP Fast Open (RFC 7413)
    case Knob::kMtuProbing:
    case Knob::kFrto:
    case Knob::kEarlyRetrans:
    case Knob::kRecovery:
    case Knob::kEcnOption:
      return v == 0;
    case Knob::kTsoWinDivisor:  // ≥ 100: "do not defer to build a TSO burst"; synack never defers
      return v >= 100;
    case Knob::kFastOpenBlackhole:  // no Fast Open: nothing to black-hole
    case Knob::kBaseMss:            // used only by MTU probing (off)
    case Knob::kBufMin:             // no memory pressure in a script
    case Knob::kWmemMax:            // no send-buffer autotuning
      return true;
    default:
      return false;
  }
}

}  // namespace

StackAdapter::StackAdapter() {
  TargetSetup setup;
  setup.local_addr = Ipv4Addr::from_octets(192, 168, 0, 1);
  setup.remote_addr = Ipv4Addr::from_octets(192, 0, 2, 1);
  reset(setup);
}

void StackAdapter::reset(const TargetSetup& setup) {
  setup_ = setup;
  config_ = StackConfig{};
  config_.address = setup.local_addr;
  config_.mtu = static_cast<std::uint16_t>(setup.mtu);
  config_.tcp = setup.personality == Personality::kFreeBsd ? tcp::Config::freebsd_defaults()
                                                           : tcp::Config::linux_defaults();
  config_.tcp.mss = static_cast<std::uint16_t>(setup.mtu - 40);
  now_ = setup.start;
  rebuild();
}

void StackAdapter::advance_to(Instant t) {
  for (;;) {
    const Instant d = stack_->next_deadline();
    if (d == kNever || d > t) break;
    now_ = std::max(now_, d);
    stack_->on_timeout(now_);
    drain();
    if (stack_->next_deadline() <= now_) break;  // the executor reports a stuck timer
  }
  now_ = std::max(now_, t);
}

void StackAdapter::inject(Bytes packet) {
  stack_->receive(packet, now_);
  drain();
}

std::optional<OutboundPacket> StackAdapter::next_outbound() {
  if (out_.empty()) return std::nullopt;
  OutboundPacket p = std::move(out_.front());
  out_.pop_front();
  return p;
}

SysResult StackAdapter::socket(bool nonblocking) {
  auto fd = stack_->socket();
  if (!fd) return SysResult::error(errno_of(fd.error()));
  sockets_[*fd] = Socket{nonblocking, false};
  used_ = true;
  return SysResult::ok(*fd);
}

SysResult StackAdapter::bind(int fd, Ipv4Addr addr, std::uint16_t port) {
  return done(stack_->bind(fd, tcp::Endpoint{addr, port}));
}

SysResult StackAdapter::listen(int fd, int backlog) {
  return done(stack_->listen(fd, backlog, now_));
}

SysResult StackAdapter::accept(int fd, tcp::Endpoint* peer) {
  auto r = stack_->accept(fd, peer);
  drain();
  if (r) {
    sockets_[*r] = Socket{false, false};
    return SysResult::ok(*r);
  }
  return would_block(fd, r.error());
}

SysResult StackAdapter::connect(int fd, Ipv4Addr addr, std::uint16_t port) {
  const auto it = sockets_.find(fd);
  if (it != sockets_.end() && it->second.connecting) {  // a blocking connect: its outcome
    const std::uint32_t ready = stack_->poll(fd);
    if (ready & kPollErr) {
      it->second.connecting = false;
      const auto err = stack_->getsockopt(fd, synack::SockOpt::kError);
      return SysResult::error(err && *err != 0 ? *err : ECONNREFUSED);
    }
    if (ready & kPollOut) {
      it->second.connecting = false;
      return SysResult::ok();
    }
    return SysResult::blocked();
  }
  auto r = stack_->connect(fd, tcp::Endpoint{addr, port}, now_);
  drain();
  if (r) return SysResult::ok();
  if (r.error() == std::errc::operation_in_progress && it != sockets_.end() &&
      !it->second.nonblocking) {
    it->second.connecting = true;
    return SysResult::blocked();
  }
  return SysResult::error(errno_of(r.error()));
}

SysResult StackAdapter::recv(int fd, std::size_t len, bool peek) {
  buffer_.assign(len, std::byte{0});
  return recv_into(fd, MutableBytes(buffer_), peek);
}

SysResult StackAdapter::recv_into(int fd, MutableBytes out, bool peek) {
  auto r = stack_->recv(fd, out, peek ? kMsgPeek : 0, now_);
  drain();
  if (r) return SysResult::ok(static_cast<std::int64_t>(*r));
  return would_block(fd, r.error());
}

SysResult StackAdapter::send(int fd, Bytes data) {
  auto r = stack_->send(fd, data, now_);
  drain();
  if (r) return SysResult::ok(static_cast<std::int64_t>(*r));
  return would_block(fd, r.error());
}

SysResult StackAdapter::shutdown(int fd, int how) {
  const ShutdownHow h = how == 0   ? ShutdownHow::kRead
                        : how == 1 ? ShutdownHow::kWrite
                                   : ShutdownHow::kBoth;
  return done(stack_->shutdown(fd, h, now_));
}

SysResult StackAdapter::close(int fd) {
  const SysResult r = done(stack_->close(fd, now_));
  if (r.ret == 0) sockets_.erase(fd);
  return r;
}

SysResult StackAdapter::get_nonblocking(int fd) {
  const auto it = sockets_.find(fd);
  if (it == sockets_.end()) return SysResult::error(EBADF);
  return SysResult::ok(it->second.nonblocking ? 1 : 0);
}

SysResult StackAdapter::set_nonblocking(int fd, bool on) {
  const auto it = sockets_.find(fd);
  if (it == sockets_.end()) return SysResult::error(EBADF);
  it->second.nonblocking = on;
  return SysResult::ok();
}

SysResult StackAdapter::getsockopt(int fd, drill::SockOpt opt, std::int64_t* value) {
  const auto o = stack_option(opt);
  if (!o) return SysResult::error(ENOPROTOOPT);
  auto r = stack_->getsockopt(fd, *o);
  if (!r) return SysResult::error(errno_of(r.error()));
  *value = *r;
  return SysResult::ok();
}

SysResult StackAdapter::setsockopt(int fd, drill::SockOpt opt, std::int64_t value) {
  const auto o = stack_option(opt);
  if (!o) return SysResult::error(ENOPROTOOPT);
  return done(stack_->setsockopt(fd, *o, static_cast<int>(value)));
}

bool StackAdapter::supports(drill::SockOpt opt) const {
  return stack_option(opt).has_value();
}

std::uint32_t StackAdapter::poll(int fd) const {
  return sockets_.contains(fd) ? stack_->poll(fd) : 0;
}

bool StackAdapter::set_knob(Knob knob, std::int64_t v) {
  tcp::Config& c = config_.tcp;
  const auto ms = milliseconds(v);
  switch (knob) {
    case Knob::kInsecureRst:
      c.insecure_rst = v != 0;
      break;
    case Knob::kInsecureSyn:
      c.insecure_syn = v != 0;
      break;
    case Knob::kDropSynFin:
      c.drop_synfin = v != 0;
      break;
    case Knob::kRfc1323:
      c.window_scaling = c.timestamps = v != 0;
      break;
    case Knob::kSack:
      c.sack = v != 0;
      break;
    case Knob::kEcn:  // 0 off, 1 request and accept, 2 accept only: EcnMode's numbers
      if (v < 0 || v > 2) return false;
      c.ecn = static_cast<tcp::EcnMode>(v);
      break;
    case Knob::kEcnMaxRetries:
      if (v < 0 || v > 255) return false;
      c.ecn_syn_retries = static_cast<std::uint8_t>(v);
      break;
    case Knob::kRecvSpace:
      c.rcv_buf = static_cast<std::uint32_t>(v);
      break;
    case Knob::kSendSpace:
      c.snd_buf = static_cast<std::uint32_t>(v);
      break;
    case Knob::kMaxSockBuf:
      c.window_scale = window_scale_for(v);
      break;
    case Knob::kRexmitInitial:
      c.initial_rto = ms;
      break;
    case Knob::kRexmitMin:
      c.min_rto = ms;
      break;
    case Knob::kRexmitSlop:
      c.rexmit_slop = ms;
      break;
    case Knob::kRexmitDropOptions:
      if (v != 0) return false;
      break;
    case Knob::kKeepInit:
      c.connect_timeout = ms;
      break;
    case Knob::kDelAckTime:
      c.delayed_ack = ms;
      break;
    case Knob::kMsl:
      c.msl = ms;
      break;
    case Knob::kSynCookies:
      c.syn_cookies = v ? tcp::SynCookies::kWhenFull : tcp::SynCookies::kOff;
      break;
    case Knob::kSynCookiesOnly:
      if (v) c.syn_cookies = tcp::SynCookies::kAlways;
      break;
    case Knob::kBlackhole:
      if (v == 1) return false;
      config_.closed_port = v == 0 ? ClosedPortReply::kRst : ClosedPortReply::kNothing;
      break;
    case Knob::kHostcachePurge:
      break;
    case Knob::kRmemDefault:
      c.rcv_buf = static_cast<std::uint32_t>(v);
      break;
    case Knob::kRmemMax:
      c.window_scale = linux_window_scale_for(v);
      break;
    case Knob::kWmemDefault:
      c.snd_buf = static_cast<std::uint32_t>(v);
      break;
    case Knob::kTimestamps:
      c.timestamps = v != 0;
      break;
    case Knob::kWindowScaling:
      c.window_scaling = v != 0;
      break;
    case Knob::kSynRetries:
      c.syn_retries = static_cast<std::uint8_t>(std::clamp<std::int64_t>(v, 1, 127));
      break;
    case Knob::kSynackRetries:
      c.synack_retries = static_cast<std::uint8_t>(std::clamp<std::int64_t>(v, 1, 127));
      break;
    case Knob::kCongestionControl:
      c.congestion_control = v == 1 ? "cubic" : "newreno";
      break;
    case Knob::kLinuxEcn:  // 0 off, 1 request and accept, 2 accept only (3+: AccECN, absent)
      if (v < 0 || v > 2) return false;
      c.ecn = static_cast<tcp::EcnMode>(v);
      break;
    case Knob::kLinuxSynCookies:
      c.syn_cookies = v == 0   ? tcp::SynCookies::kOff
                      : v == 1 ? tcp::SynCookies::kWhenFull
                               : tcp::SynCookies::kAlways;
      break;
    default:
      if (!linux_matches(knob, v)) return false;
      break;
  }
  if (used_) {
    stack_->tcp_config() = c;  // live change; IP-level knobs wait for the next reset
  } else {
    rebuild();
  }
  return true;
}

std::optional<int> StackAdapter::count_connections(std::optional<std::uint16_t> port,
                                                   tcp::State state) const {
  if (state != tcp::State::kClosed) return static_cast<int>(stack_->count_in_state(state, port));
  int n = 0;  // CLOSED: a descriptor whose TCB is gone (or never existed)
  for (const auto& [fd, s] : sockets_) {
    const auto info = stack_->tcp_info(fd);
    if (!info || info->state == tcp::State::kClosed) ++n;
  }
  return n;
}

int StackAdapter::drop_time_wait() {
  const auto n = stack_->drop_time_wait(now_);
  drain();
  return static_cast<int>(n);
}

std::optional<TcpInfo> StackAdapter::tcp_info(int fd) const {
  if (!sockets_.contains(fd)) return std::nullopt;
  const auto info = stack_->tcp_info(fd);
  if (!info) {
    return TcpInfo{tcp::State::kClosed, 0, {{"tcpi_state", linux_tcp_state(tcp::State::kClosed)}}};
  }
  TcpInfo t{info->state, info->options};
  // Only the fields whose meaning and unit are Linux's (tcp/info.hpp); e.g.
  // tcpi_unacked (Linux counts packets, synack bytes) is left out.
  t.fields = {{"tcpi_state", linux_tcp_state(info->state)},
              {"tcpi_options", info->options},
              {"tcpi_snd_wscale", info->snd_wscale},
              {"tcpi_rcv_wscale", info->rcv_wscale},
              {"tcpi_rto", info->rto},
              {"tcpi_rtt", info->rtt},
              {"tcpi_rttvar", info->rttvar},
              {"tcpi_snd_mss", info->snd_mss},
              {"tcpi_rcv_mss", info->rcv_mss},
              {"tcpi_snd_cwnd", info->snd_cwnd},
              {"tcpi_snd_ssthresh", info->snd_ssthresh},
              {"tcpi_total_retrans", info->total_retrans},
              {"tcpi_snd_wnd", info->snd_wnd},
              {"tcpi_bytes_received", static_cast<std::int64_t>(info->bytes_received)},
              {"tcpi_segs_out", static_cast<std::int64_t>(info->segs_out)},
              {"tcpi_segs_in", static_cast<std::int64_t>(info->segs_in)}};
  return t;
}

void StackAdapter::rebuild() {
  stack_ = std::make_unique<Stack>(config_);
  sockets_.clear();
  out_.clear();
  used_ = false;
}

void StackAdapter::drain() {
  stack_->transmit(now_, [this](Bytes p) {
    out_.push_back(OutboundPacket{now_, std::vector<std::byte>(p.begin(), p.end())});
  });
}

SysResult StackAdapter::done(const std::expected<void, std::errc>& r) {
  drain();
  return r ? SysResult::ok() : SysResult::error(errno_of(r.error()));
}

SysResult StackAdapter::would_block(int fd, std::errc e) {
  const auto it = sockets_.find(fd);
  if (e == std::errc::operation_would_block && it != sockets_.end() && !it->second.nonblocking) {
    return SysResult::blocked();
  }
  return SysResult::error(errno_of(e));
}

std::unique_ptr<Target> make_stack_target() {
  return std::make_unique<StackAdapter>();
}

}  // namespace synack::drill
