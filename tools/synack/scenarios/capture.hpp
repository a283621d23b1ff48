// SPDX-License-Identifier: Apache-2.0
// Writes a scenario's segments as a capture file: classic pcap, or pcapng
// whose packet comments carry the state transitions (Wireshark: frame.comment).
#pragma once

#include <filesystem>
#include <ostream>

#include "scenarios/scenario.hpp"

namespace synack::scenarios {

/// Classic pcap (ns timestamps, LINKTYPE_RAW). False if writing failed.
bool write_pcap(const Result& r, std::ostream& out);
/// pcapng with one comment per packet (state changes, fate). False if writing failed.
bool write_pcapng(const Result& r, std::ostream& out);

}  // namespace synack::scenarios
