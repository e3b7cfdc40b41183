#include "rcvault/http/service.hpp"

#include "rcvault/http/ingest.hpp"
#include "rcvault/http/query_api.hpp"
#include "rcvault/http/routes.hpp"
#include "rcvault/http/server.hpp"

#include <system_error>

namespace rcvault::http {

struct service::impl {
  impl(boost::asio::io_context& io, const service_options& opts, store::writer& writer, accept::gateway& gateway,
       store::reader_pool& readers, metrics& stats)
      : ingest_ctx{ingest_settings{opts.ingest_path, opts.verification_token, opts.max_body_bytes},
                   gateway_target(gateway), &stats},
        query_ctx{readers, stats, opts.query_token, [&writer] { return std::optional(writer.snapshot()); },
                  readers.opts().path, opts.sync_status, opts.subscription_status, opts.attachments_dir},
        ingest(bind(io, opts.ingest_listen, ingest_listener_routes(ingest_ctx), opts.limits, stats, "ingest.listen")),
        query(bind(io, opts.query_listen,
                   query_listener_routes([this](const request& req) { return handle_query(req, query_ctx); }),
                   opts.limits, stats, "query.listen")) {}

  static std::unique_ptr<listener> bind(boost::asio::io_context& io, const listen_spec& where, routes r,
                                        const server_limits& limits, metrics& stats, const char* key) {
    try {
      return std::make_unique<listener>(io, where, std::move(r), limits, &stats);
    } catch (const std::system_error& e) {
      throw std::system_error(e.code(), std::string(key) + ": " + e.what());
    }
  }

  ingest_context ingest_ctx;
  query_context query_ctx;
  std::unique_ptr<listener> ingest;
  std::unique_ptr<listener> query;
};

service::service(boost::asio::io_context& io, const service_options& opts, store::writer& writer,
                 accept::gateway& gateway, store::reader_pool& readers, metrics& stats)
    : impl_(std::make_unique<impl>(io, opts, writer, gateway, readers, stats)) {}

service::~service() = default;

std::string service::ingest_address() const { return impl_->ingest->local_address(); }
std::uint16_t service::ingest_port() const { return impl_->ingest->port(); }
std::string service::query_address() const { return impl_->query->local_address(); }
std::uint16_t service::query_port() const { return impl_->query->port(); }

void service::start() {
  impl_->ingest->start();
  impl_->query->start();
}

void service::stop() {
  impl_->ingest->stop();
  impl_->query->stop();
}

void service::abort() {
  impl_->ingest->abort();
  impl_->query->abort();
}

std::size_t service::connections() const { return impl_->ingest->connections() + impl_->query->connections(); }

}  // namespace rcvault::http
