// SPDX-License-Identifier: Apache-2.0
// Capture of everything that crosses a TUN device to a pcapng (or pcap) file
// that tcpdump and Wireshark open directly (src/wire/pcap.hpp writes it).
//
//   auto cap = PacketCapture::open("run.pcapng", PacketCapture::Format::kPcapng);
//   device.set_capture(cap->hook());
//
// Timestamps are wall-clock (CLOCK_REALTIME at capture start plus
// CLOCK_MONOTONIC elapsed), so the capture lines up with other tools' captures.
// pcapng packets carry a comment "kernel→synack" or "synack→kernel".
#pragma once

#include <expected>
#include <filesystem>
#include <memory>
#include <optional>

#include "base/time.hpp"
#include "tun/device.hpp"
#include "tun/error.hpp"
#include "wire/pcap.hpp"

namespace synack {

/// Owns the writer; hook() must not outlive it. Not thread-safe.
class PacketCapture {
 public:
  enum class Format : std::uint8_t { kPcap, kPcapng };

  /// Creates (truncates) `path`. Errors: "cannot write capture PATH: <reason>".
  static std::expected<std::unique_ptr<PacketCapture>, TunError> open(
      const std::filesystem::path& path, Format format = Format::kPcapng);

  /// Records one packet now (wall-clock stamp) with its direction.
  void record(PacketDirection direction, Bytes packet);
  /// A TunDevice::CaptureHook calling record(); valid while *this lives.
  [[nodiscard]] TunDevice::CaptureHook hook() {
    return [this](PacketDirection d, Bytes p) { record(d, p); };
  }
  /// Pushes buffered bytes to the file (also done by the destructor).
  void flush();
  /// False once a write failed (disk full ...).
  [[nodiscard]] bool ok() const;
  /// Packets recorded so far.
  [[nodiscard]] std::uint64_t packets() const { return packets_; }

 private:
  PacketCapture() = default;
  std::optional<PcapWriter> pcap_;
  std::optional<PcapngWriter> pcapng_;
  Duration realtime_offset_{};  // CLOCK_REALTIME - CLOCK_MONOTONIC at open()
  std::uint64_t packets_ = 0;
};

}  // namespace synack
