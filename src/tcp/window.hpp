// SPDX-License-Identifier: Apache-2.0
// Window helpers: window scaling (RFC 7323 §2), the receive window to
// advertise with receiver silly-window-syndrome avoidance (RFC 9293
// §3.8.6.2.2, RFC 7323 §2.4), the sender's SWS avoidance and Nagle decision
// (RFC 9293 §3.8.6.2.1, §3.7.4), and the effective send MSS (RFC 9293 §3.7.1,
// RFC 6691). All sizes are bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/seq.hpp"

namespace synack::tcp {

/// The largest window shift (RFC 7323 §2.3).
inline constexpr std::uint8_t kMaxWindowScale = 14;
/// The largest window: 65535 << 14 = 1 GiB − 16 KiB (RFC 7323 §2.3).
inline constexpr std::uint32_t kMaxWindow = 65535u << kMaxWindowScale;

/// The shift to announce for a receive buffer of `buffer` bytes: the smallest
/// s ≤ 14 with 65535 << s ≥ buffer (RFC 7323 §2.3).
[[nodiscard]] std::uint8_t select_window_scale(std::size_t buffer);

/// A received Window Scale option after RFC 7323 §2.3's check.
struct PeerWindowScale {
  std::uint8_t shift = 0;  ///< the shift to use, 0..14
  bool clamped = false;    ///< the option said > 14: the engine should trace/log it
};
/// "If a Window Scale option is received with a shift.cnt value larger than
/// 14, the TCP SHOULD log the error but MUST use 14 instead" (RFC 7323 §2.3).
[[nodiscard]] PeerWindowScale clamp_peer_window_scale(std::uint8_t received);

/// The peer's window in bytes from a segment's window field: scaled by the
/// peer's shift except on segments with SYN (RFC 7323 §2.2).
[[nodiscard]] constexpr std::uint32_t peer_window(std::uint16_t field, std::uint8_t shift,
                                                  bool syn) {
  return syn ? field : std::uint32_t{field} << (shift > kMaxWindowScale ? kMaxWindowScale : shift);
}

/// U = snd.una + snd.wnd − snd.nxt, or 0 if the window shrank below snd.nxt
/// (RFC 9293 §3.8.6.2.1).
// RFC 9293 MUST-34: a window shrunk below SND.NXT gives a usable window of 0, never negative.
// RFC 9293 SHLD-15: so no new data goes out while the window is shrunk.
[[nodiscard]] constexpr std::uint32_t usable_window(SeqNum snd_una, std::uint32_t snd_wnd,
                                                    SeqNum snd_nxt) {
  const SeqNum right = snd_una + snd_wnd;
  return seq_gt(right, snd_nxt) ? static_cast<std::uint32_t>(right - snd_nxt) : 0;
}

/// What to put in seg.wnd, and the receiver's RCV.WND behind it.
struct WindowAdvert {
  std::uint16_t field = 0;    ///< the header's window field (scaled down)
  std::uint32_t rcv_wnd = 0;  ///< field << shift: the window now offered (bytes)
};

/// The receiver's window: never moves the right edge RCV.NXT + RCV.WND left
/// (RFC 9293 §3.8.6.2.2 / §3.3 "shrinking the window" is discouraged; RFC 7323
/// §2.4 rounds up rather than shrink), and only moves it right in steps of at
/// least min(RCV.BUFF / 2, Eff.snd.MSS) (receiver SWS avoidance, Fr = 1/2).
class ReceiveWindow {
 public:
  /// `shift`: our announced window scale (0 if not negotiated).
  explicit ReceiveWindow(std::uint8_t shift = 0);

  /// The window for a segment sent now. `rcv_nxt` (absolute stream offset),
  /// `buffer` = RCV.BUFF (receive ring capacity), `used` = RCV.USER (bytes
  /// received and not yet read), `mss` = Eff.snd.MSS. `syn`: the window field
  /// of a SYN is never scaled (RFC 7323 §2.2). Updates the right edge.
  WindowAdvert advertise(std::uint64_t rcv_nxt, std::size_t buffer, std::size_t used,
                         std::uint32_t mss, bool syn = false);

  /// Whether the window may open enough that a window update is worth
  /// sending now (the SWS inequality of RFC 9293 §3.8.6.2.2 holds), e.g.
  /// after the application read data.
  [[nodiscard]] bool update_worthy(std::uint64_t rcv_nxt, std::size_t buffer, std::size_t used,
                                   std::uint32_t mss) const;

  /// Records a window sent by other means (the engine builds its own window
  /// field): the right edge becomes max(right_edge(), `right_edge`).
  void note_advertised(std::uint64_t right_edge) {
    right_edge_ = right_edge > right_edge_ ? right_edge : right_edge_;
    advertised_ = true;
  }
  /// Whether a window has been advertised since construction.
  [[nodiscard]] bool advertised() const { return advertised_; }

  /// RCV.NXT + RCV.WND as last advertised (absolute offset).
  [[nodiscard]] std::uint64_t right_edge() const { return right_edge_; }
  /// The window still offered at rcv_nxt: right_edge − rcv_nxt, or 0.
  [[nodiscard]] std::uint64_t offered(std::uint64_t rcv_nxt) const {
    return right_edge_ > rcv_nxt ? right_edge_ - rcv_nxt : 0;
  }
  [[nodiscard]] std::uint8_t shift() const { return shift_; }

 private:
  std::uint8_t shift_;
  bool advertised_ = false;
  std::uint64_t right_edge_ = 0;
};

/// The sender's decision for the data queued now (RFC 9293 §3.8.6.2.1 and
/// the Nagle algorithm of §3.7.4).
enum class SendDecision : std::uint8_t {
  kSend,        ///< send a segment of min(D, U, Eff.snd.MSS) bytes now
  kNothing,     ///< no data queued
  kWaitNagle,   ///< small segment with data unacknowledged: wait for the ACK
  kWaitWindow,  ///< the usable window is zero or too small (SWS): the
                ///< override/persist timer will force a send (§3.8.6.2.1 (4))
  kWaitData,    ///< all data fits but is not pushed: wait for more
};

/// Inputs of the sender's decision.
struct SendCheck {
  std::uint64_t queued = 0;       ///< D: bytes queued and not yet sent
  std::uint32_t usable = 0;       ///< U: usable_window(), already limited by cwnd
  std::uint32_t mss = 536;        ///< Eff.snd.MSS
  std::uint32_t max_snd_wnd = 0;  ///< Max(SND.WND) seen on the connection
  bool unacked = false;           ///< snd.nxt != snd.una
  bool nodelay = false;           ///< Nagle disabled (TCP_NODELAY, MUST-17)
  bool push = true;               ///< the data is pushed (sockets push every write)
  bool fin_queued = false;        ///< a FIN follows the queued data (Nagle does not delay it)
};

/// Send now or wait (RFC 9293 §3.8.6.2.1 rules (1)–(3), Fs = 1/2, with the
/// bracketed Nagle condition of §3.7.4 applied unless nodelay or a FIN is
/// queued, like Linux's tcp_nagle_test).
[[nodiscard]] SendDecision send_decision(const SendCheck& c);

/// The smallest send MSS accepted. Linux floors at 48 (tcp_min_snd_mss),
/// FreeBSD at 216 (net.inet.tcp.minmss); 64 guards against tiny-MSS
/// resource exhaustion (CVE-2019-11477 class) while keeping RFC 879 peers.
inline constexpr std::uint32_t kMinSendMss = 64;
/// The send MSS assumed without an MSS option, IPv4 (RFC 9293 §3.7.1, RFC 6691).
inline constexpr std::uint32_t kDefaultSendMss = 536;

/// Eff.snd.MSS = min(SendMSS + 20, MMS_S) − TCPhdrsize − IPoptionsize
/// (RFC 9293 §3.7.1): `peer_mss` = the MSS option (536 if absent), `mms_s` =
/// the largest IP payload we can send (MTU − 20), `tcp_option_bytes` = option
/// bytes in every data segment (e.g. 12 with timestamps, RFC 6691), and
/// `ip_option_bytes`. At least `min_mss` (kMinSendMss).
[[nodiscard]] std::uint32_t effective_send_mss(std::optional<std::uint16_t> peer_mss,
                                               std::uint32_t mms_s,
                                               std::uint32_t tcp_option_bytes = 0,
                                               std::uint32_t ip_option_bytes = 0,
                                               std::uint32_t min_mss = kMinSendMss);

}  // namespace synack::tcp
