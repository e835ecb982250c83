#include "app/housekeeping.hpp"

#include <spdlog/spdlog.h>

namespace segnala::app {

Housekeeping::Housekeeping(std::vector<Task> tasks, std::chrono::milliseconds period)
    : tasks_(std::move(tasks)), period_(period), thread_([this] { loop(); }) {}

Housekeeping::~Housekeeping() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

std::int64_t Housekeeping::rounds() const {
    std::lock_guard lock(mutex_);
    return rounds_;
}

void Housekeeping::loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        for (const auto& t : tasks_) {
            try {
                t.run();
            } catch (const std::exception& e) {
                spdlog::error("housekeeping: {} failed: {}", t.name, e.what());
            } catch (...) {
                spdlog::error("housekeeping: {} failed", t.name);
            }
        }
        lock.lock();
        ++rounds_;
        cv_.notify_all();
        cv_.wait_for(lock, period_, [this] { return stopping_; });
    }
}

}  // namespace segnala::app
