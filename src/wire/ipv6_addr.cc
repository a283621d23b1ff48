// SPDX-License-Identifier: Apache-2.0
#include "wire/ipv6_addr.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace synack {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses "g:g:...:g" (possibly empty) into 16-bit groups; the last piece may be
// a dotted quad when `allow_v4` (it counts as two groups). False on any error.
bool parse_groups(std::string_view text, bool allow_v4, std::vector<std::uint16_t>& out) {
  if (text.empty()) return true;
  std::size_t start = 0;
  while (true) {
    const std::size_t colon = text.find(':', start);
    const std::string_view piece = text.substr(
        start, colon == std::string_view::npos ? std::string_view::npos : colon - start);
    const bool last = colon == std::string_view::npos;
    if (last && allow_v4 && piece.find('.') != std::string_view::npos) {
      const auto v4 = Ipv4Addr::parse(piece);
      if (!v4) return false;
      out.push_back(static_cast<std::uint16_t>(v4->value >> 16));
      out.push_back(static_cast<std::uint16_t>(v4->value));
      return true;
    }
    if (piece.empty() || piece.size() > 4) return false;
    unsigned v = 0;
    for (const char c : piece) {
      const int d = hex_digit(c);
      if (d < 0) return false;
      v = v * 16 + static_cast<unsigned>(d);
    }
    out.push_back(static_cast<std::uint16_t>(v));
    if (out.size() > 8) return false;
    if (last) return true;
    start = colon + 1;
  }
}

}  // namespace

Ipv6Addr Ipv6Addr::load(Bytes b, std::size_t at) {
  Ipv6Addr a;
  for (std::size_t i = 0; i < 16; ++i) a.bytes[i] = load_u8(b, at + i);
  return a;
}

void Ipv6Addr::store(MutableBytes out, std::size_t at) const {
  for (std::size_t i = 0; i < 16; ++i) store_u8(out, at + i, bytes[i]);
}

bool Ipv6Addr::is_v4_mapped() const {
  return std::all_of(bytes.begin(), bytes.begin() + 10, [](std::uint8_t b) { return b == 0; }) &&
         bytes[10] == 0xff && bytes[11] == 0xff;
}

std::optional<Ipv4Addr> Ipv6Addr::to_v4_mapped() const {
  if (!is_v4_mapped()) return std::nullopt;
  return Ipv4Addr{(std::uint32_t{group(6)} << 16) | group(7)};
}

std::optional<Ipv6Addr> Ipv6Addr::parse(std::string_view text) {
  std::vector<std::uint16_t> head;
  std::vector<std::uint16_t> tail;
  const std::size_t gap = text.find("::");
  if (gap == std::string_view::npos) {
    if (!parse_groups(text, true, head) || head.size() != 8) return std::nullopt;
  } else {
    const std::string_view left = text.substr(0, gap);
    const std::string_view right = text.substr(gap + 2);
    if (right.find("::") != std::string_view::npos) return std::nullopt;
    if (!parse_groups(left, false, head) || !parse_groups(right, true, tail)) return std::nullopt;
    if (head.size() + tail.size() > 7) return std::nullopt;  // "::" stands for ≥ 1 group
  }
  Ipv6Addr a;
  for (std::size_t i = 0; i < head.size(); ++i) {
    a.bytes[2 * i] = static_cast<std::uint8_t>(head[i] >> 8);
    a.bytes[2 * i + 1] = static_cast<std::uint8_t>(head[i]);
  }
  const std::size_t first_tail = 8 - tail.size();
  for (std::size_t i = 0; i < tail.size(); ++i) {
    a.bytes[2 * (first_tail + i)] = static_cast<std::uint8_t>(tail[i] >> 8);
    a.bytes[2 * (first_tail + i) + 1] = static_cast<std::uint8_t>(tail[i]);
  }
  return a;
}

std::string Ipv6Addr::to_string() const {
  if (const auto v4 = to_v4_mapped()) return "::ffff:" + v4->to_string();
  // RFC 5952 §4.2: the longest run of ≥ 2 zero groups, the first if tied.
  int best = -1;
  int best_len = 1;
  for (int i = 0; i < 8;) {
    if (group(i) != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && group(j) == 0) ++j;
    if (j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    fmt::format_to(std::back_inserter(out), "{:x}", group(i));
  }
  return out;
}

std::optional<IpAddr> parse_ip_addr(std::string_view text) {
  if (text.find(':') != std::string_view::npos) {
    if (auto v6 = Ipv6Addr::parse(text)) return IpAddr{*v6};
    return std::nullopt;
  }
  if (auto v4 = Ipv4Addr::parse(text)) return IpAddr{*v4};
  return std::nullopt;
}

std::string to_string(const IpAddr& addr) {
  return std::visit([](const auto& a) { return a.to_string(); }, addr);
}

std::string to_string(const IpAddr& addr, std::uint16_t port) {
  if (const auto* v6 = std::get_if<Ipv6Addr>(&addr)) {
    return fmt::format("[{}]:{}", v6->to_string(), port);
  }
  return fmt::format("{}:{}", std::get<Ipv4Addr>(addr).to_string(), port);
}

}  // namespace synack
