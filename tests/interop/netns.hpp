// SPDX-License-Identifier: Apache-2.0
// Test fixtures for interop tests against the real Linux kernel: private
// network namespaces that are created and deleted by the test, and child
// processes run with a timeout and captured output.
//
// Everything the tests send stays inside a namespace made for them
// (addresses 10.77.x.y on a TUN device there); nothing reaches the host's
// interfaces. Every wait is bounded in time.
#pragma once

#include <sys/types.h>
#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

#include "base/time.hpp"
#include "tun/netns.hpp"

namespace synack::interop {

/// How a child process ended, with everything it printed.
struct ProcessResult {
  int exit_code = -1;      ///< exit status, or -1 if it did not exit normally
  int term_signal = 0;     ///< the signal that killed it (0: none)
  bool timed_out = false;  ///< killed by us (SIGKILL) at the timeout
  std::string out;         ///< stdout (first 1 MiB)
  std::string err;         ///< stderr (first 1 MiB)

  [[nodiscard]] bool ok() const { return !timed_out && term_signal == 0 && exit_code == 0; }
  /// "exit 1" / "killed by signal 9" / "timed out", then the output, for failure messages.
  [[nodiscard]] std::string describe() const;
};

/// A child process started in the background (posix_spawnp, PATH lookup).
/// Killed (SIGKILL) and reaped by the destructor if still running.
class ChildProcess {
 public:
  /// Starts argv[0] with stdout/stderr captured. Errors: a one-line reason.
  static std::expected<ChildProcess, std::string> spawn(const std::vector<std::string>& argv);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  /// A pidfd: readable (EPOLLIN) once the child has exited. Owned by *this.
  [[nodiscard]] int pidfd() const { return pidfd_; }
  [[nodiscard]] pid_t pid() const { return pid_; }
  /// Waits up to `timeout` for the child to exit (SIGKILL at the timeout),
  /// reaps it and returns its output. Call once.
  ProcessResult wait(Duration timeout);

 private:
  ChildProcess(pid_t pid, int pidfd, int out_fd, int err_fd)
      : pid_(pid), pidfd_(pidfd), out_fd_(out_fd), err_fd_(err_fd) {}
  void kill_and_reap();
  pid_t pid_ = -1;
  int pidfd_ = -1;
  int out_fd_ = -1;  // memfds the child wrote into
  int err_fd_ = -1;
};

/// Runs argv to completion, at most `timeout` (then SIGKILL). A spawn failure
/// comes back as exit_code 127 with the reason in `err`.
ProcessResult run_process(const std::vector<std::string>& argv, Duration timeout = seconds(10));

/// A private network namespace "synack-test-<pid>-<n>" with `lo` up; deleted
/// (`ip netns del`) by the destructor, also when the test failed. Move-only.
class NetNamespace {
 public:
  /// Creates a uniquely named namespace; first deletes stale ones left by
  /// earlier test processes that died (synack-test-<pid>-* with <pid> gone).
  static std::expected<NetNamespace, std::string> create();

  NetNamespace(NetNamespace&& other) noexcept : name_(std::move(other.name_)) {
    other.name_.clear();
  }
  NetNamespace& operator=(NetNamespace&&) = delete;
  NetNamespace(const NetNamespace&) = delete;
  NetNamespace& operator=(const NetNamespace&) = delete;
  ~NetNamespace();

  [[nodiscard]] const std::string& name() const { return name_; }
  /// Runs argv inside the namespace (`ip netns exec NAME argv...`).
  [[nodiscard]] ProcessResult exec(const std::vector<std::string>& argv,
                                   Duration timeout = seconds(10)) const;
  /// Starts argv inside the namespace in the background.
  [[nodiscard]] std::expected<ChildProcess, std::string> spawn(
      const std::vector<std::string>& argv) const;
  /// Moves the calling thread into the namespace until the guard dies.
  [[nodiscard]] std::expected<ScopedNetns, TunError> enter() const {
    return ScopedNetns::enter(name_);
  }
  /// Runs `f()` on a new thread inside the namespace and returns its result
  /// (the caller's thread never changes namespace). F must not throw.
  template <class F>
  auto run_inside(F&& f) const -> std::invoke_result_t<F> {
    std::optional<std::invoke_result_t<F>> result;
    std::thread t([&] {
      auto guard = enter();
      if (guard) result.emplace(f());
    });
    t.join();
    return std::move(result).value();  // throws (test failure) if entering failed
  }

  /// The names `ip netns list` prints.
  [[nodiscard]] static std::vector<std::string> list();
  /// True if `name` is listed by `ip netns list` or exists under /var/run/netns.
  [[nodiscard]] static bool exists(std::string_view name);

 private:
  explicit NetNamespace(std::string name) : name_(std::move(name)) {}
  std::string name_;
};

/// Why the interop tests cannot run here, or "" if they can: not root,
/// /dev/net/tun missing, or `ip` missing. Tests GTEST_SKIP with this text.
[[nodiscard]] std::string interop_unavailable_reason();

}  // namespace synack::interop
