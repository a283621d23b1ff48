// SPDX-License-Identifier: Apache-2.0
#include "sim/network.hpp"

#include <stdexcept>

#include "stack/rng.hpp"

namespace synack::sim {

void Node::send(Bytes ip_packet) {
  if (network_ != nullptr) network_->send(id_, ip_packet);
}

Network::Network(std::uint64_t seed, Instant start) : seed_(seed), loop_(start) {}

Network::~Network() = default;

NodeId Network::add_node(Node& node) {
  if (node.network_ != nullptr)
    throw std::logic_error("node '" + node.name() + "' already attached");
  node.id_ = static_cast<NodeId>(nodes_.size());
  node.network_ = this;
  nodes_.push_back(&node);
  routes_.emplace_back();
  node.on_attach();
  return node.id_;
}

NodeId Network::find_node(Ipv4Addr addr) const {
  for (const Node* n : nodes_) {
    if (n->address() == addr) return n->id();
  }
  return kNoNode;
}

std::pair<LinkId, LinkId> Network::connect(NodeId a, NodeId b, const LinkConfig& ab,
                                           const LinkConfig& ba) {
  auto make = [&](NodeId from, NodeId to, const LinkConfig& cfg) {
    const auto id = static_cast<LinkId>(links_.size());
    Link::Hooks hooks{
        .event = [this](const PacketEvent& e) { notify(e); },
        .deliver = [this, to](Bytes p, Instant now) { nodes_[to]->on_packet(p, now); },
    };
    links_.push_back(std::make_unique<Link>(loop_, cfg, derive_seed(seed_, id),
                                            Link::Ends{id, from, to}, std::move(hooks)));
    add_route(from, nodes_.at(to)->address(), 32, id);
    return id;
  };
  const LinkId x = make(a, b, ab);
  const LinkId y = make(b, a, ba);
  return {x, y};
}

void Network::add_route(NodeId from, Ipv4Addr prefix, int len, LinkId via) {
  if (len < 0 || len > 32) throw std::invalid_argument("prefix length must be 0..32");
  if (links_.at(via)->ends().from != from) throw std::invalid_argument("route via a foreign link");
  const std::uint32_t mask = len == 0 ? 0 : ~std::uint32_t{0} << (32 - len);
  routes_.at(from).push_back({prefix.value & mask, mask, len, via});
}

LinkId Network::find_link(NodeId a, NodeId b) const {
  for (const auto& l : links_) {
    if (l->ends().from == a && l->ends().to == b) return l->ends().id;
  }
  return kNoLink;
}

LinkId Network::route(NodeId from, Ipv4Addr dst) const {
  const Route* best = nullptr;
  for (const Route& r : routes_.at(from)) {
    if ((dst.value & r.mask) == r.prefix && (best == nullptr || r.len > best->len)) best = &r;
  }
  return best == nullptr ? kNoLink : best->via;
}

std::uint64_t Network::send(NodeId from, Bytes ip_packet) {
  const std::uint64_t id = next_packet_id_++;
  const auto ip = Ipv4View::parse(ip_packet, /*verify_checksum=*/false);
  const LinkId via = ip ? route(from, ip->dst()) : kNoLink;
  if (via == kNoLink) {
    const DropReason why = ip ? DropReason::kNoRoute : DropReason::kMalformed;
    ++(ip ? dropped_no_route_ : dropped_malformed_);
    const Instant now = loop_.now();
    notify({.kind = PacketEventKind::kDropped,
            .time = now,
            .sent_at = now,
            .packet_id = id,
            .from = from,
            .reason = why,
            .bytes = ip_packet});
    return id;
  }
  links_[via]->transmit(ip_packet, id);
  return id;
}

void Network::notify(const PacketEvent& e) const {
  for (const Observer& o : observers_) o(e);
}

LinkCounters Network::totals() const {
  LinkCounters t;
  for (const auto& l : links_) {
    const LinkCounters& c = l->counters();
    t.offered += c.offered;
    t.offered_bytes += c.offered_bytes;
    t.delivered += c.delivered;
    t.delivered_bytes += c.delivered_bytes;
    t.dropped_down += c.dropped_down;
    t.dropped_mtu += c.dropped_mtu;
    t.dropped_scripted += c.dropped_scripted;
    t.dropped_queue += c.dropped_queue;
    t.dropped_random += c.dropped_random;
    t.dropped_burst += c.dropped_burst;
    t.duplicated += c.duplicated;
    t.corrupted += c.corrupted;
    t.reordered += c.reordered;
    t.delayed_scripted += c.delayed_scripted;
    t.held += c.held;
    t.max_queue_bytes = std::max(t.max_queue_bytes, c.max_queue_bytes);
  }
  return t;
}

}  // namespace synack::sim
