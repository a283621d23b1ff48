// SPDX-License-Identifier: Apache-2.0
// A Linux TUN device (IFF_TUN | IFF_NO_PI): IPv4 packets as bytes between the
// kernel and synack. The kernel side gets an address and a route (e.g.
// 10.77.0.1/24 → every packet to 10.77.0.0/24 comes out of this device); synack
// plays the other hosts of that subnet (e.g. 10.77.0.2).
//
// The device knows nothing of TCP: it reads packets in batches, writes packets
// (queueing them when the kernel's queue is full), and counts what it dropped.
// See docs/tun.md for privileges and the exact commands.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.hpp"
#include "tun/error.hpp"
#include "tun/packet_ring.hpp"
#include "wire/ipv4.hpp"

namespace synack {

/// How to create (or attach to) a TUN device. Defaults suit `synack serve`.
struct TunConfig {
  /// Interface name, 1..15 characters (IFNAMSIZ - 1). An existing persistent
  /// device of that name (`ip tuntap add NAME mode tun`) is attached to.
  std::string name = "synack0";
  /// Named network namespace (/var/run/netns/NAME) to create the device in;
  /// empty: the caller's namespace. The caller's thread returns to its own
  /// namespace before open() returns; the device stays in the named one.
  std::string netns;
  /// The kernel side's address (SIOCSIFADDR); nullopt: leave unconfigured.
  std::optional<Ipv4Addr> kernel_address;
  /// Prefix length of kernel_address, 1..32; the kernel routes that subnet here.
  std::uint8_t prefix_len = 24;
  /// MTU in bytes, 68..65535 (RFC 791 minimum 68). Also the largest packet
  /// send() accepts and the size of each write-queue slot.
  std::uint32_t mtu = 1500;
  /// Bring the link up (IFF_UP). Without it the kernel sends nothing.
  bool bring_up = true;
  /// Turn IPv6 off on the device (synack is IPv4-only; avoids router
  /// solicitations and MLD reports on the wire). Best effort.
  bool disable_ipv6 = true;
  /// Packets read per wake-up at most (1..4096), so one busy direction cannot
  /// starve timers and writes.
  std::size_t read_batch = 64;
  /// Packets queued for the kernel when it is full (EAGAIN), 1..65536; more are
  /// dropped and counted in TunStats::tx_dropped_queue_full.
  std::size_t write_queue = 1024;
};

/// Counters of one device (packets and bytes; never reset).
struct TunStats {
  std::uint64_t rx_packets = 0;  ///< read from the kernel
  std::uint64_t rx_bytes = 0;
  std::uint64_t rx_batches = 0;           ///< read_batch() calls that read ≥ 1 packet
  std::uint64_t rx_batch_limit_hits = 0;  ///< batches stopped by read_batch, not EAGAIN
  std::uint64_t rx_errors = 0;            ///< read() failures other than EAGAIN/EINTR
  std::uint64_t tx_packets = 0;           ///< written to the kernel
  std::uint64_t tx_bytes = 0;
  std::uint64_t tx_queued = 0;              ///< packets that had to wait in the queue
  std::uint64_t tx_dropped_queue_full = 0;  ///< queue at TunConfig::write_queue
  std::uint64_t tx_dropped_too_long = 0;    ///< longer than the MTU
  std::uint64_t tx_errors = 0;              ///< write() failures other than EAGAIN (packet dropped)
};

/// One line for status output, e.g. "rx 12 pkt 3.4 KiB, tx 10 pkt 2.1 KiB,
/// queued 0, dropped 0 (too long 0, queue full 0, errors 0)".
[[nodiscard]] std::string to_string(const TunStats& s);

/// Which way a packet crossed the device (for capture hooks).
enum class PacketDirection : std::uint8_t {
  kFromKernel,  ///< read from the device (kernel → synack)
  kToKernel,    ///< written to the device (synack → kernel)
};

/// An open TUN device. Move-only; closing it (destructor) deletes a
/// non-persistent device. Not thread-safe. All I/O is non-blocking.
class TunDevice {
 public:
  /// Called for every packet that crosses the device (e.g. a pcap writer).
  using CaptureHook = std::function<void(PacketDirection, Bytes)>;

  /// Opens /dev/net/tun, creates or attaches to `config.name` (in
  /// `config.netns` if set), sets it non-blocking, sets the MTU, assigns
  /// kernel_address/prefix_len and brings it up.
  /// Errors (TunError::message is one line, see tun/error.hpp):
  ///  - "cannot open /dev/net/tun: Operation not permitted → run as root or grant
  ///    CAP_NET_ADMIN" (also EACCES: "Permission denied"), ENOENT → modprobe hint;
  ///  - "cannot enter network namespace NAME: ..." when netns is missing;
  ///  - "cannot configure DEVICE (what): ..." for MTU/address/flags failures;
  ///  - invalid_argument for a bad name, MTU, prefix, batch or queue size.
  static std::expected<TunDevice, TunError> open(const TunConfig& config);

  /// Wraps an already open packet fd (a TUN fd, or in tests one end of a
  /// socketpair(AF_UNIX, SOCK_SEQPACKET)). Takes ownership; makes it
  /// non-blocking. No configuration is done. Validates sizes like open().
  static std::expected<TunDevice, TunError> adopt(int fd, const TunConfig& config);

  TunDevice(TunDevice&& other) noexcept;
  TunDevice& operator=(TunDevice&& other) noexcept;
  TunDevice(const TunDevice&) = delete;
  TunDevice& operator=(const TunDevice&) = delete;
  ~TunDevice();

  /// Reads packets until the kernel has none (EAGAIN) or read_batch packets
  /// were read, calling on_packet(packet) for each. `packet` is valid only
  /// during the call. Returns the number of packets read (0: nothing pending).
  std::size_t read_batch(const std::function<void(Bytes)>& on_packet);

  /// Hands one IPv4 packet to the kernel: written now if nothing is queued and
  /// the kernel accepts it, else copied to the write queue (written by flush()).
  /// Returns false if it was dropped (longer than the MTU, queue full, or a
  /// write error); each drop is counted in stats().
  bool send(Bytes packet);

  /// Writes queued packets until the queue is empty or the kernel is full.
  /// Returns the number written. The event loop calls it when writable.
  std::size_t flush();

  /// Packets waiting in the write queue.
  [[nodiscard]] std::size_t pending() const { return queue_.size(); }

  /// Installs (or clears, with {}) the capture hook.
  void set_capture(CaptureHook hook) { capture_ = std::move(hook); }

  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] std::uint32_t mtu() const { return mtu_; }
  /// Interface index in its namespace (0 for adopted fds).
  [[nodiscard]] int ifindex() const { return ifindex_; }
  [[nodiscard]] const TunStats& stats() const { return stats_; }

 private:
  TunDevice(int fd, const TunConfig& config);
  enum class WriteResult { kWritten, kFull, kFailed };
  WriteResult write_one(Bytes packet);
  void close_fd();

  int fd_ = -1;
  std::string name_;
  std::uint32_t mtu_ = 0;
  int ifindex_ = 0;
  std::size_t read_batch_ = 0;
  std::vector<std::byte> read_buf_;  // 64 KiB: no IPv4 packet is ever cut
  PacketRing queue_;
  CaptureHook capture_;
  TunStats stats_;
};

}  // namespace synack
