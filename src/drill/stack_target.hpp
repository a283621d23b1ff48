// SPDX-License-Identifier: Apache-2.0
// The one place the real synack stack enters the runner: an adapter from
// drill::Target to the stack's socket API (docs/conformance.md, "The stack
// target"). Built with -DSYNACK_DRILL_STACK=ON (stack_adapter.cc); otherwise
// make_stack_target() returns nullptr and `synack drill` says so and exits
// non-zero.
#pragma once

#include <memory>

#include "drill/target.hpp"

namespace synack::drill {

/// A fresh adapter over the synack stack, or nullptr while none exists.
[[nodiscard]] std::unique_ptr<Target> make_stack_target();

}  // namespace synack::drill
