// SPDX-License-Identifier: Apache-2.0
// The scenario functions (one per named scenario; see scenario.hpp for the registry).
#pragma once

#include "scenarios/scenario.hpp"

namespace synack::scenarios {

Result handshake(const Options& o);
Result close_3way(const Options& o);
Result half_close(const Options& o);
Result simultaneous_open(const Options& o);
Result simultaneous_close(const Options& o);
Result lost_syn(const Options& o);
Result lost_synack(const Options& o);
Result lost_third_ack(const Options& o);
Result lost_third_ack_giveup(const Options& o);
Result old_duplicate_syn(const Options& o);
Result two_way_handshake(const Options& o);
Result lost_final_ack(const Options& o);
Result stale_segment(const Options& o);
Result rst_closed_port(const Options& o);
Result syn_flood(const Options& o);

}  // namespace synack::scenarios
