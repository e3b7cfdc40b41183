// The built `rcvault serve` under a stand-in for systemd: the notification
// protocol of Type=notify (READY=1, STOPPING=1, WATCHDOG=1) on a datagram
// socket the test owns, and the verification token handed over as a systemd
// credential ($CREDENTIALS_DIRECTORY/verification-token).

#include "http_client.hpp"
#include "systemd_daemon.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <csignal>
#include <fstream>

namespace {

using namespace std::chrono_literals;
using rcvault::test::daemon_process;
using rcvault::test::notify_socket;
using rcvault::test::temp_dir;
using env_map = std::map<std::string, std::string>;

// Generous: the binary is built with sanitizers and CI shares two cores.
constexpr auto start_deadline = 60s;
constexpr auto stop_deadline = 60s;

std::vector<std::string> serve_args(const temp_dir& dir) {
  return {"serve", "--db", (dir / "rcvault.db").string(), "--ingest-listen", "127.0.0.1:0",
          "--query-listen", "127.0.0.1:0"};
}

std::string notification() {
  return rcvault::test::read_file(rcvault::test::shared_payload_path("01-instant-sms-2025-docs.json"));
}

int applied_migrations(const std::filesystem::path& db) {
  sqlite3* con = nullptr;
  int count = -1;
  if (sqlite3_open_v2(db.c_str(), &con, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(con, "SELECT count(*) FROM schema_migrations", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      count = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(con);
  return count;
}

// A daemon started with NOTIFY_SOCKET (and `env`) that has sent READY=1.
struct ready_daemon {
  temp_dir dir;
  notify_socket notify{dir / "notify.sock"};
  std::optional<daemon_process> process;
  rcvault::test::listening_ports ports;

  explicit ready_daemon(env_map env = {}) {
    env["NOTIFY_SOCKET"] = notify.path().string();
    process.emplace(serve_args(dir), env);
  }

  // Waits for READY=1, then for the listening line; false (with the log
  // reported) when either does not come in time.
  bool wait_ready() {
    if (!notify.wait_for("READY=1", start_deadline)) {
      ADD_FAILURE() << "no READY=1 within the deadline; stderr so far:\n" << log_text();
      return false;
    }
    const auto line = process->wait_for_line("listening ingest=", 10s);
    if (!line) {
      ADD_FAILURE() << "READY=1 came but no listening line; stderr:\n" << log_text();
      return false;
    }
    const auto parsed = rcvault::test::parse_listening(*line);
    if (!parsed) {
      ADD_FAILURE() << "unparsable listening line: " << *line;
      return false;
    }
    ports = *parsed;
    return true;
  }

  std::string log_text() {
    (void)process->wait_for_line("\n", 0ms);
    std::string s;
    for (const auto& l : process->log()) s += l + "\n";
    return s;
  }
};

void write_file(const std::filesystem::path& p, std::string_view content) {
  std::ofstream out(p, std::ios::binary);
  out << content;
}

TEST(SystemdNotify, ReadyComesOnlyWhenBothListenersAcceptAndMigrationsRan) {
  ready_daemon d;
  ASSERT_TRUE(d.wait_ready());
  // READY=1 was already sent: both ports must accept at once, with no retry.
  EXPECT_TRUE(rcvault::test::accepts_connections(d.ports.ingest)) << "ingest port " << d.ports.ingest;
  EXPECT_TRUE(rcvault::test::accepts_connections(d.ports.query)) << "query port " << d.ports.query;
  EXPECT_GE(applied_migrations(d.dir / "rcvault.db"), 1);
  d.process->signal(SIGTERM);
  EXPECT_EQ(d.process->wait_exit(stop_deadline), 0);
}

// The test above waits for the stderr listening line after READY=1 before it
// tries the ports, which gives a READY=1 sent too early (before the bind) time
// to become true. Here the ports are judged at the moment READY=1 arrives: they
// are ephemeral, so they must come from a STATUS=listening datagram sent no
// later than READY=1, and both must accept at once.
TEST(SystemdNotify, ReadyFollowsTheListeningStatusAndThePortsAcceptAtOnce) {
  ready_daemon d;
  ASSERT_TRUE(d.notify.wait_for("READY=1", start_deadline)) << d.log_text();
  std::optional<rcvault::test::listening_ports> ports;
  bool ready = false;
  for (const auto& datagram : d.notify.received()) {
    // One datagram may carry several assignments, one per line.
    std::string_view rest(datagram);
    while (!rest.empty()) {
      const auto nl = rest.find('\n');
      const auto line = rest.substr(0, nl);
      if (line.starts_with("STATUS=listening ingest=")) ports = rcvault::test::parse_listening(line);
      if (line == "READY=1") ready = true;
      if (nl == std::string_view::npos) break;
      rest.remove_prefix(nl + 1);
    }
    if (ready) break;
  }
  ASSERT_TRUE(ports) << "READY=1 came before any STATUS=listening datagram; datagrams: "
                     << d.notify.received().size();
  EXPECT_TRUE(rcvault::test::accepts_connections(ports->ingest)) << "ingest port " << ports->ingest;
  EXPECT_TRUE(rcvault::test::accepts_connections(ports->query)) << "query port " << ports->query;
  EXPECT_GE(applied_migrations(d.dir / "rcvault.db"), 1);
  d.process->signal(SIGTERM);
  EXPECT_EQ(d.process->wait_exit(stop_deadline), 0);
}

// Migrations run before READY=1 and may take minutes on a large archive: each
// statement tells the manager where it is and moves the start deadline on,
// so TimeoutStartSec= does not kill a long one (a fresh database has every
// migration pending).
TEST(SystemdNotify, MigrationsExtendTheStartDeadlineBeforeReady) {
  ready_daemon d;
  ASSERT_TRUE(d.notify.wait_for("READY=1", start_deadline)) << d.log_text();
  int extends = 0;
  bool migrating_status = false;
  for (const auto& datagram : d.notify.received()) {
    if (datagram.find("READY=1") != std::string::npos) break;
    if (datagram.find("EXTEND_TIMEOUT_USEC=60000000") != std::string::npos) ++extends;
    if (datagram.find("STATUS=migrating the database: 0001_initial statement 1 of ") != std::string::npos)
      migrating_status = true;
  }
  EXPECT_TRUE(migrating_status) << "no STATUS=migrating datagram before READY=1";
  // One per statement of every migration at least.
  EXPECT_GE(extends, 10);
  ASSERT_TRUE(d.wait_ready());
  EXPECT_NE(d.log_text().find("applying migration name=0002_arrival_row_ids"), std::string::npos) << d.log_text();
  d.process->signal(SIGTERM);
  EXPECT_EQ(d.process->wait_exit(stop_deadline), 0);
}

TEST(SystemdNotify, SigtermSendsStoppingAndExitsZero) {
  ready_daemon d;
  ASSERT_TRUE(d.wait_ready());
  d.process->signal(SIGTERM);
  EXPECT_TRUE(d.notify.wait_for("STOPPING=1", stop_deadline)) << d.log_text();
  EXPECT_EQ(d.process->wait_exit(stop_deadline), 0) << d.log_text();
}

TEST(SystemdNotify, StatusLineIsSentBeforeStopping) {
  ready_daemon d;
  ASSERT_TRUE(d.wait_ready());
  d.process->signal(SIGTERM);
  ASSERT_TRUE(d.notify.wait_for("STOPPING=1", stop_deadline));
  bool status = false;
  for (const auto& datagram : d.notify.received()) {
    if (datagram.find("STATUS=") != std::string::npos) status = true;
  }
  EXPECT_TRUE(status) << "no STATUS= line among " << d.notify.received().size() << " datagrams";
  EXPECT_EQ(d.process->wait_exit(stop_deadline), 0);
}

TEST(SystemdWatchdog, PingsArriveWhenTheWatchdogIsEnabled) {
  // WATCHDOG_PID is left unset, which sd_watchdog_enabled accepts for any pid.
  ready_daemon d(env_map{{"WATCHDOG_USEC", "400000"}});
  ASSERT_TRUE(d.wait_ready());
  EXPECT_TRUE(d.notify.wait_for("WATCHDOG=1", 10s)) << d.log_text();
  d.process->signal(SIGTERM);
  EXPECT_EQ(d.process->wait_exit(stop_deadline), 0);
}

TEST(SystemdCredentials, WrongVerificationTokenFromCredentialGets401) {
  temp_dir creds;
  write_file(creds / "verification-token", "cred-token-4711\n");
  ready_daemon d(env_map{{"CREDENTIALS_DIRECTORY", creds.path().string()}});
  ASSERT_TRUE(d.wait_ready());
  rcvault::test::http_client client(d.ports.ingest);
  const auto r = client.post_json("/webhook", notification(), {{"Verification-Token", "some-other-token"}});
  EXPECT_EQ(r.status, 401u) << r.body;
  EXPECT_NE(r.body.find("bad_verification_token"), std::string::npos) << r.body;
  d.process->signal(SIGTERM);
  EXPECT_EQ(d.process->wait_exit(stop_deadline), 0);
}

TEST(SystemdCredentials, VerificationTokenFromCredentialIsAccepted) {
  temp_dir creds;
  write_file(creds / "verification-token", "cred-token-4711\n");
  ready_daemon d(env_map{{"CREDENTIALS_DIRECTORY", creds.path().string()}});
  ASSERT_TRUE(d.wait_ready());
  rcvault::test::http_client client(d.ports.ingest);
  const auto r = client.post_json("/webhook", notification(), {{"Verification-Token", "cred-token-4711"}});
  EXPECT_EQ(r.status, 200u) << r.body;
  EXPECT_NE(r.body.find("\"stored\""), std::string::npos) << r.body;
  d.process->signal(SIGTERM);
  EXPECT_EQ(d.process->wait_exit(stop_deadline), 0);
}

TEST(SystemdCredentials, TokenNeverAppearsInTheLog) {
  temp_dir creds;
  write_file(creds / "verification-token", "cred-token-4711\n");
  ready_daemon d(env_map{{"CREDENTIALS_DIRECTORY", creds.path().string()}, {"RCVAULT_LOG_LEVEL", "debug"}});
  ASSERT_TRUE(d.wait_ready());
  {
    rcvault::test::http_client client(d.ports.ingest);
    (void)client.post_json("/webhook", notification(), {{"Verification-Token", "cred-token-4711"}});
    (void)client.post_json("/webhook", notification(), {{"Verification-Token", "wrong"}});
  }
  d.process->signal(SIGTERM);
  EXPECT_EQ(d.process->wait_exit(stop_deadline), 0);
  EXPECT_EQ(d.log_text().find("cred-token-4711"), std::string::npos) << d.log_text();
}

TEST(SystemdCredentials, MissingCredentialStartsAndWarnsThatNotificationsAreNotVerified) {
  // What the unit gives the daemon before the admin has put a token in the
  // credential store: an empty credentials directory.
  temp_dir creds;
  ready_daemon d(env_map{{"CREDENTIALS_DIRECTORY", creds.path().string()}});
  ASSERT_TRUE(d.wait_ready());
  bool warned = false;
  for (const auto& line : d.process->log()) {
    if (line.rfind("<4>", 0) == 0 && line.find("verif") != std::string::npos) warned = true;
  }
  EXPECT_TRUE(warned) << "no warning about unverified notifications; stderr:\n" << d.log_text();
  rcvault::test::http_client client(d.ports.ingest);
  const auto r = client.post_json("/webhook", notification());
  EXPECT_EQ(r.status, 200u) << r.body;
  d.process->signal(SIGTERM);
  EXPECT_EQ(d.process->wait_exit(stop_deadline), 0);
}

}  // namespace
