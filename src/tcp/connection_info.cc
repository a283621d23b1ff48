// SPDX-License-Identifier: Apache-2.0
// TCP_INFO (info.hpp): the per-connection counters behind it and the snapshot.
// Counting costs a few additions per segment and never allocates.
#include <algorithm>
#include <chrono>

#include "tcp/connection.hpp"

namespace synack::tcp {
namespace {

std::uint32_t micros(Duration d) {
  const auto us = std::chrono::duration_cast<microseconds>(d).count();
  return static_cast<std::uint32_t>(std::clamp<std::int64_t>(us, 0, UINT32_MAX));
}

constexpr std::uint32_t kInfiniteSsthreshSegments = 0x7fffffff;  // Linux TCP_INFINITE_SSTHRESH

}  // namespace

// An acceptable segment (passed the first step): SACK blocks from the peer and
// the receive-MSS estimate (Linux tcp_measure_rcv_mss: the largest payload,
// at most our advertised MSS).
void Connection::note_segment_in(const TcpSegment& seg) {
  if (sack_ok_ && seg.flags.ack()) {
    stats_.sack_blocks_in += static_cast<std::uint32_t>(seg.options.summarize().sack_count);
  }
  const auto len = static_cast<std::uint32_t>(std::min<std::size_t>(seg.payload.size(), cfg_->mss));
  stats_.rcv_mss = std::max(stats_.rcv_mss, len);
}

// `n` data bytes newly acknowledged: bytes_acked and the delivery rate, the
// bytes acknowledged over a window of at least one SRTT (1 ms before a
// sample), like Linux's tcpi_delivery_rate without its per-packet sampling.
void Connection::note_delivered(std::size_t n, Instant now) {
  stats_.bytes_acked += n;
  if (stats_.rate_start == kNever) {  // the first ACK opens the first window
    stats_.rate_start = now;
    stats_.rate_start_acked = stats_.bytes_acked;
    return;
  }
  const Duration elapsed = now - stats_.rate_start;
  const Duration window =
      std::max<Duration>(sender_.rtt().srtt().value_or(Duration::zero()), milliseconds(1));
  if (elapsed < window) return;
  const std::uint64_t bytes = stats_.bytes_acked - stats_.rate_start_acked;
  const auto ns =
      static_cast<std::uint64_t>(std::chrono::duration_cast<nanoseconds>(elapsed).count());
  stats_.delivery_rate = ns == 0 ? 0
                                 : static_cast<std::uint64_t>(static_cast<long double>(bytes) *
                                                              1e9L / static_cast<long double>(ns));
  stats_.rate_start = now;
  stats_.rate_start_acked = stats_.bytes_acked;
}

Info Connection::info(Instant now) const {
  const Status st = status();
  Info i;
  i.state = st.state;
  i.options =
      static_cast<std::uint8_t>((ts_ok_ ? 1 : 0) | (sack_ok_ ? 2 : 0) | (wscale_ok_ ? 4 : 0));
  i.snd_wscale = wscale_ok_ ? snd_wscale_ : 0;
  i.rcv_wscale = wscale_ok_ ? rcv_wscale_ : 0;
  i.rto = micros(st.rto);
  i.soft_error = st.soft_error ? static_cast<std::int32_t>(*st.soft_error) : 0;
  i.rtt = micros(sender_.rtt().srtt().value_or(Duration::zero()));
  i.rttvar = micros(sender_.rtt().rttvar().value_or(Duration::zero()));
  i.snd_mss = st.snd_mss;
  i.rcv_mss = stats_.rcv_mss != 0 ? stats_.rcv_mss : std::min<std::uint32_t>(cfg_->mss, 536);
  const std::uint32_t mss = std::max<std::uint32_t>(st.snd_mss, 1);
  if (const CongestionControl* cc = sender_.congestion()) {
    i.snd_cwnd_bytes = cc->cwnd();
    i.snd_ssthresh_bytes = cc->ssthresh();
  } else {  // before data flows: the initial window (RFC 6928 §2), no loss yet
    i.snd_cwnd_bytes = 10 * mss;
    i.snd_ssthresh_bytes = UINT32_MAX;
  }
  i.snd_cwnd = i.snd_cwnd_bytes / mss;
  // No loss yet: ssthresh is "arbitrarily high" (RFC 5681 §3.1), Linux's
  // TCP_INFINITE_SSTHRESH in segments.
  i.snd_ssthresh = i.snd_ssthresh_bytes == UINT32_MAX
                       ? kInfiniteSsthreshSegments
                       : std::min(i.snd_ssthresh_bytes / mss, kInfiniteSsthreshSegments);
  i.snd_wnd = sender_.snd.wnd;
  i.rcv_wnd = receive_window();
  i.unacked =
      static_cast<std::uint32_t>(std::max<std::int32_t>(sender_.snd.nxt - sender_.snd.una, 0));
  i.retransmits = sender_.retransmits();
  i.total_retrans = stats_.total_retrans;
  i.dup_acks = stats_.dup_acks_in;
  i.sack_blocks = stats_.sack_blocks_in;
  i.reord_bytes = static_cast<std::uint32_t>(receiver_.buffer().reassembler().held_bytes());
  i.persist_probes = static_cast<std::uint32_t>(sender_.persist_probes());
  i.probes = keepalive_probes_;
  i.bytes_acked = stats_.bytes_acked;
  i.bytes_received = stats_.bytes_received;
  i.segs_out = stats_.segs_out;
  i.segs_in = stats_.segs_in;
  i.delivery_rate = stats_.delivery_rate;
  i.last_ack_recv = is_synchronized(state_) ? static_cast<std::uint32_t>(std::clamp<std::int64_t>(
                                                  to_ms(now - last_rcv_), 0, UINT32_MAX))
                                            : 0;
  return i;
}

}  // namespace synack::tcp
