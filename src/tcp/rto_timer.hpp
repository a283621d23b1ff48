// The one function that computes the retransmission timeout for this issue's
// simple data path (RFC 6298 §5 style: fixed base, exponential backoff). The
// RTT estimator of the next issue replaces `base` with SRTT + 4·RTTVAR.
#pragma once

#include <algorithm>

#include "base/time.hpp"

namespace synack::tcp {

/// RTO after `backoff` expirations: base · 2^backoff (+ slop once backed off),
/// clamped to [min_rto, max_rto]. RFC 6298 (5.5) "back off the timer";
/// slop is FreeBSD's rexmit_slop (0 for Linux).
[[nodiscard]] inline Duration backed_off_rto(Duration base, unsigned backoff, Duration slop,
                                             Duration min_rto, Duration max_rto) {
  Duration rto = base;
  for (unsigned i = 0; i < backoff && rto < max_rto; ++i) rto *= 2;
  if (backoff > 0) rto += slop;
  return std::clamp(rto, min_rto, max_rto);
}

}  // namespace synack::tcp
