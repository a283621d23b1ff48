// SPDX-License-Identifier: Apache-2.0
// A simulated IPv4 network: Nodes joined by duplex links (two one-way Links),
// routing by destination address, one event loop, one seed, and observers
// that see every packet event.
//
//   sim::Network net(seed);
//   auto& a = net.emplace_node<MyHost>("client", Ipv4Addr::from_octets(10, 0, 0, 1));
//   auto& b = net.emplace_node<MyHost>("server", Ipv4Addr::from_octets(10, 0, 0, 2));
//   auto [ab, ba] = net.connect(a.id(), b.id(), LinkConfig{}, LinkConfig{});
//   net.link(ab).add_fault(*sim::parse_fault("drop:S.:1"));
//   net.add_observer([](const sim::PacketEvent& e) { ... });
//   net.loop().run_until(Instant{} + seconds(10));
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/bytes.hpp"
#include "base/time.hpp"
#include "sim/event_loop.hpp"
#include "sim/link.hpp"
#include "sim/packet_event.hpp"
#include "wire/ipv4.hpp"

namespace synack::sim {

class Network;

/// Anything attached to the network: a host running a stack, a router, a
/// test dummy. Receives whole IPv4 packets; sends through send().
class Node {
 public:
  Node(std::string name, Ipv4Addr address) : name_(std::move(name)), address_(address) {}
  virtual ~Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  /// A packet arrived at virtual time `now`. `ip_packet` is valid only during
  /// the call. The node may call send() and schedule events from here.
  virtual void on_packet(Bytes ip_packet, Instant now) = 0;
  /// Called once when the node joins a network (its id and network are set).
  virtual void on_attach() {}

  [[nodiscard]] const std::string& name() const { return name_; }
  /// The node's own address (routes to it are added by Network::connect).
  [[nodiscard]] Ipv4Addr address() const { return address_; }
  /// Id in its network; kNoNode until added.
  [[nodiscard]] NodeId id() const { return id_; }
  /// The network it is attached to (nullptr until added).
  [[nodiscard]] Network* network() const { return network_; }

 protected:
  /// Sends an IPv4 packet (copied) into the network; Network::send(id(), p).
  void send(Bytes ip_packet);

 private:
  friend class Network;
  std::string name_;
  Ipv4Addr address_;
  NodeId id_ = kNoNode;
  Network* network_ = nullptr;
};

class Network {
 public:
  /// `seed` drives every link's impairments (link i gets derive_seed(seed, i)).
  explicit Network(std::uint64_t seed = 1, Instant start = Instant{});
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;
  ~Network();

  [[nodiscard]] EventLoop& loop() { return loop_; }
  [[nodiscard]] Instant now() const { return loop_.now(); }
  [[nodiscard]] std::uint64_t seed() const { return seed_; }

  /// Attaches a node the caller owns (it must outlive the network's use).
  NodeId add_node(Node& node);
  /// Creates, owns and attaches a node: emplace_node<Host>(args...).
  template <class T, class... Args>
  T& emplace_node(Args&&... args) {
    auto node = std::make_unique<T>(std::forward<Args>(args)...);
    T& ref = *node;
    owned_.push_back(std::move(node));
    add_node(ref);
    return ref;
  }
  [[nodiscard]] Node& node(NodeId id) { return *nodes_.at(id); }
  [[nodiscard]] std::size_t node_count() const { return nodes_.size(); }
  /// The node whose address is `addr`, or kNoNode.
  [[nodiscard]] NodeId find_node(Ipv4Addr addr) const;

  /// Joins a and b with a duplex link and adds host routes both ways (a sends
  /// to b.address() over the a→b link and vice versa). Returns {a→b, b→a}.
  std::pair<LinkId, LinkId> connect(NodeId a, NodeId b, const LinkConfig& ab, const LinkConfig& ba);
  /// connect() with the same settings both ways.
  std::pair<LinkId, LinkId> connect(NodeId a, NodeId b, const LinkConfig& both = {}) {
    return connect(a, b, both, both);
  }
  /// Adds a route at `from`: destinations in prefix/len (0..32) leave over
  /// `via` (a link starting at `from`). Longest prefix wins; among equals the
  /// first added. Use len 0 for a default route (e.g. via a router node).
  void add_route(NodeId from, Ipv4Addr prefix, int len, LinkId via);
  [[nodiscard]] Link& link(LinkId id) { return *links_.at(id); }
  [[nodiscard]] std::size_t link_count() const { return links_.size(); }
  /// The link from a to b, or kNoLink (the first if several).
  [[nodiscard]] LinkId find_link(NodeId a, NodeId b) const;

  /// Sends an IPv4 packet from `from` at now(): routed by destination address.
  /// Unparseable packets (kMalformed) and packets without a route (kNoRoute)
  /// are dropped, counted and reported. Returns the packet id (from 1).
  std::uint64_t send(NodeId from, Bytes ip_packet);

  /// Registers an observer for every packet event (called in order added).
  void add_observer(Observer o) { observers_.push_back(std::move(o)); }
  /// Drops at the network level (links count their own).
  [[nodiscard]] std::uint64_t dropped_no_route() const { return dropped_no_route_; }
  [[nodiscard]] std::uint64_t dropped_malformed() const { return dropped_malformed_; }
  /// Sum of every link's counters.
  [[nodiscard]] LinkCounters totals() const;

 private:
  struct Route {
    std::uint32_t prefix;
    std::uint32_t mask;
    int len;
    LinkId via;
  };
  void notify(const PacketEvent& e) const;
  LinkId route(NodeId from, Ipv4Addr dst) const;

  std::uint64_t seed_;
  EventLoop loop_;
  std::vector<Node*> nodes_;
  std::vector<std::unique_ptr<Node>> owned_;
  std::vector<std::unique_ptr<Link>> links_;
  std::vector<std::vector<Route>> routes_;  // per node
  std::vector<Observer> observers_;
  std::uint64_t next_packet_id_ = 1;
  std::uint64_t dropped_no_route_ = 0;
  std::uint64_t dropped_malformed_ = 0;
};

}  // namespace synack::sim
