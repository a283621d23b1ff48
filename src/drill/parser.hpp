// SPDX-License-Identifier: Apache-2.0
// The packetdrill script parser: text → drill::Script (see ast.hpp).
//
// Three passes: comments are blanked (`//`, `/* */`, never inside backticks,
// strings or %{ }% blocks), `#ifdef NAME / #ifndef / #else / #endif` keep or
// blank lines, then each logical line (a %{ }% block may span lines) is parsed
// as a header option or one timed event. Errors name the line and the token:
//   "file.pkt:42: syntax error: unexpected 'foo'"
#pragma once

#include <expected>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "drill/ast.hpp"

namespace synack::drill {

/// What the preprocessor treats as defined.
struct ParseOptions {
  /// Names for #ifdef. The corpus expects "FreeBSD" (not "STANDARD").
  std::vector<std::string> defines{"FreeBSD"};
};

/// A syntax error. what() is the whole message, "PATH:LINE: syntax error: DETAIL".
class ParseError : public std::runtime_error {
 public:
  ParseError(const std::string& path, int line, const std::string& detail);
  [[nodiscard]] int line() const { return line_; }

 private:
  int line_;
};

/// Parses a script's text. `path` is used in messages only.
/// Throws ParseError on the first syntax error.
Script parse_script(std::string_view text, const std::string& path,
                    const ParseOptions& options = {});

/// Reads and parses a file. Errors: the ParseError message, or
/// "PATH: cannot read file" when it cannot be opened.
std::expected<Script, std::string> parse_file(const std::filesystem::path& path,
                                              const ParseOptions& options = {});

/// Seconds as written ("0.1", "+.25" without the sign, "3") → µs. Digits past
/// the sixth decimal are truncated. nullopt if `text` is not a number.
std::optional<std::int64_t> parse_seconds(std::string_view text);

}  // namespace synack::drill
