#include "rcvault/attachments/fetcher.hpp"

#include "rcvault/core/time.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace rcvault::attachments {

std::string to_json(const fetcher_status& s) {
  boost::json::object o;
  o["paused"] = s.paused;
  if (s.free_bytes) o["freeBytes"] = *s.free_bytes;
  o["minFreeBytes"] = s.min_free_bytes;
  o["downloaded"] = s.downloaded;
  o["bytes"] = s.bytes;
  if (s.last_error) {
    boost::json::object e;
    e["message"] = *s.last_error;
    if (s.last_error_at) e["time"] = core::format_iso8601(*s.last_error_at);
    o["lastError"] = std::move(e);
  }
  return boost::json::serialize(o);
}

}  // namespace rcvault::attachments
