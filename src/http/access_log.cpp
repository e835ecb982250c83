#include "http/access_log.hpp"

#include <spdlog/spdlog.h>

namespace segnala::http {

AccessLog::AccessLog(std::shared_ptr<spdlog::logger> logger)
    : logger_(logger ? std::move(logger) : spdlog::default_logger()) {}

void AccessLog::write(const AccessEntry& e) {
    logger_->info("http {} {} {} {}B {}us id={}", e.method, e.route, e.status, e.bytes, e.micros,
                  e.request_id);
}

}  // namespace segnala::http
