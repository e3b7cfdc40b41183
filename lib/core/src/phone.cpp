#include "rcvault/core/phone.hpp"

namespace rcvault::core {

std::string phone_digits(std::string_view number) {
  std::string out;
  out.reserve(number.size());
  for (char c : number)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

std::vector<std::string> phone_query_keys(std::string_view input) {
  std::vector<std::string> keys;
  std::string d = phone_digits(input);
  if (d.empty()) return keys;
  keys.push_back(d);
  if (d.size() == 10) keys.push_back("1" + d);
  if (d.size() == 11 && d[0] == '1') keys.push_back(d.substr(1));
  return keys;
}

}  // namespace rcvault::core
