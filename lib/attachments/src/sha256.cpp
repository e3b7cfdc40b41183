#include "sha256.hpp"

#include <new>

namespace rcvault::attachments::detail {

sha256::sha256() : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) throw std::bad_alloc();
}

void sha256::update(std::string_view bytes) noexcept { EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()); }

std::string sha256::hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned size = 0;
  EVP_DigestFinal_ex(ctx_.get(), digest, &size);
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (unsigned i = 0; i < size; ++i) {
    out += digits[digest[i] >> 4];
    out += digits[digest[i] & 15];
  }
  return out;
}

}  // namespace rcvault::attachments::detail
