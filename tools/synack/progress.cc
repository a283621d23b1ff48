// SPDX-License-Identifier: Apache-2.0
#include "progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include <fmt/core.h>

namespace synack::cli {
namespace {

constexpr auto kInterval = std::chrono::milliseconds(200);

std::size_t stderr_width() {
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1) return ws.ws_col - 1;
  return 79;
}

}  // namespace

Progress::Progress(bool quiet) {
  const char* force = std::getenv("SYNACK_PROGRESS");
  if (force != nullptr && *force != '\0') {
    active_ = !quiet && std::string_view(force) != "0";
  } else {
    active_ = !quiet && ::isatty(STDERR_FILENO) != 0;
  }
}

bool Progress::due() const {
  return active_ && std::chrono::steady_clock::now() - last_ >= kInterval;
}

void Progress::show(std::string_view text) {
  if (!active_) return;
  last_ = std::chrono::steady_clock::now();
  const std::string_view cut = text.substr(0, stderr_width());
  fmt::print(stderr, "\r\033[K{}", cut);
  std::fflush(stderr);
  shown_ = true;
}

void Progress::clear() {
  if (!shown_) return;
  fmt::print(stderr, "\r\033[K");
  std::fflush(stderr);
  shown_ = false;
}

}  // namespace synack::cli
