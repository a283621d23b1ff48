// SPDX-License-Identifier: Apache-2.0
// TunDevice without root: one end of a SOCK_SEQPACKET socketpair keeps packet
// boundaries like a TUN fd, so batching, queueing and drops are testable here.
// The real device is exercised by tests/interop/tun_interop_test.cc.
#include "tun/device.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace synack {
namespace {

std::string text(Bytes b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

struct Pair {
  TunDevice device;
  int peer;  // the "kernel" end
};

Pair make_pair_device(TunConfig config = {}) {
  int fds[2] = {-1, -1};
  EXPECT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fds), 0);
  auto dev = TunDevice::adopt(fds[0], config);
  EXPECT_TRUE(dev.has_value());
  return Pair{std::move(*dev), fds[1]};
}

TEST(TunDevice, ReadsUntilEmptyOrBatchLimit) {
  TunConfig config;
  config.read_batch = 3;
  auto [dev, peer] = make_pair_device(config);
  for (int i = 0; i < 5; ++i) {
    const std::string p = "packet" + std::to_string(i);
    ASSERT_EQ(::write(peer, p.data(), p.size()), static_cast<ssize_t>(p.size()));
  }
  std::vector<std::string> got;
  EXPECT_EQ(dev.read_batch([&](Bytes p) { got.push_back(text(p)); }), 3u) << "batch limit";
  EXPECT_EQ(dev.read_batch([&](Bytes p) { got.push_back(text(p)); }), 2u) << "until EAGAIN";
  EXPECT_EQ(dev.read_batch([&](Bytes p) { got.push_back(text(p)); }), 0u);
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got.front(), "packet0");
  EXPECT_EQ(got.back(), "packet4");
  EXPECT_EQ(dev.stats().rx_packets, 5u);
  EXPECT_EQ(dev.stats().rx_batches, 2u);
  EXPECT_EQ(dev.stats().rx_batch_limit_hits, 1u);
  ::close(peer);
}

TEST(TunDevice, QueuesWhenTheKernelIsFullAndFlushesLater) {
  TunConfig config;
  config.mtu = 1000;
  config.write_queue = 4;
  auto [dev, peer] = make_pair_device(config);
  int sndbuf = 4096;  // small, so the socket fills after a few packets
  ASSERT_EQ(::setsockopt(dev.fd(), SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf), 0);
  const std::vector<std::byte> packet(1000, std::byte{0x45});
  int accepted = 0;
  for (int i = 0; i < 200 && dev.pending() < 4; ++i) accepted += dev.send(packet) ? 1 : 0;
  ASSERT_EQ(dev.pending(), 4u) << "the kernel side filled up and the queue took the rest";
  EXPECT_FALSE(dev.send(packet)) << "queue full: dropped";
  EXPECT_EQ(dev.stats().tx_dropped_queue_full, 1u);
  EXPECT_EQ(dev.stats().tx_queued, 4u);
  EXPECT_EQ(dev.flush(), 0u) << "still full";

  // The peer drains everything; flush() then empties the queue.
  std::vector<std::byte> buf(2000);
  int received = 0;
  auto drain = [&] {
    while (::recv(peer, buf.data(), buf.size(), MSG_DONTWAIT) > 0) ++received;
  };
  drain();
  for (int i = 0; i < 10 && dev.pending() > 0; ++i) {
    dev.flush();
    drain();
  }
  EXPECT_EQ(dev.pending(), 0u);
  EXPECT_EQ(received, accepted);
  EXPECT_EQ(dev.stats().tx_packets, static_cast<std::uint64_t>(accepted));
  ::close(peer);
}

TEST(TunDevice, DropsPacketsLongerThanTheMtu) {
  TunConfig config;
  config.mtu = 576;
  auto [dev, peer] = make_pair_device(config);
  const std::vector<std::byte> big(577);
  EXPECT_FALSE(dev.send(big));
  EXPECT_EQ(dev.stats().tx_dropped_too_long, 1u);
  EXPECT_EQ(dev.stats().tx_packets, 0u);
  ::close(peer);
}

TEST(TunDevice, CaptureHookSeesBothDirections) {
  auto [dev, peer] = make_pair_device();
  std::vector<std::pair<PacketDirection, std::string>> seen;
  dev.set_capture([&](PacketDirection d, Bytes p) { seen.emplace_back(d, text(p)); });
  ASSERT_EQ(::write(peer, "in", 2), 2);
  dev.read_batch([](Bytes) {});
  EXPECT_TRUE(dev.send(as_bytes("out")));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].first, PacketDirection::kFromKernel);
  EXPECT_EQ(seen[0].second, "in");
  EXPECT_EQ(seen[1].first, PacketDirection::kToKernel);
  EXPECT_EQ(seen[1].second, "out");
  ::close(peer);
}

TEST(TunDevice, RejectsBadConfigWithOneLine) {
  TunConfig config;
  config.name = "a-name-that-is-far-too-long";
  auto dev = TunDevice::open(config);
  ASSERT_FALSE(dev.has_value());
  EXPECT_EQ(dev.error().code, std::errc::invalid_argument);
  EXPECT_EQ(dev.error().message,
            "invalid TUN config: device name 'a-name-that-is-far-too-long' must be 1..15 "
            "characters without '/'");
  config = {};
  config.mtu = 40;
  dev = TunDevice::open(config);
  ASSERT_FALSE(dev.has_value());
  EXPECT_EQ(dev.error().message, "invalid TUN config: MTU 40 not in 68..65535");
}

TEST(TunDevice, MissingNamespaceIsNamed) {
  TunConfig config;
  config.netns = "synack-no-such-namespace";
  auto dev = TunDevice::open(config);
  ASSERT_FALSE(dev.has_value());
  EXPECT_EQ(dev.error().message,
            "cannot enter network namespace synack-no-such-namespace: No such file or directory → "
            "create it with `ip netns add synack-no-such-namespace`");
}

TEST(TunStats, OneLineSummary) {
  TunStats s;
  s.rx_packets = 12;
  s.rx_bytes = 3500;
  s.tx_packets = 10;
  s.tx_bytes = 900;
  s.tx_dropped_queue_full = 2;
  EXPECT_EQ(to_string(s),
            "rx 12 pkt 3.4 KiB, tx 10 pkt 900 B, queued 0, dropped 2 (too long 0, queue full 2, "
            "errors 0)");
}

TEST(TunDevice, MovedFromDeviceOwnsNothing) {
  auto [dev, peer] = make_pair_device();
  const int fd = dev.fd();
  TunDevice moved = std::move(dev);
  EXPECT_EQ(moved.fd(), fd);
  EXPECT_EQ(dev.fd(), -1);  // NOLINT(bugprone-use-after-move): documented state
  ::close(peer);
}

}  // namespace
}  // namespace synack
