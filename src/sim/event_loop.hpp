// SPDX-License-Identifier: Apache-2.0
// The simulator's deterministic discrete-event core: a virtual clock (ns
// resolution) and a queue of callbacks ordered by (time, insertion order).
//
// Nothing here reads a real clock or sleeps: run_until() jumps from event to
// event, so simulated minutes pass in milliseconds. Two events due at the same
// Instant run in the order they were scheduled, so a run is a pure function of
// its inputs (and its seeds).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "base/time.hpp"

namespace synack::sim {

/// Identifies a scheduled event (for cancel()). Ids are never reused.
using EventId = std::uint64_t;

/// Why run_until_idle() returned.
enum class RunResult : std::uint8_t {
  kIdle,        ///< the queue is empty
  kTimeLimit,   ///< the next event is after the time limit
  kEventLimit,  ///< max_events callbacks ran (a livelock guard)
};

class EventLoop {
 public:
  using Callback = std::move_only_function<void()>;

  /// `start`: the initial virtual time (default: the epoch, Instant{}).
  explicit EventLoop(Instant start = Instant{}) : now_(start) {}
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  /// The current virtual time: the due time of the running event, or the
  /// limit the last run_until() reached.
  [[nodiscard]] Instant now() const { return now_; }

  /// Runs `cb` at `at` (an `at` in the past runs at now(), after every event
  /// already due then). Returns an id for cancel().
  EventId schedule(Instant at, Callback cb);
  /// schedule(now() + delay, cb); negative delays count as zero.
  EventId schedule_after(Duration delay, Callback cb) {
    return schedule(now_ + (delay < Duration{} ? Duration{} : delay), std::move(cb));
  }
  /// Cancels a pending event; false if it already ran, was cancelled or never existed.
  bool cancel(EventId id);

  /// Runs every event due at or before `limit`, then sets now() = limit
  /// (if limit is later). Returns the number of callbacks run.
  std::size_t run_until(Instant limit);
  /// run_until(now() + d).
  std::size_t run_for(Duration d) { return run_until(now_ + d); }
  /// Runs events until none is left, the next is after `limit`, or
  /// `max_events` callbacks ran. now() stays at the last event run.
  RunResult run_until_idle(Instant limit = kNever, std::size_t max_events = 100'000'000);
  /// Runs the single next event (if any); false when the queue is empty.
  bool step();

  /// Due time of the next pending event, kNever if none.
  [[nodiscard]] Instant next_event_time();
  /// Pending (not cancelled) events.
  [[nodiscard]] std::size_t pending() const { return pending_; }
  /// Callbacks run since construction.
  [[nodiscard]] std::uint64_t events_run() const { return events_run_; }

 private:
  // Callbacks live in a slab (reused slots, no allocation per event once it
  // has grown); the heap orders small (time, seq) keys pointing into it.
  // An EventId is (generation << 32 | slot), so a stale id never cancels the
  // slot's next occupant.
  struct Slot {
    Callback cb;
    std::uint32_t generation = 0;
    bool armed = false;
  };
  struct Key {
    Instant at;
    std::uint64_t seq;  // insertion order: ties run first-scheduled first
    std::uint32_t slot;
    std::uint32_t generation;
  };
  struct Later {
    bool operator()(const Key& a, const Key& b) const {
      return a.at != b.at ? a.at > b.at : a.seq > b.seq;
    }
  };
  void drop_dead_top();
  void release(std::uint32_t slot);

  Instant now_;
  std::uint64_t next_seq_ = 0;
  std::uint64_t events_run_ = 0;
  std::size_t pending_ = 0;
  std::priority_queue<Key, std::vector<Key>, Later> queue_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
};

}  // namespace synack::sim
