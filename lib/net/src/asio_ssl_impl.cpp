// Asio's SSL implementation (OpenSSL), built once for the whole project.
#include <boost/asio/ssl/impl/src.hpp>
