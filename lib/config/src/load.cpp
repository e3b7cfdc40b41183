#include "layer.hpp"

#include <array>
#include <stdexcept>
#include <system_error>

namespace rcvault::config {

void throw_exception_from_error(const load_error& e, const boost::source_location&) { throw std::runtime_error(e.message); }

namespace {
using namespace detail;

enum class layer_kind { file, environment, flags };

// How a layer names a key in an error: the file by its dotted key, the environment by its variable.
std::string name_in_layer(layer_kind kind, std::string_view dotted) {
  if (kind == layer_kind::environment) return environment_name(dotted);
  return "'" + std::string(dotted) + "'";
}

// Within one layer, a secret given both inline and as a file is ambiguous; across
// layers the higher one replaces the whole setting (an env token file beats a file token).
std::optional<std::string> merge_secret(secret_setting& winner, const secret_setting& layer, layer_kind kind,
                                        const std::string& prefix, std::string_view dotted) {
  if (layer.value && layer.file) {
    const std::string file_key = std::string(dotted) + "_file";
    return prefix + "both " + name_in_layer(kind, dotted) + " and " + name_in_layer(kind, file_key) +
           " are set; set only one";
  }
  if (!layer.empty()) winner = layer;
  return std::nullopt;
}

struct secrets {
  secret_setting verification_token;
  secret_setting query_token;
  secret_setting client_secret;
  secret_setting jwt;
};

std::optional<std::string> finish_layer(secrets& won, const layer_state& layer, layer_kind kind, const std::string& prefix) {
  if (auto e = merge_secret(won.verification_token, layer.verification_token, kind, prefix, "ingest.verification_token")) return e;
  if (auto e = merge_secret(won.client_secret, layer.client_secret, kind, prefix, "ringcentral.client_secret")) return e;
  if (auto e = merge_secret(won.jwt, layer.jwt, kind, prefix, "ringcentral.jwt")) return e;
  return merge_secret(won.query_token, layer.query_token, kind, prefix, "query.token");
}

// The API needs all three of client id, client secret and JWT; a secret without a client id
// is a half-done setup that would otherwise be ignored in silence. Credentials found in
// $CREDENTIALS_DIRECTORY alone do not count: the unit offers them to every installation.
std::optional<std::string> check_api_credentials(const config& cfg, const secrets& won) {
  const auto& rc = cfg.ringcentral;
  if (rc.client_id) {
    if (!rc.client_secret)
      return "ringcentral.client_id is set without a client secret: set ringcentral.client_secret or "
             "ringcentral.client_secret_file, or the systemd credential ringcentral-client-secret";
    if (!rc.jwt)
      return "ringcentral.client_id is set without a JWT: set ringcentral.jwt or ringcentral.jwt_file, or the "
             "systemd credential ringcentral-jwt";
    return std::nullopt;
  }
  if (!won.client_secret.empty()) return "ringcentral.client_secret is set without ringcentral.client_id";
  if (!won.jwt.empty()) return "ringcentral.jwt is set without ringcentral.client_id";
  return std::nullopt;
}

std::optional<std::string> apply_flags(const flag_values& flags, layer_state& layer) {
  struct flag {
    const std::optional<std::string>& text;
    std::string_view name;
    std::string_view key;
  };
  const std::array<flag, 3> all{{{flags.db, "--db", "store.path"},
                                 {flags.ingest_listen, "--ingest-listen", "ingest.listen"},
                                 {flags.query_listen, "--query-listen", "query.listen"}}};
  for (const flag& f : all) {
    if (!f.text) continue;
    const place where{std::string(f.name) + ": ", ""};
    if (auto problem = find_key(f.key)->apply(layer, *f.text, where)) return where.describe(*problem);
  }
  if (!flags.extensions.empty()) {
    const place where{"--extension: ", ""};
    if (auto problem = find_key("sync.extensions")->apply(layer, flags.extensions, where)) return where.describe(*problem);
  }
  return std::nullopt;
}

result<std::string> read_token(const std::filesystem::path& file, const place& where) {
  const file_contents contents = read_whole_file(file);
  const std::string quoted = "'" + file.string() + "'";
  if (!contents.bytes) return load_error{where.describe("cannot read " + quoted + ": " + contents.problem)};
  std::string token = *contents.bytes;
  // Editors and `echo` end files with a newline; it is never part of the token.
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  if (token.empty()) return load_error{where.describe("token file " + quoted + " is empty")};
  if (auto problem = check_secret(token)) return load_error{where.describe("token file " + quoted + " " + *problem)};
  return result<std::string>(boost::system::in_place_value, std::move(token));
}

result<std::optional<std::string>> resolve_secret(const secret_setting& s, const environment& env,
                                                  std::string_view credential) {
  if (s.value) return std::optional<std::string>{*s.value};
  if (s.file) {
    auto token = read_token(*s.file, s.file_place);
    if (!token) return token.error();
    return std::optional<std::string>{std::move(*token)};
  }
  const auto dir = env.find("CREDENTIALS_DIRECTORY");
  if (dir == env.end() || dir->second.empty()) return std::optional<std::string>{};
  const std::filesystem::path file = std::filesystem::path(dir->second) / credential;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return std::optional<std::string>{};
  auto token = read_token(file, place{"credential " + std::string(credential) + ": ", ""});
  if (!token) return token.error();
  return std::optional<std::string>{std::move(*token)};
}

}  // namespace

result<config> load(const load_request& request) {
  config cfg;
  secrets won;

  if (request.file) {
    layer_state layer{cfg};
    if (auto e = apply_file(*request.file, layer)) return load_error{*e};
    if (auto e = finish_layer(won, layer, layer_kind::file, "config " + request.file->string() + ": ")) return load_error{*e};
  }
  {
    layer_state layer{cfg};
    if (auto e = apply_environment(request.env, layer)) return load_error{*e};
    if (auto e = finish_layer(won, layer, layer_kind::environment, "environment: ")) return load_error{*e};
  }
  {
    layer_state layer{cfg};
    if (auto e = apply_flags(request.flags, layer)) return load_error{*e};
  }

  auto verification = resolve_secret(won.verification_token, request.env, "verification-token");
  if (!verification) return verification.error();
  cfg.ingest.verification_token = std::move(*verification);
  auto query = resolve_secret(won.query_token, request.env, "query-token");
  if (!query) return query.error();
  cfg.query.token = std::move(*query);
  auto client_secret = resolve_secret(won.client_secret, request.env, "ringcentral-client-secret");
  if (!client_secret) return client_secret.error();
  cfg.ringcentral.client_secret = std::move(*client_secret);
  auto jwt = resolve_secret(won.jwt, request.env, "ringcentral-jwt");
  if (!jwt) return jwt.error();
  cfg.ringcentral.jwt = std::move(*jwt);
  if (auto e = check_api_credentials(cfg, won)) return load_error{*e};
  resolve_attachments_dir(cfg);
  return cfg;
}

}  // namespace rcvault::config
