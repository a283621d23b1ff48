// SPDX-License-Identifier: Apache-2.0
#include "capture/reader.hpp"

#include <pcap/pcap.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace synack::capture {
void Reader::Closer::operator()(void* p) const {
  if (p != nullptr) pcap_close(static_cast<pcap_t*>(p));  // closes its FILE* too
}

std::expected<Reader, std::string> Reader::from_file(std::FILE* f, std::uint64_t size) {
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, err);
  if (p == nullptr) {
    std::fclose(f);
    return std::unexpected(std::string(err[0] != 0 ? err : "not a capture file"));
  }
  return Reader(p, size);
}

std::expected<Reader, std::string> Reader::open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return std::unexpected(std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  const std::uint64_t size =
      ::fstat(fileno(f), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
  return from_file(f, size);
}

std::expected<Reader, std::string> Reader::open_memory(Bytes bytes) {
  if (bytes.empty()) return std::unexpected(std::string("empty file"));
  // fmemopen wants a non-const buffer for "r" mode but never writes to it.
  std::FILE* f = ::fmemopen(const_cast<std::byte*>(bytes.data()), bytes.size(), "rb");
  if (f == nullptr) return std::unexpected(std::string("cannot open: ") + std::strerror(errno));
  return from_file(f, bytes.size());
}

std::uint64_t Reader::offset() const {
  auto* p = static_cast<pcap_t*>(pcap_.get());
  const long at = std::ftell(pcap_file(p));
  return at < 0 ? 0 : static_cast<std::uint64_t>(at);
}

std::expected<std::optional<Frame>, ReadError> Reader::next() {
  auto* p = static_cast<pcap_t*>(pcap_.get());
  const std::uint64_t start = offset();
  pcap_pkthdr* hdr = nullptr;
  const u_char* data = nullptr;
  const int rc = pcap_next_ex(p, &hdr, &data);
  if (rc == PCAP_ERROR_BREAK) return std::optional<Frame>{};  // end of file
  if (rc != 1) return std::unexpected(ReadError{frames_ + 1, start, pcap_geterr(p)});
  Frame f;
  f.number = ++frames_;
  // With nanosecond precision requested, tv_usec holds nanoseconds. A
  // corrupt timestamp beyond the year 2262 saturates instead of overflowing.
  std::int64_t ns = 0;
  if (__builtin_mul_overflow(static_cast<std::int64_t>(hdr->ts.tv_sec), 1'000'000'000, &ns) ||
      __builtin_add_overflow(ns, static_cast<std::int64_t>(hdr->ts.tv_usec), &ns)) {
    ns = hdr->ts.tv_sec < 0 ? 0 : INT64_MAX / 2;
  }
  f.time = Instant{std::chrono::nanoseconds(ns)};
  f.dlt = pcap_datalink(p);
  f.data = Bytes(reinterpret_cast<const std::byte*>(data), hdr->caplen);
  f.orig_len = hdr->len;
  return f;
}

}  // namespace synack::capture
