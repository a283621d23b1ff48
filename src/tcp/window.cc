// SPDX-License-Identifier: Apache-2.0
#include "tcp/window.hpp"

#include <algorithm>

namespace synack::tcp {

std::uint8_t select_window_scale(std::size_t buffer) {
  std::uint8_t shift = 0;
  while (shift < kMaxWindowScale && (std::uint64_t{65535} << shift) < buffer) ++shift;
  return shift;
}

PeerWindowScale clamp_peer_window_scale(std::uint8_t received) {
  if (received > kMaxWindowScale) return {kMaxWindowScale, true};
  return {received, false};
}

ReceiveWindow::ReceiveWindow(std::uint8_t shift) : shift_(std::min(shift, kMaxWindowScale)) {}

bool ReceiveWindow::update_worthy(std::uint64_t rcv_nxt, std::size_t buffer, std::size_t used,
                                  std::uint32_t mss) const {
  // RCV.BUFF − RCV.USER − RCV.WND ≥ min(Fr · RCV.BUFF, Eff.snd.MSS), Fr = 1/2.
  const std::uint64_t free = buffer > used ? buffer - used : 0;
  const std::uint64_t threshold =
      std::max<std::uint64_t>(1, std::min<std::uint64_t>(buffer / 2, mss));
  return free >= offered(rcv_nxt) + threshold;
}

// RFC 9293 SHLD-14: the right edge we advertise never moves left.
WindowAdvert ReceiveWindow::advertise(std::uint64_t rcv_nxt, std::size_t buffer, std::size_t used,
                                      std::uint32_t mss, bool syn) {
  const std::uint64_t free = buffer > used ? buffer - used : 0;
  const std::uint64_t cur = offered(rcv_nxt);
  // Receiver SWS avoidance: keep the right edge until it can move by enough.
  std::uint64_t wnd = (!advertised_ || update_worthy(rcv_nxt, buffer, used, mss)) ? free : cur;
  wnd = std::max(wnd, cur);  // never move the right edge left

  WindowAdvert out;
  if (syn) {
    out.field = static_cast<std::uint16_t>(std::min<std::uint64_t>(wnd, 65535));
    out.rcv_wnd = out.field;
  } else {
    const std::uint64_t unit = std::uint64_t{1} << shift_;
    std::uint64_t field = wnd >> shift_;                              // round down ...
    if ((field << shift_) < cur) field = (cur + unit - 1) >> shift_;  // ... unless that shrinks
    field = std::min<std::uint64_t>(field, 65535);
    out.field = static_cast<std::uint16_t>(field);
    out.rcv_wnd = static_cast<std::uint32_t>(field << shift_);
  }
  right_edge_ = std::max(right_edge_, rcv_nxt + out.rcv_wnd);
  advertised_ = true;
  return out;
}

// RFC 9293 SHLD-7: Nagle (with Config::nagle_minshall, Minshall's variant: Linux's).
// RFC 9293 MAY-16: short SENDs are held and aggregated while data is unacknowledged (Nagle).
// RFC 9293 MUST-38: sender SWS avoidance: full segments, or ≥ Fs·max window, or all data.
SendDecision send_decision(const SendCheck& c) {
  if (c.queued == 0) return SendDecision::kNothing;
  if (c.usable == 0) return SendDecision::kWaitWindow;
  const std::uint64_t n = std::min<std::uint64_t>(c.queued, c.usable);
  if (n >= c.mss) return SendDecision::kSend;  // (1) a full segment
  // The bracketed [SND.NXT = SND.UNA] of rules (2) and (3) is Nagle (§3.7.4).
  const bool nagle_holds = c.unacked && !c.nodelay && !c.fin_queued;
  const bool all_fits = c.queued <= c.usable;
  if (all_fits && (c.push || c.fin_queued)) {  // (2) pushed and everything fits
    return nagle_holds ? SendDecision::kWaitNagle : SendDecision::kSend;
  }
  if (c.max_snd_wnd > 0 && 2 * n >= c.max_snd_wnd) {  // (3) Fs = 1/2 of Max(SND.WND)
    return nagle_holds ? SendDecision::kWaitNagle : SendDecision::kSend;
  }
  return all_fits ? SendDecision::kWaitData : SendDecision::kWaitWindow;
}

// RFC 9293 MUST-16: Eff.snd.MSS = min(SendMSS + 20, MMS_S) − TCP and IP header and options.
std::uint32_t effective_send_mss(std::optional<std::uint16_t> peer_mss, std::uint32_t mms_s,
                                 std::uint32_t tcp_option_bytes, std::uint32_t ip_option_bytes,
                                 std::uint32_t min_mss) {
  const std::uint64_t send_mss = peer_mss.value_or(kDefaultSendMss);
  const std::uint64_t overhead = 20u + std::uint64_t{tcp_option_bytes} + ip_option_bytes;
  const std::uint64_t message = std::min<std::uint64_t>(send_mss + 20, mms_s);
  const std::uint64_t eff = message > overhead ? message - overhead : 0;
  return static_cast<std::uint32_t>(std::max<std::uint64_t>(eff, min_mss));
}

}  // namespace synack::tcp
