// SPDX-License-Identifier: Apache-2.0
// The reset sent for a segment that belongs to no connection (RFC 9293 §3.10.7.1).
#pragma once

#include <optional>

#include "wire/tcp.hpp"

namespace synack::tcp {

/// The RST answering `unacceptable` (ports swapped, no options, window 0):
/// with ACK: <SEQ=SEG.ACK><CTL=RST>; without: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
/// nullopt if `unacceptable` is itself a RST (never RST a RST). RFC 9293 §3.10.7.1.
[[nodiscard]] std::optional<TcpSegment> reset_for(const TcpSegment& unacceptable);

/// <SEQ=SEG.ACK><CTL=RST> for a bad ACK in LISTEN / SYN-SENT / SYN-RECEIVED
/// (RFC 9293 §3.10.7.2, §3.10.7.3, §3.10.7.4 fifth). Ports swapped.
[[nodiscard]] TcpSegment reset_to_ack(const TcpSegment& seg);

}  // namespace synack::tcp
