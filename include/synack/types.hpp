// SPDX-License-Identifier: Apache-2.0
// Value types of synack's public API (namespace synack::api): time, IPv4
// addresses and endpoints, socket descriptors, readiness bits, socket options,
// the stack's configuration and the TCP_INFO snapshot.
//
// Self-contained: nothing here names the engine's internal types, so the
// engine can change without breaking embedders (docs/embedding.md).
//
// Errors: every fallible call returns std::expected<T, std::errc>, whose
// values are the errno values POSIX sockets use (std::errc::connection_refused
// is ECONNREFUSED, ...); `static_cast<int>(e)` is the errno number.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace synack::api {

// ---- time ------------------------------------------------------------------------

/// A span of time, nanoseconds.
using Duration = std::chrono::nanoseconds;
/// A moment, nanoseconds since an epoch the embedder chooses. The stack never
/// reads a clock: every call that needs the time takes `now`. Sans-IO
/// embedders may count from Instant{} (virtual time); the TUN loop uses
/// std::chrono::steady_clock (CLOCK_MONOTONIC on Linux), so
/// `std::chrono::steady_clock::now()` is a valid `now` there. Time must not
/// go backwards between calls into one stack.
using Instant = std::chrono::steady_clock::time_point;
/// The deadline of a stack with no timer armed (next_deadline()).
inline constexpr Instant kNever = Instant::max();

// ---- addresses -------------------------------------------------------------------

/// An IPv4 address, `value` in host byte order (10.0.0.1 = 0x0A000001).
struct Ipv4Address {
  std::uint32_t value = 0;

  [[nodiscard]] static constexpr Ipv4Address from_octets(std::uint8_t a, std::uint8_t b,
                                                         std::uint8_t c, std::uint8_t d) {
    return {(std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) | (std::uint32_t{c} << 8) | d};
  }
  /// Parses dotted-quad text "a.b.c.d" (each 0..255); nullopt for anything else.
  [[nodiscard]] static std::optional<Ipv4Address> parse(std::string_view text);
  /// Dotted-quad text.
  [[nodiscard]] std::string to_string() const;
  friend constexpr bool operator==(Ipv4Address, Ipv4Address) = default;
};

/// An IPv4 address and a TCP port (host byte order). Address 0.0.0.0 in bind()
/// means "our address"; port 0 means "pick an ephemeral port".
struct Endpoint {
  Ipv4Address address{};
  std::uint16_t port = 0;
  friend constexpr bool operator==(const Endpoint&, const Endpoint&) = default;
};

// ---- sockets ---------------------------------------------------------------------

/// A socket descriptor of one stack: a small non-negative integer, the lowest
/// free one first (as POSIX). Descriptors of different stacks are unrelated
/// and are not OS file descriptors.
using Fd = int;

/// recv() flag: look at the data without consuming it (MSG_PEEK).
inline constexpr int kMsgPeek = 0x2;

/// Readiness bits of poll() and the readiness callback; the values of <poll.h>.
inline constexpr std::uint32_t kPollIn = 0x001;   ///< data, end of stream or a pending accept
inline constexpr std::uint32_t kPollOut = 0x004;  ///< send() would take bytes (connect done)
inline constexpr std::uint32_t kPollErr = 0x008;  ///< an error is pending (SockOpt::kError)
inline constexpr std::uint32_t kPollHup = 0x010;  ///< both directions finished

/// Which direction shutdown() ends (SHUT_RD, SHUT_WR, SHUT_RDWR).
enum class ShutdownHow : std::uint8_t { kRead, kWrite, kBoth };

/// Socket options, int-valued, in the unit of the POSIX option of that name.
enum class SockOpt : std::uint8_t {
  kError,        ///< SO_ERROR (read-only; reading clears it): an errno value or 0
  kRcvBuf,       ///< SO_RCVBUF, bytes (bounds the receive window)
  kSndBuf,       ///< SO_SNDBUF, bytes (bounds data queued by send())
  kReuseAddr,    ///< SO_REUSEADDR, 0/1
  kKeepAlive,    ///< SO_KEEPALIVE, 0/1 (RFC 9293 §3.8.4)
  kLinger,       ///< SO_LINGER: -1 = off, else seconds (0 = close() sends RST)
  kNoDelay,      ///< TCP_NODELAY, 0/1 (1 turns Nagle's algorithm off, RFC 9293 §3.7.4)
  kMaxSeg,       ///< TCP_MAXSEG, bytes
  kKeepIdle,     ///< TCP_KEEPIDLE, seconds, 1..32767
  kKeepIntvl,    ///< TCP_KEEPINTVL, seconds, 1..32767
  kKeepCnt,      ///< TCP_KEEPCNT, probes, 1..127
  kUserTimeout,  ///< TCP_USER_TIMEOUT, milliseconds ≥ 0 (RFC 5482 semantics, local)
};

/// Connection states, RFC 9293 §3.3.2.
enum class State : std::uint8_t {
  kClosed,
  kListen,
  kSynSent,
  kSynReceived,
  kEstablished,
  kFinWait1,
  kFinWait2,
  kCloseWait,
  kClosing,
  kLastAck,
  kTimeWait,
};
/// The RFC's spelling: "ESTABLISHED", "TIME-WAIT", ...
[[nodiscard]] std::string_view to_string(State s);

/// TCP_INFO: a snapshot of one socket (Linux `struct tcp_info` names, RFC 4898
/// concepts). Times in microseconds, sizes in bytes unless the name says segments.
struct TcpInfo {
  State state = State::kClosed;
  std::uint32_t rto_us = 0;          ///< current RTO with backoff (RFC 6298)
  std::uint32_t srtt_us = 0;         ///< smoothed RTT, 0 before the first sample
  std::uint32_t rttvar_us = 0;       ///< RTT variation
  std::uint32_t snd_mss = 0;         ///< payload bytes per segment we send
  std::uint32_t rcv_mss = 0;         ///< estimate of the peer's segment size
  std::uint32_t snd_cwnd = 0;        ///< congestion window, segments (RFC 5681)
  std::uint32_t snd_cwnd_bytes = 0;  ///< congestion window, bytes
  std::uint32_t snd_wnd = 0;         ///< SND.WND, the peer's window
  std::uint32_t rcv_wnd = 0;         ///< RCV.WND we advertise
  std::uint32_t unacked = 0;         ///< SND.NXT − SND.UNA, sequence space
  std::uint32_t retransmits = 0;     ///< consecutive RTO expirations
  std::uint32_t total_retrans = 0;   ///< segments retransmitted
  std::uint64_t bytes_acked = 0;     ///< data bytes the peer acknowledged
  std::uint64_t bytes_received = 0;  ///< data bytes received in order
  std::uint64_t segs_out = 0;        ///< segments sent
  std::uint64_t segs_in = 0;         ///< segments received
  std::uint64_t delivery_rate = 0;   ///< bytes per second over the last ~RTT
};

/// Stack-wide counters (never reset).
struct Counters {
  std::uint64_t ip_in = 0;     ///< IPv4 packets received, any validity
  std::uint64_t ip_out = 0;    ///< IPv4 packets sent
  std::uint64_t tcp_in = 0;    ///< valid TCP segments received
  std::uint64_t tcp_out = 0;   ///< TCP segments sent
  std::uint64_t rst_out = 0;   ///< RSTs sent for segments to no connection
  std::uint64_t icmp_in = 0;   ///< ICMP messages received
  std::uint64_t icmp_out = 0;  ///< ICMP messages sent
  /// Packets not delivered to a connection, every reason: malformed, not for
  /// our address, no such connection (answered with RST), a bound reached,
  /// IP fragments (counted when held for reassembly).
  std::uint64_t dropped = 0;
};

// ---- configuration ---------------------------------------------------------------

/// Preset bundles of TCP behaviour (timers, buffers, option layout).
enum class Personality : std::uint8_t {
  kDefault,  ///< RFC-recommended behaviour with Linux's numbers
  kLinux,    ///< as a Linux peer (RST kills TIME-WAIT, tcp_rfc1337 0)
  kFreeBsd,  ///< as a FreeBSD peer (window 65535, SYN retransmission 1 s, ...)
};

/// A 128-bit key (SipHash key size).
using Secret = std::array<std::uint8_t, 16>;

/// Configuration of one stack: one IPv4 interface. Defaults in brackets.
struct Config {
  /// Our IPv4 address [10.0.0.2].
  Ipv4Address address = Ipv4Address::from_octets(10, 0, 0, 2);
  /// Link MTU in bytes, 68..65535 [1500]; the MSS we advertise is MTU − 40.
  /// TunStack sets it from the device's MTU.
  std::uint16_t mtu = 1500;
  /// TTL of the packets we send [64, Linux ip_default_ttl].
  std::uint8_t ttl = 64;
  /// TCP behaviour preset [kDefault].
  Personality personality = Personality::kDefault;
  /// Receive / send buffer per connection in bytes; 0 = the personality's
  /// default (131072 / 16384 for kDefault, Linux tcp_rmem/tcp_wmem).
  std::uint32_t rcv_buf = 0;
  std::uint32_t snd_buf = 0;
  /// Most connections at once (established or half-open); beyond it connect()
  /// fails with ENOBUFS and SYNs are dropped (counted) [1048576].
  std::size_t max_connections = std::size_t{1} << 20;
  /// Most TIME-WAIT entries [262144, Linux tcp_max_tw_buckets].
  std::size_t max_time_wait = 262144;
  /// Key of the RFC 6528 ISN function, the SYN cookies, the demux hash and
  /// port selection. nullopt [default]: the stack draws one from the OS
  /// (getrandom), so ISNs are unpredictable. Set it only for reproducible runs
  /// (tests, simulation): a known secret lets an attacker predict ISNs.
  std::optional<Secret> secret{};
};

}  // namespace synack::api
