// SPDX-License-Identifier: Apache-2.0
#include "tun/netns.hpp"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace synack {

std::expected<ScopedNetns, TunError> ScopedNetns::enter(std::string_view name) {
  if (name.empty()) return ScopedNetns(-1);
  const std::string target_path = std::string(kNetnsDir) + "/" + std::string(name);
  const std::string action = "enter network namespace " + std::string(name);
  const int original = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (original < 0) return std::unexpected(make_tun_error(action, errno));
  const int target = ::open(target_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (target < 0) {
    const int err = errno;
    ::close(original);
    const std::string hint =
        err == ENOENT ? "create it with `ip netns add " + std::string(name) + "`" : "";
    return std::unexpected(make_tun_error(action, err, hint));
  }
  const int rc = ::setns(target, CLONE_NEWNET);
  const int err = errno;
  ::close(target);
  if (rc != 0) {
    ::close(original);
    return std::unexpected(make_tun_error(action, err));
  }
  return ScopedNetns(original);
}

ScopedNetns::ScopedNetns(ScopedNetns&& other) noexcept
    : original_fd_(std::exchange(other.original_fd_, -1)) {}

void ScopedNetns::restore() {
  if (original_fd_ < 0) return;
  if (::setns(original_fd_, CLONE_NEWNET) != 0) {
    std::perror("synack: cannot return to the original network namespace");
    std::abort();
  }
  ::close(original_fd_);
  original_fd_ = -1;
}

}  // namespace synack
