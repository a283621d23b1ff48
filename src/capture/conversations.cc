// SPDX-License-Identifier: Apache-2.0
#include "capture/conversations.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace synack::capture {

std::string Conversation::ending() const {
  if (rst) return "RST";
  if (fin_a && fin_b) return "FIN both ways";
  if (fin_a) return "FIN from A only";
  if (fin_b) return "FIN from B only";
  return "open";
}

std::size_t ConversationTable::observe(const Segment& s, Instant t, std::uint64_t frame) {
  const Key key = s.src < s.dst ? Key{s.src, s.dst} : Key{s.dst, s.src};
  const bool bare_syn = s.tcp.flags.syn() && !s.tcp.flags.ack();
  auto it = current_.find(key);
  if (it != current_.end()) {
    const Conversation& c = conversations_[it->second];
    const bool ended = c.rst || c.fin_a || c.fin_b;
    if (bare_syn && ended && !(c.syn && c.syn_seq == s.tcp.seq)) current_.erase(it);
  }
  auto [pos, fresh] = current_.try_emplace(key, conversations_.size());
  if (fresh) {
    Conversation c;
    c.stream = conversations_.size();
    c.a = s.src;
    c.b = s.dst;
    c.first_frame = frame;
    c.first = t;
    conversations_.push_back(c);
  }
  Conversation& c = conversations_[pos->second];
  if (bare_syn && !c.syn) {
    c.syn = true;
    c.syn_seq = s.tcp.seq;
    if (!c.from_a(s)) std::swap(c.a, c.b);  // the SYN's sender is A
  }
  if (s.tcp.flags.syn() && s.tcp.flags.ack() && !c.from_a(s)) c.syn_ack = true;
  ++c.packets;
  c.bytes += s.tcp.len;
  c.last = std::max(c.last, t);
  if (s.tcp.flags.rst()) c.rst = true;
  if (s.tcp.flags.fin()) (c.from_a(s) ? c.fin_a : c.fin_b) = true;
  return c.stream;
}

std::optional<std::size_t> ConversationTable::default_stream() const {
  if (conversations_.empty()) return std::nullopt;
  for (const auto& c : conversations_) {
    if (c.complete()) return c.stream;
  }
  return 0;
}

namespace {

std::string human_bytes(std::uint64_t n) {
  if (n < 1024) return fmt::format("{} B", n);
  if (n < 1024 * 1024) return fmt::format("{:.1f} KiB", static_cast<double>(n) / 1024);
  if (n < 1024ull * 1024 * 1024) {
    return fmt::format("{:.1f} MiB", static_cast<double>(n) / (1024.0 * 1024));
  }
  return fmt::format("{:.2f} GiB", static_cast<double>(n) / (1024.0 * 1024 * 1024));
}

}  // namespace

std::string format_list(const std::vector<Conversation>& all) {
  std::string out =
      fmt::format("{:>6}  {:<45}  {:>8}  {:>10}  {:>10}  {}\n", "stream",
                  "A → B (A sent the first SYN)", "packets", "bytes", "duration", "ended");
  for (const auto& c : all) {
    const double secs = std::chrono::duration<double>(c.last - c.first).count();
    out += fmt::format("{:>6}  {:<45}  {:>8}  {:>10}  {:>8.3f} s  {}{}\n", c.stream,
                       c.a.to_string() + " → " + c.b.to_string(), c.packets, human_bytes(c.bytes),
                       secs, c.ending(), c.syn ? "" : " (no SYN captured)");
  }
  return out;
}

}  // namespace synack::capture
