// SPDX-License-Identifier: Apache-2.0
// Reading pcap and pcapng files frame by frame through libpcap (any file
// tcpdump, tshark or Wireshark writes), one frame in memory at a time.
#pragma once

#include <cstdint>
#include <cstdio>
#include <expected>
#include <memory>
#include <optional>
#include <string>

#include "base/bytes.hpp"
#include "base/time.hpp"

namespace synack::capture {

/// One captured frame. `data` is valid until the next call to next().
struct Frame {
  std::uint64_t number = 0;  ///< 1-based, as Wireshark numbers frames
  Instant time;              ///< capture timestamp (ns since the Unix epoch)
  int dlt = 0;               ///< libpcap link type (pcapng: of the frame's interface)
  Bytes data;                ///< captured bytes (≤ the snap length)
  std::size_t orig_len = 0;  ///< the frame's length on the wire, bytes
};

/// Where and why reading stopped early.
struct ReadError {
  std::uint64_t frame = 0;   ///< the number the frame that could not be read would have had
  std::uint64_t offset = 0;  ///< byte offset in the file where that frame starts
  std::string message;       ///< libpcap's words: "truncated dump file; tried to read ..."
};

/// A capture file opened for reading. Move-only.
class Reader {
 public:
  /// Opens `path`. Error: one line "cannot open: REASON" or libpcap's reason
  /// ("unknown file format", "truncated dump file ...").
  [[nodiscard]] static std::expected<Reader, std::string> open(const std::string& path);
  /// Reads a capture held in memory (for tests and the fuzzer); `bytes` must
  /// outlive the Reader.
  [[nodiscard]] static std::expected<Reader, std::string> open_memory(Bytes bytes);

  /// The next frame; nullopt at the end of the file; ReadError when the rest
  /// of the file cannot be read (a truncated or corrupt record).
  [[nodiscard]] std::expected<std::optional<Frame>, ReadError> next();

  /// Bytes of the file consumed so far (for progress).
  [[nodiscard]] std::uint64_t offset() const;
  /// The file's size in bytes (0 if unknown).
  [[nodiscard]] std::uint64_t size() const { return size_; }

  Reader(Reader&&) noexcept = default;
  Reader& operator=(Reader&&) noexcept = default;
  ~Reader() = default;

 private:
  struct Closer {
    void operator()(void* p) const;
  };
  static std::expected<Reader, std::string> from_file(std::FILE* f, std::uint64_t size);
  explicit Reader(void* pcap, std::uint64_t size) : pcap_(pcap), size_(size) {}

  std::unique_ptr<void, Closer> pcap_;  // pcap_t*
  std::uint64_t size_ = 0;
  std::uint64_t frames_ = 0;
};

}  // namespace synack::capture
