// SPDX-License-Identifier: Apache-2.0
// synack::version(): compiled into the library, so it reports the library's
// version even when an application was built against other headers.
#include <synack/version.hpp>

namespace synack {

std::string_view version() noexcept {
  return SYNACK_VERSION_STRING;
}

}  // namespace synack
