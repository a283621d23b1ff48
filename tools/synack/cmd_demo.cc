// `synack demo`: interim version until the connection engine lands. It builds a
// SYN and the SYN-ACK a listener would answer with, using only the wire layer,
// and prints each as the one-line summary and a hex dump. It says plainly that
// no handshake is run: nothing here pretends to be TCP behaviour.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "commands.hpp"
#include "wire/format.hpp"
#include "wire/tcp.hpp"

namespace synack::cli {
namespace {

constexpr Ipv4Addr kClient = Ipv4Addr::from_octets(10, 0, 0, 1);
constexpr Ipv4Addr kServer = Ipv4Addr::from_octets(10, 0, 0, 2);

// Offset, 16 bytes in two groups of 8, as `tcpdump -x` does.
void print_hex(const std::vector<std::byte>& bytes) {
  for (std::size_t row = 0; row < bytes.size(); row += 16) {
    std::string line = fmt::format("    0x{:04x}: ", row);
    for (std::size_t k = row; k < row + 16 && k < bytes.size(); ++k) {
      line += fmt::format("{:02x}{}", std::to_integer<unsigned>(bytes[k]), k % 2 == 1 ? " " : "");
      if (k % 16 == 7) line += ' ';
    }
    while (line.ends_with(' ')) line.pop_back();
    fmt::print("{}\n", line);
  }
}

void show(const char* title, const Ipv4Header& ip, const TcpSegment& seg) {
  std::vector<std::byte> wire(Ipv4Header::kSize + seg.wire_size());
  wire.resize(emit_ipv4_tcp(wire, ip, seg));
  // Parse what was built, so the line shows the bytes, not the intent.
  const auto parsed = parse_ipv4_tcp(wire);
  fmt::print("{} ({} bytes)\n", title, wire.size());
  if (!parsed) {
    fmt::print("  does not parse: {}\n", to_string(parsed.error()));
    return;
  }
  fmt::print("  {}\n", format_packet(parsed->ip.src(), parsed->ip.dst(), parsed->tcp));
  print_hex(wire);
}

void run_wire_demo() {
  fmt::print(
      "synack demo: WIRE LAYER ONLY. The connection engine is not built yet, so no\n"
      "handshake is run: the two segments below are built by hand with the wire layer\n"
      "(RFC 9293 §3.1 header, RFC 7323/2018 options), emitted with checksums, and\n"
      "parsed back for printing.\n\n");
  Ipv4Header ip;
  ip.src = kClient;
  ip.dst = kServer;
  ip.identification = 0x1c46;
  TcpSegment syn;
  syn.src_port = 40000;
  syn.dst_port = 80;
  syn.seq = SeqNum(1000);  // a real ISN comes from the RFC 6528 generator
  syn.flags.bits = TcpFlags::kSyn;
  syn.window = 64240;
  syn.options.mss(1460).sack_permitted().timestamps(1, 0).nop().window_scale(7);
  show("SYN, client -> server", ip, syn);

  Ipv4Header ip_back = ip;
  ip_back.src = kServer;
  ip_back.dst = kClient;
  ip_back.identification = 0;
  TcpSegment synack;
  synack.src_port = syn.dst_port;
  synack.dst_port = syn.src_port;
  synack.seq = SeqNum(5000);
  synack.ack = syn.seq + syn.seg_len();  // the SYN occupies one sequence number
  synack.flags.bits = TcpFlags::kSyn | TcpFlags::kAck;
  synack.window = 65160;
  synack.options.mss(1460).sack_permitted().timestamps(7, 1).nop().window_scale(7);
  fmt::print("\n");
  show("SYN-ACK, server -> client", ip_back, synack);
}

}  // namespace

void add_demo_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "demo", "Show TCP connection management (for now: the wire layer building a SYN/SYN-ACK)");
  auto scenario = std::make_shared<std::string>();
  cmd->add_option("scenario", *scenario, "Scenario to run (needs the connection engine)");
  cmd->callback([scenario] {
    if (!scenario->empty()) {
      fmt::print(stderr, "synack demo: scenario {} needs the connection engine (not built yet)\n",
                 *scenario);
      throw CLI::RuntimeError(1);
    }
    run_wire_demo();
  });
}

}  // namespace synack::cli
