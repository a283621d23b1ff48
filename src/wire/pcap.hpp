// SPDX-License-Identifier: Apache-2.0
// Capture files of IPv4 packets that tcpdump and Wireshark open directly:
// classic pcap (nanosecond variant) and pcapng with per-packet comments.
// Both use LINKTYPE_RAW (101): each record is one IPv4 packet, no link header.
// Formats: https://www.tcpdump.org/manpages/pcap-savefile.5.html and
// draft-ietf-opsawg-pcapng (SHB, IDB, EPB).
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <string_view>

#include "base/bytes.hpp"
#include "base/time.hpp"

namespace synack {

/// LINKTYPE_RAW: the packet begins with an IPv4 (or IPv6) header.
inline constexpr std::uint32_t kLinktypeRaw = 101;
/// Snapshot length written into the headers, in bytes (no packet is cut).
inline constexpr std::uint32_t kPcapSnaplen = 65535;

/// Where a writer's bytes go: a caller's stream, or a file the writer owns.
class CaptureSink {
 public:
  explicit CaptureSink(std::ostream& out) : out_(&out) {}
  /// Opens (truncates) `path` for binary writing; check ok() afterwards.
  explicit CaptureSink(const std::filesystem::path& path);
  [[nodiscard]] std::ostream& stream() { return *out_; }
  [[nodiscard]] bool ok() const { return out_->good(); }

 private:
  std::unique_ptr<std::ofstream> file_;
  std::ostream* out_;
};

/// Classic pcap with nanosecond timestamps (magic 0xa1b23c4d), little-endian.
/// The file header is written by the constructor. Not thread-safe.
class PcapWriter {
 public:
  explicit PcapWriter(std::ostream& out);
  explicit PcapWriter(const std::filesystem::path& path);

  /// Appends one IPv4 packet stamped `at` (ns since the epoch of the engine's
  /// clock; negative instants are written as 0). Packets longer than the
  /// snapshot length are cut to it (orig_len keeps the real size).
  void write(Instant at, Bytes packet);
  /// False once any write failed (or the file could not be opened).
  [[nodiscard]] bool ok() const { return sink_.ok(); }
  /// Pushes buffered bytes to the stream/file.
  void flush() { sink_.stream().flush(); }

 private:
  void write_header();
  CaptureSink sink_;
};

/// pcapng: one Section Header Block, one Interface Description Block
/// (LINKTYPE_RAW, if_tsresol = 9, i.e. ns), then one Enhanced Packet Block per
/// packet with an optional `opt_comment` (shown by Wireshark as frame.comment).
/// Little-endian. Not thread-safe.
class PcapngWriter {
 public:
  explicit PcapngWriter(std::ostream& out);
  explicit PcapngWriter(const std::filesystem::path& path);

  /// Appends one IPv4 packet stamped `at` (ns; negative instants become 0),
  /// with `comment` (UTF-8) attached if non-empty. Packets longer than the
  /// snapshot length are cut to it.
  void write(Instant at, Bytes packet, std::string_view comment = {});
  [[nodiscard]] bool ok() const { return sink_.ok(); }
  void flush() { sink_.stream().flush(); }

 private:
  void write_header();
  CaptureSink sink_;
};

}  // namespace synack
