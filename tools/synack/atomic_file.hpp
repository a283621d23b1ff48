// SPDX-License-Identifier: Apache-2.0
// Output files that appear only when complete: a failed or interrupted run
// never leaves a truncated or empty file under the name the user asked for.
#pragma once

#include <cstdio>
#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

namespace synack::cli {

/// Writes go to a temporary file beside the target ("NAME.tmp-XXXXXX" in the
/// same directory, so the rename never crosses a file system); commit() closes
/// it and renames it over the target (atomic on POSIX, rename(2)). Destroyed
/// without commit(), it removes the temporary; so does SIGINT, SIGTERM or
/// SIGHUP (unless the program handles them itself, as the TUN loop does).
/// Mode: 0666 & ~umask, like fopen. Move-only.
class AtomicFile {
 public:
  /// Creates the temporary. Error: one line "PATH: cannot write: REASON".
  [[nodiscard]] static std::expected<AtomicFile, std::string> create(std::filesystem::path target);

  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  /// The open temporary (binary); write with fwrite/fmt::print.
  [[nodiscard]] std::FILE* file() const { return file_; }
  /// Its path, for writers that open files by name (they truncate it).
  [[nodiscard]] const std::filesystem::path& temp_path() const { return temp_; }
  [[nodiscard]] const std::filesystem::path& target() const { return target_; }

  /// Flushes, closes and renames the temporary to the target. Error: one line
  /// naming the target and the failed step (a full disk shows up here).
  [[nodiscard]] std::expected<void, std::string> commit();

 private:
  AtomicFile(std::filesystem::path target, std::filesystem::path temp, std::FILE* file, int slot)
      : target_(std::move(target)), temp_(std::move(temp)), file_(file), slot_(slot) {}
  std::filesystem::path target_;
  std::filesystem::path temp_;
  std::FILE* file_ = nullptr;
  int slot_ = -1;  ///< in the table SIGINT/SIGTERM/SIGHUP clean up (atomic_file.cc)
  bool done_ = false;
};

/// Writes `text` to `path` atomically (AtomicFile); "PATH: ..." on error.
[[nodiscard]] std::expected<void, std::string> write_file_atomically(
    const std::filesystem::path& path, std::string_view text);

}  // namespace synack::cli
