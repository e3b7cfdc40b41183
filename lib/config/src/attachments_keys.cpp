// The [attachments] keys (docs/configuration.md, docs/attachments.md).
#include "key_values.hpp"
#include "layer.hpp"

#include <algorithm>
#include <string>

namespace rcvault::config::detail {
namespace {

// 1 TiB: far above any attachment RingCentral serves (faxes are at most 50 MB),
// low enough that a typo of a few extra digits is caught.
constexpr std::int64_t most_attachment_bytes = 1'099'511'627'776;
// 1 PiB of free space: a value above is a typo.
constexpr std::int64_t most_free_bytes = 1'125'899'906'842'624;

const key_spec keys[] = {
    {"attachments.download", value_type::boolean,
     [](layer_state& l, const value& v, const place&) -> std::optional<std::string> {
       l.cfg.attachments.download = boolean_of(v);
       return std::nullopt;
     }},
    {"attachments.dir", value_type::text,
     [](layer_state& l, const value& v, const place&) -> std::optional<std::string> {
       const std::string& d = text_of(v);
       if (d.empty()) return "must not be empty";
       if (std::any_of(d.begin(), d.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
         return "must be a path without control characters";
       l.cfg.attachments.dir = d;
       return std::nullopt;
     }},
    {"attachments.max_bytes", value_type::integer,
     [](layer_state& l, const value& v, const place&) {
       return store_integer<1, most_attachment_bytes>(
           v, [&](std::int64_t n) { l.cfg.attachments.max_bytes = static_cast<std::uint64_t>(n); });
     }},
    {"attachments.min_free_bytes", value_type::integer,
     [](layer_state& l, const value& v, const place&) {
       return store_integer<0, most_free_bytes>(
           v, [&](std::int64_t n) { l.cfg.attachments.min_free_bytes = static_cast<std::uint64_t>(n); });
     }},
};

}  // namespace

std::span<const key_spec> attachments_keys() noexcept { return keys; }

void resolve_attachments_dir(config& cfg) {
  // Beside the database: a relative store.path gives a relative folder, read
  // from the current directory like every other path.
  if (!cfg.attachments.dir) cfg.attachments.dir = cfg.attachments_dir();
}

}  // namespace rcvault::config::detail
