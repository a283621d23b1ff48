// SPDX-License-Identifier: Apache-2.0
// The raw packet rate of a Linux TUN device, with no TCP at all: the ceiling
// any userspace stack on TUN works under (issue 8's "raw TUN packet rate").
//
//   tun_rate_bench [--packets N] [--size BYTES] [--seconds S]
//
// Run it inside a fresh network namespace (scripts/bench.sh does
// `ip netns exec NS tun_rate_bench`): it creates TUN device "sbraw0" with
// 10.81.0.1/24 on the kernel side, then measures, one after the other:
//
//   tun.raw.kernel_to_user  a kernel UDP socket (this process, second thread)
//                           sends N datagrams of BYTES-byte IPv4 packets to
//                           10.81.0.2, which the kernel routes into the TUN;
//                           the main thread reads them in batches (read(2)
//                           until EAGAIN, then poll). Packets read per second.
//   tun.raw.user_to_kernel  the main thread writes N ready-made BYTES-byte
//                           UDP/IPv4 packets (10.81.0.2 → 10.81.0.1:5556) into
//                           the TUN; a second thread drains the kernel UDP
//                           socket. Packets written per second (and how many
//                           the socket received).
//
// Rows as bench/bench_rows.hpp, unit "Mpps". Bounded in count (N) and in time
// (--seconds per direction). Needs CAP_NET_ADMIN and /dev/net/tun.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <string_view>
#include <thread>

#include "base/checksum.hpp"
#include "bench/bench_cli.hpp"
#include "bench/bench_common.hpp"
#include "tun/device.hpp"

namespace synack::bench {
namespace {

constexpr std::uint32_t kKernel = 0x0A510001;  // 10.81.0.1
constexpr std::uint32_t kUser = 0x0A510002;    // 10.81.0.2
constexpr std::uint16_t kSinkPort = 5556;

struct Options {
  std::uint64_t packets = 2'000'000;
  std::size_t size = 1500;  // IPv4 packet bytes
  double seconds = 20;
};

int udp_socket() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  const int big = 8 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big);
  return fd;
}

sockaddr_in address(std::uint32_t ip, std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(ip);
  a.sin_port = htons(port);
  return a;
}

// A UDP/IPv4 packet of `size` bytes from 10.81.0.2:5555 to 10.81.0.1:5556
// (UDP checksum 0 = none, allowed in IPv4 by RFC 768).
std::vector<std::byte> udp_packet(std::size_t size) {
  std::vector<std::byte> p(size);
  auto* b = reinterpret_cast<std::uint8_t*>(p.data());
  b[0] = 0x45;
  b[2] = static_cast<std::uint8_t>(size >> 8);
  b[3] = static_cast<std::uint8_t>(size);
  b[6] = 0x40;  // DF
  b[8] = 64;
  b[9] = 17;
  for (int i = 0; i < 4; ++i) {
    b[12 + i] = static_cast<std::uint8_t>(kUser >> (24 - 8 * i));
    b[16 + i] = static_cast<std::uint8_t>(kKernel >> (24 - 8 * i));
  }
  const std::uint16_t sum = internet_checksum(Bytes(p.data(), 20));
  b[10] = static_cast<std::uint8_t>(sum >> 8);
  b[11] = static_cast<std::uint8_t>(sum);
  const std::size_t udp_len = size - 20;
  b[20] = 5555 >> 8;
  b[21] = 5555 & 0xff;
  b[22] = kSinkPort >> 8;
  b[23] = kSinkPort & 0xff;
  b[24] = static_cast<std::uint8_t>(udp_len >> 8);
  b[25] = static_cast<std::uint8_t>(udp_len);
  return p;
}

void wait_readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  ::poll(&p, 1, 100);
}

void kernel_to_user(TunDevice& dev, const Options& o) {
  std::atomic<bool> stop{false}, sent_all{false};
  std::thread sender([&] {
    const int fd = udp_socket();
    const sockaddr_in to = address(kUser, 9);
    std::vector<char> payload(o.size - 28, 'x');
    for (std::uint64_t i = 0; i < o.packets && !stop.load(std::memory_order_relaxed); ++i) {
      ::sendto(fd, payload.data(), payload.size(), 0, reinterpret_cast<const sockaddr*>(&to),
               sizeof to);
    }
    ::close(fd);
    sent_all = true;
  });
  std::uint64_t got = 0;
  const auto start = Clock::now();
  auto last = start;
  while (got < o.packets && seconds_since(start) < o.seconds) {
    const std::size_t n = dev.read_batch([](Bytes) {});
    got += n;
    if (n > 0) {
      last = Clock::now();
      continue;
    }
    pollfd p{dev.fd(), POLLIN, 0};
    // Done when the sender has finished and nothing came for 100 ms (the rest
    // overflowed the device queue and was dropped by the kernel).
    if (::poll(&p, 1, 100) == 0 && sent_all) break;
  }
  const double secs = std::chrono::duration<double>(last - start).count();
  stop = true;
  sender.join();
  row("tun.raw.kernel_to_user", secs > 0 ? static_cast<double>(got) / secs / 1e6 : 0, "Mpps",
      {{"packets", got},
       {"seconds", secs},
       {"packet_bytes", o.size},
       {"sent", o.packets},
       {"note",
        "packets read from the TUN fd per second; the kernel drops what overflows the "
        "device queue"}});
}

void user_to_kernel(TunDevice& dev, const Options& o) {
  const int sink = udp_socket();
  const sockaddr_in at = address(kKernel, kSinkPort);
  ::bind(sink, reinterpret_cast<const sockaddr*>(&at), sizeof at);
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> received{0};
  std::thread drain([&] {
    std::vector<char> buf(65536);
    while (!stop.load(std::memory_order_relaxed)) {
      const ssize_t n = ::recv(sink, buf.data(), buf.size(), MSG_DONTWAIT);
      if (n >= 0) {
        received.fetch_add(1, std::memory_order_relaxed);
      } else {
        wait_readable(sink);
      }
    }
  });
  const std::vector<std::byte> packet = udp_packet(o.size);
  std::uint64_t written = 0;
  const auto start = Clock::now();
  while (written < o.packets) {
    if (::write(dev.fd(), packet.data(), packet.size()) == static_cast<ssize_t>(packet.size())) {
      ++written;
    }
    if ((written & 1023) == 0 && seconds_since(start) > o.seconds) break;
  }
  const double secs = seconds_since(start);
  const auto settle = Clock::now();
  while (received.load() < written && seconds_since(settle) < 1) std::this_thread::yield();
  stop = true;
  drain.join();
  ::close(sink);
  row("tun.raw.user_to_kernel", static_cast<double>(written) / secs / 1e6, "Mpps",
      {{"packets", written},
       {"seconds", secs},
       {"packet_bytes", o.size},
       {"received", received.load()},
       {"note", "packets written to the TUN fd per second (received: by the kernel UDP socket)"}});
}

int run(const Options& o) {
  TunConfig cfg;
  cfg.name = "sbraw0";
  cfg.kernel_address = Ipv4Addr{kKernel};
  cfg.prefix_len = 24;
  cfg.mtu = 1500;
  auto dev = TunDevice::open(cfg);
  if (!dev) {
    skipped("tun.raw.kernel_to_user", dev.error().message);
    skipped("tun.raw.user_to_kernel", dev.error().message);
    return 1;
  }
  kernel_to_user(*dev, o);
  user_to_kernel(*dev, o);
  return 0;
}

}  // namespace
}  // namespace synack::bench

int main(int argc, char** argv) {
  using namespace synack::bench;
  CLI::App app{"the raw packet rate of a TUN device (kernel to user space), no TCP",
               "tun_rate_bench"};
  Options o;
  synack::Duration seconds = std::chrono::seconds(20);
  std::uint64_t size = o.size;
  app.add_option("--packets", o.packets, "packets to send (default 2000000)")
      ->check(CLI::PositiveNumber);
  add_bytes_option(app, "--size", size, "IPv4 packet size, 28..1500 (default 1500)");
  add_seconds_option(app, "--seconds", seconds, "time bound: 20 or 20s (default 20s)");
  parse_or_exit(app, argc, argv);
  o.size = static_cast<std::size_t>(size);
  o.seconds = to_seconds(seconds);
  if (o.size < 28 || o.size > 1500 || !(o.seconds > 0)) {
    fmt::print(stderr, "tun_rate_bench: need 28 <= --size <= 1500 and --seconds > 0\n");
    return 2;
  }
  return run(o);
}
