// SPDX-License-Identifier: Apache-2.0
// make_stack_target() when the runner is built without the stack adapter
// (SYNACK_DRILL_STACK=OFF, the default until src/stack's socket API has
// landed): there is no target, and `synack drill` says so and exits non-zero.
// The runner never reports PASS without running a script.
#include "drill/stack_target.hpp"

namespace synack::drill {

std::unique_ptr<Target> make_stack_target() {
  return nullptr;
}

}  // namespace synack::drill
