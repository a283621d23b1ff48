// SPDX-License-Identifier: Apache-2.0
// The connection's calls into its receive side (receiver.hpp): the seventh
// step's text, ACK scheduling and the window, with the options negotiated here.
#include <algorithm>

#include "tcp/connection.hpp"

namespace synack::tcp {

WindowShape Connection::window_shape() const {
  return WindowShape{.shift = rcv_wscale_,
                     .scaled = wscale_ok_,
                     .mss = std::min<std::uint32_t>(peer_mss_, cfg_->mss)};
}

std::uint32_t Connection::receive_window() const {
  return receiver_.window(*cfg_, window_shape());
}

bool Connection::receive_text(TcpSegment& seg, Instant now) {
  constexpr std::string_view kRfc = "RFC 9293 §3.10.7.4 seventh: text";
  const TextResult r = receiver_.on_text(seg, receive_window());
  stats_.bytes_received += r.delivered;  // TCP_INFO tcpi_bytes_received
  schedule_ack(r.ack_now, now);
  switch (r.verdict) {
    case TextResult::Verdict::kInOrder:
      return true;
    case TextResult::Verdict::kHeld:  // the FIN (if any) waits for its retransmission
      return false;
    case TextResult::Verdict::kBufferFull:
      drop(DropReason::kReceiveBufferFull, "receive buffer full", kRfc, now);
      return false;  // the FIN (after the dropped bytes) is not processed
    case TextResult::Verdict::kIntervalLimit:
      drop(DropReason::kOutOfOrder, "out-of-order segment: reassembly interval limit", kRfc, now);
      return false;
  }
  return false;
}

void Connection::schedule_ack(bool immediate, Instant now) {
  if (receiver_.schedule_ack(immediate, cfg_->delayed_ack, now)) ack_pending_ = true;
}

}  // namespace synack::tcp
