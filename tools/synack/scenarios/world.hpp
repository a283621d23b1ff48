// SPDX-License-Identifier: Apache-2.0
// The scaffolding every scenario shares: a network with an RTT of 50 ms,
// hosts running synack stacks with fixed secrets (derived from the seed), a
// recorder, scripted faults, user-call notes, checks, and the conversion of
// the recording into a Result (Run + checks + capture).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "scenarios/convert.hpp"
#include "scenarios/scenario.hpp"
#include "sim/apps.hpp"
#include "sim/host.hpp"
#include "sim/recorder.hpp"

namespace synack::scenarios {

inline const Ipv4Addr kClientAddr = Ipv4Addr::from_octets(10, 0, 0, 1);
inline const Ipv4Addr kServerAddr = Ipv4Addr::from_octets(10, 0, 0, 2);
inline constexpr std::uint16_t kClientPort = 40000;
inline constexpr std::uint16_t kServerPort = 80;
/// One-way delay of every link (RTT 50 ms).
inline constexpr Duration kOneWay = milliseconds(25);

/// Absolute virtual time `ms` milliseconds after the start.
[[nodiscard]] constexpr Instant ms(std::int64_t n) {
  return Instant{} + milliseconds(n);
}

class World {
 public:
  explicit World(const Options& o);
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  /// A host running a stack; `tweak` edits its configuration first.
  sim::Host& host(std::string name, Ipv4Addr addr,
                  const std::function<void(StackConfig&)>& tweak = {});
  /// Any other node (an attacker, a counterfactual server), owned by the network.
  template <class T, class... Args>
  T& node(Args&&... args) {
    return net_.emplace_node<T>(std::forward<Args>(args)...);
  }
  /// Joins two nodes with a 25 ms link each way (Options::rtt / 2, with
  /// Options::loss and the Options::faults of the new link ids); returns {a→b, b→a}.
  std::pair<sim::LinkId, sim::LinkId> link(sim::Node& a, sim::Node& b);
  /// Adds a scripted fault (sim/faults.hpp language) to a link, unless
  /// Options::scripted_faults is off.
  void fault(sim::LinkId link, std::string_view text);
  /// A note on the diagram (e.g. "user: shutdown(SHUT_WR)").
  void note(Instant at, std::optional<std::size_t> participant, std::string text);
  /// A trace sink for node index `i` (the recorder's).
  [[nodiscard]] tcp::TraceSink* sink(std::size_t i) { return rec_.sink(i); }

  /// Runs until nothing is left to do or `limit` (virtual) is reached.
  void run(Instant limit = ms(300'000));

  /// A lifeline for `n` (a Host gets its trace events).
  [[nodiscard]] Participant participant(sim::Node& n, std::string name, std::uint16_t port,
                                        std::optional<tcp::State> initial) const;

  /// The Run (and capture) of everything recorded; the scenario adds its checks.
  [[nodiscard]] Result finish(const RunInfo& info, const std::vector<Participant>& who) const;

  [[nodiscard]] sim::Network& net() { return net_; }
  [[nodiscard]] const sim::Recorder& recorder() const { return rec_; }
  [[nodiscard]] std::uint64_t seed() const { return seed_; }

 private:
  std::uint64_t seed_;
  Options what_if_;
  sim::Recorder rec_;
  sim::Network net_;
  std::vector<ExtraNote> notes_;
};

// ---- questions the checks ask of a Run ------------------------------------------------

/// Records one story assertion.
inline void check(Result& r, bool ok, std::string what) {
  r.checks.push_back({std::move(what), ok});
}

/// The states endpoint `e` went through, in order, starting with its initial state.
[[nodiscard]] std::vector<tcp::State> state_path(const viz::Run& run, viz::EndpointId e);
/// True if `path` contains `want` as a contiguous run.
[[nodiscard]] bool has_path(const std::vector<tcp::State>& path, std::vector<tcp::State> want);
/// The segments `from` sent, in order.
[[nodiscard]] std::vector<const viz::PacketEvent*> sent_by(const viz::Run& run,
                                                           viz::EndpointId from);
/// Segments whose flags byte is exactly `flags` among `ps`.
[[nodiscard]] std::size_t count_flags(const std::vector<const viz::PacketEvent*>& ps,
                                      std::uint8_t flags);
/// The time of the first state change of `e` into `to` (kNever if none).
[[nodiscard]] Instant first_entry(const viz::Run& run, viz::EndpointId e, tcp::State to);
/// Any note of `e` containing `text`.
[[nodiscard]] bool has_note(const viz::Run& run, std::optional<viz::EndpointId> e,
                            std::string_view text);

}  // namespace synack::scenarios

namespace synack::scenarios {

/// The usual cast: client 10.0.0.1:40000 (lifeline 0) and server 10.0.0.2:80
/// (lifeline 1), joined by 25 ms links.
struct Duo {
  sim::Host& client;
  sim::Host& server;
  sim::LinkId c2s;
  sim::LinkId s2c;
};
[[nodiscard]] Duo make_duo(World& w, const std::function<void(StackConfig&)>& client_cfg = {},
                           const std::function<void(StackConfig&)>& server_cfg = {});
/// Lifelines client (CLOSED) and server (LISTEN, or `server_initial`).
[[nodiscard]] std::vector<Participant> duo_participants(
    const World& w, Duo& d, std::optional<tcp::State> server_initial = tcp::State::kListen);

/// A client script: connect at `connect`, then the given actions.
[[nodiscard]] sim::ClientOptions client_at(std::vector<sim::ClientAction> script,
                                           tcp::Endpoint remote = {kServerAddr, kServerPort});

}  // namespace synack::scenarios
