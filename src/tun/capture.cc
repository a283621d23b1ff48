// SPDX-License-Identifier: Apache-2.0
#include "tun/capture.hpp"

#include <time.h>

#include <cerrno>

#include "tun/clock.hpp"

namespace synack {

std::expected<std::unique_ptr<PacketCapture>, TunError> PacketCapture::open(
    const std::filesystem::path& path, Format format) {
  std::unique_ptr<PacketCapture> cap(new PacketCapture());
  timespec real{};
  ::clock_gettime(CLOCK_REALTIME, &real);
  cap->realtime_offset_ = instant_from_timespec(real) - monotonic_now();
  if (format == Format::kPcap) {
    cap->pcap_.emplace(path);
  } else {
    cap->pcapng_.emplace(path);
  }
  if (!cap->ok()) {
    const int err = errno != 0 ? errno : EIO;
    return std::unexpected(make_tun_error("write capture " + path.string(), err,
                                          "check the directory exists and is writable"));
  }
  return cap;
}

void PacketCapture::record(PacketDirection direction, Bytes packet) {
  const Instant at = monotonic_now() + realtime_offset_;
  ++packets_;
  if (pcap_) {
    pcap_->write(at, packet);
  } else if (pcapng_) {
    pcapng_->write(at, packet,
                   direction == PacketDirection::kFromKernel ? "kernel→synack" : "synack→kernel");
  }
}

void PacketCapture::flush() {
  if (pcap_) pcap_->flush();
  if (pcapng_) pcapng_->flush();
}

bool PacketCapture::ok() const {
  if (pcap_) return pcap_->ok();
  if (pcapng_) return pcapng_->ok();
  return false;
}

}  // namespace synack
