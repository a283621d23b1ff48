// SPDX-License-Identifier: Apache-2.0
// TCP_INFO for one connection: a snapshot with Linux `struct tcp_info` names
// (tcpi_*) for RFC 4898 (TCP Extended Statistics MIB) concepts. Built by
// Connection::info(now) (connection_info.cc); the stack's getsockopt(TCP_INFO)
// copies it into its TcpInfo.
#pragma once

#include <cstdint>

#include "base/time.hpp"
#include "tcp/state.hpp"

namespace synack::tcp {

/// Counters a connection keeps for Info (no allocation; updated per segment).
struct InfoCounters {
  std::uint64_t bytes_acked =
      0;  ///< data bytes for which SND.UNA advanced (RFC 4898 HCThruOctetsAcked)
  std::uint64_t bytes_received =
      0;                       ///< data bytes for which RCV.NXT advanced (HCThruOctetsReceived)
  std::uint64_t segs_out = 0;  ///< segments sent, retransmissions and RSTs included (SegsOut)
  std::uint64_t segs_in = 0;   ///< segments received, unacceptable ones included (SegsIn)
  std::uint32_t total_retrans = 0;   ///< retransmitted segments, SYN included (SegsRetrans)
  std::uint32_t dup_acks_in = 0;     ///< duplicate ACKs received, RFC 5681 §2 (DupAcksIn)
  std::uint32_t sack_blocks_in = 0;  ///< SACK blocks received from the peer (RFC 2018)
  std::uint32_t rcv_mss = 0;  ///< largest payload received, capped at our MSS (Linux rcv_mss)
  // Delivery rate (Linux tcpi_delivery_rate): bytes ACKed over a window of ≥ 1 SRTT.
  Instant rate_start = kNever;  ///< start of the current window (kNever: none yet)
  std::uint64_t rate_start_acked = 0;
  std::uint64_t delivery_rate = 0;  ///< bytes per second, last completed window
};

/// The snapshot. Times in µs, sizes in bytes unless the name says segments.
struct Info {
  State state = State::kClosed;      ///< tcpi_state
  std::uint8_t options = 0;          ///< tcpi_options: TCPI_OPT_TIMESTAMPS 1, SACK 2, WSCALE 4
  std::uint8_t snd_wscale = 0;       ///< peer's window shift (RFC 7323 §2)
  std::uint8_t rcv_wscale = 0;       ///< our window shift
  std::uint32_t rto = 0;             ///< tcpi_rto: current RTO with backoff, µs (RFC 6298)
  std::uint32_t rtt = 0;             ///< tcpi_rtt: SRTT, µs (0 before a sample)
  std::uint32_t rttvar = 0;          ///< tcpi_rttvar: RTTVAR, µs
  std::uint32_t snd_mss = 0;         ///< tcpi_snd_mss: payload bytes per segment we send
  std::uint32_t rcv_mss = 0;         ///< tcpi_rcv_mss: estimate of the peer's segment size, bytes
  std::uint32_t snd_cwnd = 0;        ///< tcpi_snd_cwnd: cwnd in segments (of snd_mss), as Linux
  std::uint32_t snd_ssthresh = 0;    ///< tcpi_snd_ssthresh: segments; 0x7fffffff = infinite (Linux)
  std::uint32_t snd_cwnd_bytes = 0;  ///< cwnd, bytes (RFC 5681 CurCwnd)
  std::uint32_t snd_ssthresh_bytes = 0;  ///< ssthresh, bytes; 0xffffffff before any loss
  std::uint32_t snd_wnd = 0;             ///< tcpi_snd_wnd: SND.WND, bytes
  std::uint32_t rcv_wnd = 0;             ///< RCV.WND we advertise, bytes
  std::uint32_t unacked = 0;             ///< tcpi_unacked: SND.NXT − SND.UNA (sequence space)
  std::uint32_t retransmits = 0;         ///< tcpi_retransmits: consecutive RTO expirations
  std::uint32_t total_retrans = 0;       ///< tcpi_total_retrans: segments retransmitted
  std::uint32_t dup_acks = 0;            ///< duplicate ACKs received (RFC 4898 DupAcksIn)
  std::uint32_t sack_blocks = 0;         ///< SACK blocks received (RFC 2018), all segments
  std::uint32_t reord_bytes = 0;         ///< out-of-order bytes held for reassembly
  std::uint32_t persist_probes = 0;      ///< zero-window probes sent (RFC 9293 §3.8.6.1)
  std::uint32_t probes = 0;              ///< tcpi_probes: unanswered keepalive probes
  std::uint64_t bytes_acked = 0;         ///< tcpi_bytes_acked: data bytes (Linux adds the SYN)
  std::uint64_t bytes_received = 0;      ///< tcpi_bytes_received: data bytes
  std::uint64_t segs_out = 0;            ///< tcpi_segs_out
  std::uint64_t segs_in = 0;             ///< tcpi_segs_in
  std::uint64_t delivery_rate = 0;       ///< tcpi_delivery_rate: bytes/s over the last ~RTT
  std::uint32_t last_ack_recv = 0;  ///< tcpi_last_ack_recv: ms since the last acceptable segment
  /// synack: errno of the last soft error (ICMP unreachable, R1 retransmissions reached),
  /// 0 = none; cleared when the peer acknowledges new data (RFC 9293 §3.8.3, §3.9.2.2).
  std::int32_t soft_error = 0;
};

}  // namespace synack::tcp
