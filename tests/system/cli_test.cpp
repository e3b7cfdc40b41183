// The rcvault command line as a user meets it: exit codes 0 / 1 / 2 and one-line errors.
#include "process.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using rcvault::test::process_result;
using rcvault::test::temp_dir;

process_result rcvault(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) {
  return rcvault::test::run_process(RCVAULT_BINARY, args, env);
}

// Asserts the error form of README.md's command line: exactly one stderr line "rcvault: error: ...".
void expect_one_error_line(const process_result& r) {
  EXPECT_TRUE(r.err.starts_with("rcvault: error: ")) << r.err;
  EXPECT_TRUE(r.err.ends_with("\n")) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

std::string write_config(const temp_dir& dir, const std::string& toml) {
  const auto file = dir / "rcvault.toml";
  std::ofstream(file) << toml;
  return file.string();
}

// True for "rcvault 0.1.0\n" and "rcvault 0.1.0 (commit 1a2b3c)\n".
bool is_version_line(std::string_view s) {
  constexpr std::string_view head = "rcvault 0.1.0";
  if (!s.starts_with(head)) return false;
  s.remove_prefix(head.size());
  if (s == "\n") return true;
  constexpr std::string_view commit = " (commit ";
  if (!s.starts_with(commit) || !s.ends_with(")\n")) return false;
  const std::string_view hash = s.substr(commit.size(), s.size() - commit.size() - 2);
  return !hash.empty() && hash.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

TEST(Cli, VersionPrintsVersionAndExitsZero) {
  const auto r = rcvault({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(is_version_line(r.out)) << r.out;
  EXPECT_EQ(r.err, "");
}

TEST(Cli, HelpListsEverySubcommandAndExitsZero) {
  const auto r = rcvault({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* sub : {"serve", "migrate", "import", "backup", "check"})
    EXPECT_NE(r.out.find(sub), std::string::npos) << sub << " missing from:\n" << r.out;
}

struct subcommand_flag {
  const char* subcommand;
  const char* shown;
};

void PrintTo(const subcommand_flag& f, std::ostream* os) { *os << f.subcommand; }

class SubcommandHelp : public testing::TestWithParam<subcommand_flag> {};

TEST_P(SubcommandHelp, ShowsItsFlagsAndExitsZero) {
  const auto r = rcvault({GetParam().subcommand, "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find(GetParam().shown), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--db"), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Cli, SubcommandHelp,
                         testing::Values(subcommand_flag{"serve", "--query-listen"}, subcommand_flag{"migrate", "--status"},
                                         subcommand_flag{"import", "FILE"}, subcommand_flag{"backup", "OUTFILE"},
                                         subcommand_flag{"check", "--config"}),
                         [](const testing::TestParamInfo<subcommand_flag>& info) { return std::string(info.param.subcommand); });

TEST(Cli, UnknownFlagIsOneLineNamingItAndExitsTwo) {
  const auto r = rcvault({"serve", "--bogus"});
  EXPECT_EQ(r.exit_code, 2);
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("--bogus"), std::string::npos) << r.err;
}

TEST(Cli, FlagOfAnotherSubcommandExitsTwo) {
  const auto r = rcvault({"migrate", "--config", "/etc/rcvault/rcvault.toml"});
  EXPECT_EQ(r.exit_code, 2);
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("--config"), std::string::npos) << r.err;
}

TEST(Cli, FlagWithoutValueNamesItAndExitsTwo) {
  const auto r = rcvault({"serve", "--db"});
  EXPECT_EQ(r.exit_code, 2);
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("--db"), std::string::npos) << r.err;
}

TEST(Cli, MistypedSubcommandIsNamedAndExitsTwo) {
  const auto r = rcvault({"serv", "--db", "/tmp/x.db"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "rcvault: error: unknown subcommand 'serv' (see rcvault --help)\n");
  EXPECT_EQ(r.out, "");
}

TEST(Cli, UnknownTopLevelOptionIsNamedAndExitsTwo) {
  const auto r = rcvault({"--frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "rcvault: error: unknown option '--frobnicate' (see rcvault --help)\n");
}

TEST(Cli, UnknownOptionBeforeASubcommandIsNamedAndExitsTwo) {
  const auto r = rcvault({"--frobnicate=1", "serve"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "rcvault: error: unknown option '--frobnicate' (see rcvault --help)\n");
}

TEST(Cli, UnknownOptionOfASubcommandPointsAtItsHelp) {
  const auto r = rcvault({"migrate", "--frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "rcvault: error: unknown option '--frobnicate' (see rcvault migrate --help)\n");
}

TEST(Cli, MissingSubcommandExitsTwo) {
  const auto r = rcvault({});
  EXPECT_EQ(r.exit_code, 2);
  expect_one_error_line(r);
  // Every subcommand is listed (a new one joins the end of the list).
  EXPECT_TRUE(r.err.starts_with("rcvault: error: a subcommand is required: serve, migrate, import, backup")) << r.err;
  EXPECT_TRUE(r.err.ends_with(" (see rcvault --help)\n")) << r.err;
}

TEST(Cli, ImportWithoutFileNamesTheArgumentAndExitsTwo) {
  const auto r = rcvault({"import"});
  EXPECT_EQ(r.exit_code, 2);
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("FILE"), std::string::npos) << r.err;
}

TEST(Cli, UnknownConfigKeyExitsTwoNamingFileAndKey) {
  temp_dir dir;
  const std::string file = write_config(dir, "[ingest]\nlisen = \"127.0.0.1:8080\"\n");
  const auto r = rcvault({"check", "--config", file, "--db", (dir / "a.db").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "rcvault: error: config " + file + ": unknown key 'ingest.lisen' (line 2)\n");
}

TEST(Cli, MissingConfigFileExitsTwo) {
  temp_dir dir;
  const auto r = rcvault({"serve", "--config", (dir / "absent.toml").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "rcvault: error: config " + (dir / "absent.toml").string() + ": cannot read: No such file or directory\n");
}

TEST(Cli, UnknownEnvironmentVariableExitsTwo) {
  temp_dir dir;
  const auto r = rcvault({"migrate", "--db", (dir / "a.db").string()}, {{"RCVAULT_STORE_PTH", "/x.db"}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "rcvault: error: environment RCVAULT_STORE_PTH: names no configuration key\n");
}

TEST(Cli, BadListenFlagExitsTwoNamingTheFlag) {
  const auto r = rcvault({"serve", "--ingest-listen", "localhost"});
  EXPECT_EQ(r.exit_code, 2);
  expect_one_error_line(r);
  EXPECT_TRUE(r.err.starts_with("rcvault: error: --ingest-listen: bad listen address 'localhost'")) << r.err;
}

TEST(Cli, MissingTokenFileExitsTwo) {
  temp_dir dir;
  const auto r = rcvault({"check", "--db", (dir / "a.db").string()},
                         {{"RCVAULT_INGEST_VERIFICATION_TOKEN_FILE", (dir / "absent").string()}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "rcvault: error: environment RCVAULT_INGEST_VERIFICATION_TOKEN_FILE: cannot read '" +
                       (dir / "absent").string() + "': No such file or directory\n");
}

TEST(Cli, SecretIsNeverPrinted) {
  temp_dir dir;
  const auto r = rcvault({"check", "--db", (dir / "a.db").string()}, {{"RCVAULT_QUERY_TOKEN", "hunter2\tx"}});
  EXPECT_EQ(r.exit_code, 2);
  expect_one_error_line(r);
  EXPECT_EQ(r.err.find("hunter2"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("hunter2"), std::string::npos) << r.out;
}

TEST(Cli, DatabaseThatIsADirectoryExitsOne) {
  temp_dir dir;
  const auto r = rcvault({"check", "--db", dir.path().string()});
  EXPECT_EQ(r.exit_code, 1);
  expect_one_error_line(r);
  EXPECT_NE(r.err.find(dir.path().string()), std::string::npos) << r.err;
}

TEST(Cli, ImportWithARejectedItemExitsOne) {
  temp_dir dir;
  const auto input = dir / "one.ndjson";
  std::ofstream(input) << "{\"uuid\":\"no-body\"}\n";
  const auto r = rcvault({"import", "--db", (dir / "a.db").string(), input.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("0 stored, 0 duplicate, 1 rejected"), std::string::npos) << r.out;
}

}  // namespace
