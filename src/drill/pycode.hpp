// SPDX-License-Identifier: Apache-2.0
// The `%{ }%` blocks of packetdrill scripts without a Python interpreter: the
// small subset the Linux suite writes over TCP_INFO (docs/conformance.md
// "Python blocks").
//
// Statements, separated by newlines or ';' (`\` joins lines, `#` comments):
//   assert EXPR [, MESSAGE]      MESSAGE is not evaluated
//   NAME = EXPR | NAME += EXPR | NAME -= EXPR
//   print(...)                   ignored
// Expressions over 64-bit integers: decimal and 0x literals, names, ( ),
// unary - and not, * // / % + -, & ^ |, comparisons (chained, as Python:
// `a <= x <= b`), and, or. Names are the block's variables (kept for the whole
// script), the tcpi_* fields the target reports, and the constants
// TCPI_OPT_*, TCP_CA_* and TCP_<state> of Linux's headers.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace synack::drill {

/// How a block ended.
struct PyResult {
  enum class Kind : std::uint8_t {
    kOk,            ///< every statement ran, every assert held
    kAssertFailed,  ///< message: "assertion failed: EXPR (name is V, ...)"
    kUnsupported,   ///< message: what this subset cannot do, e.g. "unknown name tcpi_lost"
  };
  Kind kind = Kind::kOk;
  std::string message;
};

/// A tcpi_* field (or other name the caller provides); nullopt when unknown.
using PyLookup = std::function<std::optional<std::int64_t>(std::string_view name)>;

/// Runs `code` (the text between %{ and }%). `vars` holds assignments across
/// blocks of one script; `lookup` resolves tcpi_* names.
[[nodiscard]] PyResult run_python(std::string_view code, std::map<std::string, std::int64_t>& vars,
                                  const PyLookup& lookup);

/// Syntax only (no names resolved): nullopt when `code` is in the subset,
/// else the reason ("python: unexpected 'for'").
[[nodiscard]] std::optional<std::string> check_python(std::string_view code);

/// Linux's value of a constant a block may name (TCPI_OPT_SYN_DATA 32,
/// TCP_CA_Recovery 3, TCP_ESTABLISHED 1 ...); nullopt if unknown.
[[nodiscard]] std::optional<std::int64_t> python_constant(std::string_view name);

}  // namespace synack::drill
