// SPDX-License-Identifier: Apache-2.0
// Hand-made runs for the viz tests, shaped like what the engine and the
// simulator will record (25 ms one-way delay, client ISN 100, server ISN 300).
#pragma once

#include <string>
#include <vector>

#include "viz/run.hpp"

namespace synack::viz::testing {

/// Handshake, 100 bytes of data, four-way close, TIME-WAIT expiry.
[[nodiscard]] Run handshake_data_close();
/// The client's third ACK is lost; the server retransmits its SYN-ACK after
/// RTO 1 s and the client re-ACKs (a [TCP Retransmission] and a [TCP Dup ACK]).
[[nodiscard]] Run lost_third_ack();
/// Both sides close at once; the FINs cross; both go through CLOSING.
[[nodiscard]] Run simultaneous_close();

/// Both sides connect at once; SYNs and SYN-ACKs cross (RFC 9293 Figure 8).
[[nodiscard]] Run simultaneous_open();
/// Two SYNs lost (RTO backoff 1 s, 2 s), the third answered by RST,ACK from a
/// closed port; the server endpoint has no state and no ISN.
[[nodiscard]] Run lost_syn_refused();

struct NamedRun {
  std::string name;
  Run run;
};
/// All of the above with their golden-file names.
[[nodiscard]] std::vector<NamedRun> all_runs();

}  // namespace synack::viz::testing
