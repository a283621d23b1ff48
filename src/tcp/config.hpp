// SPDX-License-Identifier: Apache-2.0
// Engine configuration: every tunable of the connection-management engine with
// its default and where that default comes from (RFC / Linux / FreeBSD).
//
// `Config{}` is the engine's default (RFC-recommended behaviour with Linux's
// numbers); `linux_defaults()` and `freebsd_defaults()` are the personalities
// used by the conformance runner (see docs/conformance.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "base/siphash.hpp"
#include "base/time.hpp"

namespace synack::tcp {

/// What a listener does when its SYN queue or accept queue is full.
enum class OverflowAction : std::uint8_t {
  kDrop,   ///< silently drop the SYN / final ACK (Linux default, tcp_abort_on_overflow=0)
  kReset,  ///< answer with a RST (Linux tcp_abort_on_overflow=1)
};

/// When a listener answers with SYN cookies (RFC 4987 §3.6).
enum class SynCookies : std::uint8_t {
  kOff,       ///< never (FreeBSD syncookies=0)
  kWhenFull,  ///< only when the SYN queue is full (Linux tcp_syncookies=1)
  kAlways,    ///< for every SYN (Linux tcp_syncookies=2)
};

/// Explicit Congestion Notification (RFC 3168), as Linux net.ipv4.tcp_ecn and
/// FreeBSD net.inet.tcp.ecn.enable number it.
enum class EcnMode : std::uint8_t {
  kOff = 0,     ///< no ECN in our SYNs; a peer's ECN-setup SYN is declined (tcp_ecn 0)
  kOn = 1,      ///< our SYNs ask for ECN, and a peer's request is accepted (tcp_ecn 1)
  kAccept = 2,  ///< accept a peer's request only (tcp_ecn 2: Linux's and FreeBSD's default)
};

/// Option order in our SYN (the conformance scripts compare layouts byte-exactly).
enum class OptionLayout : std::uint8_t {
  kLinux,    ///< mss, sackOK, TS, nop, wscale
  kFreeBsd,  ///< mss, nop, wscale, sackOK, TS
};

struct Config {
  // ---- segment sizes and buffers -------------------------------------------------
  /// Our MSS in bytes, sent in SYN / SYN-ACK (RFC 9293 §3.7.1; 1500 − 40, IPv4 over Ethernet).
  std::uint16_t mss = 1460;
  /// Floor of the path MTU learnt from ICMP "fragmentation needed" (RFC 1191
  /// §6.3), bytes: a smaller next-hop MTU is raised to this, so a spoofed ICMP
  /// cannot force tiny segments (Linux net.ipv4.route.min_pmtu 552; IPv6 would
  /// use 1280, RFC 8200 §5). The send MSS never drops below min_pmtu − 40.
  /// Range 68..65535. Raising it to the floor is counted (DropReason::kPmtuFloor).
  std::uint16_t min_pmtu = 552;
  /// Receive buffer in bytes: bounds data held for the user; rcv.wnd is its free
  /// space (Linux tcp_rmem default 131072).
  std::uint32_t rcv_buf = 131072;
  /// Send buffer in bytes: bounds data queued by SEND (Linux tcp_wmem default 16384).
  std::uint32_t snd_buf = 16384;
  /// Delayed-ACK timeout (RFC 9293 §3.8.6.3, RFC 5681 §4.2: every second segment
  /// and out-of-order data are ACKed at once); zero = ACK every segment at once
  /// (engine default; FreeBSD net.inet.tcp.delacktime 40 ms, Linux TCP_DELACK_MIN 40 ms).
  Duration delayed_ack = Duration::zero();
  /// Window field in SYN / SYN-ACK and unscaled cap, bytes (RFC 9293 §3.1: 16 bits).
  std::uint16_t max_unscaled_window = 65535;
  /// Round the receive buffer up to a multiple of the MSS (min of ours and the
  /// peer's) once the peer's SYN is known: active/simultaneous open on the SYN,
  /// passive open on the ACK that establishes. FreeBSD tcp_mss(): 65536 → 65700
  /// for MSS 1460. Off: the buffer stays rcv_buf (Linux).
  bool rcvbuf_round_to_mss = false;
  /// Segment acceptability (RFC 9293 §3.10.7.4 first, Table 6) uses the free
  /// receive-buffer space even where it exceeds what the window field can say
  /// (unscaled cap 65535): FreeBSD tcp_input rcv_wnd = max(sbspace, rcv_adv −
  /// rcv_nxt). Off: RCV.WND = the window advertised (capped).
  bool rcv_wnd_from_buffer = false;
  /// While our FIN is unacknowledged, every ACK we send (except RFC 5961
  /// challenge ACKs) resends it: <SEQ=FIN><CTL=FIN,ACK> (FreeBSD tcp_output:
  /// snd_nxt-- when TF_SENTFIN). Off: a bare ACK at SND.NXT (RFC 9293, Linux).
  bool ack_resends_fin = false;
  /// After the application reads, a window update is sent when the window grows
  /// by at least 2·MSS and a quarter of the receive buffer (FreeBSD tcp_output
  /// after soreceive). Off: only when it opens from below one MSS. Both stay
  /// within RFC 9293 §3.8.6.2.2 (receiver SWS avoidance).
  bool window_update_on_read = false;

  /// SO_SNDBUF stores and reads back twice the value asked for: min(value,
  /// 212992)·2, at least 4608 bytes (Linux sock_setsockopt: net.core.wmem_max,
  /// SOCK_MIN_SNDBUF; the doubling pays for bookkeeping). Off: the value as
  /// given (FreeBSD). SO_RCVBUF keeps the value as given either way: Linux
  /// doubles it too but offers about half of it as window (tcp_adv_win_scale 1),
  /// which is the window synack offers from the value as given.
  bool sndbuf_doubling = false;

  /// Nagle's algorithm off (TCP_NODELAY; RFC 9293 §3.7.4, MUST-17 "a TCP MUST
  /// allow an application to disable Nagle"): false = a segment shorter than the
  /// MSS waits while data is unacknowledged (Linux and FreeBSD default).
  bool nodelay = false;
  /// DEVIATION(linux): Minshall's Nagle variant (Linux tcp_minshall_check): a
  /// short segment waits only while an earlier *short* segment is unacknowledged,
  /// so a write of 1000 bytes at MSS 536 goes out as 536 + 464 at once. Off:
  /// RFC 896 / RFC 9293 §3.7.4 as written (any unacknowledged data; FreeBSD).
  bool nagle_minshall = true;
  /// Receiver SWS avoidance (RFC 9293 §3.8.6.2.2, Fr = 1/2): the right edge of the
  /// advertised window moves only once it can move by min(RCV.BUFF / 2, MSS).
  /// Off: the window is the free buffer space (FreeBSD's drill corpus expects it).
  bool receiver_sws = true;

  // ---- congestion control -----------------------------------------------------------
  /// Algorithm by name: "newreno" (RFC 5681 + RFC 6582, default) or "cubic"
  /// (RFC 9438; Linux's default). An unknown name falls back to "newreno".
  std::string_view congestion_control = "newreno";

  /// cwnd grows on an ACK only while the window is used: the last window was
  /// cwnd-limited, or in slow start cwnd < 2 × the most segments in flight
  /// during it (Linux tcp_is_cwnd_limited, in the spirit of RFC 7661). Off: every
  /// ACK of new data grows cwnd (RFC 5681 §3.1 as written; FreeBSD).
  bool cwnd_growth_when_limited = false;

  // ---- retransmission -------------------------------------------------------------
  /// Initial RTO (RFC 6298 (2.1): 1 s).
  Duration initial_rto = seconds(1);
  /// RTO after a SYN timed out (RFC 6298 (5.7): 3 s once data transfer begins).
  Duration initial_rto_after_syn_timeout = seconds(3);
  /// Lower bound of the RTO (Linux TCP_RTO_MIN 200 ms; RFC 6298 (2.4) says 1 s).
  Duration min_rto = milliseconds(200);
  /// Upper bound of the RTO (Linux TCP_RTO_MAX 120 s; RFC 6298 (2.5) allows ≥ 60 s).
  Duration max_rto = seconds(120);
  /// Added to every backed-off RTO (FreeBSD net.inet.tcp.rexmit_slop 200 ms; Linux 0).
  Duration rexmit_slop = Duration::zero();
  /// SYN retransmissions before ETIMEDOUT: 7 gives up after 247 s (RTOs 1 s … 64 s,
  /// then max_rto; RFC 9293 §3.8.3 MUST-23: R2 for a SYN ≥ 3 minutes); Linux
  /// net.ipv4.tcp_syn_retries 6 gives up after 127 s.
  std::uint8_t syn_retries = 7;
  /// SYN-ACK retransmissions before giving up (Linux net.ipv4.tcp_synack_retries 5).
  std::uint8_t synack_retries = 5;
  /// Data / FIN retransmissions before ETIMEDOUT (Linux net.ipv4.tcp_retries2 15).
  std::uint8_t max_retransmissions = 15;
  /// R1 (RFC 9293 §3.8.3): after this many retransmissions of one segment (SYN
  /// included) the delivery problem is reported: Status::soft_error = timed_out and
  /// a trace event (Linux tcp_retries1 3). Zero = never.
  std::uint8_t r1_retransmissions = 3;
  /// Total time allowed for the handshake, zero = bounded by syn_retries only
  /// (FreeBSD net.inet.tcp.keepinit 75 s; Linux has none).
  Duration connect_timeout = Duration::zero();

  // ---- keepalive and user timeout ---------------------------------------------------
  /// Keepalive probes (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6: off by default;
  /// SO_KEEPALIVE). After `keepalive_idle` without a segment from the peer
  /// and nothing of ours outstanding, an ACK <SEQ=SND.NXT−1> every
  /// `keepalive_interval`; `keepalive_count` unanswered → RST and ETIMEDOUT.
  // RFC 9293 MUST-25: keep-alives default to off.
  // RFC 9293 MAY-5: keep-alives are implemented (connection_keepalive.cc).
  bool keepalive = false;
  /// Idle time before the first probe (Linux tcp_keepalive_time 7200 s; RFC 1122: ≥ 2 h).
  // RFC 9293 MUST-28: the idle interval defaults to 2 hours.
  Duration keepalive_idle = seconds(7200);
  /// Time between probes (Linux tcp_keepalive_intvl 75 s).
  Duration keepalive_interval = seconds(75);
  /// Unanswered probes before the connection is dropped (Linux tcp_keepalive_probes 9).
  std::uint32_t keepalive_count = 9;
  /// User timeout (RFC 5482 semantics, local only; Linux TCP_USER_TIMEOUT): the
  /// longest transmitted data may stay unacknowledged (or keepalive probes
  /// unanswered) before ETIMEDOUT; replaces max_retransmissions. Zero = off.
  Duration user_timeout = Duration::zero();

  // ---- closing ---------------------------------------------------------------------
  /// Maximum segment lifetime; TIME-WAIT lasts 2·MSL (RFC 9293 §3.4.2 suggests 2 min;
  /// 30 s gives Linux's 60 s TIME-WAIT, TCP_TIMEWAIT_LEN).
  Duration msl = seconds(30);
  /// Orphaned FIN-WAIT-2 lifetime after the application closed (Linux tcp_fin_timeout 60 s).
  Duration fin_wait_2_timeout = seconds(60);
  /// Ignore RST in TIME-WAIT (RFC 1337 §3 "TIME-WAIT assassination" fix; FreeBSD
  /// behaviour; Linux net.ipv4.tcp_rfc1337 defaults to 0).
  bool time_wait_rfc1337 = true;
  /// TIME-WAIT follows FreeBSD's tcp_twcheck() instead of RFC 9293 + RFC 5961:
  /// a segment without ACK (an old SYN included) is dropped silently, a
  /// duplicate FIN restarts 2·MSL, and every segment except an exact duplicate
  /// ACK (SEG.SEQ = RCV.NXT, SEG.ACK = SND.NXT, no text) is ACKed.
  bool time_wait_twcheck = false;

  // ---- robustness (RFC 5961) -------------------------------------------------------
  /// RFC 793 RST handling: any in-window RST resets (FreeBSD net.inet.tcp.insecure_rst 0).
  bool insecure_rst = false;
  /// RFC 793 SYN handling: in-window SYN → RST + ECONNRESET (FreeBSD insecure_syn 0).
  bool insecure_syn = false;
  /// ICMP protocol / port unreachable (codes 2, 3) abort a synchronized connection
  /// with ECONNREFUSED (RFC 1122 §4.2.3.9, RFC 9293 §3.9.2.2 SHLD-26; code 4 always
  /// lowers the MSS instead, RFC 1191). Off: soft errors once synchronized (RFC 5927
  /// §4.1, Linux, FreeBSD); in SYN-SENT they abort either way.
  bool icmp_hard_errors_abort = false;
  /// Drop SYN+FIN segments (FreeBSD net.inet.tcp.drop_synfin 1; Linux drops them in LISTEN);
  /// false: treat as a SYN, FIN and data ignored.
  bool drop_synfin = true;
  /// Challenge ACKs allowed per connection per `challenge_ack_interval`
  /// (RFC 5961 §10; FreeBSD net.inet.tcp.ack_war_cnt 5 per ack_war_timewindow 1000 ms).
  /// Per connection, never host-wide (CVE-2016-5696).
  std::uint32_t challenge_ack_limit = 5;
  Duration challenge_ack_interval = milliseconds(1000);

  // ---- options -------------------------------------------------------------------
  /// Window scale (RFC 7323 §2; Linux tcp_window_scaling 1).
  bool window_scaling = true;
  /// SACK-permitted (RFC 2018; Linux tcp_sack 1). Only negotiated in this engine.
  bool sack = true;
  /// The window shift we announce (RFC 7323 §2.3; Linux 7 for tcp_rmem max 6 MiB,
  /// FreeBSD 6 for kern.ipc.maxsockbuf 2 MiB). Range 0..14.
  std::uint8_t window_scale = 7;
  /// Explicit Congestion Notification (RFC 3168 §6.1): with kOn our SYN asks for it
  /// (ECE, CWR); with kOn or kAccept a peer's ECN-setup SYN is answered with ECE.
  /// Once negotiated, new data goes out ECT(0), a CE mark is echoed with ECE until
  /// the peer's CWR, and an ECE halves cwnd once per window (CWR on the next new
  /// data). Default kAccept, as Linux (tcp_ecn 2) and FreeBSD (ecn.enable 2).
  EcnMode ecn = EcnMode::kAccept;
  /// Retransmissions of our SYN that still ask for ECN; later ones do not, in case
  /// a middlebox drops ECN-setup SYNs (RFC 3168 §6.1.1.1). Linux 0 (tcp_ecn_fallback:
  /// every retransmitted SYN is plain), FreeBSD net.inet.tcp.ecn.maxretries 1.
  std::uint8_t ecn_syn_retries = 0;
  /// Timestamps (RFC 7323 §3; Linux tcp_timestamps 1).
  bool timestamps = true;
  /// A segment dropped by PAWS (RFC 7323 §5.3) is ACKed only when it carries
  /// data (FreeBSD tcp_input: dropafterack if tlen). Off: every non-RST PAWS
  /// drop is ACKed (RFC 7323 §5.3 R1, Linux tcp_validate_incoming).
  bool paws_ack_only_data = false;
  /// Layout of the options in our SYN.
  OptionLayout option_layout = OptionLayout::kLinux;

  // ---- IP ---------------------------------------------------------------------
  /// Differentiated Services field (DSCP and ECN bits) of the IPv4 header of every
  /// segment of the connection, passed to IP unchanged (IP_TOS; RFC 9293 §3.9.1.9).
  std::uint8_t tos = 0;

  // ---- listener -------------------------------------------------------------------
  /// SYN cookies (RFC 4987 §3.6; Linux tcp_syncookies 1 = when the SYN queue is full).
  SynCookies syn_cookies = SynCookies::kWhenFull;
  /// A SYN-ACK arriving in LISTEN is dropped silently (as the FreeBSD corpus
  /// observes) instead of answered with <SEQ=SEG.ACK><CTL=RST> (RFC 9293 §3.10.7.2).
  bool listen_drop_synack = false;
  /// Full SYN or accept queue: drop or RST (Linux tcp_abort_on_overflow 0 = drop).
  OverflowAction overflow = OverflowAction::kDrop;

  // ---- ISN -------------------------------------------------------------------------
  /// RFC 6528 secret key for ISNs and SYN cookies. Inject a fixed key for
  /// reproducible simulations; real deployments fill it from a CSPRNG.
  SipKey isn_secret{};
  /// Test hook: every ISN this engine picks (SYN and SYN-ACK) is this value
  /// instead of the RFC 6528 hash, e.g. 0xFFFFFFF0 so a simulated transfer
  /// wraps the sequence space at once (issue 4 proof). Never set it on a real
  /// network: predictable ISNs allow blind injection (RFC 6528 §1). nullopt: RFC 6528.
  std::optional<std::uint32_t> fixed_iss{};

  /// The engine default (this struct's initialisers: Linux numbers, RFC 1337 on).
  [[nodiscard]] static Config defaults() { return {}; }
  /// Linux personality: RST kills TIME-WAIT (tcp_rfc1337 0).
  [[nodiscard]] static Config linux_defaults();
  /// FreeBSD personality (docs/conformance.md, "FreeBSD behaviours"):
  /// window 65535, SO_RCVBUF 65536, send buffer 32768, SYN retransmission +1.0 s,
  /// +2.2 s … (rexmit_slop 200 ms), keepinit 75 s, option layout mss,nop,wscale,sackOK,TS.
  [[nodiscard]] static Config freebsd_defaults();
};

}  // namespace synack::tcp
