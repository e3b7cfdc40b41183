#pragma once
// The Range request header of the attachment content endpoint (RFC 9110
// 14.1-14.2, bytes only), as docs/attachments.md describes it: one range is
// served as 206, several are answered with the whole content (200), a range
// outside the content is 416.

#include <cstdint>
#include <string_view>

namespace rcvault::http::detail {

// What a Range header asks of content `size` bytes long.
struct byte_range {
  enum class kind {
    whole,          // no header, another unit, several ranges or a malformed one: 200 with everything
    partial,        // bytes first..last (inclusive): 206
    unsatisfiable,  // a valid single range that starts at or after the end: 416
  };
  kind what = kind::whole;
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive; only for partial
};

// Parses `header` ("bytes=a-b", "bytes=a-", "bytes=-n") against `size`. A
// malformed header is ignored (whole), as RFC 9110 allows; `last` beyond the
// end is cut to size - 1; a suffix longer than the content is the whole content
// as a 206. Never throws.
byte_range parse_byte_range(std::string_view header, std::uint64_t size) noexcept;

}  // namespace rcvault::http::detail
