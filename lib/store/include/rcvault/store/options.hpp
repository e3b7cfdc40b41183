#pragma once
// How to open the store. No SQLiteCpp type appears in any public store header.

#include <chrono>
#include <cstddef>
#include <filesystem>

namespace rcvault::store {

enum class synchronous { full, normal };

struct options {
  std::filesystem::path path = "./var/rcvault.db";
  synchronous sync = synchronous::full;
  std::size_t batch_max = 512;                 // most notifications in one group commit
  std::size_t queue_max = 8192;                // waiting notifications; beyond: unavailable
  std::size_t rejected_max = 10000;            // dead-letter cap: oldest rows go beyond it
  std::chrono::milliseconds busy_timeout{5000};
};

}  // namespace rcvault::store
