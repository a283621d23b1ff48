// SPDX-License-Identifier: Apache-2.0
// synack::api::TunStack — a Stack attached to a Linux TUN device, with an
// embeddable event loop (epoll + timerfd inside).
//
// The kernel routes packets for the device's subnet to the stack; the stack's
// output is written back to the device. Two ways to drive it:
//
//   * its own loop:   tun.run_until([&] { return done; }, std::chrono::seconds(30));
//   * your epoll loop: add tun.fd() with EPOLLIN to your epoll set; when it is
//     readable (packets waiting or a stack timer due) call tun.process(). The
//     fd covers the stack's timers too; next_deadline() is there for loops
//     that prefer to compute their own timeout.
//
// Socket calls go through tun.stack() (see stack.hpp), with tun.now() as the
// time. Readiness comes through tun.stack().set_callback(); the callback runs
// inside process(), and the output it causes is flushed at the end of that
// wake-up. After socket calls made outside the callback, call process() so
// the packets they produced leave and the timerfd is re-armed.
//
// Needs CAP_NET_ADMIN (root) to create the device. Threading: one thread per
// TunStack, like Stack.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "synack/stack.hpp"
#include "synack/types.hpp"

namespace synack::api {

/// The device and the stack behind it.
struct TunOptions {
  /// Interface name, 1..15 characters; an existing persistent device of that
  /// name (`ip tuntap add NAME mode tun`) is attached to.
  std::string device = "synack0";
  /// Named network namespace (/var/run/netns/NAME) to create the device in;
  /// empty: the caller's namespace.
  std::string netns{};
  /// The kernel side's address on the device; the kernel routes the
  /// prefix_len subnet to the device. nullopt: leave it unconfigured.
  std::optional<Ipv4Address> kernel_address{};
  std::uint8_t prefix_len = 24;  ///< 1..32
  /// Device MTU in bytes, 68..65535; also the stack's MTU.
  std::uint32_t mtu = 1500;
  /// The stack (its address must be in the kernel's subnet and differ from
  /// kernel_address).
  Config stack{};
  /// Write every packet crossing the device to this pcapng file (empty: none).
  std::string capture_path{};
};

/// A failed OS call while opening: the errno value and one line for a human
/// ("cannot open /dev/net/tun: Operation not permitted → run as root ...").
struct Error {
  std::errc code{};
  std::string message;
};

/// Why run_until() returned.
enum class RunResult : std::uint8_t {
  kDone,      ///< the predicate became true
  kTimedOut,  ///< the time limit passed first
  kStopped,   ///< stop() was called
  kError,     ///< epoll_wait failed or the device went away
};

namespace detail {
struct TunStackImpl;
}

class TunStack {
 public:
  /// Opens the device, configures it (address, MTU, link up) and makes the
  /// stack. Errors: EPERM (not root / no CAP_NET_ADMIN), ENOENT (no
  /// /dev/net/tun or no such netns), EBUSY (device in use), EINVAL (bad name,
  /// MTU or prefix), EMFILE.
  static std::expected<TunStack, Error> open(const TunOptions& options);
  ~TunStack();
  TunStack(TunStack&&) noexcept;
  TunStack& operator=(TunStack&&) noexcept;
  TunStack(const TunStack&) = delete;
  TunStack& operator=(const TunStack&) = delete;

  /// The stack on the device. Valid as long as this TunStack.
  [[nodiscard]] Stack& stack();

  // ---- embedding in your own loop ---------------------------------------------------
  /// An fd (epoll) that is readable when process() has work: packets from the
  /// kernel, a stack timer due, the device writable again. Owned by TunStack.
  [[nodiscard]] int fd() const;
  /// The stack's earliest deadline (kNever: none).
  [[nodiscard]] Instant next_deadline() const;
  /// One non-blocking wake-up: reads the waiting packets into the stack, fires
  /// due timers, runs readiness callbacks, writes the stack's output and
  /// re-arms the timer. Errors: the errno of a failed epoll_wait;
  /// resource_deadlock_would_occur (EDEADLK) when called from inside a
  /// readiness callback (that wake-up flushes at its end anyway).
  std::expected<void, std::errc> process();
  /// Like process(), but first waits up to `max_wait` for work.
  std::expected<void, std::errc> wait_and_process(Duration max_wait);
  /// The time of the current (or last) wake-up: pass it as `now` to socket calls.
  [[nodiscard]] Instant now() const;

  // ---- or let it run --------------------------------------------------------------
  /// Runs the loop until done() (checked before each wake-up), stop(), an
  /// error, or `max` of real time.
  RunResult run_until(const std::function<bool()>& done, Duration max);
  /// Makes run_until() return kStopped at the end of the current wake-up
  /// (sticky until run_until is called again).
  void stop();

  /// Now on the clock the loop uses (std::chrono::steady_clock).
  [[nodiscard]] static Instant clock_now() { return std::chrono::steady_clock::now(); }

 private:
  explicit TunStack(std::unique_ptr<detail::TunStackImpl> impl);
  std::unique_ptr<detail::TunStackImpl> impl_;
};

}  // namespace synack::api
