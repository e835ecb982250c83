// The one place that includes Boost.Asio and Boost.Beast. Boost 1.74's Asio needs <utility>
// before it under g++ 12. Include this only from src/http/*.cpp, never from a public header.
#pragma once

#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace segnala::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;
}  // namespace segnala::http
