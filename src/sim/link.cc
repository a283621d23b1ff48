// SPDX-License-Identifier: Apache-2.0
#include "sim/link.hpp"

#include <algorithm>
#include <utility>

namespace synack::sim {
namespace {

ImpairmentConfig effective(const LinkConfig& c) {
  ImpairmentConfig i = c.impairment;
  i.jitter += c.jitter;
  return i;
}

DropReason reason_of(ImpairmentDrop d) {
  return d == ImpairmentDrop::kRandomLoss ? DropReason::kRandomLoss : DropReason::kBurstLoss;
}

}  // namespace

Link::Link(EventLoop& loop, const LinkConfig& config, std::uint64_t seed, Ends ends, Hooks hooks)
    : loop_(loop),
      config_(config),
      ends_(ends),
      hooks_(std::move(hooks)),
      impairment_(effective(config), seed) {}

void Link::set_impairment(const ImpairmentConfig& c) {
  config_.impairment = c;
  impairment_.set_config(effective(config_));
}

Duration Link::serialization_delay(std::size_t bytes) const {
  if (config_.bandwidth_bps == 0) return Duration{};
  const std::uint64_t bits_ns = static_cast<std::uint64_t>(bytes) * 8u * 1'000'000'000u;
  return Duration{
      static_cast<std::int64_t>((bits_ns + config_.bandwidth_bps - 1) / config_.bandwidth_bps)};
}

std::size_t Link::backlog(Instant now) {
  while (!queue_.empty() && queue_.front().first <= now) {
    queue_bytes_ -= queue_.front().second;
    queue_.pop_front();
  }
  return queue_bytes_;
}

Instant Link::enqueue(std::size_t size) {
  const Instant now = loop_.now();
  const Instant tx_end = std::max(now, busy_until_) + serialization_delay(size);
  busy_until_ = tx_end;
  if (config_.bandwidth_bps != 0) {
    queue_.emplace_back(tx_end, size);
    queue_bytes_ += size;
    counters_.max_queue_bytes = std::max(counters_.max_queue_bytes, queue_bytes_);
  }
  return tx_end;
}

void Link::report(PacketEvent e) const {
  if (!hooks_.event) return;
  e.from = ends_.from;
  e.to = ends_.to;
  e.link = ends_.id;
  hooks_.event(e);
}

void Link::drop(Bytes packet, std::uint64_t packet_id, DropReason reason) {
  // Every reason a link can produce has its counter (no default: -Wswitch).
  switch (reason) {
    case DropReason::kLinkDown:
      ++counters_.dropped_down;
      break;
    case DropReason::kMtu:
      ++counters_.dropped_mtu;
      break;
    case DropReason::kScripted:
      ++counters_.dropped_scripted;
      break;
    case DropReason::kQueueOverflow:
      ++counters_.dropped_queue;
      break;
    case DropReason::kRandomLoss:
      ++counters_.dropped_random;
      break;
    case DropReason::kBurstLoss:
      ++counters_.dropped_burst;
      break;
    case DropReason::kNone:
    case DropReason::kNoRoute:
    case DropReason::kMalformed:
      break;  // not link drops
  }
  const Instant now = loop_.now();
  report({.kind = PacketEventKind::kDropped,
          .time = now,
          .sent_at = now,
          .packet_id = packet_id,
          .reason = reason,
          .bytes = packet});
}

std::uint32_t Link::take_slot(Bytes packet, std::uint64_t packet_id, std::uint8_t copy) {
  std::uint32_t i = 0;
  if (free_slots_.empty()) {
    i = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    i = free_slots_.back();
    free_slots_.pop_back();
  }
  Slot& s = slots_[i];
  if (s.bytes.capacity() == 0 && !spare_.empty()) {
    s.bytes = std::move(spare_.back());
    spare_.pop_back();
  }
  s.bytes.assign(packet.begin(), packet.end());
  s.packet_id = packet_id;
  s.sent_at = loop_.now();
  s.copy = copy;
  return i;
}

void Link::schedule_delivery(std::uint32_t slot, Instant arrival) {
  loop_.schedule(arrival, [this, slot] { deliver(slot); });
}

void Link::deliver(std::uint32_t slot) {
  // Move the bytes out first: the receiver may transmit again, which can grow
  // slots_ and invalidate references into it.
  std::vector<std::byte> bytes = std::move(slots_[slot].bytes);
  const Slot meta{{}, slots_[slot].packet_id, slots_[slot].sent_at, slots_[slot].copy};
  free_slots_.push_back(slot);
  const Instant now = loop_.now();
  ++counters_.delivered;
  counters_.delivered_bytes += bytes.size();
  report({.kind = PacketEventKind::kDelivered,
          .time = now,
          .sent_at = meta.sent_at,
          .arrival = now,
          .packet_id = meta.packet_id,
          .copy = meta.copy,
          .bytes = bytes});
  if (hooks_.deliver) hooks_.deliver(bytes, now);
  spare_.push_back(std::move(bytes));  // keep the capacity for the next packet
}

void Link::transmit(Bytes packet, std::uint64_t packet_id) {
  const Instant now = loop_.now();
  ++counters_.offered;
  counters_.offered_bytes += packet.size();
  report({.kind = PacketEventKind::kSent,
          .time = now,
          .sent_at = now,
          .packet_id = packet_id,
          .bytes = packet});
  if (!up_) return drop(packet, packet_id, DropReason::kLinkDown);
  if (packet.size() > config_.mtu) return drop(packet, packet_id, DropReason::kMtu);
  const FaultOutcome fault = faults_.apply(packet);
  if (fault.drop) return drop(packet, packet_id, DropReason::kScripted);
  hold_copies(packet, packet_id, fault.redeliver);
  if (config_.bandwidth_bps != 0 && backlog(now) + packet.size() > config_.queue_limit) {
    return drop(packet, packet_id, DropReason::kQueueOverflow);
  }
  const Instant tx_end = enqueue(packet.size());
  const PacketFate fate = impairment_.decide(packet.size());
  if (fate.dropped()) return drop(packet, packet_id, reason_of(fate.drop));
  for (std::uint8_t c = 0; c < fate.copies; ++c) {
    send_copy(packet, packet_id, c, fate.copy[c], tx_end, fault.delay);
  }
}

void Link::hold_copies(Bytes packet, std::uint64_t packet_id, std::span<const Instant> times) {
  const Instant now = loop_.now();
  for (std::size_t k = 0; k < times.size(); ++k) {
    ++counters_.held;
    const auto copy = static_cast<std::uint8_t>(2 + k);
    const std::uint32_t slot = take_slot(packet, packet_id, copy);
    const Instant when = std::max(times[k], now);
    report({.kind = PacketEventKind::kHeld,
            .time = now,
            .sent_at = now,
            .arrival = when,
            .packet_id = packet_id,
            .copy = copy,
            .bytes = packet});
    schedule_delivery(slot, when);
  }
}

void Link::send_copy(Bytes packet, std::uint64_t packet_id, std::uint8_t c, const CopyFate& cf,
                     Instant tx_end, Duration scripted_delay) {
  const Instant now = loop_.now();
  const std::uint32_t slot = take_slot(packet, packet_id, c);
  Instant arrival = tx_end + config_.delay + cf.extra_delay + scripted_delay;
  if (!cf.reordered && scripted_delay == Duration{}) {
    arrival = std::max(arrival, last_fifo_arrival_);  // jitter keeps FIFO order
    last_fifo_arrival_ = arrival;
  }
  counters_.reordered += cf.reordered;
  const PacketEvent base{.time = now,
                         .sent_at = now,
                         .arrival = arrival,
                         .packet_id = packet_id,
                         .copy = c,
                         .bytes = packet};
  if (c == 1) {
    ++counters_.duplicated;
    PacketEvent e = base;
    e.kind = PacketEventKind::kDuplicated;
    report(e);
  }
  if (scripted_delay != Duration{} && c == 0) {
    ++counters_.delayed_scripted;
    PacketEvent e = base;
    e.kind = PacketEventKind::kDelayed;
    e.extra_delay = scripted_delay;
    report(e);
  }
  if (cf.corruption.active()) {
    ++counters_.corrupted;
    cf.corruption.apply(slots_[slot].bytes);
    PacketEvent e = base;
    e.kind = PacketEventKind::kCorrupted;
    e.corrupt_offset = cf.corruption.offset;
    e.corrupt_mask = cf.corruption.xor_mask;
    e.bytes = slots_[slot].bytes;
    report(e);
  }
  schedule_delivery(slot, arrival);
}

}  // namespace synack::sim
