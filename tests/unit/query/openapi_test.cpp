// schema/openapi.yaml and the served route table describe the same API: the
// document, parsed as YAML (converted to JSON at build time by
// openapi_to_json.py), has a path for every route with exactly the methods it
// serves, its query and path parameters, a schema for every parameter and
// answer, and every $ref names something that exists (docs/api.md).

#include "temp_dir.hpp"

#include "rcvault/http/query_api.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace rcvault::test {
namespace {

namespace json = boost::json;

const json::value& root() {
  static const json::value doc = json::parse(read_file(RCVAULT_OPENAPI_JSON));
  return doc;
}

const json::object& document() { return root().as_object(); }

bool is(const json::value& v, std::string_view s) { return v.is_string() && v.as_string() == s; }

// The node a local reference ("#/components/schemas/Message") names, or nullptr.
const json::value* resolve(std::string_view ref) {
  if (!ref.starts_with("#/")) return nullptr;
  const json::value* node = &root();
  std::string_view rest = ref.substr(2);
  while (node != nullptr) {
    const auto slash = rest.find('/');
    const std::string_view key = rest.substr(0, slash);
    const auto* obj = node->if_object();
    node = obj != nullptr && obj->contains(key) ? &obj->at(key) : nullptr;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return node;
}

// `v` itself, or what its $ref names (nullptr when that is missing).
const json::value* deref(const json::value& v) {
  const auto* obj = v.if_object();
  if (obj == nullptr || !obj->contains("$ref")) return &v;
  const auto* ref = obj->at("$ref").if_string();
  return ref == nullptr ? nullptr : resolve(*ref);
}

// Every "$ref" value anywhere in `v`.
void collect_refs(const json::value& v, std::vector<std::string>& out) {
  if (const auto* obj = v.if_object()) {
    for (const auto& [key, child] : *obj) {
      if (key == "$ref" && child.is_string()) out.emplace_back(child.as_string());
      collect_refs(child, out);
    }
  } else if (const auto* arr = v.if_array()) {
    for (const auto& child : *arr) collect_refs(child, out);
  }
}

const std::set<std::string> http_methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

struct route_doc {
  std::set<std::string> methods;
  std::set<std::string> query;
  std::set<std::string> path;
};

// Each documented path: its operations and the parameters of its GET, references resolved.
std::map<std::string, route_doc> documented() {
  std::map<std::string, route_doc> out;
  for (const auto& [path, item] : document().at("paths").as_object()) {
    auto& doc = out[std::string(path)];
    for (const auto& [method, op] : item.as_object()) {
      if (!http_methods.contains(std::string(method))) continue;
      doc.methods.insert(std::string(method));
      if (method != "get" || !op.as_object().contains("parameters")) continue;
      for (const auto& p : op.at("parameters").as_array()) {
        const json::value* param = deref(p);
        if (param == nullptr) {
          ADD_FAILURE() << path << ": a parameter's $ref names nothing";
          continue;
        }
        const std::string name(param->at("name").as_string());
        if (is(param->at("in"), "query")) doc.query.insert(name);
        if (is(param->at("in"), "path")) doc.path.insert(name);
      }
    }
  }
  return out;
}

// "{id}" and "{conversationId}" in a route pattern.
std::set<std::string> pattern_parameters(std::string_view pattern) {
  std::set<std::string> out;
  for (auto open = pattern.find('{'); open != std::string_view::npos; open = pattern.find('{', open + 1))
    out.emplace(pattern.substr(open + 1, pattern.find('}', open) - open - 1));
  return out;
}

std::set<std::string> served_query_parameters(const http::query_route& r) {
  std::set<std::string> out;
  for (auto p : r.parameters) out.emplace(p);
  return out;
}

TEST(QueryOpenApi, IsAnOpenApi31Document) {
  ASSERT_TRUE(document().at("openapi").is_string());
  EXPECT_TRUE(document().at("openapi").as_string().starts_with("3.1")) << document().at("openapi");
  EXPECT_TRUE(document().at("info").as_object().contains("version"));
  EXPECT_TRUE(document().at("paths").is_object());
}

TEST(QueryOpenApi, EveryServedRouteIsAPathWithExactlyTheGetMethod) {
  const auto docs = documented();
  for (const auto& r : http::query_routes()) {
    const auto it = docs.find(std::string(r.pattern));
    ASSERT_NE(it, docs.end()) << r.pattern << " is served but not a path of schema/openapi.yaml";
    // The query listener answers GET only (405 otherwise).
    EXPECT_EQ(it->second.methods, std::set<std::string>{"get"}) << r.pattern;
  }
}

TEST(QueryOpenApi, EveryDocumentedPathIsServed) {
  std::set<std::string> served;
  for (const auto& r : http::query_routes()) served.emplace(r.pattern);
  for (const auto& [path, doc] : documented()) EXPECT_TRUE(served.contains(path)) << path << " is documented but not served";
}

TEST(QueryOpenApi, ParametersMatchRouteByRoute) {
  const auto docs = documented();
  for (const auto& r : http::query_routes()) {
    const auto it = docs.find(std::string(r.pattern));
    if (it == docs.end()) continue;
    EXPECT_EQ(it->second.query, served_query_parameters(r)) << r.pattern;
    EXPECT_EQ(it->second.path, pattern_parameters(r.pattern)) << r.pattern;
  }
}

TEST(QueryOpenApi, EveryParameterHasASchemaAndPathParametersAreRequired) {
  for (const auto& [path, item] : document().at("paths").as_object()) {
    const auto* get = item.as_object().if_contains("get");
    if (get == nullptr || !get->as_object().contains("parameters")) continue;
    for (const auto& p : get->at("parameters").as_array()) {
      const json::value* param = deref(p);
      ASSERT_NE(param, nullptr) << path;
      const auto& obj = param->as_object();
      const auto* schema = obj.if_contains("schema");
      ASSERT_NE(schema, nullptr) << path << " " << obj.at("name");
      const json::value* target = deref(*schema);
      ASSERT_NE(target, nullptr) << path << " " << obj.at("name");
      EXPECT_TRUE(target->as_object().contains("type")) << path << " " << obj.at("name");
      const auto* required = obj.if_contains("required");
      if (is(obj.at("in"), "path")) {
        EXPECT_TRUE(required != nullptr && required->is_bool() && required->as_bool()) << path << " " << obj.at("name");
      }
    }
  }
}

// The values docs/api.md promises for /v1/messages' closed parameters.
TEST(QueryOpenApi, MessagesParametersHaveTheirTypesAndValues) {
  std::map<std::string, json::object> params;
  for (const auto& p : document().at("paths").at("/v1/messages").at("get").at("parameters").as_array()) {
    const json::value* param = deref(p);
    ASSERT_NE(param, nullptr);
    params[std::string(param->at("name").as_string())] = deref(param->at("schema"))->as_object();
  }
  const auto values = [&](const std::string& name) {
    std::set<std::string> out;
    if (const auto* e = params[name].if_contains("enum"))
      for (const auto& v : e->as_array()) out.emplace(v.as_string());
    return out;
  };
  EXPECT_EQ(values("direction"), (std::set<std::string>{"Inbound", "Outbound"}));
  EXPECT_EQ(values("order"), (std::set<std::string>{"asc", "desc"}));
  EXPECT_EQ(values("format"), (std::set<std::string>{"json", "ndjson", "csv"}));
  EXPECT_EQ(values("availability"), (std::set<std::string>{"Alive", "Deleted", "Purged"}));
  EXPECT_TRUE(is(params["perPage"].at("type"), "integer"));
  EXPECT_EQ(params["perPage"].at("minimum").to_number<int>(), 1);
  EXPECT_EQ(params["perPage"].at("maximum").to_number<int>(), 1000);
  for (const char* text : {"phoneNumber", "q", "pageToken", "dateFrom", "dateTo", "conversationId", "ownerId"})
    EXPECT_TRUE(is(params[text].at("type"), "string")) << text;
}

TEST(QueryOpenApi, EveryOperationDescribesItsSuccessfulAnswer) {
  for (const auto& [path, item] : document().at("paths").as_object()) {
    const auto* get = item.as_object().if_contains("get");
    ASSERT_NE(get, nullptr) << path;
    const auto* ok = get->at("responses").as_object().if_contains("200");
    ASSERT_NE(ok, nullptr) << path << " has no 200 answer";
    const json::value* answer = deref(*ok);
    ASSERT_NE(answer, nullptr) << path;
    const auto* content = answer->as_object().if_contains("content");
    ASSERT_NE(content, nullptr) << path << ": the 200 answer has no content";
    for (const auto& [type, media] : content->as_object())
      EXPECT_TRUE(media.as_object().contains("schema")) << path << " " << type;
  }
}

TEST(QueryOpenApi, EveryReferenceNamesSomethingThatExists) {
  std::vector<std::string> refs;
  collect_refs(root(), refs);
  EXPECT_GT(refs.size(), 10u);
  for (const auto& ref : refs) EXPECT_NE(resolve(ref), nullptr) << ref << " names nothing";
}

TEST(QueryOpenApi, ApiDocShowsACurlForEveryRouteAndParameter) {
  const auto doc = read_file(std::filesystem::path(RCVAULT_SOURCE_DIR) / "docs" / "api.md");
  EXPECT_NE(doc.find("curl"), std::string::npos);
  for (const auto& r : http::query_routes()) {
    const std::string path(r.pattern);
    const auto stem = path.substr(0, path.find('{'));
    EXPECT_NE(doc.find(stem), std::string::npos) << path;
    for (auto p : r.parameters) EXPECT_NE(doc.find(std::string(p) + "="), std::string::npos) << path << " " << p;
  }
}

}  // namespace
}  // namespace rcvault::test
