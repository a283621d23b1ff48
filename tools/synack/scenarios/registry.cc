// SPDX-License-Identifier: Apache-2.0
#include <algorithm>

#include "scenarios/scenarios.hpp"

namespace synack::scenarios {

const std::vector<Scenario>& all() {
  static const std::vector<Scenario> list = {
      {"handshake", "three-way handshake, 100 bytes of data, four-way close, TIME-WAIT (default)",
       &handshake, true, true},
      {"close-3way", "the server closes as soon as it reads EOF: its ACK and FIN go out together",
       &close_3way, true},
      {"half-close",
       "the client shuts down its sending side; the server keeps sending after the FIN",
       &half_close, true},
      {"simultaneous-open", "both ends connect to each other at the same instant: SYNs cross",
       &simultaneous_open, true},
      {"simultaneous-close", "both ends close at the same instant: FINs cross, both pass CLOSING",
       &simultaneous_close, true},
      {"lost-syn", "the first two SYNs are lost: retransmitted after 1 s, then 2 s (backoff)",
       &lost_syn, false},
      {"lost-synack", "the SYN-ACK is lost: both sides retransmit", &lost_synack, false},
      {"lost-third-ack",
       "the handshake's ACK is lost: SYN-ACK retransmitted; data also completes it",
       &lost_third_ack, false},
      {"lost-third-ack-giveup",
       "every third ACK is lost: the server gives up and resets (synack_retries 2)",
       &lost_third_ack_giveup, false},
      {"old-duplicate-syn",
       "a delayed SYN of an earlier connection: the client's RST saves the server",
       &old_duplicate_syn, false},
      {"two-way-handshake",
       "COUNTERFACTUAL: a server that trusts the SYN alone accepts a dead connection",
       &two_way_handshake, false},
      {"lost-final-ack",
       "the last ACK is lost: TIME-WAIT answers the retransmitted FIN (why 2MSL, 1)",
       &lost_final_ack, false},
      {"stale-segment",
       "an old segment arrives after the close: TIME-WAIT absorbs it (why 2MSL, 2)", &stale_segment,
       false},
      {"rst-closed-port", "connect to a port nobody listens on: RST, ECONNREFUSED",
       &rst_closed_port, true},
      {"syn-flood", "spoofed SYNs fill the SYN queue; SYN cookies still let a real client in",
       &syn_flood, false},
  };
  return list;
}

const Scenario* find(std::string_view name) {
  const auto& l = all();
  auto it = std::ranges::find(l, name, &Scenario::name);
  return it == l.end() ? nullptr : &*it;
}

}  // namespace synack::scenarios
