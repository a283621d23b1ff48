// SPDX-License-Identifier: Apache-2.0
// SYN+FIN (Config::drop_synfin, FreeBSD net.inet.tcp.drop_synfin): the one
// rule, applied by every receiver of segments at its place in RFC 9293's
// order — a connection first of all (Connection::on_segment), a listener after
// the RST and ACK checks of §3.10.7.2 (as FreeBSD's tcp_input for a listening
// socket), a compact TIME-WAIT entry first of all (time_wait_on_segment).
#pragma once

#include <string_view>

#include "tcp/config.hpp"
#include "wire/tcp.hpp"

namespace synack::tcp {

/// The trace cause and rule of a SYN+FIN drop (DropReason::kSynFin).
inline constexpr std::string_view kSynFinCause = "rcv SYN+FIN";
inline constexpr std::string_view kSynFinRule = "FreeBSD net.inet.tcp.drop_synfin";

/// True if `seg` carries both SYN and FIN and Config::drop_synfin drops it.
[[nodiscard]] inline bool drops_syn_fin(const TcpSegment& seg, const Config& cfg) {
  return cfg.drop_synfin && seg.flags.syn() && seg.flags.fin();
}

}  // namespace synack::tcp
