#include "rcvault/store/subscription_state.hpp"

#include "connection.hpp"
#include "rcvault/core/time.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <chrono>

namespace rcvault::store {
namespace {

}  // namespace

std::optional<subscription_record> read_subscription(const options& opts, std::string_view address) {
  auto db = detail::open_connection(opts, detail::role::reader);
  SQLite::Statement q(db, "SELECT subscription_id, token_sha256, created_at FROM subscriptions WHERE address=?1");
  q.bind(1, std::string(address));
  if (!q.executeStep()) return std::nullopt;
  return subscription_record{std::string(address), q.getColumn(0).getString(), q.getColumn(1).getString(),
                             q.getColumn(2).getInt64()};
}

void write_subscription(const options& opts, const subscription_record& r) {
  auto db = detail::open_connection(opts, detail::role::existing);
  SQLite::Statement up(db,
                       "INSERT INTO subscriptions(address, subscription_id, token_sha256, created_at, updated_at) "
                       "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(address) DO UPDATE SET "
                       "subscription_id=excluded.subscription_id, token_sha256=excluded.token_sha256, "
                       "created_at=excluded.created_at, updated_at=excluded.updated_at");
  up.bind(1, r.address);
  up.bind(2, r.subscription_id);
  up.bind(3, r.token_sha256);
  up.bind(4, static_cast<std::int64_t>(r.created_at));
  up.bind(5, static_cast<std::int64_t>(core::now_ms()));
  up.exec();
}

void forget_subscription(const options& opts, std::string_view address) {
  auto db = detail::open_connection(opts, detail::role::existing);
  SQLite::Statement del(db, "DELETE FROM subscriptions WHERE address=?1");
  del.bind(1, std::string(address));
  del.exec();
}

}  // namespace rcvault::store
