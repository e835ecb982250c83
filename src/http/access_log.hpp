// One line per answered request: method, route pattern, status, bytes, microseconds, request id.
// Never the query string, never the client address (both may carry personal data).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include <spdlog/fwd.h>

namespace segnala::http {

struct AccessEntry {
    std::string_view method;
    std::string_view route;  ///< the matched pattern, or "-" when nothing matched
    int status = 0;
    std::size_t bytes = 0;  ///< response body bytes
    std::int64_t micros = 0;
    std::string_view request_id;
};

/// Thread-safe (spdlog loggers are).
class AccessLog {
  public:
    /// Logs through `logger`, or spdlog's default logger when null.
    explicit AccessLog(std::shared_ptr<spdlog::logger> logger = nullptr);
    void write(const AccessEntry& e);

  private:
    std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace segnala::http
