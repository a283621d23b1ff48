// SPDX-License-Identifier: Apache-2.0
#include "tcp/isn.hpp"

#include <array>

namespace synack::tcp {

std::uint32_t IsnGenerator::offset(const FourTuple& t) const {
  // F(localip, localport, remoteip, remoteport, secretkey), RFC 6528 §3.
  // IPv6 4-tuples hash their 36 bytes the same way (RFC 6528 §3 is family-neutral).
  TupleBytes msg{};
  const std::size_t n = tuple_bytes(t, msg);
  return static_cast<std::uint32_t>(siphash24(secret_, Bytes(msg).first(n)));
}

// RFC 9293 MUST-8: the ISN includes M, a clock ticking every 4 µs.
// RFC 9293 SHLD-1: plus F(), SipHash-2-4 of the 4-tuple and a secret key (RFC 6528).
// RFC 9293 MUST-9: F()'s key (Config::isn_secret) never leaves the host.
SeqNum IsnGenerator::next(const FourTuple& t, Instant now) const {
  if (fixed_) return SeqNum(*fixed_);
  // M: a timer ticking every 4 µs (RFC 6528 §3, RFC 9293 §3.4.1).
  const auto m = static_cast<std::uint32_t>(to_us(now) / 4);
  return SeqNum(m + offset(t));
}

}  // namespace synack::tcp
