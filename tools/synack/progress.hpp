// SPDX-License-Identifier: Apache-2.0
// A one-line progress display for long work (sim, fetch, drill): redrawn in
// place on stderr at most every 200 ms, only when stderr is a terminal and
// --quiet was not given; erased before the command prints its summary line,
// which is printed whatever happens (pipes and logs see only the summary).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace synack::cli {

class Progress {
 public:
  /// Active iff !quiet and stderr is a TTY (SYNACK_PROGRESS=1 forces it on,
  /// =0 off, for tests and CI logs).
  explicit Progress(bool quiet);
  ~Progress() { clear(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  [[nodiscard]] bool active() const { return active_; }
  /// Whether a redraw is due (200 ms since the last); cheap, call it often.
  [[nodiscard]] bool due() const;
  /// Redraws the line with `text` (cut to the terminal's width).
  void show(std::string_view text);
  /// Erases the line (before the summary or an error).
  void clear();

 private:
  bool active_ = false;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace synack::cli
