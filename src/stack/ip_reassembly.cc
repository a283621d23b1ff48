// SPDX-License-Identifier: Apache-2.0
#include "stack/ip_reassembly.hpp"

#include <algorithm>
#include <cstring>

#include "base/checksum.hpp"

namespace synack {

std::string_view to_string(ReassemblyDrop d) {
  switch (d) {
    case ReassemblyDrop::kTooManyDatagrams:
      return "frag-table-full";
    case ReassemblyDrop::kTooManyFragments:
      return "frag-too-many-fragments";
    case ReassemblyDrop::kTooManyBytes:
      return "frag-too-many-bytes";
    case ReassemblyDrop::kOverlap:
      return "frag-overlap";
    case ReassemblyDrop::kDuplicate:
      return "frag-duplicate";
    case ReassemblyDrop::kEvicted:
      return "frag-evicted";
    case ReassemblyDrop::kTooLong:
      return "frag-too-long";
    case ReassemblyDrop::kBadLength:
      return "frag-bad-length";
    case ReassemblyDrop::kTimeout:
      return "frag-timeout";
    case ReassemblyDrop::kCount_:
      break;
  }
  return "unknown";
}

bool IpReassembler::make_room(std::size_t bytes, bool new_datagram, std::size_t* keep) {
  const bool over_high = bytes_held_ + bytes > config_.max_total_bytes ||
                         (new_datagram && pending_.size() >= config_.max_datagrams);
  if (!over_high) return true;
  const std::size_t low_bytes = config_.max_total_bytes * config_.evict_to_percent / 100;
  const std::size_t low_count = config_.max_datagrams * config_.evict_to_percent / 100;
  const auto fits = [&](std::size_t byte_goal, std::size_t count_goal) {
    return bytes_held_ + bytes <= byte_goal &&
           (!new_datagram || pending_.size() + 1 <= std::max<std::size_t>(count_goal, 1));
  };
  while (!fits(low_bytes, low_count)) {
    // The oldest datagram other than `keep` (a linear scan: the table is small).
    std::size_t oldest = pending_.size();
    for (std::size_t i = 0; i < pending_.size(); ++i) {
      if (keep != nullptr && i == *keep) continue;
      if (oldest == pending_.size() || pending_[i].first_seen < pending_[oldest].first_seen) {
        oldest = i;
      }
    }
    if (oldest == pending_.size()) break;  // nothing left to evict
    if (keep != nullptr && oldest < *keep) --*keep;
    discard(oldest, ReassemblyDrop::kEvicted);
  }
  return fits(config_.max_total_bytes, config_.max_datagrams) &&
         (!new_datagram || pending_.size() < config_.max_datagrams);
}

IpReassembler::Pending* IpReassembler::find_or_create(const Ipv4View& f, std::size_t bytes,
                                                      Instant now) {
  for (auto& p : pending_) {
    if (p.src == f.src() && p.dst == f.dst() && p.protocol == f.protocol() &&
        p.id == f.identification()) {
      return &p;
    }
  }
  if (!make_room(bytes, true, nullptr)) {
    ++drops_[static_cast<std::size_t>(bytes_held_ + bytes > config_.max_total_bytes
                                          ? ReassemblyDrop::kTooManyBytes
                                          : ReassemblyDrop::kTooManyDatagrams)];
    return nullptr;
  }
  pending_.push_back(
      Pending{f.src(), f.dst(), f.protocol(), f.identification(), now, {}, {}, {}, 0});
  return &pending_.back();
}

void IpReassembler::discard(std::size_t index, ReassemblyDrop why) {
  ++drops_[static_cast<std::size_t>(why)];
  bytes_held_ -= pending_[index].bytes;
  pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(index));
}

std::optional<std::vector<std::byte>> IpReassembler::add(const Ipv4View& f, Instant now) {
  expire(now);
  const Bytes payload = f.payload();
  const std::uint32_t offset = f.fragment_offset();
  const std::uint32_t end = offset + static_cast<std::uint32_t>(payload.size());
  const auto count = [&](ReassemblyDrop why) {
    ++drops_[static_cast<std::size_t>(why)];
    return std::nullopt;
  };
  if (end + f.header_len() > 0xffff) return count(ReassemblyDrop::kTooLong);
  if (f.more_fragments() && payload.size() % 8 != 0) return count(ReassemblyDrop::kBadLength);
  Pending* p = find_or_create(f, payload.size(), now);
  if (p == nullptr) return std::nullopt;
  auto index = static_cast<std::size_t>(p - pending_.data());
  const auto duplicate = std::any_of(p->pieces.begin(), p->pieces.end(), [&](const Piece& q) {
    return q.offset <= offset && end <= q.offset + q.data.size();
  });
  const bool total_conflict =
      p->total && (end > *p->total || (!f.more_fragments() && *p->total != end));
  const bool sets_total = !f.more_fragments() && !p->total;
  if (duplicate && !total_conflict && !sets_total) return count(ReassemblyDrop::kDuplicate);
  const bool overlaps = std::any_of(p->pieces.begin(), p->pieces.end(), [&](const Piece& q) {
    return offset < q.offset + q.data.size() && q.offset < end;
  });
  if (overlaps || total_conflict) {
    discard(index, ReassemblyDrop::kOverlap);
    return std::nullopt;
  }
  if (p->pieces.size() >= config_.max_fragments) {
    discard(index, ReassemblyDrop::kTooManyFragments);
    return std::nullopt;
  }
  if (!make_room(payload.size(), false, &index)) {
    discard(index, ReassemblyDrop::kTooManyBytes);  // this datagram alone is too big
    return std::nullopt;
  }
  p = &pending_[index];
  if (!f.more_fragments()) p->total = end;
  if (offset == 0) p->header.assign(f.header().begin(), f.header().end());
  p->pieces.push_back(Piece{offset, std::vector<std::byte>(payload.begin(), payload.end())});
  p->bytes += payload.size();
  bytes_held_ += payload.size();
  return try_complete(index);
}

std::optional<std::vector<std::byte>> IpReassembler::try_complete(std::size_t index) {
  Pending& p = pending_[index];
  if (!p.total || p.header.empty()) return std::nullopt;
  std::sort(p.pieces.begin(), p.pieces.end(),
            [](const Piece& a, const Piece& b) { return a.offset < b.offset; });
  std::uint32_t reach = 0;
  for (const auto& piece : p.pieces) {
    if (piece.offset != reach) return std::nullopt;  // a hole remains
    reach += static_cast<std::uint32_t>(piece.data.size());
  }
  if (reach != *p.total) return std::nullopt;
  std::vector<std::byte> out(p.header.size() + reach);
  std::memcpy(out.data(), p.header.data(), p.header.size());
  for (const auto& piece : p.pieces) {
    std::memcpy(out.data() + p.header.size() + piece.offset, piece.data.data(), piece.data.size());
  }
  MutableBytes hdr(out.data(), p.header.size());
  store_be16(hdr, 2, static_cast<std::uint16_t>(out.size()));
  store_be16(hdr, 6, static_cast<std::uint16_t>(load_be16(hdr, 6) & 0x4000));  // keep DF only
  store_be16(hdr, 10, 0);
  store_be16(hdr, 10, internet_checksum(hdr));
  bytes_held_ -= p.bytes;
  pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(index));
  return out;
}

void IpReassembler::expire(Instant now) {
  for (std::size_t i = pending_.size(); i-- > 0;) {
    if (now - pending_[i].first_seen >= config_.timeout) discard(i, ReassemblyDrop::kTimeout);
  }
}

Instant IpReassembler::next_deadline() const {
  Instant next = kNever;
  for (const auto& p : pending_) next = std::min(next, p.first_seen + config_.timeout);
  return next;
}

}  // namespace synack
