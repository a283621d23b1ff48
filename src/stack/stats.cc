// SPDX-License-Identifier: Apache-2.0
// Stack::stats(): every counter as (name, value), the way `nstat -a` and
// `netstat -s` report a kernel's — what came in and went out, every drop by
// reason, every limit hit — for `--stats` of the TUN commands and for tests.
#include <string>

#include "stack/stack.hpp"
#include "stack/stack_internal.hpp"

namespace synack {

std::vector<std::pair<std::string, std::uint64_t>> Stack::stats() const {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  const auto add = [&](std::string name, std::uint64_t v) { out.emplace_back(std::move(name), v); };
  const StackCounters& c = counters_;
  add("ip_in", c.ip_in);
  add("ip_out", c.ip_out);
  add("tcp_in", c.tcp_in);
  add("tcp_out", c.tcp_out);
  add("rst_out", c.rst_out);
  add("icmp_in", c.icmp_in);
  add("icmp_out", c.icmp_out);
  for (std::size_t i = 0; i < kStackDropCount; ++i) {
    add("drop_" + std::string(to_string(static_cast<StackDrop>(i))), c.drops[i]);
  }
  for (std::size_t i = 0; i < c.wire_errors.size(); ++i) {
    if (c.wire_errors[i] != 0) {
      add("wire_" + std::string(to_string(static_cast<WireError>(i))), c.wire_errors[i]);
    }
  }
  for (std::size_t i = 0; i < static_cast<std::size_t>(ReassemblyDrop::kCount_); ++i) {
    const auto why = static_cast<ReassemblyDrop>(i);
    add(std::string(to_string(why)), reassembler_.drops(why));
  }
  add("frag_datagrams_held", reassembler_.datagrams());
  add("frag_bytes_held", reassembler_.bytes_held());

  // The engine: finished connections and listeners, plus the live ones.
  tcp::DropCounters engine = finished_drops_;
  std::uint64_t cookies = finished_cookies_;
  std::uint64_t ooo_limit = c.ooo_interval_limit_segments;
  std::uint64_t sack_ignored = c.sack_blocks_ignored;
  for (const auto& slot : conns_) {
    if (!slot) continue;
    for (std::size_t i = 0; i < tcp::kDropReasonCount; ++i) {
      engine.count[i] += slot->conn->drops().count[i];
    }
    ooo_limit += ooo_interval_limit_segments(*slot->conn);
    sack_ignored += slot->conn->sender().scoreboard().ignored_blocks();
  }
  std::uint64_t syn_queue = 0;
  demux_.for_each_listener([&](const tcp::Listener& l) {
    for (std::size_t i = 0; i < tcp::kDropReasonCount; ++i) engine.count[i] += l.drops().count[i];
    cookies += l.cookies_sent();
    syn_queue += l.syn_queue_length();
  });
  for (std::size_t i = 1; i < tcp::kDropReasonCount; ++i) {  // 0 = kNone
    add("tcp_" + std::string(to_string(static_cast<tcp::DropReason>(i))), engine.count[i]);
  }
  add("tcp_ooo_interval_limit", ooo_limit);
  add("tcp_sack_blocks_ignored", sack_ignored);
  add("syn_cookies_sent", cookies);
  add("syn_queue_now", syn_queue);
  add("tcb_now", tcb_count());
  add("time_wait_now", time_wait_count());
  add("time_wait_evicted", c.time_wait_evicted);
  add("orphans_now", orphans_);
  add("orphans_aborted", c.orphans_aborted);
  add("fin_wait_2_timeouts", c.fin_wait_2_timeouts);
  const UdpCounters& u = udp_->counters();
  add("udp_in", u.in);
  add("udp_out", u.out);
  add("udp_no_port", u.no_port);
  add("udp_queue_full", u.queue_full);
  add("udp_icmp_errors", u.icmp_errors);
  const auto [held, overflowed] = any_destination_counts();
  add("any_syn_held", held);
  add("any_syn_overflowed", overflowed);
  return out;
}

}  // namespace synack
