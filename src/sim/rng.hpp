// SPDX-License-Identifier: Apache-2.0
// The simulator's PRNG is the stack's (stack/rng.hpp): one generator for the
// impairment model shared with the TUN backend, so a seed means the same
// thing everywhere.
#pragma once

#include "stack/rng.hpp"

namespace synack::sim {

using synack::derive_seed;
using synack::Rng;
using synack::splitmix64;

}  // namespace synack::sim
