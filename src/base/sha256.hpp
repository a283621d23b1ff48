// SPDX-License-Identifier: Apache-2.0
// SHA-256 (FIPS 180-4) via OpenSSL's EVP interface, for byte-exact checks of
// transferred streams (simulator summaries, interop tests). Not on any datapath.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "base/bytes.hpp"

namespace synack {

/// Incremental SHA-256 of a byte stream given in pieces.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256& other);
  Sha256& operator=(const Sha256& other);
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  Sha256& update(Bytes piece);
  /// The digest of everything given so far (the object may keep being updated).
  [[nodiscard]] std::array<std::uint8_t, 32> digest() const;
  /// The digest as 64 lowercase hex characters.
  [[nodiscard]] std::string hex() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// SHA-256 of `data` as 64 lowercase hex characters.
[[nodiscard]] std::string sha256_hex(Bytes data);

}  // namespace synack
