// SPDX-License-Identifier: Apache-2.0
// Options and setup shared by the TUN commands (serve, fetch, connect, forward): the
// device, addresses, impairments, capture, trace, and bounded runs.
#pragma once

#include <CLI/CLI.hpp>

#include <expected>
#include <memory>
#include <optional>
#include <string>

#include "atomic_file.hpp"
#include "live_run.hpp"
#include "tun/tun_stack.hpp"

namespace synack::cli {

struct TunCommandOptions {
  std::string command;  ///< "serve", "fetch", "connect", "forward": the prefix of every error line
  std::string tun = "synack0";
  std::string addr = "10.77.0.2/24";  ///< our address / prefix; the kernel gets the first host
  std::string netns;                  ///< create the device in this network namespace
  bool create_netns = false;          ///< create `netns` for the run and delete it afterwards
  std::uint32_t mtu = 1500;
  std::string pcap;    ///< capture file (.pcap or .pcapng by extension), written atomically
  bool trace = false;  ///< print each connection's ladder diagram
  /// Save the first connection that finishes (else the first seen) as a run
  /// file (JSON, synack-run v1) for `synack draw`; written atomically at the end.
  std::string save_run;
  bool ascii = false;
  bool quiet = false;                     ///< no progress/status line on a terminal
  double loss = 0, reorder = 0, dup = 0;  ///< impairment probabilities in [0, 1], both ways
  Duration delay{};                       ///< impairment: extra one-way delay
  /// The lower bound of the RTO (RFC 6298 (2.4); Linux `ip route ... rto_min`).
  /// Default: the engine's 200 ms.
  std::optional<Duration> rto_min;
  std::uint64_t seed = 1;
  Duration max_time{};  ///< stop after this much real time (0 = until Ctrl-C / done)
  bool stats = false;   ///< print every stack counter at exit (Stack::stats(), like nstat -a)
  bool any_destination = false;  ///< StackConfig::any_destination (forward)

  /// max_time, or `otherwise` when none was given.
  [[nodiscard]] Duration limit_or(Duration otherwise) const {
    return max_time > Duration::zero() ? max_time : otherwise;
  }
};

/// Adds --tun --addr --netns --create-netns --mtu --pcap --trace --ascii
/// --quiet --loss --reorder --dup --delay --seed --rto-min --max-time --stats to `cmd`.
void add_tun_options(CLI::App& cmd, TunCommandOptions& o);

/// A network namespace made for one run (`--netns NAME --create-netns`):
/// `ip netns add NAME` and its loopback up on creation, `ip netns del NAME`
/// when destroyed, so a copy-pasted example never changes the host's network.
class CreatedNetns {
 public:
  /// Error: one line (the namespace exists already, or `ip` failed).
  [[nodiscard]] static std::expected<std::unique_ptr<CreatedNetns>, std::string> create(
      const std::string& name);
  ~CreatedNetns();
  CreatedNetns(const CreatedNetns&) = delete;
  CreatedNetns& operator=(const CreatedNetns&) = delete;

 private:
  explicit CreatedNetns(std::string name) : name_(std::move(name)) {}
  std::string name_;
};

/// Prints every counter of `stack` (name and value, one per line, on stderr)
/// when destroyed: --stats, however the command ends (docs/hostile-input.md).
struct StatsAtExit {
  const Stack* stack;
  ~StatsAtExit();
};

/// Everything a TUN command runs on.
struct TunSession {
  std::unique_ptr<CreatedNetns> netns;  ///< declared first: deleted last, after the device
  std::optional<AtomicFile> capture;    ///< --pcap's file; finish() commits it
  std::unique_ptr<LiveRecorder> recorder;
  /// --save-run: the first finished connection's run (shared with the recorder's callback).
  std::shared_ptr<std::optional<viz::Run>> saved_run;
  std::unique_ptr<TunStack> stack;
  Ipv4Addr ours;
  Ipv4Addr kernel;
  std::unique_ptr<StatsAtExit> stats;  ///< last: destroyed first, while the stack lives
};

/// Creates the device and the stack; prints a one-line error and returns
/// nullopt on failure (e.g. missing CAP_NET_ADMIN).
std::optional<TunSession> open_tun_session(const TunCommandOptions& o);

/// Ends the session: closes the stack (flushing its capture) and renames the
/// capture into place. Returns false after printing a one-line error.
bool finish_tun_session(TunSession& s, const TunCommandOptions& o);

/// "a.b.c.d:port" → endpoint; nullopt if malformed.
std::optional<tcp::Endpoint> parse_endpoint(const std::string& text);

}  // namespace synack::cli
