// SPDX-License-Identifier: Apache-2.0
// The segment acceptability test of RFC 9293 §3.10.7.4 (Table 6).
#pragma once

#include "base/seq.hpp"

namespace synack::tcp {

/// True if a segment of `seg_len` sequence numbers starting at `seq` overlaps
/// the receive window [rcv_nxt, rcv_nxt + rcv_wnd) per Table 6:
/// len 0, wnd 0: SEG.SEQ = RCV.NXT; len 0, wnd > 0: RCV.NXT ≤ SEG.SEQ < RCV.NXT+RCV.WND;
/// len > 0, wnd 0: never; len > 0, wnd > 0: first or last byte in the window.
[[nodiscard]] constexpr bool segment_acceptable(SeqNum seq, SeqLen seg_len, SeqNum rcv_nxt,
                                                std::uint32_t rcv_wnd) {
  if (seg_len == 0) return rcv_wnd == 0 ? seq == rcv_nxt : in_window(seq, rcv_nxt, rcv_wnd);
  if (rcv_wnd == 0) return false;
  return in_window(seq, rcv_nxt, rcv_wnd) || in_window(seq + (seg_len - 1), rcv_nxt, rcv_wnd);
}

}  // namespace synack::tcp
