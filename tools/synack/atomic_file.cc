// SPDX-License-Identifier: Apache-2.0
#include "atomic_file.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include <fmt/core.h>

namespace synack::cli {
namespace {

std::string reason() {
  return std::strerror(errno);
}

// The temporaries not yet committed, so that SIGINT/SIGTERM/SIGHUP (Ctrl-C
// during a long sim) can remove them before the process dies: a fixed table,
// touched by the handler with async-signal-safe calls only.
constexpr std::size_t kMaxPending = 8;
constexpr std::size_t kMaxPath = 4096;
char g_pending[kMaxPending][kMaxPath];
volatile std::sig_atomic_t g_used[kMaxPending];

extern "C" void remove_pending_and_die(int sig) {
  for (std::size_t i = 0; i < kMaxPending; ++i) {
    if (g_used[i] != 0) ::unlink(g_pending[i]);
  }
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

int register_pending(const std::string& path) {
  static const bool installed = [] {
    for (const int sig : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction old {};
      ::sigaction(sig, nullptr, &old);
      if (old.sa_handler == SIG_DFL) ::signal(sig, remove_pending_and_die);
    }
    return true;
  }();
  (void)installed;
  if (path.size() >= kMaxPath) return -1;
  for (std::size_t i = 0; i < kMaxPending; ++i) {
    if (g_used[i] == 0) {
      std::memcpy(g_pending[i], path.c_str(), path.size() + 1);
      g_used[i] = 1;
      return static_cast<int>(i);
    }
  }
  return -1;
}

void unregister_pending(int slot) {
  if (slot >= 0) g_used[slot] = 0;
}

mode_t file_mode() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

}  // namespace

std::expected<AtomicFile, std::string> AtomicFile::create(std::filesystem::path target) {
  std::string temp = target.string() + ".tmp-XXXXXX";
  const int fd = ::mkstemp(temp.data());
  if (fd < 0)
    return std::unexpected(fmt::format("{}: cannot write: {}", target.string(), reason()));
  (void)::fchmod(fd, file_mode());
  std::FILE* f = ::fdopen(fd, "wb");
  if (f == nullptr) {
    const std::string why = reason();
    ::close(fd);
    ::unlink(temp.c_str());
    return std::unexpected(fmt::format("{}: cannot write: {}", target.string(), why));
  }
  const int slot = register_pending(temp);
  return AtomicFile(std::move(target), std::move(temp), f, slot);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : target_(std::move(other.target_)),
      temp_(std::move(other.temp_)),
      file_(other.file_),
      slot_(other.slot_),
      done_(other.done_) {
  other.file_ = nullptr;
  other.slot_ = -1;
  other.done_ = true;
}

AtomicFile::~AtomicFile() {
  if (file_ != nullptr) std::fclose(file_);
  if (!done_) ::unlink(temp_.c_str());
  unregister_pending(slot_);
}

std::expected<void, std::string> AtomicFile::commit() {
  const std::string name = target_.string();
  if (file_ != nullptr) {
    const bool flushed = std::fflush(file_) == 0 && std::ferror(file_) == 0;
    const std::string why = reason();
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (!flushed || !closed) {
      return std::unexpected(fmt::format("{}: write error: {}", name, flushed ? reason() : why));
    }
  }
  if (::rename(temp_.c_str(), target_.c_str()) != 0) {
    return std::unexpected(fmt::format("{}: cannot rename into place: {}", name, reason()));
  }
  done_ = true;
  unregister_pending(slot_);
  slot_ = -1;
  return {};
}

std::expected<void, std::string> write_file_atomically(const std::filesystem::path& path,
                                                       std::string_view text) {
  auto f = AtomicFile::create(path);
  if (!f) return std::unexpected(f.error());
  if (std::fwrite(text.data(), 1, text.size(), f->file()) != text.size()) {
    return std::unexpected(fmt::format("{}: write error: {}", path.string(), reason()));
  }
  return f->commit();
}

}  // namespace synack::cli
