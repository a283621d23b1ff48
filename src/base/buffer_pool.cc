// SPDX-License-Identifier: Apache-2.0
#include "base/buffer_pool.hpp"

#include <algorithm>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

namespace synack::buffer_pool {
namespace {

// Under AddressSanitizer a cached block is poisoned (all but its link), so a
// use after release is still reported.
#if defined(__SANITIZE_ADDRESS__)
void poison(void* p, std::size_t n) {
  ASAN_POISON_MEMORY_REGION(p, n);
}
void unpoison(void* p, std::size_t n) {
  ASAN_UNPOISON_MEMORY_REGION(p, n);
}
#else
void poison(void*, std::size_t) {}
void unpoison(void*, std::size_t) {}
#endif

// A free block's first bytes link it to the next free block of its size.
struct FreeBlock {
  FreeBlock* next;
};

// One list per size seen; sizes are few (the configured buffer sizes).
struct SizeList {
  std::size_t size;
  FreeBlock* head;
  std::size_t bytes;
};

constexpr std::size_t kSizes = 8;  // distinct sizes cached; more are not cached

// The thread's cache. Trivially destructible on purpose: it stays usable
// until the thread ends, also for rings destroyed after the thread's other
// thread_local objects (e.g. by static destructors after main returns).
struct Cache {
  SizeList lists[kSizes];
  Stats stats;
  bool closed;  // the thread is exiting: free instead of caching
};
thread_local Cache t_cache{};

void trim_cache(Cache& c) noexcept {
  for (SizeList& l : c.lists) {
    while (l.head != nullptr) {
      FreeBlock* b = l.head;
      l.head = b->next;
      unpoison(b, l.size);
      ::operator delete(b);
    }
    l.bytes = 0;
    l.size = 0;  // the slot may serve another size now
  }
  c.stats.cached_bytes = 0;
}

// Frees the cached blocks when the thread exits (constructed on first use).
struct ExitTrim {
  ~ExitTrim() {
    trim_cache(t_cache);
    t_cache.closed = true;
  }
};
thread_local ExitTrim t_exit_trim;

SizeList* find(Cache& c, std::size_t size) {
  for (SizeList& l : c.lists) {
    if (l.size == size) return &l;
  }
  return nullptr;
}

SizeList* find_or_add(Cache& c, std::size_t size) {
  if (SizeList* l = find(c, size)) return l;
  for (SizeList& l : c.lists) {
    if (l.size == 0) {
      l.size = size;
      return &l;
    }
  }
  return nullptr;
}

}  // namespace

std::byte* acquire(std::size_t size) {
  Cache& c = t_cache;
  (void)&t_exit_trim;  // registers the exit trim for this thread
  if (SizeList* l = find(c, size); l != nullptr && l->head != nullptr) {
    FreeBlock* b = l->head;
    l->head = b->next;
    l->bytes -= size;
    c.stats.cached_bytes -= size;
    ++c.stats.reused;
    unpoison(b, size);
    return reinterpret_cast<std::byte*>(b);
  }
  ++c.stats.allocated;
  return static_cast<std::byte*>(::operator new(std::max(size, sizeof(FreeBlock))));
}

void release(std::byte* block, std::size_t size) noexcept {
  if (block == nullptr) return;
  Cache& c = t_cache;
  SizeList* l = size >= sizeof(FreeBlock) && !c.closed ? find_or_add(c, size) : nullptr;
  if (l == nullptr || l->bytes + size > kMaxCachedBytesPerSize) {
    ::operator delete(block);
    return;
  }
  auto* b = reinterpret_cast<FreeBlock*>(block);
  b->next = l->head;
  l->head = b;
  poison(reinterpret_cast<std::byte*>(b) + sizeof(FreeBlock), size - sizeof(FreeBlock));
  l->bytes += size;
  c.stats.cached_bytes += size;
}

Stats stats() {
  return t_cache.stats;
}
void trim() noexcept {
  trim_cache(t_cache);
}

}  // namespace synack::buffer_pool
