// SPDX-License-Identifier: Apache-2.0
#include "base/sha256.hpp"

#include <openssl/evp.h>

#include <stdexcept>

#include <fmt/format.h>

namespace synack {

struct Sha256::Impl {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  Impl() {
    if (ctx == nullptr || EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1) {
      throw std::runtime_error("OpenSSL: cannot initialise SHA-256");
    }
  }
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {}
Sha256::~Sha256() = default;

Sha256::Sha256(const Sha256& other) : impl_(std::make_unique<Impl>()) {
  EVP_MD_CTX_copy_ex(impl_->ctx, other.impl_->ctx);
}

Sha256& Sha256::operator=(const Sha256& other) {
  if (this != &other) EVP_MD_CTX_copy_ex(impl_->ctx, other.impl_->ctx);
  return *this;
}
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

Sha256& Sha256::update(Bytes piece) {
  EVP_DigestUpdate(impl_->ctx, piece.data(), piece.size());
  return *this;
}

std::array<std::uint8_t, 32> Sha256::digest() const {
  std::array<std::uint8_t, 32> out{};
  EVP_MD_CTX* copy = EVP_MD_CTX_new();
  EVP_MD_CTX_copy_ex(copy, impl_->ctx);
  unsigned int len = 0;
  EVP_DigestFinal_ex(copy, out.data(), &len);
  EVP_MD_CTX_free(copy);
  return out;
}

std::string Sha256::hex() const {
  std::string s;
  for (auto b : digest()) s += fmt::format("{:02x}", b);
  return s;
}

std::string sha256_hex(Bytes data) {
  return Sha256().update(data).hex();
}

}  // namespace synack
