#pragma once
// Detects database files that the service's user cannot write: an admin
// subcommand run as root on the service's database leaves root-owned -wal/-shm
// files behind, and the service (DynamicUser=yes) is then locked out.

#include <filesystem>
#include <string>
#include <vector>

namespace rcvault::app {

// Returns one warning line per problem, empty when there is none: each of the
// database file and its -wal, -shm and -journal companions that exists and is
// not owned by the owner of the database's folder (under systemd that folder
// is the StateDirectory=, owned by the service's user), and, when this process
// runs as another user than that owner, one line saying that the files it
// creates would lock the service out. Nothing is checked when the folder does
// not exist. Never throws; only stat(2) is used, nothing is opened.
std::vector<std::string> database_ownership_warnings(const std::filesystem::path& db);

}  // namespace rcvault::app
