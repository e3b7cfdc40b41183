#pragma once
// SHA-256 computed piece by piece (OpenSSL EVP), so a download is hashed as
// it streams, in constant memory. Internal.

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

namespace rcvault::attachments::detail {

class sha256 {
 public:
  // Throws std::bad_alloc when OpenSSL cannot allocate its context.
  sha256();
  void update(std::string_view bytes) noexcept;
  // The lower-case hex digest of everything updated; call once.
  std::string hex();

 private:
  struct free_ctx {
    void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_MD_CTX, free_ctx> ctx_;
};

}  // namespace rcvault::attachments::detail
