// SPDX-License-Identifier: Apache-2.0
#include "wire/pcap.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace synack {
namespace {

// Capture files are written little-endian whatever the host (readers accept
// either order and detect it from the magic / byte-order mark).
void put_le16(std::string& out, std::uint16_t v) {
  out += static_cast<char>(v & 0xff);
  out += static_cast<char>(v >> 8);
}
void put_le32(std::string& out, std::uint32_t v) {
  put_le16(out, static_cast<std::uint16_t>(v & 0xffff));
  put_le16(out, static_cast<std::uint16_t>(v >> 16));
}
void put_bytes(std::string& out, Bytes b) {
  out.append(reinterpret_cast<const char*>(b.data()), b.size());
}
void pad4(std::string& out) {
  out.append((4 - out.size() % 4) % 4, '\0');
}

std::uint64_t ns_since_epoch(Instant at) {
  const auto ns = at.time_since_epoch().count();
  return ns < 0 ? 0 : static_cast<std::uint64_t>(ns);
}

void emit(std::ostream& out, const std::string& bytes) {
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// pcapng block: type, total length, body, total length again (body padded to 4).
std::string block(std::uint32_t type, const std::string& body) {
  std::string out;
  const auto total = static_cast<std::uint32_t>(12 + body.size());
  put_le32(out, type);
  put_le32(out, total);
  out += body;
  put_le32(out, total);
  return out;
}

constexpr std::uint32_t kBlockShb = 0x0A0D0D0A;
constexpr std::uint32_t kBlockIdb = 0x00000001;
constexpr std::uint32_t kBlockEpb = 0x00000006;
constexpr std::uint16_t kOptEndOfOpt = 0;
constexpr std::uint16_t kOptComment = 1;
constexpr std::uint16_t kOptIfTsresol = 9;

}  // namespace

CaptureSink::CaptureSink(const std::filesystem::path& path)
    : file_(std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc)),
      out_(file_.get()) {}

PcapWriter::PcapWriter(std::ostream& out) : sink_(out) {
  write_header();
}
PcapWriter::PcapWriter(const std::filesystem::path& path) : sink_(path) {
  write_header();
}

void PcapWriter::write_header() {
  std::string h;
  put_le32(h, 0xa1b23c4d);  // nanosecond-resolution pcap
  put_le16(h, 2);           // version 2.4
  put_le16(h, 4);
  put_le32(h, 0);  // thiszone
  put_le32(h, 0);  // sigfigs
  put_le32(h, kPcapSnaplen);
  put_le32(h, kLinktypeRaw);
  emit(sink_.stream(), h);
}

void PcapWriter::write(Instant at, Bytes packet) {
  const std::uint64_t ns = ns_since_epoch(at);
  const auto caplen =
      static_cast<std::uint32_t>(std::min<std::size_t>(packet.size(), kPcapSnaplen));
  std::string r;
  put_le32(r, static_cast<std::uint32_t>(ns / 1'000'000'000));
  put_le32(r, static_cast<std::uint32_t>(ns % 1'000'000'000));
  put_le32(r, caplen);
  put_le32(r, static_cast<std::uint32_t>(packet.size()));
  put_bytes(r, packet.first(caplen));
  emit(sink_.stream(), r);
}

PcapngWriter::PcapngWriter(std::ostream& out) : sink_(out) {
  write_header();
}
PcapngWriter::PcapngWriter(const std::filesystem::path& path) : sink_(path) {
  write_header();
}

void PcapngWriter::write_header() {
  std::string shb;
  put_le32(shb, 0x1A2B3C4D);  // byte-order magic
  put_le16(shb, 1);           // version 1.0
  put_le16(shb, 0);
  put_le32(shb, 0xffffffff);  // section length: unknown (-1, 64 bits)
  put_le32(shb, 0xffffffff);
  std::string idb;
  put_le16(idb, static_cast<std::uint16_t>(kLinktypeRaw));
  put_le16(idb, 0);  // reserved
  put_le32(idb, kPcapSnaplen);
  put_le16(idb, kOptIfTsresol);
  put_le16(idb, 1);
  idb += static_cast<char>(9);  // 10^-9 s
  pad4(idb);
  put_le16(idb, kOptEndOfOpt);
  put_le16(idb, 0);
  emit(sink_.stream(), block(kBlockShb, shb) + block(kBlockIdb, idb));
}

void PcapngWriter::write(Instant at, Bytes packet, std::string_view comment) {
  const std::uint64_t ns = ns_since_epoch(at);
  const auto caplen =
      static_cast<std::uint32_t>(std::min<std::size_t>(packet.size(), kPcapSnaplen));
  std::string epb;
  put_le32(epb, 0);  // interface id
  put_le32(epb, static_cast<std::uint32_t>(ns >> 32));
  put_le32(epb, static_cast<std::uint32_t>(ns & 0xffffffff));
  put_le32(epb, caplen);
  put_le32(epb, static_cast<std::uint32_t>(packet.size()));
  put_bytes(epb, packet.first(caplen));
  pad4(epb);
  if (!comment.empty()) {
    // An option's length is 16 bits; longer comments are cut (never seen in practice).
    const std::size_t len = std::min<std::size_t>(comment.size(), 0xfff0);
    put_le16(epb, kOptComment);
    put_le16(epb, static_cast<std::uint16_t>(len));
    epb.append(comment.substr(0, len));
    pad4(epb);
    put_le16(epb, kOptEndOfOpt);
    put_le16(epb, 0);
  }
  emit(sink_.stream(), block(kBlockEpb, epb));
}

}  // namespace synack
