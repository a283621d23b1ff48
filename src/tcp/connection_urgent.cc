// SPDX-License-Identifier: Apache-2.0
// Connection: urgent data (RFC 9293 §3.8.5, RFC 6093). The urgent pointer marks
// a point in the stream; urgent bytes stay inline and are read in order (RFC
// 6093 §6), so SND.UP and RCV.UP are sequence numbers and the segment field is
// only their offset from SEG.SEQ.
#include <algorithm>

#include "tcp/connection.hpp"

namespace synack::tcp {

// RFC 9293 MUST-30: the urgent mechanism: send_urgent (MSG_OOB), RCV.UP, urgent_pending.
// RFC 9293 SHLD-13 [n/a]: advice to applications; synack's own tools never send urgent data.
std::expected<std::size_t, std::errc> Connection::send_urgent(Bytes data, Instant now) {
  auto taken = send(data, now);
  if (!taken || *taken == 0) return taken;
  // RFC 9293 MUST-62: SND.UP is the sequence number of the octet after the urgent data.
  sender_.mark_urgent_end();
  trace(TraceKind::kUserCall, "user SEND (URGENT)", "RFC 9293 §3.10.2", now);
  return taken;
}

std::size_t Connection::urgent_pending() const {
  return receiver_.urgent_pending();
}

void Connection::urgent_progress() {
  receiver_.urgent_progress();  // read past RCV.UP
  sender_.urgent_progress();    // acknowledged
}

}  // namespace synack::tcp
