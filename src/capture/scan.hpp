// SPDX-License-Identifier: Apache-2.0
// One pass over a capture file: frames → link layer → TCP segment →
// conversation, with what was skipped counted. `synack draw` runs it twice:
// once to number and list the conversations, once to draw the chosen one.
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "capture/collector.hpp"
#include "capture/conversations.hpp"
#include "capture/reader.hpp"
#include "capture/segment.hpp"

namespace synack::capture {

/// What one pass saw.
struct ScanStats {
  std::uint64_t frames = 0;    ///< frames read
  std::uint64_t segments = 0;  ///< TCP segments decoded
  std::uint64_t unknown_link =
      0;  ///< frames of an unsupported link type, or shorter than its header
  std::array<std::uint64_t, 6> skipped{};  ///< by capture::Skip
  int first_unknown_dlt = -1;              ///< the first unsupported link type met
  std::optional<ReadError> error;          ///< where the file stopped being readable

  /// "skipped: 3 not TCP, 1 IPv6, 2 frames of link type DLT 147" (empty if nothing was).
  [[nodiscard]] std::string skipped_text() const;
};

/// Progress of a pass: frames read and bytes of the file consumed so far.
/// Called every 4096 frames (for a progress line on long captures).
using ProgressFn =
    std::function<void(std::uint64_t frames, std::uint64_t offset, std::uint64_t size)>;
/// Each decoded segment with its frame and tcp.stream number.
using SegmentFn = std::function<void(const Frame&, const Segment&, std::size_t stream)>;

/// Reads `reader` to its end (or its first unreadable record), numbering the
/// conversations in `table` and calling `on_segment` for each segment.
ScanStats scan(Reader& reader, ConversationTable& table, const SegmentFn& on_segment,
               const ProgressFn& progress = {});

/// What to draw from a capture.
struct Selection {
  std::optional<std::size_t> stream;  ///< tcp.stream; none: ConversationTable::default_stream
  std::optional<std::uint16_t> port;  ///< none: any; else the first conversation with this port
  /// none: any; else the first conversation with this address at either end,
  /// as IpAddr::to_string() prints it ("10.0.0.1"; IPv6 in RFC 5952 text).
  /// With `port` too: the first conversation that has both.
  std::optional<std::string> host;
  CollectOptions collect;
};

/// A capture read for drawing.
struct CaptureResult {
  std::vector<Conversation> conversations;
  ScanStats stats;
  std::optional<viz::Run> run;  ///< the chosen conversation (none if the capture has no TCP)
};

/// Reads the capture at `path` twice: lists its conversations, then collects
/// the selected one. `list_only`: skip the second pass. Errors, one line: the
/// file cannot be opened or is not a capture ("PATH: unknown file format"),
/// nothing could be read ("PATH: frame 1 at byte offset 24: truncated dump
/// file ..."), or the selection names no conversation ("no TCP stream 7 (the
/// capture has 3: 0..2)").
[[nodiscard]] std::expected<CaptureResult, std::string> read_capture(
    const std::string& path, const Selection& sel, bool list_only, const ProgressFn& progress = {});

/// The same over a capture held in memory (tests, fuzzing); `name` stands
/// for the path in messages.
[[nodiscard]] std::expected<CaptureResult, std::string> read_capture_memory(Bytes bytes,
                                                                            const std::string& name,
                                                                            const Selection& sel,
                                                                            bool list_only);

/// True if the file starts like a pcap or pcapng file (magic numbers).
[[nodiscard]] bool looks_like_capture(const std::string& path);

/// "PATH: stopped at frame N (byte offset X): REASON; drew the M frames before it".
[[nodiscard]] std::string describe_error(const std::string& path, const ReadError& e);

}  // namespace synack::capture
