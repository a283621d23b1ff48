// SPDX-License-Identifier: Apache-2.0
// A per-thread cache of released byte-ring storage blocks, so that a
// connection's buffers can be given back whenever they are empty (an idle
// connection holds no buffer: docs/architecture.md, "buffers allocated
// only while they hold data") without paying malloc, page faults and cold cache
// lines each time data arrives again: a block released by one connection is
// the warm block the next one takes. Like Linux's per-CPU page lists.
//
// Blocks are grouped by size (any size; rings use powers of two). The cache
// is bounded: at most kMaxCachedBytesPerSize bytes of blocks of one size are
// kept, the rest go back to the allocator; blocks larger than that are never
// cached. Under AddressSanitizer a cached block is poisoned, so a use after
// release is still reported.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace synack::buffer_pool {

/// The most bytes of blocks of one size a thread keeps for reuse (16 MiB).
inline constexpr std::size_t kMaxCachedBytesPerSize = std::size_t{16} << 20;

/// A block of at least `size` bytes (size ≥ 1), uninitialised: a cached one of
/// exactly this size if the thread has one, else newly allocated.
/// Throws std::bad_alloc like operator new.
[[nodiscard]] std::byte* acquire(std::size_t size);

/// Gives back a block from acquire(size) (null is ignored): cached for reuse
/// within the bound, else freed. Never throws.
void release(std::byte* block, std::size_t size) noexcept;

/// This thread's counters: acquire() served from the cache / newly allocated,
/// and the bytes cached now.
struct Stats {
  std::uint64_t reused = 0;
  std::uint64_t allocated = 0;
  std::size_t cached_bytes = 0;
};
[[nodiscard]] Stats stats();

/// Frees every block this thread has cached and forgets the sizes seen
/// (tests, memory measurements). At most 8 distinct sizes are cached at once.
void trim() noexcept;

}  // namespace synack::buffer_pool
