// SPDX-License-Identifier: Apache-2.0
// The stack under test, as the conformance runner sees it: a virtual clock,
// a wire (packets in, packets out), BSD-style socket calls and a few
// administrative queries. The runner never depends on the stack directly; the
// real stack plugs in through an adapter (stack_adapter.cc, make_stack_target()),
// tests use fakes. See docs/conformance.md "Adding the stack target".
//
// Conventions for every call:
//  - Descriptors are the target's own; the executor maps script fds onto them.
//  - Errors are host errno values (<cerrno>: ECONNRESET, EINPROGRESS, EAGAIN ...),
//    i.e. the numbers behind the std::errc values the stack returns.
//  - Calls never block. On a *blocking* socket, a call that would block returns
//    SysResult::blocked(); the executor re-issues the identical call after every
//    step of virtual time until it returns something else (for connect(): the
//    outcome of the handshake, 0 or -1 with ECONNREFUSED/ETIMEDOUT ...).
//  - Time only moves in advance_to(). Packets sent while running a call or a
//    timer are queued for next_outbound(), stamped with the virtual time they
//    left (a timer's deadline, not the time advance_to() was asked for).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/bytes.hpp"
#include "base/time.hpp"
#include "tcp/state.hpp"
#include "wire/ipv4.hpp"

namespace synack::drill {

/// Which operating system's behaviour the scripts expect (docs/conformance.md,
/// docs/engine.md "Configuration defaults"). The target maps it onto its own configuration preset.
enum class Personality : std::uint8_t { kFreeBsd, kLinux };

[[nodiscard]] std::string_view to_string(Personality p);

/// What a fresh stack is built with, once per script.
struct TargetSetup {
  Personality personality = Personality::kFreeBsd;
  Ipv4Addr local_addr;       ///< the stack's address (packetdrill: 192.168.0.1)
  Ipv4Addr remote_addr;      ///< the script's side (packetdrill: 192.0.2.1)
  std::uint32_t mtu = 1500;  ///< bytes (--mtu); MSS = MTU − 40 for IPv4
  Instant start{};           ///< the virtual time of script time 0
};

/// A packet the stack sent: an IPv4 datagram and when it left.
struct OutboundPacket {
  Instant at;
  std::vector<std::byte> bytes;
};

/// The result of one socket call: ret as the C call returns it, errno when ret
/// is -1, or "would block" on a blocking socket (see the file comment).
struct SysResult {
  std::int64_t ret = 0;
  int err = 0;
  bool would_block = false;

  static SysResult ok(std::int64_t v = 0) { return {v, 0, false}; }
  static SysResult error(int e) { return {-1, e, false}; }
  static SysResult blocked() { return {-1, 0, true}; }
  friend bool operator==(const SysResult&, const SysResult&) = default;
};

/// Socket options the runner understands (SOL_SOCKET and IPPROTO_TCP levels).
/// Values are plain integers: bytes for buffers, 0/1 for booleans, an errno
/// for SO_ERROR, seconds for TCP_KEEP* (as the C API), seconds for SO_LINGER
/// (−1 = linger off).
enum class SockOpt : std::uint8_t {
  kRcvBuf,       ///< SO_RCVBUF, bytes
  kSndBuf,       ///< SO_SNDBUF, bytes
  kError,        ///< SO_ERROR: pending errno, cleared by reading (get only)
  kReuseAddr,    ///< SO_REUSEADDR
  kReusePort,    ///< SO_REUSEPORT
  kKeepAlive,    ///< SO_KEEPALIVE
  kLinger,       ///< SO_LINGER: seconds, −1 = off
  kNoDelay,      ///< TCP_NODELAY
  kMaxSeg,       ///< TCP_MAXSEG, bytes
  kNoOpt,        ///< TCP_NOOPT (FreeBSD): send no options
  kNoPush,       ///< TCP_NOPUSH (FreeBSD) / TCP_CORK (Linux)
  kKeepInit,     ///< TCP_KEEPINIT (FreeBSD), seconds: give up connecting
  kKeepIdle,     ///< TCP_KEEPIDLE, seconds
  kKeepIntvl,    ///< TCP_KEEPINTVL, seconds
  kKeepCnt,      ///< TCP_KEEPCNT, probes
  kUserTimeout,  ///< TCP_USER_TIMEOUT, ms (RFC 5482 semantics, local)
  kTos,          ///< IP_TOS: the IPv4 DS field, 0..255
};

/// Stack configuration a script may change with `sysctl -w` (the emulation
/// table in emulation.cc maps FreeBSD keys onto these). Units as noted.
enum class Knob : std::uint8_t {
  kInsecureRst,        ///< 0 = RFC 5961 §3 RST checks, 1 = RFC 793 (any in-window RST resets)
  kInsecureSyn,        ///< 0 = RFC 5961 §4 challenge ACK, 1 = in-window SYN resets
  kDropSynFin,         ///< 1 = drop SYN+FIN segments
  kRfc1323,            ///< 0 = no window scale / timestamps (RFC 7323), 1 = both
  kSack,               ///< 0/1: SACK-permitted offered and honoured (RFC 2018)
  kEcn,                ///< 0 = off, 1 = request and accept, 2 = accept only (RFC 3168)
  kEcnMaxRetries,      ///< SYN retransmissions before ECN is given up
  kRecvSpace,          ///< default SO_RCVBUF, bytes
  kSendSpace,          ///< default SO_SNDBUF, bytes
  kMaxSockBuf,         ///< largest socket buffer, bytes (sets the window scale)
  kRexmitInitial,      ///< initial RTO, ms
  kRexmitMin,          ///< lower bound of the RTO, ms
  kRexmitSlop,         ///< added to each RTO, ms
  kRexmitDropOptions,  ///< 1 = retransmitted SYNs drop their options
  kKeepInit,           ///< connection-establishment timeout, ms
  kKeepIdle,           ///< ms
  kKeepIntvl,          ///< ms
  kKeepCnt,            ///< probes
  kDelAckTime,         ///< delayed-ACK timeout, ms
  kMsl,                ///< MSL, ms (TIME-WAIT lasts 2·MSL)
  kSynCookies,         ///< 0/1: SYN cookies when the queue overflows
  kSynCookiesOnly,     ///< 0/1: always SYN cookies
  kBlackhole,          ///< 0 = RST for closed ports, 1/2 = drop silently
  kTolerateMissingTs,  ///< 0/1: accept segments without TS once negotiated
  kHostcachePurge,     ///< 1 = flush the host cache (a no-op on a fresh stack)
  // Linux sysctls (net.ipv4.*; shell.cc maps the keys, docs/conformance.md lists them).
  kRmemDefault,         ///< tcp_rmem[1]: default SO_RCVBUF, bytes
  kRmemMax,             ///< tcp_rmem[2]: bytes (sets the window scale, Linux's rule)
  kWmemDefault,         ///< tcp_wmem[1]: default SO_SNDBUF, bytes
  kWmemMax,             ///< tcp_wmem[2]: send-buffer autotuning ceiling, bytes
  kBufMin,              ///< tcp_rmem[0] / tcp_wmem[0]: bytes under memory pressure
  kTimestamps,          ///< tcp_timestamps 0/1 (RFC 7323 §3)
  kWindowScaling,       ///< tcp_window_scaling 0/1 (RFC 7323 §2)
  kSynRetries,          ///< tcp_syn_retries: SYN retransmissions
  kSynackRetries,       ///< tcp_synack_retries: SYN-ACK retransmissions
  kFrto,                ///< tcp_frto: 0 off, 2 F-RTO (RFC 5682)
  kDsack,               ///< tcp_dsack 0/1 (RFC 2883)
  kFack,                ///< tcp_fack 0/1
  kReordering,          ///< tcp_reordering: initial dupthresh, segments
  kCongestionControl,   ///< tcp_congestion_control: 0 reno, 1 cubic
  kSlowStartAfterIdle,  ///< tcp_slow_start_after_idle 0/1 (RFC 5681 §4.1)
  kEarlyRetrans,        ///< tcp_early_retrans: 0 off … 3/4 TLP (RFC 8985)
  kRecovery,            ///< tcp_recovery: bit 1 = RACK loss detection (RFC 8985)
  kTsoWinDivisor,       ///< tcp_tso_win_divisor
  kMinTsoSegs,          ///< tcp_min_tso_segs
  kLinuxEcn,            ///< tcp_ecn: 0 off, 1 request and accept, 2 accept only (RFC 3168)
  kEcnOption,           ///< tcp_ecn_option (AccECN option)
  kPacingSsRatio,       ///< tcp_pacing_ss_ratio, percent
  kPacingCaRatio,       ///< tcp_pacing_ca_ratio, percent
  kNotsentLowat,        ///< tcp_notsent_lowat, bytes (0xffffffff = off)
  kFastOpen,            ///< tcp_fastopen flags (RFC 7413)
  kFastOpenKey,         ///< tcp_fastopen_key set (value 1)
  kFastOpenBlackhole,   ///< tcp_fastopen_blackhole_timeout_sec, s
  kLinuxSynCookies,     ///< tcp_syncookies: 0 off, 1 when full, 2 always
  kMtuProbing,          ///< tcp_mtu_probing: 0 off (RFC 4821)
  kBaseMss,             ///< tcp_base_mss, bytes
};

/// The FreeBSD sysctl key of a FreeBSD knob, the Linux one (net.ipv4.…) of a Linux knob.
[[nodiscard]] std::string_view to_string(Knob k);

/// What TCP_INFO reports for `%{ assert tcpi_* }%`.
struct TcpInfo {
  tcp::State state = tcp::State::kClosed;
  /// TCPI_OPT_* bits: 1 timestamps, 2 SACK, 4 window scale, 8 ECN.
  std::uint8_t options = 0;
  /// Linux `struct tcp_info` fields by name ("tcpi_snd_cwnd", ...) with
  /// Linux's units, for %{ }% blocks; a field the target cannot report
  /// faithfully is absent (the script SKIPs naming it).
  std::vector<std::pair<std::string, std::int64_t>> fields{};
};

class Target {
 public:
  virtual ~Target() = default;

  /// Throws away all state and builds a fresh stack (one per script).
  virtual void reset(const TargetSetup& setup) = 0;

  // --- virtual clock -------------------------------------------------------
  /// The current virtual time.
  [[nodiscard]] virtual Instant now() const = 0;
  /// Runs every timer due at or before `t` in deadline order, then sets now() = t.
  /// `t` before now() is a no-op.
  virtual void advance_to(Instant t) = 0;
  /// The earliest pending timer deadline, kNever when none is armed.
  [[nodiscard]] virtual Instant next_event() const = 0;

  // --- wire ----------------------------------------------------------------
  /// Delivers one IPv4 datagram to the stack at now().
  virtual void inject(Bytes ipv4_packet) = 0;
  /// The oldest packet the stack sent that has not been taken yet.
  virtual std::optional<OutboundPacket> next_outbound() = 0;

  // --- sockets (BSD semantics; see the file comment) -----------------------
  virtual SysResult socket(bool nonblocking) = 0;  ///< AF_INET, SOCK_STREAM, IPPROTO_TCP
  virtual SysResult bind(int fd, Ipv4Addr addr, std::uint16_t port) = 0;
  virtual SysResult listen(int fd, int backlog) = 0;
  virtual SysResult accept(int fd) = 0;  ///< ret = the new descriptor
  virtual SysResult connect(int fd, Ipv4Addr addr, std::uint16_t port) = 0;
  /// read/recv of up to `len` bytes; `peek` = MSG_PEEK. ret = bytes read, 0 at EOF.
  virtual SysResult recv(int fd, std::size_t len, bool peek) = 0;
  /// write/send of `data`. ret = bytes accepted.
  virtual SysResult send(int fd, Bytes data) = 0;
  /// how: 0 SHUT_RD, 1 SHUT_WR, 2 SHUT_RDWR.
  virtual SysResult shutdown(int fd, int how) = 0;
  virtual SysResult close(int fd) = 0;
  /// F_GETFL's O_NONBLOCK as 0/1 (the executor encodes the personality's flags).
  virtual SysResult get_nonblocking(int fd) = 0;
  virtual SysResult set_nonblocking(int fd, bool on) = 0;
  /// ret = 0 and `*value` set, or −1 with ENOPROTOOPT when unsupported.
  virtual SysResult getsockopt(int fd, SockOpt opt, std::int64_t* value) = 0;
  virtual SysResult setsockopt(int fd, SockOpt opt, std::int64_t value) = 0;
  /// false = the stack has no such option: a script using it is SKIPPED
  /// (rather than failing on ENOPROTOOPT).
  [[nodiscard]] virtual bool supports(SockOpt opt) const {
    (void)opt;
    return true;
  }

  /// Readiness of `fd` for epoll: a mask of <poll.h> bits (POLLIN 0x1,
  /// POLLOUT 0x4, POLLERR 0x8, POLLHUP 0x10); nullopt = the target cannot tell
  /// (a script using epoll then SKIPs).
  [[nodiscard]] virtual std::optional<std::uint32_t> readiness(int fd) const {
    (void)fd;
    return std::nullopt;
  }

  // --- administration ------------------------------------------------------
  /// Applies one `sysctl -w`. false = the stack has no such setting (the
  /// script is then SKIPPED, never passed).
  virtual bool set_knob(Knob knob, std::int64_t value) = 0;
  /// Connections in `state` whose local port is `port` (any when nullopt).
  /// Half-open (SYN-cache) entries count as kSynReceived; a descriptor whose
  /// TCB is gone counts as kClosed. nullopt = the target cannot tell.
  [[nodiscard]] virtual std::optional<int> count_connections(std::optional<std::uint16_t> port,
                                                             tcp::State state) const = 0;
  /// `tcpdrop -s TIME_WAIT`: aborts every TIME-WAIT connection; returns how many.
  virtual int drop_time_wait() = 0;
  /// TCP_INFO of `fd`; nullopt if `fd` is not an open TCP socket.
  [[nodiscard]] virtual std::optional<TcpInfo> tcp_info(int fd) const = 0;
};

}  // namespace synack::drill
