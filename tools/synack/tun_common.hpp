// Options and setup shared by the TUN commands (serve, fetch, connect): the
// device, addresses, impairments, capture, trace, and bounded runs.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>

#include "live_run.hpp"
#include "tun/tun_stack.hpp"

namespace synack::cli {

struct TunCommandOptions {
  std::string tun = "synack0";
  std::string addr = "10.77.0.2/24";  ///< our address / prefix; the kernel gets the first host
  std::string netns;                  ///< create the device in this network namespace
  std::uint32_t mtu = 1500;
  std::string pcap;    ///< capture file (.pcap or .pcapng by extension)
  bool trace = false;  ///< print each connection's ladder diagram
  bool ascii = false;
  double loss = 0, reorder = 0, dup = 0;  ///< impairment probabilities in [0, 1], both ways
  std::string delay = "0ms";
  /// The lower bound of the RTO (RFC 6298 (2.4); Linux `ip route ... rto_min`).
  /// Default: the engine's 200 ms.
  std::string rto_min;
  std::uint64_t seed = 1;
  double max_seconds = 0;  ///< stop after this much real time (0 = until Ctrl-C / done)
};

/// Adds --tun --addr --netns --mtu --pcap --trace --ascii --loss --reorder --dup
/// --delay --seed --rto-min --max-time to `cmd`.
void add_tun_options(CLI::App& cmd, TunCommandOptions& o);

/// Everything a TUN command runs on.
struct TunSession {
  std::unique_ptr<LiveRecorder> recorder;
  std::unique_ptr<TunStack> stack;
  Ipv4Addr ours;
  Ipv4Addr kernel;
};

/// Creates the device and the stack; prints a one-line error and returns
/// nullopt on failure (e.g. missing CAP_NET_ADMIN).
std::optional<TunSession> open_tun_session(const TunCommandOptions& o);

/// "a.b.c.d:port" → endpoint; nullopt if malformed.
std::optional<tcp::Endpoint> parse_endpoint(const std::string& text);

}  // namespace synack::cli
