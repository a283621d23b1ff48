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
  snd.up = data_front() + static_cast<SeqLen>(sndbuf_.size());
  snd_up_valid_ = true;
  trace(TraceKind::kUserCall, "user SEND (URGENT)", "RFC 9293 §3.10.2", now);
  return taken;
}

// Every segment that starts before SND.UP carries URG and the offset to it;
// an offset beyond the 16-bit field is sent as 65535, still ahead of SEG.SEQ,
// until a later segment can name SND.UP itself (Linux tcp_options_write does the same).
void Connection::mark_urgent(TcpSegment& s) const {
  if (!snd_up_valid_ || s.flags.syn() || s.flags.rst() || !seq_gt(snd.up, s.seq)) return;
  s.flags.bits |= TcpFlags::kUrg;
  s.urgent = static_cast<std::uint16_t>(std::min<std::uint32_t>(snd.up - s.seq, 0xffff));
}

std::size_t Connection::urgent_pending() const {
  return receiver_.urgent_pending();
}

void Connection::urgent_progress() {
  receiver_.urgent_progress();                                           // read past RCV.UP
  if (snd_up_valid_ && !seq_gt(snd.up, snd.una)) snd_up_valid_ = false;  // acknowledged
}

}  // namespace synack::tcp
