// SPDX-License-Identifier: Apache-2.0
#include "tun/device.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "tun/netns.hpp"

namespace synack {
namespace {

constexpr std::size_t kReadBufferSize = 65536;  // > the largest IPv4 datagram

std::expected<void, TunError> validate(const TunConfig& c) {
  auto bad = [](std::string what) {
    return std::unexpected(TunError{std::errc::invalid_argument, "invalid TUN config: " + what});
  };
  if (c.name.empty() || c.name.size() >= IFNAMSIZ || c.name.find('/') != std::string::npos) {
    return bad("device name '" + c.name + "' must be 1..15 characters without '/'");
  }
  if (c.mtu < 68 || c.mtu > 65535) return bad("MTU " + std::to_string(c.mtu) + " not in 68..65535");
  if (c.prefix_len < 1 || c.prefix_len > 32) {
    return bad("prefix length " + std::to_string(c.prefix_len) + " not in 1..32");
  }
  if (c.read_batch < 1 || c.read_batch > 4096) return bad("read_batch not in 1..4096");
  if (c.write_queue < 1 || c.write_queue > 65536) return bad("write_queue not in 1..65536");
  return {};
}

ifreq make_ifreq(const std::string& name) {
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, name.data(), name.size());  // validated < IFNAMSIZ
  return ifr;
}

sockaddr_in make_sockaddr(std::uint32_t host_order) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(host_order);
  return sin;
}

// One configuration ioctl on `sock`; the error names the step.
std::expected<void, TunError> config_ioctl(int sock, unsigned long request, ifreq& ifr,
                                           const std::string& name, const char* what) {
  if (::ioctl(sock, request, &ifr) == 0) return {};
  return std::unexpected(make_tun_error("configure " + name + " (" + what + ")", errno));
}

void disable_ipv6_on(const std::string& name) {
  const std::string path = "/proc/sys/net/ipv6/conf/" + name + "/disable_ipv6";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;  // IPv6 not built in: nothing to disable
  [[maybe_unused]] const ssize_t n = ::write(fd, "1", 1);
  ::close(fd);
}

// MTU, address, netmask, flags: all through one AF_INET socket in the
// device's namespace (the caller is in it).
std::expected<int, TunError> configure(const TunConfig& c) {
  const int sock = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) return std::unexpected(make_tun_error("create a configuration socket", errno));
  auto result = [&]() -> std::expected<int, TunError> {
    ifreq ifr = make_ifreq(c.name);
    ifr.ifr_mtu = static_cast<int>(c.mtu);
    if (auto r = config_ioctl(sock, SIOCSIFMTU, ifr, c.name, "MTU"); !r)
      return std::unexpected(r.error());
    if (c.kernel_address) {
      ifr = make_ifreq(c.name);
      const sockaddr_in addr = make_sockaddr(c.kernel_address->value);
      std::memcpy(&ifr.ifr_addr, &addr, sizeof addr);
      if (auto r = config_ioctl(sock, SIOCSIFADDR, ifr, c.name, "address"); !r) {
        return std::unexpected(r.error());
      }
      ifr = make_ifreq(c.name);
      const std::uint32_t mask = c.prefix_len == 32 ? 0xffffffffu : ~(0xffffffffu >> c.prefix_len);
      const sockaddr_in netmask = make_sockaddr(mask);
      std::memcpy(&ifr.ifr_netmask, &netmask, sizeof netmask);
      if (auto r = config_ioctl(sock, SIOCSIFNETMASK, ifr, c.name, "netmask"); !r) {
        return std::unexpected(r.error());
      }
    }
    if (c.disable_ipv6) disable_ipv6_on(c.name);
    if (c.bring_up) {
      ifr = make_ifreq(c.name);
      if (auto r = config_ioctl(sock, SIOCGIFFLAGS, ifr, c.name, "get flags"); !r) {
        return std::unexpected(r.error());
      }
      ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
      if (auto r = config_ioctl(sock, SIOCSIFFLAGS, ifr, c.name, "link up"); !r) {
        return std::unexpected(r.error());
      }
    }
    ifr = make_ifreq(c.name);
    if (auto r = config_ioctl(sock, SIOCGIFINDEX, ifr, c.name, "index"); !r) {
      return std::unexpected(r.error());
    }
    return ifr.ifr_ifindex;
  }();
  ::close(sock);
  return result;
}

std::expected<void, TunError> set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    return std::unexpected(make_tun_error("make the TUN fd non-blocking", errno));
  }
  return {};
}

std::string human_bytes(std::uint64_t n) {
  if (n < 1024) return fmt::format("{} B", n);
  if (n < 1024 * 1024) return fmt::format("{:.1f} KiB", static_cast<double>(n) / 1024);
  return fmt::format("{:.1f} MiB", static_cast<double>(n) / (1024 * 1024));
}

}  // namespace

std::string to_string(const TunStats& s) {
  const std::uint64_t dropped = s.tx_dropped_too_long + s.tx_dropped_queue_full + s.tx_errors;
  return fmt::format(
      "rx {} pkt {}, tx {} pkt {}, queued {}, dropped {} (too long {}, queue full {}, errors {})",
      s.rx_packets, human_bytes(s.rx_bytes), s.tx_packets, human_bytes(s.tx_bytes), s.tx_queued,
      dropped, s.tx_dropped_too_long, s.tx_dropped_queue_full, s.tx_errors);
}

std::expected<TunDevice, TunError> TunDevice::open(const TunConfig& config) {
  if (auto v = validate(config); !v) return std::unexpected(v.error());
  // The device is created in the namespace of the thread that opens
  // /dev/net/tun; stay there until it is configured, then return.
  auto guard = ScopedNetns::enter(config.netns);
  if (!guard) return std::unexpected(guard.error());

  const int fd = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (fd < 0) return std::unexpected(make_tun_error("open /dev/net/tun", errno));
  ifreq ifr = make_ifreq(config.name);
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  if (::ioctl(fd, TUNSETIFF, &ifr) < 0) {
    // From the user's side this is still "opening the TUN device": EPERM here
    // means CAP_NET_ADMIN is missing (the node itself opened fine).
    const int err = errno;
    ::close(fd);
    return std::unexpected(make_tun_error("open /dev/net/tun", err));
  }
  auto device = adopt(fd, config);
  if (!device) return device;
  auto ifindex = configure(config);
  if (!ifindex) return std::unexpected(ifindex.error());
  device->ifindex_ = *ifindex;
  return device;
}

std::expected<TunDevice, TunError> TunDevice::adopt(int fd, const TunConfig& config) {
  if (auto v = validate(config); !v) {
    ::close(fd);
    return std::unexpected(v.error());
  }
  if (auto nb = set_nonblocking(fd); !nb) {
    ::close(fd);
    return std::unexpected(nb.error());
  }
  return TunDevice(fd, config);
}

TunDevice::TunDevice(int fd, const TunConfig& config)
    : fd_(fd),
      name_(config.name),
      mtu_(config.mtu),
      read_batch_(config.read_batch),
      read_buf_(kReadBufferSize),
      queue_(config.write_queue, config.mtu) {}

TunDevice::TunDevice(TunDevice&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      name_(std::move(other.name_)),
      mtu_(other.mtu_),
      ifindex_(other.ifindex_),
      read_batch_(other.read_batch_),
      read_buf_(std::move(other.read_buf_)),
      queue_(std::move(other.queue_)),
      capture_(std::move(other.capture_)),
      stats_(other.stats_) {}

TunDevice& TunDevice::operator=(TunDevice&& other) noexcept {
  if (this != &other) {
    close_fd();
    fd_ = std::exchange(other.fd_, -1);
    name_ = std::move(other.name_);
    mtu_ = other.mtu_;
    ifindex_ = other.ifindex_;
    read_batch_ = other.read_batch_;
    read_buf_ = std::move(other.read_buf_);
    queue_ = std::move(other.queue_);
    capture_ = std::move(other.capture_);
    stats_ = other.stats_;
  }
  return *this;
}

TunDevice::~TunDevice() {
  close_fd();
}

void TunDevice::close_fd() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::size_t TunDevice::read_batch(const std::function<void(Bytes)>& on_packet) {
  std::size_t count = 0;
  while (count < read_batch_) {
    const ssize_t n = ::read(fd_, read_buf_.data(), read_buf_.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) ++stats_.rx_errors;
      break;
    }
    if (n == 0) break;  // a closed socketpair peer (tests); a TUN fd never returns 0
    const Bytes packet(read_buf_.data(), static_cast<std::size_t>(n));
    ++count;
    ++stats_.rx_packets;
    stats_.rx_bytes += packet.size();
    if (capture_) capture_(PacketDirection::kFromKernel, packet);
    on_packet(packet);
  }
  if (count > 0) ++stats_.rx_batches;
  if (count == read_batch_) ++stats_.rx_batch_limit_hits;
  return count;
}

TunDevice::WriteResult TunDevice::write_one(Bytes packet) {
  for (;;) {
    const ssize_t n = ::write(fd_, packet.data(), packet.size());
    if (n >= 0) {
      ++stats_.tx_packets;
      stats_.tx_bytes += packet.size();
      if (capture_) capture_(PacketDirection::kToKernel, packet);
      return WriteResult::kWritten;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) return WriteResult::kFull;
    ++stats_.tx_errors;  // e.g. EINVAL for a malformed packet: dropped
    return WriteResult::kFailed;
  }
}

bool TunDevice::send(Bytes packet) {
  if (packet.size() > mtu_) {
    ++stats_.tx_dropped_too_long;
    return false;
  }
  if (queue_.empty()) {
    switch (write_one(packet)) {
      case WriteResult::kWritten:
        return true;
      case WriteResult::kFailed:
        return false;
      case WriteResult::kFull:
        break;
    }
  }
  if (!queue_.push(packet)) {
    ++stats_.tx_dropped_queue_full;
    return false;
  }
  ++stats_.tx_queued;
  return true;
}

std::size_t TunDevice::flush() {
  std::size_t written = 0;
  while (!queue_.empty()) {
    const WriteResult r = write_one(queue_.front());
    if (r == WriteResult::kFull) break;
    if (r == WriteResult::kWritten) ++written;
    queue_.pop();  // written, or failed for good (counted)
  }
  return written;
}

}  // namespace synack
