// SPDX-License-Identifier: Apache-2.0
#include "tun/event_loop.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <utility>

#include "tun/clock.hpp"

namespace synack {
namespace {

constexpr int kMaxEvents = 64;

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

void close_if_open(int fd) {
  if (fd >= 0) ::close(fd);
}

// epoll_wait's timeout in ms for a wait of `d`, rounded up so that a deadline
// 0.3 ms away does not turn into a busy loop of 0 ms waits.
int timeout_ms(Duration d) {
  if (d <= Duration::zero()) return 0;
  const auto ms = std::chrono::ceil<milliseconds>(d).count();
  return static_cast<int>(std::min<std::int64_t>(ms, 60'000));
}

}  // namespace

std::expected<EventLoop, TunError> EventLoop::create(EventLoopOptions options) {
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) return std::unexpected(make_tun_error("create epoll instance", errno));
  const int tfd = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (tfd < 0) {
    const int err = errno;
    ::close(ep);
    return std::unexpected(make_tun_error("create timerfd", err));
  }
  int sfd = -1;
  if (options.catch_signals) {
    const sigset_t set = stop_signals();
    ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
    sfd = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sfd < 0) {
      const int err = errno;
      ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
      ::close(tfd);
      ::close(ep);
      return std::unexpected(make_tun_error("create signalfd", err));
    }
  }
  for (const int fd : {tfd, sfd}) {
    if (fd < 0) continue;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
      const int err = errno;
      close_if_open(sfd);
      ::close(tfd);
      ::close(ep);
      return std::unexpected(make_tun_error("watch timerfd/signalfd", err));
    }
  }
  return EventLoop(ep, tfd, sfd, options.catch_signals);
}

EventLoop::EventLoop(int epoll_fd, int timer_fd, int signal_fd, bool signals_blocked)
    : epoll_fd_(epoll_fd),
      timer_fd_(timer_fd),
      signal_fd_(signal_fd),
      signals_blocked_(signals_blocked) {}

EventLoop::EventLoop(EventLoop&& other) noexcept
    : epoll_fd_(std::exchange(other.epoll_fd_, -1)),
      timer_fd_(std::exchange(other.timer_fd_, -1)),
      signal_fd_(std::exchange(other.signal_fd_, -1)),
      signals_blocked_(std::exchange(other.signals_blocked_, false)),
      watches_(std::move(other.watches_)),
      timers_(std::move(other.timers_)),
      next_timer_id_(other.next_timer_id_),
      on_tick_(std::move(other.on_tick_)),
      tick_period_(other.tick_period_),
      next_tick_(other.next_tick_),
      after_dispatch_(std::move(other.after_dispatch_)),
      armed_(other.armed_),
      stop_requested_(other.stop_requested_),
      last_signal_(other.last_signal_),
      last_error_(other.last_error_),
      device_lost_(other.device_lost_),
      wakeups_(other.wakeups_) {}

EventLoop::~EventLoop() {
  close_if_open(signal_fd_);
  close_if_open(timer_fd_);
  close_if_open(epoll_fd_);
  if (signals_blocked_) {
    // Consume nothing: signals that arrived and were not read stay pending and
    // are delivered (default action) now, which is what the user asked for.
    const sigset_t set = stop_signals();
    ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  }
}

Instant EventLoop::now() {
  return monotonic_now();
}

std::expected<void, TunError> EventLoop::watch(std::unique_ptr<Watch> w) {
  epoll_event ev{};
  ev.events = w->events;
  ev.data.fd = w->fd;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, w->fd, &ev) < 0) {
    return std::unexpected(make_tun_error("watch fd " + std::to_string(w->fd), errno));
  }
  watches_.push_back(std::move(w));
  return {};
}

std::expected<void, TunError> EventLoop::add_device(TunDevice& device, PacketHandler on_packet) {
  auto w = std::make_unique<Watch>();
  w->fd = device.fd();
  w->device = &device;
  w->on_packet = std::move(on_packet);
  w->events = EPOLLIN;
  return watch(std::move(w));
}

std::expected<void, TunError> EventLoop::add_fd(int fd, std::uint32_t events, FdHandler handler) {
  auto w = std::make_unique<Watch>();
  w->fd = fd;
  w->handler = std::move(handler);
  w->events = events;
  return watch(std::move(w));
}

void EventLoop::remove_fd(int fd) {
  for (auto& w : watches_) {
    if (w->fd == fd) {
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
      w->fd = -1;  // erased by compact(); a handler may still be running
    }
  }
}

EventLoop::TimerId EventLoop::add_timer(DeadlineQuery next_deadline, TimeHandler on_expire) {
  auto t = std::make_unique<Timer>();
  t->id = next_timer_id_++;
  t->next_deadline = std::move(next_deadline);
  t->on_expire = std::move(on_expire);
  timers_.push_back(std::move(t));
  return timers_.back()->id;
}

void EventLoop::remove_timer(TimerId id) {
  for (auto& t : timers_) {
    if (t->id == id) t->removed = true;
  }
}

void EventLoop::set_tick(TimeHandler on_tick, Duration period) {
  on_tick_ = std::move(on_tick);
  tick_period_ = period > Duration::zero() ? period : seconds(1);
  next_tick_ = on_tick_ ? now() + tick_period_ : kNever;
}

void EventLoop::dispatch_fd(int fd, std::uint32_t events, Instant now) {
  if (fd == timer_fd_) {
    std::uint64_t expirations = 0;
    [[maybe_unused]] const ssize_t n = ::read(timer_fd_, &expirations, sizeof expirations);
    armed_ = kNever;  // fired (or was disarmed): re-armed at the end of the wake-up
    return;
  }
  if (fd == signal_fd_) {
    signalfd_siginfo info{};
    while (::read(signal_fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      last_signal_ = static_cast<int>(info.ssi_signo);
      stop_requested_ = true;
    }
    return;
  }
  // Index loop: handlers may add watches (the vector may grow); the pointer
  // stays valid because entries are only erased in compact().
  for (std::size_t i = 0; i < watches_.size(); ++i) {
    Watch* w = watches_[i].get();
    if (w->fd != fd) continue;
    if (w->device != nullptr) {
      std::size_t read = 0;
      if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0) {
        read = w->device->read_batch([&](Bytes packet) { w->on_packet(packet, now); });
      }
      if ((events & (EPOLLERR | EPOLLHUP)) != 0 && read == 0) {
        // The device is gone (its namespace was deleted, the peer closed):
        // level-triggered HUP would wake us forever, so stop watching it.
        remove_fd(fd);
        last_error_ = ENODEV;
        device_lost_ = true;
        return;
      }
      if ((events & EPOLLOUT) != 0 && w->fd >= 0) w->device->flush();
    } else if (w->handler) {
      w->handler(events, now);
    }
    return;
  }
}

void EventLoop::run_timers(Instant now) {
  for (std::size_t i = 0; i < timers_.size(); ++i) {
    Timer* t = timers_[i].get();
    if (!t->removed && t->next_deadline() <= now) t->on_expire(now);
  }
  if (on_tick_ && next_tick_ <= now) {
    while (next_tick_ <= now) next_tick_ += tick_period_;  // skip ticks missed while busy
    on_tick_(now);
  }
}

void EventLoop::update_device_interest() {
  for (auto& w : watches_) {
    if (w->fd < 0 || w->device == nullptr) continue;
    const std::uint32_t want = EPOLLIN | (w->device->pending() > 0 ? EPOLLOUT : 0u);
    if (want == w->events) continue;
    epoll_event ev{};
    ev.events = want;
    ev.data.fd = w->fd;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, w->fd, &ev) == 0) w->events = want;
  }
}

Instant EventLoop::earliest_deadline() const {
  Instant earliest = next_tick_;
  for (const auto& t : timers_) {
    if (!t->removed) earliest = std::min(earliest, t->next_deadline());
  }
  return earliest;
}

void EventLoop::arm_timer() {
  const Instant deadline = earliest_deadline();
  if (deadline == armed_) return;
  itimerspec spec{};  // all zero: disarm
  if (deadline != kNever) spec.it_value = timespec_from_instant(deadline);
  if (::timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &spec, nullptr) == 0) armed_ = deadline;
}

void EventLoop::compact() {
  std::erase_if(watches_, [](const auto& w) { return w->fd < 0; });
  std::erase_if(timers_, [](const auto& t) { return t->removed; });
}

bool EventLoop::run_once(Duration max_wait) {
  update_device_interest();  // send()s made outside the loop queue packets too
  arm_timer();
  std::array<epoll_event, kMaxEvents> events{};
  const int n = ::epoll_wait(epoll_fd_, events.data(), kMaxEvents, timeout_ms(max_wait));
  if (n < 0) {
    if (errno == EINTR) return true;
    last_error_ = errno;
    return false;
  }
  ++wakeups_;
  const Instant t = now();
  for (int i = 0; i < n; ++i) {
    dispatch_fd(events[static_cast<std::size_t>(i)].data.fd,
                events[static_cast<std::size_t>(i)].events, t);
  }
  run_timers(t);
  if (after_dispatch_) after_dispatch_(t);
  compact();
  update_device_interest();
  arm_timer();
  return true;
}

RunResult EventLoop::run() {
  while (!stop_requested_) {
    if (!run_once(seconds(60)) || device_lost_) return RunResult::kError;
  }
  return RunResult::kStopped;
}

RunResult EventLoop::run_until(const std::function<bool()>& done, Duration max) {
  const Instant end = now() + max;
  for (;;) {
    if (done()) return RunResult::kDone;
    if (stop_requested_) return RunResult::kStopped;
    const Instant t = now();
    if (t >= end) return RunResult::kTimedOut;
    if (!run_once(end - t) || device_lost_) return RunResult::kError;
  }
}

}  // namespace synack
