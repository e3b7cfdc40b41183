// schema/openapi.yaml and the served route table describe the same API:
// every documented route and query parameter is served, every served one documented.

#include "temp_dir.hpp"

#include "rcvault/http/query_api.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>

namespace rcvault::test {
namespace {

using route_params = std::map<std::string, std::set<std::string>>;

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(' ');
  const auto b = s.find_last_not_of(" \r");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// A line scan, enough for the document's own layout: paths are the keys
// indented by two spaces under `paths:`, parameters are `- name: X` followed
// by `in: query` (path parameters are part of the pattern).
route_params documented() {
  std::istringstream in(read_file(std::filesystem::path(RCVAULT_SOURCE_DIR) / "schema" / "openapi.yaml"));
  route_params out;
  std::string line;
  bool in_paths = false;
  std::string path;
  std::string pending_name;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != ' ' && line[0] != '#') {
      in_paths = line.rfind("paths:", 0) == 0;
      continue;
    }
    if (!in_paths) continue;
    if (line.rfind("  /", 0) == 0 && line.find(':') != std::string::npos) {
      path = trim(line.substr(0, line.rfind(':')));
      out[path];
      continue;
    }
    const auto t = trim(line);
    if (t.rfind("- name: ", 0) == 0) {
      pending_name = t.substr(8);
    } else if (t == "in: query" && !pending_name.empty()) {
      out[path].insert(pending_name);
      pending_name.clear();
    } else if (t.rfind("in: ", 0) == 0) {
      pending_name.clear();
    }
  }
  return out;
}

route_params served() {
  route_params out;
  for (const auto& r : http::query_routes()) {
    auto& ps = out[std::string(r.pattern)];
    for (auto p : r.parameters) ps.insert(std::string(p));
  }
  return out;
}

TEST(QueryOpenApi, EveryServedRouteIsDocumented) {
  const auto docs = documented();
  for (const auto& [path, params] : served()) EXPECT_TRUE(docs.contains(path)) << path;
}

TEST(QueryOpenApi, EveryDocumentedRouteIsServed) {
  const auto routes = served();
  for (const auto& [path, params] : documented()) EXPECT_TRUE(routes.contains(path)) << path;
}

TEST(QueryOpenApi, ParametersMatchRouteByRoute) {
  const auto docs = documented();
  for (const auto& [path, params] : served()) {
    auto it = docs.find(path);
    if (it == docs.end()) continue;
    EXPECT_EQ(it->second, params) << path;
  }
}

TEST(QueryOpenApi, ApiDocShowsACurlForEveryRouteAndParameter) {
  const auto doc = read_file(std::filesystem::path(RCVAULT_SOURCE_DIR) / "docs" / "api.md");
  for (const auto& [path, params] : served()) {
    const auto stem = path.substr(0, path.find('{'));
    EXPECT_NE(doc.find("curl"), std::string::npos);
    EXPECT_NE(doc.find(stem), std::string::npos) << path;
    for (const auto& p : params) EXPECT_NE(doc.find(p + "="), std::string::npos) << path << " " << p;
  }
}

}  // namespace
}  // namespace rcvault::test
