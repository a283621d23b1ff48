// SPDX-License-Identifier: Apache-2.0
// The words every renderer puts on a segment, in the style of the user's
// notes: "SYN ACK seq=0 ack=1 win=65535 <mss 1460>" plus Wireshark's tags.
#pragma once

#include <string>
#include <vector>

#include "viz/analysis.hpp"
#include "viz/run.hpp"

namespace synack::viz {

/// Flags spelled out in a fixed order: "SYN", "SYN ACK", "FIN ACK", "RST ACK",
/// "PSH ACK"; "none" when no flag is set.
[[nodiscard]] std::string flag_words(TcpFlags f);

/// Options in short form: "<mss 1460 ws 7 sackOK TS sack 1001-2001>"; empty
/// if none. SACK blocks are relative to the receiver's (`p.to`'s) base.
[[nodiscard]] std::string short_options(const PacketEvent& p, const Analysis& a);

/// The label pieces of one segment (flags, seq=, ack=, len=, win=, options),
/// without tags: {"SYN", "seq=0", "win=65535", "<mss 1460>"}.
[[nodiscard]] std::vector<std::string> label_words(const PacketEvent& p, const PacketInfo& info,
                                                   const Analysis& a);

/// label_words joined by spaces.
[[nodiscard]] std::string segment_label(const PacketEvent& p, const PacketInfo& info,
                                        const Analysis& a);

/// What the link did, for non-delivered segments: "dropped: scripted drop",
/// "corrupted", "link duplicate"; empty if delivered.
[[nodiscard]] std::string fate_text(const PacketEvent& p);

/// A state change's explanation: "rcv SYN,ACK — RFC 9293 §3.10.7.3".
[[nodiscard]] std::string explain_text(const StateEvent& s);

/// Every field of a segment as (name, value) pairs, for tooltips and the
/// HTML detail panel: frame, from, to, sent, arrived, fate, flags, seq, ack,
/// len, window, options, tags, raw.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> packet_details(
    const Run& run, const PacketEvent& p, const PacketInfo& info, const Analysis& a);

/// Milliseconds since the epoch with 3 decimals: "25.000".
[[nodiscard]] std::string time_ms(Instant t);

}  // namespace synack::viz
