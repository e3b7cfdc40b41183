#pragma once
// The attachment fetcher (docs/attachments.md): on the API thread, with the
// runner's client and its pacing (Medium group), it downloads every attachment
// whose archive state is pending or failed and due, streams it into the
// content store, and hands each result to the writer's background lane,
// waiting for the commit before it takes the next rows, so nothing is
// downloaded twice. It pauses while the disk of attachments.dir has less
// than min_free_bytes free, and sleeps when nothing is due until the next
// retry, a poke (a message stored) or idle_wait.
//
// Threading: run() and drain() are coroutines on the client's io_context;
// poke() and status() are thread-safe. The fetcher must outlive the
// io_context's thread (it closes its relay when run() ends).

#include "rcvault/core/error.hpp"
#include "rcvault/ringcentral/client.hpp"
#include "rcvault/store/attachment_archive.hpp"
#include "rcvault/store/options.hpp"
#include "rcvault/store/writer.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace rcvault::attachments {

struct fetcher_options {
  std::filesystem::path dir = "attachments";          // attachments.dir
  std::uint64_t max_bytes = 52'428'800;               // attachments.max_bytes
  std::uint64_t min_free_bytes = 2'147'483'648;       // attachments.min_free_bytes
  std::string server = "https://platform.ringcentral.com";  // ringcentral.server (source_uri)
  store::options store;                               // the database (attachment_queue)
  std::size_t batch = 32;                             // rows taken from the queue at once
  std::chrono::milliseconds idle_wait{60'000};        // longest sleep when nothing is due
  std::chrono::milliseconds space_wait{30'000};       // free space looked at again while paused
  std::chrono::milliseconds poke_delay{1'000};        // pokes within this coalesce into one look
  std::chrono::milliseconds retry_min{60'000};        // first wait after a failed download, doubling
  std::chrono::milliseconds retry_max{6 * 3'600'000};  // cap of the doubling
  std::chrono::milliseconds rate_limited_wait{60'000};  // least wait after a 429 the client gave up on
  // Free bytes on the disk of `dir` (nullopt: unknown, not paused); tests
  // replace it. Default: free_bytes_of (statvfs).
  std::function<std::optional<std::uint64_t>(const std::filesystem::path&)> free_space;
};

// What /v1/sync and /metrics show of the fetcher (docs/attachments.md).
// Counts are since the process started.
struct fetcher_status {
  bool running = false;                     // run() is looping (serve)
  bool paused = false;                      // free space under min_free_bytes: nothing is downloaded
  std::optional<std::uint64_t> free_bytes;  // on the disk of attachments.dir, when last looked at
  std::uint64_t min_free_bytes = 0;
  std::uint64_t downloaded = 0;             // downloads that became stored
  std::uint64_t bytes = 0;                  // their bytes
  // Results committed, by archive state ("stored", "gone", "forbidden", "too_large", "failed").
  std::map<std::string, std::uint64_t, std::less<>> results;
  std::optional<std::string> last_error;    // why the last download or step failed (safe to show)
  std::optional<core::millis> last_error_at;
};

// /v1/sync's "attachments" object (docs/api.md): {"paused","freeBytes"?,
// "minFreeBytes","downloaded","bytes","lastError"?:{"message","time"}}.
std::string to_json(const fetcher_status& s);

// What drain() did.
struct drain_report {
  std::uint64_t stored = 0;
  std::uint64_t not_stored = 0;  // gone, forbidden, too_large, failed
  bool paused = false;           // stopped early: free space under min_free_bytes
  std::optional<std::string> error;  // stopped early for this reason (store, folder, token)
};

class fetcher {
 public:
  // Does no I/O. `writer` must outlive the fetcher; the database must be migrated.
  fetcher(fetcher_options opts, store::writer& writer);
  ~fetcher();
  fetcher(const fetcher&) = delete;
  fetcher& operator=(const fetcher&) = delete;

  // serve: prepares the folder (removes tmp/ leftovers), then downloads what
  // is due until the coroutine is cancelled (runner::stop). Never throws.
  boost::asio::awaitable<void> run(ringcentral::client& client);

  // rcvault sync: prepares the folder, downloads everything due now (not
  // what fails meanwhile: its retry lies ahead) and returns.
  boost::asio::awaitable<drain_report> drain(ringcentral::client& client);

  // A message was stored: look for due rows within poke_delay. Thread-safe,
  // never blocks.
  void poke();

  // Thread-safe.
  fetcher_status status() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace rcvault::attachments
