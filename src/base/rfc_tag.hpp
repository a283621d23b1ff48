// SPDX-License-Identifier: Apache-2.0
// SYNACK_RFC("MUST-58", ...): inside a GoogleTest body, names the RFC 9293
// requirements (Appendix B labels MUST-n, SHLD-n, MAY-n, REC-n) that the test
// proves. scripts/rfc9293_matrix.py reads these markers from the source to
// build docs/rfc9293-requirements.md; at run time the labels are recorded as the
// test's "rfc9293" property (ctest / --gtest_output=xml show them).
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

namespace synack::testing {

inline void record_rfc9293(std::initializer_list<const char*> labels) {
  std::string all;
  for (const char* label : labels) {
    if (!all.empty()) all += ' ';
    all += label;
  }
  ::testing::Test::RecordProperty("rfc9293", all);
}

}  // namespace synack::testing

#define SYNACK_RFC(...) ::synack::testing::record_rfc9293({__VA_ARGS__})
