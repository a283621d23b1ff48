// SPDX-License-Identifier: Apache-2.0
#include "tcp/reassembly.hpp"

#include <algorithm>

namespace synack::tcp {

Reassembler::Reassembler(ReassemblyConfig config) : config_(config) {
  config_.max_intervals = std::clamp<std::size_t>(config_.max_intervals, 1, 1024);
}

void Reassembler::clear() {
  intervals_.clear();
  held_ = 0;
}

bool Reassembler::opens_new_interval(ByteRange r) const {
  return std::none_of(intervals_.begin(), intervals_.end(), [&](ByteRange iv) {
    return iv.begin <= r.end && r.begin <= iv.end;  // overlapping or adjacent
  });
}

std::size_t Reassembler::write_gaps(ByteRange r, std::uint64_t offset, Bytes data, ByteRing& ring,
                                    ByteRange& dup) {
  std::size_t written = 0;
  const auto write = [&](std::uint64_t from, std::uint64_t to) {
    if (from >= to) return;
    const auto skip = static_cast<std::size_t>(from - offset);
    written += ring.write_at(from, data.subspan(skip, static_cast<std::size_t>(to - from)));
  };
  std::uint64_t p = r.begin;
  for (const ByteRange iv : intervals_) {
    if (iv.end <= p) continue;
    if (iv.begin >= r.end) break;
    write(p, iv.begin);
    const ByteRange covered{std::max(p, iv.begin), std::min(iv.end, r.end)};
    if (dup.empty()) dup = covered;
    p = iv.end;
    if (p >= r.end) break;
  }
  write(p, r.end);
  return written;
}

void Reassembler::add_interval(ByteRange r) {
  if (intervals_.capacity() == 0) intervals_.reserve(config_.max_intervals + 1);
  // First interval that touches or follows r, and one past the last touching r.
  auto first = std::find_if(intervals_.begin(), intervals_.end(),
                            [&](ByteRange iv) { return iv.end >= r.begin; });
  auto last = first;
  ByteRange merged = r;
  while (last != intervals_.end() && last->begin <= r.end) {
    merged.begin = std::min(merged.begin, last->begin);
    merged.end = std::max(merged.end, last->end);
    held_ -= last->size();
    ++last;
  }
  held_ += merged.size();
  if (first == last) {
    intervals_.insert(first, merged);
  } else {
    *first = merged;
    intervals_.erase(first + 1, last);
  }
}

InsertResult Reassembler::insert(std::uint64_t offset, Bytes data, std::uint64_t window_end,
                                 ByteRing& ring) {
  const std::uint64_t rcv_nxt = ring.tail();
  InsertResult res;
  res.rcv_nxt = rcv_nxt;
  const ByteRange seg{offset, offset + data.size()};
  if (seg.empty()) return res;

  // Already delivered: a duplicate (RFC 2883 §4 reports it as D-SACK).
  if (seg.begin < rcv_nxt) {
    res.duplicate = {seg.begin, std::min(seg.end, rcv_nxt)};
    counters_.duplicate_bytes += res.duplicate.size();
  }
  // Outside the window or past the buffer: dropped (RFC 9293 §3.10.7.4 first).
  const std::uint64_t win_end = std::max(window_end, rcv_nxt);
  const std::uint64_t buf_end = std::min(win_end, ring.limit());
  const ByteRange r{std::max(seg.begin, rcv_nxt), std::min(seg.end, buf_end)};
  if (seg.end > win_end) counters_.beyond_window_bytes += seg.end - std::max(seg.begin, win_end);
  if (seg.end > buf_end && buf_end < win_end) {
    counters_.no_buffer_bytes += std::min(seg.end, win_end) - std::max(seg.begin, buf_end);
  }
  if (r.empty()) return res;

  // In-order fast path: nothing held, the segment starts at rcv.nxt.
  if (intervals_.empty() && r.begin == rcv_nxt) {
    res.stored = ring.write_at(r.begin, data.subspan(static_cast<std::size_t>(r.begin - offset),
                                                     static_cast<std::size_t>(r.size())));
    res.rcv_nxt = ring.extend_tail(r.end);
    res.delivered = static_cast<std::size_t>(res.rcv_nxt - rcv_nxt);
    return res;
  }
  if (r.begin > rcv_nxt && intervals_.size() >= config_.max_intervals && opens_new_interval(r)) {
    counters_.interval_limit_bytes += r.size();
    ++counters_.interval_limit_segments;
    res.dropped_interval_limit = true;
    return res;
  }

  ByteRange dup = res.duplicate;
  res.stored = write_gaps(r, offset, data, ring, dup);
  if (res.duplicate.empty()) res.duplicate = dup;
  counters_.duplicate_bytes += r.size() - res.stored;
  add_interval(r);

  if (intervals_.front().begin == rcv_nxt) {
    const ByteRange now_in_order = intervals_.front();
    held_ -= now_in_order.size();
    intervals_.erase(intervals_.begin());
    res.rcv_nxt = ring.extend_tail(now_in_order.end);
    res.delivered = static_cast<std::size_t>(res.rcv_nxt - rcv_nxt);
  } else {
    ++counters_.out_of_order_segments;
    res.segment = r;
  }
  return res;
}

}  // namespace synack::tcp
