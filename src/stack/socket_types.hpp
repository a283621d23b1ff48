// SPDX-License-Identifier: Apache-2.0
// Types of the BSD-shaped socket API (stack.hpp): descriptors, options,
// readiness bits and the TCP_INFO snapshot (Linux `struct tcp_info` names,
// RFC 4898 concepts).
#pragma once

#include <cstdint>

#include "tcp/info.hpp"
#include "tcp/state.hpp"

namespace synack {

/// A socket descriptor (small non-negative integer, lowest free first, like POSIX).
using Fd = int;

/// recv() flag: look at the data without consuming it (MSG_PEEK).
inline constexpr int kMsgPeek = 0x2;
/// send() flag: the bytes are urgent data (MSG_OOB; RFC 9293 §3.8.5). They stay
/// inline in the stream (RFC 6093 §6); the peer learns where they end.
inline constexpr int kMsgOob = 0x1;

/// Readiness bits, the values of <poll.h> so they read the same.
inline constexpr std::uint32_t kPollIn = 0x001;   ///< data (or EOF, or a pending accept)
inline constexpr std::uint32_t kPollPri = 0x002;  ///< urgent data not yet read (POLLPRI)
inline constexpr std::uint32_t kPollOut = 0x004;  ///< send() would take bytes
inline constexpr std::uint32_t kPollErr = 0x008;  ///< an error is pending (SO_ERROR)
inline constexpr std::uint32_t kPollHup = 0x010;  ///< both directions finished

enum class ShutdownHow : std::uint8_t { kRead, kWrite, kBoth };

/// Socket options (level implied by the name). Values are ints; times in the
/// unit the POSIX option uses (seconds for KEEPIDLE/KEEPINTVL and SO_LINGER,
/// milliseconds for TCP_USER_TIMEOUT).
enum class SockOpt : std::uint8_t {
  kError,        ///< SO_ERROR (read-only; reading clears it): an errno value or 0
  kRcvBuf,       ///< SO_RCVBUF, bytes
  kSndBuf,       ///< SO_SNDBUF, bytes
  kReuseAddr,    ///< SO_REUSEADDR, 0/1
  kKeepAlive,    ///< SO_KEEPALIVE, 0/1
  kLinger,       ///< SO_LINGER: -1 = off, else linger seconds (0 = abortive close)
  kNoDelay,      ///< TCP_NODELAY, 0/1
  kMaxSeg,       ///< TCP_MAXSEG, bytes
  kKeepIdle,     ///< TCP_KEEPIDLE, seconds
  kKeepIntvl,    ///< TCP_KEEPINTVL, seconds
  kKeepCnt,      ///< TCP_KEEPCNT, probes
  kUserTimeout,  ///< TCP_USER_TIMEOUT, milliseconds (RFC 5482 semantics, local)
  kTos,          ///< IP_TOS: Diffserv field (DSCP and ECN bits) of every segment, 0..255
};

/// TCP_INFO: the engine's snapshot (tcp/info.hpp: Linux `struct tcp_info`
/// names, times in µs, sizes in bytes unless the name says segments).
using TcpInfo = tcp::Info;

}  // namespace synack
