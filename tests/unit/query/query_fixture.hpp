#pragma once
// A generated archive in a temp-dir database, written through the real write
// path (store::migrate + store::writer), and a way to call handle_query
// without a socket.

#include "dataset.hpp"
#include "temp_dir.hpp"

#include "rcvault/http/query_api.hpp"
#include "rcvault/ingest/parse.hpp"
#include "rcvault/store/database.hpp"
#include "rcvault/store/reader_pool.hpp"
#include "rcvault/store/writer.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace rcvault::test {

// What a client would see of one reply.
struct query_result {
  unsigned status = 0;
  std::string content_type;
  std::string body;        // whole body, chunks concatenated
  bool streamed = false;
  std::size_t chunks = 0;
  std::optional<std::uint64_t> length;  // a stream's announced Content-Length
  std::optional<std::string> header(boost::beast::http::field f) const {
    auto it = headers.find(std::string(boost::beast::http::to_string(f)));
    if (it == headers.end()) return std::nullopt;
    return it->second;
  }
  boost::json::value json() const { return boost::json::parse(body); }
  std::map<std::string, std::string> headers;
};

class query_archive {
 public:
  // Writes `count` generated messages (with `opts`) into a fresh database.
  explicit query_archive(std::size_t count, dataset_options opts = {}) : opts_(std::move(opts)) {
    store_opts_.path = dir_ / "rcvault.db";
    store_opts_.sync = store::synchronous::normal;
    auto migrated = store::migrate(store_opts_);
    if (!migrated) throw std::runtime_error(migrated.error().message);
    // The real re-parser: the dataset's raw envelopes carry every field of their messages.
    writer_ = std::make_unique<store::writer>(store_opts_, &ingest::renormalise);
    writer_->start();
    add(make_dataset(opts_, count));
    next_index_ = count;
    pool_ = std::make_unique<store::reader_pool>(store_opts_, 2);
    ctx_ = std::make_unique<http::query_context>(http::query_context{
        *pool_, metrics_, std::nullopt, [this] { return std::optional<store::writer_stats>(writer_->snapshot()); },
        store_opts_.path, {}, {}, dir_ / "attachments"});
  }
  ~query_archive() {
    pool_->stop();
    writer_->stop();
  }

  // Stores notifications and returns once every one is committed.
  void add(std::vector<core::notification> ns) {
    std::mutex m;
    std::condition_variable cv;
    std::size_t left = ns.size();
    for (auto& n : ns) {
      writer_->submit(std::move(n), [&](const store::write_result& r) {
        EXPECT_NE(r.status, store::write_status::unavailable);
        std::lock_guard lock(m);
        if (--left == 0) cv.notify_all();
      });
    }
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return left == 0; });
  }

  // Stores `count` more generated messages, newer than every earlier one.
  void add_newer(std::size_t count) {
    add(make_dataset(opts_, count, next_index_));
    next_index_ += count;
  }

  // Sends GET `target` (or `method`) through handle_query and reads the whole reply.
  query_result get(const std::string& target, std::vector<std::pair<boost::beast::http::field, std::string>> headers = {},
                   boost::beast::http::verb method = boost::beast::http::verb::get) {
    http::request req{method, target, 11};
    for (auto& [f, v] : headers) req.set(f, v);
    boost::asio::io_context io;
    query_result out;
    std::exception_ptr failure;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          auto rep = co_await http::handle_query(req, *ctx_);
          const http::response* head = std::get_if<http::response>(&rep);
          if (head) {
            out.body = head->body();
          } else {
            auto& s = std::get<http::stream_response>(rep);
            head = &s.head;
            out.streamed = true;
            out.length = s.length;
            while (auto chunk = co_await s.next()) {
              out.body += *chunk;
              ++out.chunks;
            }
          }
          out.status = static_cast<unsigned>(head->result_int());
          for (const auto& h : *head) out.headers[std::string(h.name_string())] = std::string(h.value());
          out.content_type = std::string((*head)[boost::beast::http::field::content_type]);
          // The stream's head must outlive the loop above, hence the copy last.
        },
        [&](std::exception_ptr e) { failure = e; });
    io.run();
    if (failure) std::rethrow_exception(failure);
    return out;
  }

  http::query_context& ctx() { return *ctx_; }
  // attachments.dir of the content endpoint (not created).
  const std::filesystem::path& attachments_dir() const { return ctx_->attachments_dir; }
  const dataset_options& opts() const { return opts_; }
  const store::options& store_opts() const { return store_opts_; }
  store::writer& writer() { return *writer_; }

 private:
  temp_dir dir_;
  dataset_options opts_;
  store::options store_opts_;
  std::unique_ptr<store::writer> writer_;
  std::unique_ptr<store::reader_pool> pool_;
  http::metrics metrics_;
  std::unique_ptr<http::query_context> ctx_;
  std::size_t next_index_ = 0;
};

// The conversation with the most messages among generated messages [0, n).
inline std::string busiest_conversation(const dataset_options& opts, std::size_t n) {
  std::map<std::string, std::size_t> counts;
  for (std::size_t i = 0; i < n; ++i)
    if (auto c = make_notification(opts, i).msg->conversation_id) ++counts[*c];
  return std::max_element(counts.begin(), counts.end(), [](auto& a, auto& b) { return a.second < b.second; })->first;
}

// The ids of a listing's records, in order.
inline std::vector<std::string> record_ids(const boost::json::value& v) {
  std::vector<std::string> out;
  for (const auto& r : v.at("records").as_array()) out.emplace_back(r.at("id").as_string());
  return out;
}

}  // namespace rcvault::test
