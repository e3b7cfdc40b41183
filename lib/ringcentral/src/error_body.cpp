#include "rcvault/ringcentral/error_body.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace rcvault::ringcentral {

namespace {

constexpr std::size_t max_message = 300;

std::string string_at(const boost::json::object& o, std::string_view key) {
  if (auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->get_string());
  return {};
}

// Fills the empty fields of `e` from one error object.
void take(api_error& e, const boost::json::object& o) {
  if (e.code.empty()) e.code = string_at(o, "errorCode");
  if (e.message.empty()) e.message = string_at(o, "message");
  if (e.parameter_name.empty()) e.parameter_name = string_at(o, "parameterName");
  if (e.parameter_name.empty()) {
    // OAuth's layout names the parameter in "parameters" (never its value: it may be a secret).
    if (auto* ps = o.if_contains("parameters"); ps && ps->is_array() && !ps->get_array().empty() &&
                                                 ps->get_array().front().is_object()) {
      e.parameter_name = string_at(ps->get_array().front().get_object(), "parameterName");
    }
  }
}

}  // namespace

api_error parse_error_body(unsigned http_status, std::string_view body) {
  api_error e;
  e.http_status = http_status;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (!ec && v.is_object()) {
    const auto& o = v.get_object();
    if (auto* errs = o.if_contains("errors"); errs && errs->is_array()) {
      for (const auto& item : errs->get_array()) {
        if (item.is_object()) {
          take(e, item.get_object());
          break;
        }
      }
    }
    take(e, o);
    if (e.code.empty()) e.code = string_at(o, "error");
    if (e.message.empty()) e.message = string_at(o, "error_description");
  }
  if (e.code.empty()) e.code = "http_" + std::to_string(http_status);
  if (e.message.empty()) e.message = "RingCentral answered HTTP " + std::to_string(http_status);
  if (e.message.size() > max_message) {
    std::size_t cut = max_message;
    while (cut > 0 && (static_cast<unsigned char>(e.message[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
    e.message.resize(cut);
  }
  return e;
}

}  // namespace rcvault::ringcentral
