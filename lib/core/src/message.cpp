#include "rcvault/core/message.hpp"
#include "rcvault/core/notification.hpp"

namespace rcvault::core {
namespace {
template <class T>
void take(std::optional<T>& base, const std::optional<T>& newer) {
  if (newer) base = newer;
}
}  // namespace

void merge_newer(message& base, const message& newer) {
  if (!newer.id.empty()) base.id = newer.id;
  take(base.owner_id, newer.owner_id);
  take(base.type, newer.type);
  take(base.direction, newer.direction);
  take(base.subject, newer.subject);
  take(base.read_status, newer.read_status);
  take(base.message_status, newer.message_status);
  take(base.priority, newer.priority);
  take(base.availability, newer.availability);
  take(base.conversation_id, newer.conversation_id);
  take(base.creation_time, newer.creation_time);
  take(base.last_modified_time, newer.last_modified_time);
  take(base.sms_delivery_time, newer.sms_delivery_time);
  take(base.sms_sending_attempts_count, newer.sms_sending_attempts_count);
  take(base.delivery_error_code, newer.delivery_error_code);
  take(base.segment_count, newer.segment_count);
  take(base.fax_page_count, newer.fax_page_count);
  take(base.fax_resolution, newer.fax_resolution);
  take(base.vm_transcription_status, newer.vm_transcription_status);
  take(base.pg_to_department, newer.pg_to_department);
  take(base.uri, newer.uri);
  take(base.from, newer.from);
  take(base.to, newer.to);
  take(base.attachments, newer.attachments);
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
