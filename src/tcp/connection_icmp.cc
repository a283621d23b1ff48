// SPDX-License-Identifier: Apache-2.0
// Connection: RECEIVE without consuming (MSG_PEEK) and ICMP errors
// (RFC 1122 §4.2.3.9, RFC 1191, RFC 5927).
#include <algorithm>

#include "tcp/connection.hpp"

namespace synack::tcp {

std::expected<std::size_t, std::errc> Connection::peek(MutableBytes out) const {
  if (receiver_.readable() > 0) return receiver_.peek(out);
  if (error_) return std::unexpected(*error_);
  if (state_ == State::kClosed && !receiver_.fin_received())
    return std::unexpected(std::errc::not_connected);
  return 0;
}

// RFC 9293 MUST-56: unreachable 0/1/5, time exceeded, parameter problem: soft, no abort.
// RFC 9293 SHLD-25: soft errors are kept for the application: Status / TCP_INFO soft_error.
void Connection::on_icmp_error(std::uint8_t type, std::uint8_t code, std::uint16_t next_hop_mtu,
                               Instant now) {
  if (type != 3) {  // time exceeded, parameter problem: soft (RFC 5927 §3)
    soft_error_ = std::errc::host_unreachable;
    trace(TraceKind::kDrop, "ICMP error (soft)", "RFC 5927 §3", now);
    return;
  }
  switch (code) {
    case 4: {  // fragmentation needed and DF set: RFC 1191 §6.3
      // Without a next-hop MTU (old routers) fall back to the RFC 1191 §7 plateau 576.
      std::uint16_t mtu = next_hop_mtu >= 68 ? next_hop_mtu : 576;
      if (mtu < cfg_->min_pmtu) {
        // DEVIATION(linux): RFC 1191 trusts any MTU ≥ 68; Linux clamps to min_pmtu so
        // a spoofed ICMP cannot shrink segments to a few bytes.
        mtu = cfg_->min_pmtu;
        drop(DropReason::kPmtuFloor, "ICMP next-hop MTU below the floor: raised to min_pmtu",
             "Linux min_pmtu", now);
      }
      const auto mss = static_cast<std::uint16_t>(std::max(mtu - 40, 64));
      if (mss < peer_mss_) {
        peer_mss_ = mss;
        sender_.resend_first();  // resend what was too big, in smaller segments
        trace(TraceKind::kRetransmit, "ICMP fragmentation needed: MSS lowered", "RFC 1191 §6.3",
              now);
      }
      return;
    }
    // RFC 9293 SHLD-26 [deviation]: DEVIATION(linux): codes 2, 3 are soft once synchronized
    // RFC 9293 SHLD-26 [deviation]: (RFC 5927 §4.1); Config::icmp_hard_errors_abort aborts.
    case 2:  // protocol unreachable
    case 3:  // port unreachable
      if (state_ == State::kSynSent || cfg_->icmp_hard_errors_abort) {
        reset_connection(std::errc::connection_refused, "ICMP port/protocol unreachable",
                         "RFC 1122 §4.2.3.9", now);
        return;
      }
      soft_error_ = std::errc::connection_refused;  // RFC 5927 §4.1: soft once synchronized
      break;
    case 0:
    case 6:
      soft_error_ = std::errc::network_unreachable;
      break;
    default:
      soft_error_ = std::errc::host_unreachable;
      break;
  }
  trace(TraceKind::kDrop, "ICMP destination unreachable (soft)", "RFC 1122 §4.2.3.9", now);
}

}  // namespace synack::tcp
