#include "stack/ip_reassembly.hpp"

#include <algorithm>
#include <cstring>

#include "base/checksum.hpp"

namespace synack {

IpReassembler::Pending* IpReassembler::find_or_create(const Ipv4View& f, Instant now) {
  for (auto& p : pending_) {
    if (p.src == f.src() && p.dst == f.dst() && p.protocol == f.protocol() &&
        p.id == f.identification()) {
      return &p;
    }
  }
  if (pending_.size() >= config_.max_datagrams) {
    ++drops_[static_cast<std::size_t>(ReassemblyDrop::kTooManyDatagrams)];
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
  if (bytes_held_ + payload.size() > config_.max_total_bytes) {
    return count(ReassemblyDrop::kTooManyBytes);
  }
  Pending* p = find_or_create(f, now);
  if (p == nullptr) return std::nullopt;
  const auto index = static_cast<std::size_t>(p - pending_.data());
  if (p->pieces.size() >= config_.max_fragments) {
    discard(index, ReassemblyDrop::kTooManyFragments);
    return std::nullopt;
  }
  const bool overlaps = std::any_of(p->pieces.begin(), p->pieces.end(), [&](const Piece& q) {
    return offset < q.offset + q.data.size() && q.offset < end;
  });
  const bool beyond_total = p->total && end > *p->total;
  const bool total_conflict = !f.more_fragments() && p->total && *p->total != end;
  if (overlaps || beyond_total || total_conflict) {
    discard(index, ReassemblyDrop::kOverlap);
    return std::nullopt;
  }
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
