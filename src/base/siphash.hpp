// SPDX-License-Identifier: Apache-2.0
// SipHash-2-4 (Aumasson & Bernstein, 2012): a keyed 64-bit PRF.
//
// Used for RFC 6528 initial sequence numbers, SYN cookies (RFC 4987), RFC 6056
// ephemeral port selection and hash-table seeding. Checked against the
// reference implementation's test vectors (base/siphash_test.cc).
#pragma once

#include <array>
#include <cstdint>

#include "base/bytes.hpp"

namespace synack {

/// A 128-bit SipHash key. Keep it secret; inject a fixed one for reproducible runs.
using SipKey = std::array<std::uint8_t, 16>;

/// SipHash-2-4 of `message` under `key`, as the reference implementation's
/// little-endian 64-bit output.
[[nodiscard]] std::uint64_t siphash24(const SipKey& key, Bytes message);

}  // namespace synack
