// SPDX-License-Identifier: Apache-2.0
#include "capture/scan.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>

#include "capture/link.hpp"

namespace synack::capture {

std::string ScanStats::skipped_text() const {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < skipped.size(); ++i) {
    if (skipped[i] > 0) {
      parts.push_back(fmt::format("{} {}", skipped[i], skip_name(static_cast<Skip>(i))));
    }
  }
  if (unknown_link > 0) {
    parts.push_back(fmt::format("{} frame{} of link type {}", unknown_link,
                                unknown_link == 1 ? "" : "s", link_name(first_unknown_dlt)));
  }
  if (parts.empty()) return {};
  return fmt::format("skipped: {}", fmt::join(parts, ", "));
}

ScanStats scan(Reader& reader, ConversationTable& table, const SegmentFn& on_segment,
               const ProgressFn& progress) {
  ScanStats st;
  for (;;) {
    auto next = reader.next();
    if (!next) {
      st.error = next.error();
      break;
    }
    if (!*next) break;
    const Frame& f = **next;
    ++st.frames;
    if (progress && st.frames % 4096 == 0) progress(st.frames, reader.offset(), reader.size());
    const auto net = strip_link(f.dlt, f.data);
    if (!net) {
      if (st.unknown_link++ == 0) st.first_unknown_dlt = f.dlt;
      continue;
    }
    const std::size_t link_len = f.data.size() - net->bytes.size();
    const auto seg = decode_segment(*net, f.orig_len > link_len ? f.orig_len - link_len : 0);
    if (!seg) {
      ++st.skipped[static_cast<std::size_t>(seg.error())];
      continue;
    }
    ++st.segments;
    const std::size_t stream = table.observe(*seg, f.time, f.number);
    if (on_segment) on_segment(f, *seg, stream);
  }
  if (progress) progress(st.frames, reader.offset(), reader.size());
  return st;
}

std::string describe_error(const std::string& path, const ReadError& e) {
  return fmt::format("{}: stopped at frame {} (byte offset {}): {}", path, e.frame, e.offset,
                     e.message);
}

namespace {

using Opener = std::function<std::expected<Reader, std::string>()>;

// Selection::port and Selection::host, each at either end of `c`.
bool has_endpoint(const Conversation& c, const Selection& sel) {
  const bool port = !sel.port || c.a.port == *sel.port || c.b.port == *sel.port;
  const bool host = !sel.host || c.a.ip.to_string() == *sel.host || c.b.ip.to_string() == *sel.host;
  return port && host;
}

std::expected<std::size_t, std::string> choose(const std::vector<Conversation>& all,
                                               const ConversationTable& table,
                                               const Selection& sel) {
  if (all.empty()) return std::unexpected(std::string("no TCP conversation in the capture"));
  if (sel.stream) {
    if (*sel.stream >= all.size()) {
      return std::unexpected(fmt::format("no TCP stream {} (the capture has {}: 0..{})",
                                         *sel.stream, all.size(), all.size() - 1));
    }
    return *sel.stream;
  }
  if (sel.port || sel.host) {
    for (const auto& c : all) {
      if (has_endpoint(c, sel)) return c.stream;
    }
    std::string what;
    if (sel.host) what = fmt::format("address {}", *sel.host);
    if (sel.port) what += fmt::format("{}port {}", what.empty() ? "" : " and ", *sel.port);
    return std::unexpected(fmt::format("no TCP conversation with {}", what));
  }
  return *table.default_stream();
}

std::expected<CaptureResult, std::string> read_with(const Opener& open, const std::string& name,
                                                    const Selection& sel, bool list_only,
                                                    const ProgressFn& progress) {
  auto reader = open();
  if (!reader) return std::unexpected(fmt::format("{}: {}", name, reader.error()));
  ConversationTable table;
  CaptureResult result;
  result.stats = scan(*reader, table, {}, progress);
  if (result.stats.error && result.stats.frames == 0) {
    return std::unexpected(describe_error(name, *result.stats.error));
  }
  result.conversations = table.all();
  if (list_only) return result;
  const auto stream = choose(result.conversations, table, sel);
  if (!stream) return std::unexpected(fmt::format("{}: {}", name, stream.error()));

  auto again = open();
  if (!again) return std::unexpected(fmt::format("{}: {}", name, again.error()));
  const Conversation& conv = result.conversations[*stream];
  Collector collector(conv, sel.collect, fmt::format("{}, TCP stream {}", name, *stream));
  ConversationTable renumber;
  const auto on_segment = [&](const Frame& f, const Segment& s, std::size_t n) {
    if (n == *stream) collector.add(s, f.time);
  };
  scan(*again, renumber, on_segment, progress);
  result.run = collector.finish();
  return result;
}

}  // namespace

std::expected<CaptureResult, std::string> read_capture(const std::string& path,
                                                       const Selection& sel, bool list_only,
                                                       const ProgressFn& progress) {
  return read_with([&path] { return Reader::open(path); }, path, sel, list_only, progress);
}

std::expected<CaptureResult, std::string> read_capture_memory(Bytes bytes, const std::string& name,
                                                              const Selection& sel,
                                                              bool list_only) {
  return read_with([bytes] { return Reader::open_memory(bytes); }, name, sel, list_only, {});
}

bool looks_like_capture(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char m[4] = {};
  if (!in.read(reinterpret_cast<char*>(m), 4)) return false;
  const std::uint32_t be = (std::uint32_t{m[0]} << 24) | (m[1] << 16) | (m[2] << 8) | m[3];
  const std::uint32_t le = (std::uint32_t{m[3]} << 24) | (m[2] << 16) | (m[1] << 8) | m[0];
  for (const std::uint32_t v : {be, le}) {
    if (v == 0xa1b2c3d4 || v == 0xa1b23c4d || v == 0x0a0d0d0a) return true;
  }
  return false;
}

}  // namespace synack::capture
