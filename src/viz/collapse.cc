// SPDX-License-Identifier: Apache-2.0
#include "viz/collapse.hpp"

#include <fmt/format.h>

#include <string>
#include <utility>

namespace synack::viz {
namespace {

std::string with_commas(std::uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string decimal_bytes(std::uint64_t n) {
  if (n < 1000) return fmt::format("{} B", n);
  if (n < 1000 * 1000) return fmt::format("{:.1f} kB", static_cast<double>(n) / 1e3);
  if (n < 1000ull * 1000 * 1000) return fmt::format("{:.1f} MB", static_cast<double>(n) / 1e6);
  return fmt::format("{:.2f} GB", static_cast<double>(n) / 1e9);
}

bool pinned(const Event& e) {
  if (const auto* p = std::get_if<PacketEvent>(&e)) {
    return p->tcp.flags.syn() || p->tcp.flags.fin() || p->tcp.flags.rst();
  }
  return true;  // state changes and notes
}

}  // namespace

bool EventCollapser::retransmission(const PacketEvent& p) {
  if (p.from > 1 || p.fate == Fate::kDuplicated) return false;
  const std::size_t d = p.from;
  const SeqNum seq(p.tcp.seq);
  const SeqNum end = seq + p.tcp.seg_len();
  const bool retx = sent_any_[d] && p.tcp.len > 0 && seq_lt(seq, max_end_[d]);
  if (!sent_any_[d] || seq_lt(max_end_[d], end)) max_end_[d] = end;
  sent_any_[d] = true;
  return retx;
}

void EventCollapser::add(Event e) {
  bool retx = false;
  if (const auto* p = std::get_if<PacketEvent>(&e)) retx = retransmission(*p);
  if (opt_.expand || direct_ > 0) {
    if (direct_ > 0) --direct_;
    out_.push_back(std::move(e));
    return;
  }
  const bool is_state = std::holds_alternative<StateEvent>(e);
  if (pinned(e) && (pinned_ < opt_.max_pinned || is_state)) {
    ++pinned_;
    flush_ring();
    out_.push_back(std::move(e));
    direct_ = opt_.context;
    return;
  }
  ring_.push_back(std::move(e));
  ring_retx_.push_back(retx);
  if (ring_.size() > opt_.context) {
    if (ring_retx_.front()) ++summary_.retransmissions;
    collapse(std::move(ring_.front()));
    ring_.pop_front();
    ring_retx_.pop_front();
  }
}

void EventCollapser::collapse(Event e) {
  const Instant t = event_time(e);
  if (summary_.segments + summary_.notes == 0) summary_.first = t;
  summary_.last = t;
  if (const auto* p = std::get_if<PacketEvent>(&e)) {
    ++summary_.segments;
    ++collapsed_;
    if (p->tcp.len > 0) ++summary_.with_data;
    summary_.bytes += p->tcp.len;
  } else {
    ++summary_.notes;
  }
}

void EventCollapser::append_summary(const Summary& s, std::vector<Event>& out) {
  if (s.segments + s.notes == 0) return;
  const double secs = std::chrono::duration<double>(s.last - s.first).count();
  std::string text =
      fmt::format("… {} segments ({} with data, {}) in {:.3f} s, {} retransmission{}",
                  with_commas(s.segments), with_commas(s.with_data), decimal_bytes(s.bytes), secs,
                  with_commas(s.retransmissions), s.retransmissions == 1 ? "" : "s");
  if (s.notes > 0) text += fmt::format(", {} more notes", with_commas(s.notes));
  out.emplace_back(NoteEvent{s.first, std::nullopt, text + " …"});
}

void EventCollapser::flush_ring() {
  append_summary(summary_, out_);
  summary_ = {};
  for (auto& e : ring_) out_.push_back(std::move(e));
  ring_.clear();
  ring_retx_.clear();
}

std::vector<Event> EventCollapser::finish() {
  flush_ring();
  return std::move(out_);
}

std::vector<Event> EventCollapser::snapshot() const {
  std::vector<Event> out = out_;
  append_summary(summary_, out);
  out.insert(out.end(), ring_.begin(), ring_.end());
  return out;
}

}  // namespace synack::viz
