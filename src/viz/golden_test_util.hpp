// SPDX-License-Identifier: Apache-2.0
// Golden files: tests/golden/<dir>/<name>, read relative to the repository
// root (ctest runs tests there). SYNACK_UPDATE_GOLDEN=1 rewrites them.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace synack::viz::testing {

inline std::filesystem::path golden_path(const std::string& name) {
  return std::filesystem::path("tests/golden/viz") / name;
}

/// Compares `actual` with the golden file at `path` (relative to the repo
/// root); on mismatch reports the first differing line. With
/// SYNACK_UPDATE_GOLDEN=1 writes the file instead. Shared by every golden test
/// (viz renderers, scenarios).
inline void expect_golden_file(const std::filesystem::path& path, const std::string& actual) {
  const char* update = std::getenv("SYNACK_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing golden " << path
                  << " (run from the repo root; SYNACK_UPDATE_GOLDEN=1 creates it)";
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string expected = buf.str();
  if (expected == actual) return;
  std::istringstream e(expected), a(actual);
  std::string le, la;
  int line = 1;
  while (true) {
    const bool ge = static_cast<bool>(std::getline(e, le));
    const bool ga = static_cast<bool>(std::getline(a, la));
    if (!ge && !ga) break;
    if (!ge || !ga || le != la) {
      ADD_FAILURE() << path << " differs at line " << line << "\n  golden: " << (ge ? le : "<eof>")
                    << "\n  actual: " << (ga ? la : "<eof>")
                    << "\n(SYNACK_UPDATE_GOLDEN=1 rewrites goldens after review)";
      return;
    }
    ++line;
  }
  ADD_FAILURE() << path << " differs (line endings?)";
}

/// expect_golden_file() for tests/golden/viz/<name>.
inline void expect_golden(const std::string& name, const std::string& actual) {
  expect_golden_file(golden_path(name), actual);
}

}  // namespace synack::viz::testing
