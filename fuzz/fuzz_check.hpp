// SPDX-License-Identifier: Apache-2.0
// Shared by the fuzz targets: a check that aborts (so libFuzzer and the corpus
// replay both report it) and value equality for parsed segments.
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "wire/tcp.hpp"

#define FUZZ_CHECK(cond)                                                                 \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)

namespace synack::fuzz {

/// Every field of two parsed segments, payload bytes included (not the
/// received checksum, which emit recomputes).
inline bool same_segment(const TcpSegment& a, const TcpSegment& b) {
  return a.src_port == b.src_port && a.dst_port == b.dst_port && a.seq == b.seq && a.ack == b.ack &&
         a.flags == b.flags && a.reserved == b.reserved && a.window == b.window &&
         a.urgent == b.urgent && a.options == b.options && std::ranges::equal(a.payload, b.payload);
}

}  // namespace synack::fuzz
