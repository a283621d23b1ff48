// SPDX-License-Identifier: Apache-2.0
// Initial sequence numbers per RFC 6528: ISN = M + F(localip, localport,
// remoteip, remoteport, secretkey), M a 4 µs timer, F = SipHash-2-4.
#pragma once

#include <cstdint>
#include <optional>

#include "base/seq.hpp"
#include "base/siphash.hpp"
#include "base/time.hpp"
#include "tcp/types.hpp"

namespace synack::tcp {

class IsnGenerator {
 public:
  /// `secret`: the RFC 6528 secretkey (inject a fixed one for reproducible runs);
  /// `fixed`: if set, next() always returns it (Config::fixed_iss, a test hook).
  explicit IsnGenerator(const SipKey& secret, std::optional<std::uint32_t> fixed = std::nullopt)
      : secret_(secret), fixed_(fixed) {}
  /// The ISN for `tuple` at `now`: (µs since epoch / 4) + SipHash(tuple), mod 2^32
  /// (or the fixed value).
  [[nodiscard]] SeqNum next(const FourTuple& tuple, Instant now) const;
  /// F alone: the keyed hash of the 4-tuple (RFC 6528 §3), exposed for tests.
  [[nodiscard]] std::uint32_t offset(const FourTuple& tuple) const;

 private:
  SipKey secret_;
  std::optional<std::uint32_t> fixed_;
};

}  // namespace synack::tcp
