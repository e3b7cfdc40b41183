#include "rcvault/sync/status.hpp"

#include "rcvault/core/time.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace rcvault::sync {
namespace json = boost::json;
namespace {

json::object error_json(std::string_view code, std::string_view message) {
  json::object e;
  e["code"] = code;
  e["message"] = message;
  return e;
}

using token_state = decltype(ringcentral::token_status::state);

std::string_view token_state_name(token_state s) {
  switch (s) {
    case token_state::ok: return "ok";
    case token_state::failed: return "failed";
    case token_state::none: return "none";
  }
  return "none";
}

}  // namespace

std::string to_json(const sync_status& s) {
  json::object token;
  token["state"] = token_state_name(s.token.state);
  if (s.token.expires_at_ms) token["expiresAt"] = core::format_iso8601(*s.token.expires_at_ms);
  if (s.token.error) token["error"] = error_json(s.token.error->code, s.token.error->message);
  json::array extensions;
  for (const auto& m : s.extensions) {
    json::object e;
    e["extensionId"] = m.extension_id;
    e["state"] = store::to_string(m.state);
    if (m.last_sync) e["lastSyncTime"] = core::format_iso8601(*m.last_sync);
    if (m.last_full_sync) e["lastFullSyncTime"] = core::format_iso8601(*m.last_full_sync);
    e["records"] = m.records;
    if (m.error) e["error"] = error_json(m.error->code, m.error->message);
    extensions.push_back(std::move(e));
  }
  json::object root;
  root["token"] = std::move(token);
  root["extensions"] = std::move(extensions);
  return json::serialize(root);
}

}  // namespace rcvault::sync
