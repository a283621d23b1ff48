// SPDX-License-Identifier: Apache-2.0
#include "base/buffer_pool.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <thread>
#include <vector>

namespace synack {
namespace {

constexpr bool kCaches = true;  // also under ASan (cached blocks are poisoned)

TEST(BufferPool, AReleasedBlockIsReusedForTheSameSizeOnly) {
  buffer_pool::trim();
  const auto before = buffer_pool::stats();
  std::byte* a = buffer_pool::acquire(4096);
  std::memset(a, 0xab, 4096);  // the whole block is usable
  buffer_pool::release(a, 4096);
  std::byte* other = buffer_pool::acquire(8192);  // a different size: a new block
  std::byte* again = buffer_pool::acquire(4096);
  if (kCaches) {
    EXPECT_EQ(again, a);
    EXPECT_EQ(buffer_pool::stats().reused, before.reused + 1);
  }
  EXPECT_EQ(buffer_pool::stats().allocated, before.allocated + (kCaches ? 2u : 3u));
  buffer_pool::release(other, 8192);
  buffer_pool::release(again, 4096);
  buffer_pool::release(nullptr, 4096);  // ignored
  buffer_pool::trim();
  EXPECT_EQ(buffer_pool::stats().cached_bytes, 0u);
}

TEST(BufferPool, CachesAtMostTheBoundPerSize) {
  buffer_pool::trim();
  constexpr std::size_t kSize = 1 << 20;
  std::vector<std::byte*> blocks;
  for (std::size_t i = 0; i < 2 * buffer_pool::kMaxCachedBytesPerSize / kSize; ++i) {
    blocks.push_back(buffer_pool::acquire(kSize));
  }
  for (std::byte* b : blocks) buffer_pool::release(b, kSize);
  EXPECT_EQ(buffer_pool::stats().cached_bytes, kCaches ? buffer_pool::kMaxCachedBytesPerSize : 0);
  // A block larger than the bound is never cached.
  buffer_pool::release(buffer_pool::acquire(buffer_pool::kMaxCachedBytesPerSize * 2),
                       buffer_pool::kMaxCachedBytesPerSize * 2);
  EXPECT_EQ(buffer_pool::stats().cached_bytes, kCaches ? buffer_pool::kMaxCachedBytesPerSize : 0);
  buffer_pool::trim();
  EXPECT_EQ(buffer_pool::stats().cached_bytes, 0u);
}

TEST(BufferPool, EachThreadHasItsOwnCache) {
  buffer_pool::trim();
  buffer_pool::release(buffer_pool::acquire(4096), 4096);
  std::size_t other_thread_cached = 1;
  std::thread([&] { other_thread_cached = buffer_pool::stats().cached_bytes; }).join();
  EXPECT_EQ(other_thread_cached, 0u);
  EXPECT_EQ(buffer_pool::stats().cached_bytes, kCaches ? 4096u : 0u);
  buffer_pool::trim();
}

#if defined(__SANITIZE_ADDRESS__)
TEST(BufferPoolDeathTest, AUseAfterReleaseIsStillReportedUnderAsan) {
  EXPECT_DEATH(
      {
        std::byte* b = buffer_pool::acquire(4096);
        buffer_pool::release(b, 4096);
        b[100] = std::byte{1};  // poisoned while cached
      },
      "use-after-poison");
}
#endif

}  // namespace
}  // namespace synack
