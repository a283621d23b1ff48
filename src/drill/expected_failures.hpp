// SPDX-License-Identifier: Apache-2.0
// The conformance corpus's expected-failures list (src/drill/expected_failures.txt):
// one script per line, `relative/path.pkt  reason`, `#` comments. A CI run
// passes iff every script not on the list passes or skips and every listed
// script still fails or skips, so a fix forces the list to shrink.
#pragma once

#include <cstddef>
#include <expected>
#include <filesystem>
#include <string>
#include <vector>

#include "drill/executor.hpp"

namespace synack::drill {

/// One listed script: its path relative to the corpus root, and why it fails.
struct ExpectedFailure {
  std::string path;    ///< e.g. "snippets/closing-ipv4.pkt"
  std::string reason;  ///< one line
};

/// Parses the list. Errors: a line without a `.pkt` path, or a path listed
/// twice (the message names the line).
[[nodiscard]] std::expected<std::vector<ExpectedFailure>, std::string> parse_expected_failures(
    const std::string& text);

/// The verdict of one run against the list.
struct ExpectationCheck {
  std::vector<std::string> unexpected_failures;  ///< failed, not listed
  std::vector<std::string> unexpected_passes;    ///< passed, listed: remove from the list
  std::vector<std::string> unmatched;            ///< listed, no such script ran
  std::size_t still_failing = 0;                 ///< listed and failed or skipped
  [[nodiscard]] bool ok() const {
    return unexpected_failures.empty() && unexpected_passes.empty() && unmatched.empty();
  }
};

/// Whether `script` (as run, e.g. "tests/conformance/freebsd/snippets/x.pkt")
/// is the listed `entry` ("snippets/x.pkt"): equal, or ends with "/" + entry.
[[nodiscard]] bool names_script(const std::string& entry, const std::string& script);

/// Compares the outcomes of a run (`scripts[i]` ran with `outcomes[i]`) with the list.
[[nodiscard]] ExpectationCheck check_expectations(const std::vector<ExpectedFailure>& list,
                                                  const std::vector<std::string>& scripts,
                                                  const std::vector<Outcome>& outcomes);

}  // namespace synack::drill
