// SPDX-License-Identifier: Apache-2.0
// A program that uses an installed synack (tests/consumer): built by the CMake
// project (find_package) and the Makefile project (pkg-config) against the
// installed tree only. Exits non-zero when the library it links does not
// match the headers it was compiled with.
#include <synack/version.hpp>

#include <cstdio>
#include <string_view>

int main() {
  const std::string_view linked = synack::version();
  const std::string_view headers = SYNACK_VERSION_STRING;
  if (linked != headers) {
    std::fprintf(stderr, "consumer: headers %s but library %.*s\n", SYNACK_VERSION_STRING,
                 static_cast<int>(linked.size()), linked.data());
    return 1;
  }
  std::printf("consumer: synack %.*s\n", static_cast<int>(linked.size()), linked.data());
  return 0;
}
