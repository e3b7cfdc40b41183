// Placeholders until each command's machinery lands (see the issues).
#include "rcvault/app/commands.hpp"

#include <cstdio>

namespace rcvault::app {
namespace {
int not_yet(const char* what) {
  std::fprintf(stderr, "rcvault: error: %s: not implemented yet\n", what);
  return 1;
}
}  // namespace
int serve(const config::config&) { return not_yet("serve"); }
int migrate(const config::config&, bool) { return not_yet("migrate"); }
int import_file(const config::config&, const std::string&) { return not_yet("import"); }
int backup(const config::config&, const std::filesystem::path&) { return not_yet("backup"); }
int check(const config::config&) { return not_yet("check"); }
}  // namespace rcvault::app
