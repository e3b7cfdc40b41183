#include "rcvault/core/message.hpp"
#include "rcvault/core/message_fields.hpp"
#include "rcvault/core/notification.hpp"

namespace rcvault::core {
namespace {
template <class T>
void take(std::optional<T>& base, const std::optional<T>& newer) {
  if (newer) base = newer;
}
}  // namespace

void merge_newer(message& base, const message& newer) {
  for (const auto& f : message_fields) {
    switch (f.kind) {
      case field_kind::key:
        if (!(newer.*f.key).empty()) base.*f.key = newer.*f.key;
        break;
      case field_kind::text:
      case field_kind::id:
      case field_kind::message_type: take(base.*f.text, newer.*f.text); break;
      case field_kind::integer:
      case field_kind::time: take(base.*f.integer, newer.*f.integer); break;
      case field_kind::boolean: take(base.*f.boolean, newer.*f.boolean); break;
      case field_kind::party: take(base.*f.one_party, newer.*f.one_party); break;
      case field_kind::parties: take(base.*f.parties, newer.*f.parties); break;
      case field_kind::attachments: take(base.*f.attachments, newer.*f.attachments); break;
    }
  }
  for (const auto& kv : newer.extra) base.extra[kv.key()] = kv.value();
}

version_key version_of(const notification& n) {
  version_key v;
  v.sent = n.timestamp.value_or(0);
  v.uuid = n.uuid;
  if (n.msg) {
    if (n.msg->last_modified_time) v.time = *n.msg->last_modified_time;
    else if (n.msg->creation_time) v.time = *n.msg->creation_time;
    else v.time = v.sent;
  } else {
    v.time = v.sent;
  }
  return v;
}

}  // namespace rcvault::core
