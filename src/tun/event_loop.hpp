// SPDX-License-Identifier: Apache-2.0
// The real-time driver of the TUN backend: epoll over the device (and any other
// fds), one timerfd armed to the earliest deadline of the registered timer
// sources, an optional signalfd for SIGINT/SIGTERM, and an optional periodic
// tick (the CLI's live status line).
//
// Each wake-up: read the clock once (CLOCK_MONOTONIC → Instant), dispatch the
// ready fds (device packets in batches), run every timer source whose deadline
// has come, call the after-dispatch hook (drain the stack's output into the
// device), re-arm the timerfd. Nothing polls: with no packets and no deadline
// the loop sleeps in epoll_wait.
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <vector>

#include "base/bytes.hpp"
#include "base/time.hpp"
#include "tun/device.hpp"
#include "tun/error.hpp"

namespace synack {

/// Options of an EventLoop.
struct EventLoopOptions {
  /// Block SIGINT and SIGTERM in the calling thread and receive them through a
  /// signalfd: either stops the loop cleanly (last_signal() says which). Leave
  /// off in libraries and tests; tools turn it on. Process-wide effects: the
  /// signals must not be unblocked elsewhere (other threads should block them).
  bool catch_signals = false;
};

/// Why run()/run_until() returned.
enum class RunResult : std::uint8_t {
  kDone,      ///< run_until's predicate became true
  kTimedOut,  ///< run_until's max duration passed first
  kStopped,   ///< stop() was called or a caught signal arrived
  kError,     ///< epoll_wait failed (other than EINTR), or a device hung up
              ///< (last_error() == ENODEV; it is no longer watched)
};

/// Single-threaded reactor. Registered devices must outlive the loop (or be
/// removed first with remove_fd(device.fd())). Handlers may add/remove fds and timers and call
/// stop().
class EventLoop {
 public:
  /// A packet read from a device, valid during the call; `now` is the wake-up time.
  using PacketHandler = std::function<void(Bytes packet, Instant now)>;
  /// An fd became ready: `events` is the epoll mask (EPOLLIN, EPOLLOUT, EPOLLHUP...).
  using FdHandler = std::function<void(std::uint32_t events, Instant now)>;
  /// A deadline came, or a tick, or a wake-up finished.
  using TimeHandler = std::function<void(Instant now)>;
  /// The source's next deadline (kNever: none). Queried after every wake-up.
  using DeadlineQuery = std::function<Instant()>;
  /// Identifies a timer source for remove_timer().
  using TimerId = std::uint32_t;

  /// Creates the epoll fd, the timerfd (CLOCK_MONOTONIC) and, if asked, the
  /// signalfd. Errors: "cannot create epoll/timerfd/signalfd: ..." (EMFILE ...).
  static std::expected<EventLoop, TunError> create(EventLoopOptions options = {});

  EventLoop(EventLoop&& other) noexcept;
  EventLoop& operator=(EventLoop&&) = delete;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;
  ~EventLoop();

  /// Watches `device`: when readable, reads up to its read_batch packets and
  /// calls on_packet for each; when writable and its queue is non-empty,
  /// flushes it. Errors: epoll_ctl failures (e.g. EEXIST: already watched).
  std::expected<void, TunError> add_device(TunDevice& device, PacketHandler on_packet);

  /// Watches any fd (stdin, a pidfd, a socket) for `events` (EPOLLIN ...,
  /// level-triggered). The loop does not own the fd.
  std::expected<void, TunError> add_fd(int fd, std::uint32_t events, FdHandler handler);

  /// Stops watching `fd` (a device's fd, or one given to add_fd). Safe inside
  /// handlers. Unknown fds are ignored.
  void remove_fd(int fd);

  /// Adds a timer source, e.g. the stack: `next_deadline` = stack.next_deadline,
  /// `on_expire` = stack.on_timer. on_expire(now) runs once per wake-up while
  /// next_deadline() <= now; it must move the deadline forward.
  TimerId add_timer(DeadlineQuery next_deadline, TimeHandler on_expire);
  /// Removes a timer source (safe inside handlers).
  void remove_timer(TimerId id);

  /// Calls on_tick(now) every `period` (default 1 s) from the first wake-up
  /// after set_tick. Replaces an earlier tick; {} turns it off.
  void set_tick(TimeHandler on_tick, Duration period = seconds(1));

  /// Called at the end of every wake-up, after fds and timers were handled and
  /// before the timerfd is re-armed: the place to drain the stack's transmit
  /// queue into the device (poll_transmit(now) → device.send()).
  void set_after_dispatch(TimeHandler hook) { after_dispatch_ = std::move(hook); }

  /// Makes run()/run_until() return kStopped at the end of this wake-up.
  /// Sticky until clear_stop().
  void stop() { stop_requested_ = true; }
  void clear_stop() { stop_requested_ = false; }
  [[nodiscard]] bool stop_requested() const { return stop_requested_; }
  /// SIGINT or SIGTERM if one stopped the loop, else 0.
  [[nodiscard]] int last_signal() const { return last_signal_; }
  /// The errno of the failure behind RunResult::kError.
  [[nodiscard]] int last_error() const { return last_error_; }

  /// Runs until stop() or a caught signal (kStopped) or an error.
  RunResult run();
  /// Runs until `done()` is true (checked before the first wake-up and after
  /// each), stop(), or `max` of real time passed. Bounded: for tests and tools.
  RunResult run_until(const std::function<bool()>& done, Duration max);
  /// One wake-up: waits at most `max_wait` (≥ 0) for an fd or the timerfd,
  /// then dispatches. Returns false on an epoll_wait error.
  bool run_once(Duration max_wait);

  /// Now, on CLOCK_MONOTONIC.
  [[nodiscard]] static Instant now();

  /// The epoll fd behind the loop, for nesting it in another event loop: it is
  /// readable (EPOLLIN) whenever a watched fd is ready or the timerfd (armed
  /// to the earliest deadline at the end of each wake-up) has fired; then call
  /// run_once(0). Owned by the loop.
  [[nodiscard]] int epoll_fd() const { return epoll_fd_; }

  /// Wake-ups so far (epoll_wait returns), for tests and the status line.
  [[nodiscard]] std::uint64_t wakeups() const { return wakeups_; }

 private:
  struct Watch {
    int fd = -1;  // -1: removed, erased after dispatch
    TunDevice* device = nullptr;
    PacketHandler on_packet;
    FdHandler handler;
    std::uint32_t events = 0;  // current epoll interest
  };
  struct Timer {
    TimerId id = 0;
    bool removed = false;
    DeadlineQuery next_deadline;
    TimeHandler on_expire;
  };

  EventLoop(int epoll_fd, int timer_fd, int signal_fd, bool signals_blocked);
  std::expected<void, TunError> watch(std::unique_ptr<Watch> w);
  void dispatch_fd(int fd, std::uint32_t events, Instant now);
  void run_timers(Instant now);
  void update_device_interest();
  void arm_timer();
  void compact();
  Instant earliest_deadline() const;

  int epoll_fd_ = -1;
  int timer_fd_ = -1;
  int signal_fd_ = -1;
  bool signals_blocked_ = false;
  std::vector<std::unique_ptr<Watch>> watches_;
  std::vector<std::unique_ptr<Timer>> timers_;
  TimerId next_timer_id_ = 1;
  TimeHandler on_tick_;
  Duration tick_period_{seconds(1)};
  Instant next_tick_ = kNever;
  TimeHandler after_dispatch_;
  Instant armed_ = kNever;  // what the timerfd is set to
  bool stop_requested_ = false;
  int last_signal_ = 0;
  int last_error_ = 0;
  bool device_lost_ = false;  // a device reported HUP/ERR with nothing to read
  std::uint64_t wakeups_ = 0;
};

}  // namespace synack
