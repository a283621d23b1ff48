// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the SVG and HTML renderers.
#pragma once

#include <string>
#include <string_view>

namespace synack::viz {

/// Text safe inside XML character data and attribute values (& < > " ' escaped,
/// control characters other than tab and newline replaced by spaces).
[[nodiscard]] std::string xml_escape(std::string_view s);

}  // namespace synack::viz
