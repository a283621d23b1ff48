// SPDX-License-Identifier: Apache-2.0
#include "scenarios/capture.hpp"

#include "wire/pcap.hpp"

namespace synack::scenarios {

bool write_pcap(const Result& r, std::ostream& out) {
  PcapWriter w(out);
  for (const auto& c : r.capture) w.write(c.at, c.bytes);
  w.flush();
  return w.ok();
}

bool write_pcapng(const Result& r, std::ostream& out) {
  PcapngWriter w(out);
  for (const auto& c : r.capture) w.write(c.at, c.bytes, c.comment);
  w.flush();
  return w.ok();
}

}  // namespace synack::scenarios
