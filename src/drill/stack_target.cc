// The adapter from drill::Target to the synack stack. The stack's socket API
// (src/stack) is being written; until it lands there is no target, and the
// runner must never report PASS without running a script. To add it: implement
// every Target member over one stack instance per reset() (see target.hpp for
// the contract and docs/conformance.md for the mapping), and return it here.
#include "drill/stack_target.hpp"

namespace synack::drill {

std::unique_ptr<Target> make_stack_target() {
  return nullptr;
}

}  // namespace synack::drill
