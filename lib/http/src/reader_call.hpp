#pragma once
// Runs a function on a store::reader thread and resumes the awaiting
// coroutine on its own executor with the result, so the network thread never
// runs SQL. An exception thrown by the function is rethrown in the coroutine.

#include "rcvault/store/reader.hpp"
#include "rcvault/store/reader_pool.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <functional>
#include <memory>
#include <optional>

namespace rcvault::http::detail {

// The machinery lives in plain classes, not in lambdas inside coroutines:
// GCC 12 miscompiles captures of lambdas defined in coroutine bodies (a
// copied capture ends up sharing the frame's storage), so a job is a
// std::function built by an ordinary function and carried by shared_ptr.
template <class T>
using reader_fn = std::function<T(store::reader&)>;

template <class T, class Handler>
struct reader_completion {
  std::shared_ptr<Handler> handler;
  std::exception_ptr failure;
  std::shared_ptr<std::optional<T>> value;
  void operator()() { (*handler)(failure, std::move(*value)); }
};

template <class T, class Handler>
struct reader_job {
  std::shared_ptr<Handler> handler;
  boost::asio::any_io_executor ex;
  std::shared_ptr<reader_fn<T>> fn;
  void operator()(store::reader& r) const {
    auto value = std::make_shared<std::optional<T>>();
    std::exception_ptr failure;
    try {
      value->emplace((*fn)(r));
    } catch (...) {
      failure = std::current_exception();
    }
    boost::asio::post(ex, reader_completion<T, Handler>{handler, failure, value});
  }
};

// Only raw pointers, into the frame of on_reader (alive until completion):
// GCC 12 copies a coroutine's by-value parameter bitwise and destroys both
// copies, which Asio's use_awaitable initiate() takes the initiation as, so
// the initiation must be trivially copyable and destructible.
template <class T>
struct reader_initiation {
  store::reader_pool* pool;
  const boost::asio::any_io_executor* ex;
  const std::shared_ptr<reader_fn<T>>* fn;
  template <class Handler>
  void operator()(Handler handler) const {
    pool->post(reader_job<T, Handler>{std::make_shared<Handler>(std::move(handler)), *ex, *fn});
  }
};

// Returns what `fn` returned on one of `pool`'s threads; rethrows what it threw.
template <class T>
boost::asio::awaitable<T> on_reader(store::reader_pool& pool, const std::shared_ptr<reader_fn<T>>& fn) {
  const boost::asio::any_io_executor ex = co_await boost::asio::this_coro::executor;
  const std::shared_ptr<reader_fn<T>> job_fn = fn;
  auto out = co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable),
                                                  void(std::exception_ptr, std::optional<T>)>(
      reader_initiation<T>{&pool, &ex, &job_fn}, boost::asio::use_awaitable);
  co_return std::move(*out);
}

// Returns `f` as a job for on_reader. Call it from an ordinary function, not a coroutine body.
template <class T, class F>
std::shared_ptr<reader_fn<T>> job(F f) {
  return std::make_shared<reader_fn<T>>(std::move(f));
}

}  // namespace rcvault::http::detail
