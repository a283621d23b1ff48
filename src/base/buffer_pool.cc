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
  std::size_t size = 0;
  FreeBlock* head = nullptr;
  std::size_t bytes = 0;
};

class Cache {
 public:
  ~Cache() { trim(); }

  std::byte* acquire(std::size_t size) {
    if (SizeList* l = find(size); l != nullptr && l->head != nullptr) {
      FreeBlock* b = l->head;
      l->head = b->next;
      l->bytes -= size;
      stats_.cached_bytes -= size;
      ++stats_.reused;
      unpoison(b, size);
      return reinterpret_cast<std::byte*>(b);
    }
    ++stats_.allocated;
    return static_cast<std::byte*>(::operator new(std::max(size, sizeof(FreeBlock))));
  }

  void release(std::byte* block, std::size_t size) noexcept {
    if (block == nullptr) return;
    SizeList* l = size >= sizeof(FreeBlock) ? find_or_add(size) : nullptr;
    if (l == nullptr || l->bytes + size > kMaxCachedBytesPerSize) {
      ::operator delete(block);
      return;
    }
    auto* b = reinterpret_cast<FreeBlock*>(block);
    b->next = l->head;
    l->head = b;
    poison(reinterpret_cast<std::byte*>(b) + sizeof(FreeBlock), size - sizeof(FreeBlock));
    l->bytes += size;
    stats_.cached_bytes += size;
  }

  void trim() noexcept {
    for (SizeList& l : lists_) {
      while (l.head != nullptr) {
        FreeBlock* b = l.head;
        l.head = b->next;
        unpoison(b, l.size);
        ::operator delete(b);
      }
      l.bytes = 0;
    }
    stats_.cached_bytes = 0;
  }

  [[nodiscard]] Stats stats() const { return stats_; }

 private:
  static constexpr std::size_t kSizes = 8;  // distinct sizes cached; more are not cached

  SizeList* find(std::size_t size) {
    for (SizeList& l : lists_) {
      if (l.size == size) return &l;
    }
    return nullptr;
  }
  SizeList* find_or_add(std::size_t size) {
    if (SizeList* l = find(size)) return l;
    for (SizeList& l : lists_) {
      if (l.size == 0) {
        l.size = size;
        return &l;
      }
    }
    return nullptr;
  }

  SizeList lists_[kSizes];
  Stats stats_;
};

Cache& cache() {
  thread_local Cache c;
  return c;
}

}  // namespace

std::byte* acquire(std::size_t size) {
  return cache().acquire(size);
}
void release(std::byte* block, std::size_t size) noexcept {
  cache().release(block, size);
}
Stats stats() {
  return cache().stats();
}
void trim() noexcept {
  cache().trim();
}

}  // namespace synack::buffer_pool
