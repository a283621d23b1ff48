// SPDX-License-Identifier: Apache-2.0
#include "wire/format.hpp"

#include <fmt/format.h>

namespace synack {
namespace {

// Appends the known option `o` and returns true, or false if `o` is of an
// unknown kind or of a length only raw() can build.
bool append_known(std::string& out, const TcpOptionItem& o) {
  const Bytes d = o.data;
  auto it = std::back_inserter(out);
  switch (static_cast<TcpOptionKind>(o.kind)) {
    case TcpOptionKind::kEol:
      out += "eol";
      return true;
    case TcpOptionKind::kNop:
      out += "nop";
      return true;
    case TcpOptionKind::kMss:
      if (d.size() != 2) return false;
      fmt::format_to(it, "mss {}", load_be16(d, 0));
      return true;
    case TcpOptionKind::kWindowScale:
      if (d.size() != 1) return false;
      fmt::format_to(it, "wscale {}", load_u8(d, 0));
      return true;
    case TcpOptionKind::kSackPermitted:
      if (!d.empty()) return false;
      out += "sackOK";
      return true;
    case TcpOptionKind::kTimestamps:
      if (d.size() != 8) return false;
      fmt::format_to(it, "TS val {} ecr {}", load_be32(d, 0), load_be32(d, 4));
      return true;
    case TcpOptionKind::kSack:
      if (d.empty() || d.size() % 8 != 0) return false;
      out += "sack";
      for (std::size_t k = 0; k < d.size(); k += 8) {
        fmt::format_to(it, " {}:{}", load_be32(d, k), load_be32(d, k + 4));
      }
      return true;
  }
  return false;
}

void append_option(std::string& out, const TcpOptionItem& o) {
  if (!out.empty()) out += ',';
  if (append_known(out, o)) return;
  fmt::format_to(std::back_inserter(out), "unknown-{}", o.kind);
  if (o.data.empty()) return;
  out += " 0x";
  for (std::size_t k = 0; k < o.data.size(); ++k) {
    fmt::format_to(std::back_inserter(out), "{:02x}", load_u8(o.data, k));
  }
}

}  // namespace

std::string format_options(const TcpOptions& options) {
  std::string out;
  options.for_each([&out](const TcpOptionItem& o) { append_option(out, o); });
  return out;
}

std::string format_segment(const TcpSegment& seg) {
  std::string out =
      fmt::format("{} {}:{}({})", seg.flags.to_string(), seg.seq.raw(),
                  (seg.seq + static_cast<SeqLen>(seg.payload.size())).raw(), seg.payload.size());
  if (seg.flags.ack()) fmt::format_to(std::back_inserter(out), " ack {}", seg.ack.raw());
  fmt::format_to(std::back_inserter(out), " win {}", seg.window);
  if (seg.flags.urg()) fmt::format_to(std::back_inserter(out), " urg {}", seg.urgent);
  if (!seg.options.empty())
    fmt::format_to(std::back_inserter(out), " <{}>", format_options(seg.options));
  return out;
}

std::string format_packet(Ipv4Addr src, Ipv4Addr dst, const TcpSegment& seg) {
  return fmt::format("{}:{} > {}:{} {}", src.to_string(), seg.src_port, dst.to_string(),
                     seg.dst_port, format_segment(seg));
}

}  // namespace synack
