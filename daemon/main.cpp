// rcvault: the whole life of the process. Parse the command line (README.md, `rcvault --help`),
// load the configuration (flags > environment > file > defaults), set the log level,
// run one subcommand, and turn every failure into one stderr line and an exit code:
// 0 success, 1 runtime failure, 2 usage or configuration error.

#include "rcvault/app/commands.hpp"
#include "rcvault/config/load.hpp"
#include "rcvault/log/log.hpp"

#include <CLI/CLI.hpp>

#include <cctype>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace config = rcvault::config;
namespace log = rcvault::log;
namespace app = rcvault::app;

constexpr int exit_runtime_failure = 1;
constexpr int exit_usage = 2;

std::string version_line() {
  std::string line = "rcvault " RCVAULT_VERSION;
  const std::string_view commit = RCVAULT_GIT_COMMIT;
  if (!commit.empty()) line += " (commit " + std::string(commit) + ")";
  return line;
}

// Every error is exactly one line, whatever the text it wraps.
void print_error(std::string_view what) {
  std::string line = "rcvault: error: ";
  for (char c : what) line += (c == '\n' || c == '\r') ? ' ' : c;
  while (line.back() == ' ') line.pop_back();
  line += '\n';
  std::fflush(stdout);
  std::fputs(line.c_str(), stderr);
}

// "serve, migrate, import, backup or check": every subcommand the parser knows, so that a
// new subcommand is named in the errors without editing them.
std::string subcommand_names(const CLI::App& cli) {
  const auto subs = cli.get_subcommands([](const CLI::App*) { return true; });
  std::string names;
  for (std::size_t i = 0; i < subs.size(); ++i) {
    if (i > 0) names += i + 1 == subs.size() ? " or " : ", ";
    names += subs[i]->get_name();
  }
  return names;
}

// The first argument the parser could not place, when there is one: a typo is named
// ("unknown subcommand 'serv'", "unknown option '--frobnicate'") rather than reported as
// what is then missing. CLI11 keeps an argument it could not place with the command
// line level it was read at: the top level first, then the subcommand.
std::optional<std::string> unplaced_argument_error(const CLI::App& cli) {
  const auto describe = [](const std::string& arg, const CLI::App* sub) {
    const std::string help = sub == nullptr ? "rcvault --help" : "rcvault " + sub->get_name() + " --help";
    if (arg.starts_with('-')) return "unknown option '" + arg.substr(0, arg.find('=')) + "' (see " + help + ")";
    if (sub == nullptr) return "unknown subcommand '" + arg + "' (see " + help + ")";
    return "unexpected argument '" + arg + "' (see " + help + ")";
  };
  if (const auto rest = cli.remaining(); !rest.empty()) return describe(rest.front(), nullptr);
  for (const CLI::App* sub : cli.get_subcommands())
    if (const auto rest = sub->remaining(); !rest.empty()) return describe(rest.front(), sub);
  return std::nullopt;
}

// CLI11 words its errors as sentences ("The following argument was not expected: --x");
// ours start lower case like the rest of the error lines.
std::string cli_error_text(const CLI::App& cli, const CLI::ParseError& e) {
  if (auto unplaced = unplaced_argument_error(cli)) return *unplaced;
  std::string text = e.what();
  if (text == "A subcommand is required") return "a subcommand is required: " + subcommand_names(cli) + " (see rcvault --help)";
  if (text.size() > 1 && std::isupper(static_cast<unsigned char>(text[0])) && std::islower(static_cast<unsigned char>(text[1])))
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

// What the command line asked for, before the configuration is loaded.
struct command_line {
  std::optional<std::string> config_file;
  config::flag_values flags;
  bool status_only = false;
  std::string import_file;
  std::string backup_out;
  bool full_sync = false;
  bool check_attachments = false;
  bool retrain = false;
  std::string subscription_action;
  rcvault::app::erase_options erase;
};

void add_db_flag(CLI::App& sub, command_line& cl) {
  sub.add_option("--db", cl.flags.db, "SQLite database file (store.path)")->type_name("PATH");
}

void add_config_flag(CLI::App& sub, command_line& cl) {
  sub.add_option("--config", cl.config_file, "TOML configuration file")->type_name("FILE");
}

int run(int argc, char** argv) {
  CLI::App cli{"rcvault: keeps RingCentral message-store webhook notifications in SQLite and serves a local query API.",
               "rcvault"};
  cli.set_version_flag("--version", version_line(), "Print the version and exit");
  cli.require_subcommand(1);
  cli.footer("Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error.\n"
             "Configuration keys, environment variables and defaults: docs/configuration.md\n");
  command_line cl;

  CLI::App* serve = cli.add_subcommand("serve", "Run the daemon: webhook ingest and query API, until SIGTERM");
  add_config_flag(*serve, cl);
  add_db_flag(*serve, cl);
  serve->add_option("--ingest-listen", cl.flags.ingest_listen, "Webhook listener (ingest.listen)")->type_name("HOST:PORT");
  serve->add_option("--query-listen", cl.flags.query_listen, "Query listener (query.listen), or unix:/path")->type_name("HOST:PORT");

  CLI::App* migrate = cli.add_subcommand("migrate", "Apply pending schema migrations");
  add_db_flag(*migrate, cl);
  migrate->add_flag("--status", cl.status_only, "Only print which migrations are applied and pending");

  CLI::App* import = cli.add_subcommand("import", "Import notification envelopes or REST message records");
  add_db_flag(*import, cl);
  import->add_option("FILE", cl.import_file, "NDJSON, a JSON array or one JSON object; - for stdin")->required();

  CLI::App* backup = cli.add_subcommand("backup", "Write an online, consistent copy of the database");
  add_db_flag(*backup, cl);
  backup->add_option("OUTFILE", cl.backup_out, "Where the copy goes")->required();

  CLI::App* check = cli.add_subcommand("check", "Validate the configuration, open the database, run integrity_check");
  add_config_flag(*check, cl);
  add_db_flag(*check, cl);
  check->add_flag("--attachments", cl.check_attachments,
                  "Instead: verify every archived attachment file against its size and sha256 (docs/attachments.md)");

  CLI::App* compact =
      cli.add_subcommand("compact", "Re-encode stored raw payloads with the newest zstd dictionary (docs/storage.md)");
  add_db_flag(*compact, cl);
  compact->add_flag("--retrain", cl.retrain, "First train a new dictionary version from a sample of the stored events");

  CLI::App* sync = cli.add_subcommand("sync", "Run one Message Sync pass over RingCentral's API (docs/sync.md)");
  add_config_flag(*sync, cl);
  add_db_flag(*sync, cl);
  sync->add_option("--extension", cl.flags.extensions, "Sync only this extension id (repeatable; sync.extensions)")
      ->type_name("ID")
      ->delimiter(',');
  sync->add_flag("--full", cl.full_sync, "A full sync from sync.since, whatever is stored");

  CLI::App* subscription =
      cli.add_subcommand("subscription", "Show, ensure or delete the webhook subscription (docs/deploy.md)");
  add_config_flag(*subscription, cl);
  add_db_flag(*subscription, cl);
  subscription
      ->add_option("ACTION", cl.subscription_action,
                   "status (print it), ensure (create/renew/mend it; serve must be running), delete (for a stopped serve)")
      ->required()
      ->check(CLI::IsMember({"status", "ensure", "delete"}));

  CLI::App* erase = cli.add_subcommand(
      "erase", "Erase everything about a number, a message or what is older than a date (docs/retention.md)");
  add_config_flag(*erase, cl);
  add_db_flag(*erase, cl);
  auto* by_number =
      erase->add_option("--phone-number", cl.erase.phone_number, "Messages where this number is a party or written")
          ->type_name("N");
  auto* by_id = erase->add_option("--message-id", cl.erase.message_id, "The message with this RingCentral id")
                    ->type_name("ID");
  auto* by_time = erase->add_option("--before", cl.erase.before, "Messages created before this ISO 8601 date or time")
                      ->type_name("DATE");
  by_number->excludes(by_id)->excludes(by_time);
  by_id->excludes(by_time);
  erase->add_flag("--dry-run", cl.erase.dry_run, "Only count what would be erased");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return cli.exit(e);  // --help, --version
    print_error(cli_error_text(cli, e));
    return exit_usage;
  }

  config::load_request request{.env = config::process_environment(), .flags = cl.flags};
  if (cl.config_file) request.file = *cl.config_file;
  auto loaded = config::load(request);
  if (!loaded) {
    print_error(loaded.error().message);
    return exit_usage;
  }
  const config::config& cfg = *loaded;
  log::set_level(log::parse_level(cfg.log.level).value_or(log::level::info));
  log::debug("config loaded file={} db={} ingest={} query={} verification_token={} query_token={}",
             cl.config_file.value_or("none"), cfg.store.path.string(), config::to_string(cfg.ingest.listen),
             config::to_string(cfg.query.listen), cfg.ingest.verification_token ? "set" : "none",
             cfg.query.token ? "set" : "none");

  if (serve->parsed()) return app::serve(cfg);
  if (migrate->parsed()) return app::migrate(cfg, cl.status_only);
  if (import->parsed()) return app::import_file(cfg, cl.import_file);
  if (backup->parsed()) return app::backup(cfg, cl.backup_out);
  if (compact->parsed()) return app::compact(cfg, cl.retrain);
  if (sync->parsed()) return app::sync(cfg, cl.full_sync);
  if (subscription->parsed()) return app::subscription(cfg, cl.subscription_action);
  if (erase->parsed()) return app::erase(cfg, cl.erase);
  if (cl.check_attachments) return app::check_attachments(cfg);
  return app::check(cfg);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    print_error(e.what());
  } catch (...) {
    print_error("unexpected failure");
  }
  return exit_runtime_failure;
}
