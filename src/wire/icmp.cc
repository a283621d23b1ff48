// SPDX-License-Identifier: Apache-2.0
#include "wire/icmp.hpp"

#include <cstring>

#include "base/checksum.hpp"

namespace synack {

std::expected<IcmpView, WireError> IcmpView::parse(Bytes message) {
  if (message.size() < kHeaderSize) return std::unexpected(WireError::kTruncated);
  if (internet_checksum(message) != 0) return std::unexpected(WireError::kIpBadChecksum);
  return IcmpView(message);
}

std::expected<IcmpQuote, WireError> parse_icmp_quote(Bytes body) {
  if (body.size() < Ipv4Header::kSize) return std::unexpected(WireError::kTruncated);
  if ((load_u8(body, 0) >> 4) != 4) return std::unexpected(WireError::kIpBadVersion);
  const std::size_t ihl = (load_u8(body, 0) & 0x0f) * 4u;
  if (ihl < Ipv4Header::kSize) return std::unexpected(WireError::kIpBadIhl);
  if (body.size() < ihl + 8) return std::unexpected(WireError::kTruncated);
  IcmpQuote q;
  q.protocol = load_u8(body, 9);
  q.src = {load_be32(body, 12)};
  q.dst = {load_be32(body, 16)};
  q.src_port = load_be16(body, ihl);
  q.dst_port = load_be16(body, ihl + 2);
  q.tcp_seq = load_be32(body, ihl + 4);
  return q;
}

void IcmpMessage::emit(MutableBytes out) const {
  store_u8(out, 0, type);
  store_u8(out, 1, code);
  store_be16(out, 2, 0);
  store_be32(out, 4, rest);
  if (!body.empty()) std::memcpy(out.data() + IcmpView::kHeaderSize, body.data(), body.size());
  store_be16(out, 2, internet_checksum(out.first(wire_size())));
}

}  // namespace synack
