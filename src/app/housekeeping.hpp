// A thread that runs a few tasks at start and then every period, one after the other: the
// retention policy and the session purge (hourly), the search indexer (every 100 ms).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace segnala::app {

/// Runs its tasks one after the other on a thread of its own: the first round at once, then
/// every `period`. A task that throws is logged and the others still run.
class Housekeeping {
  public:
    struct Task {
        std::string name;
        std::function<void()> run;
    };
    Housekeeping(std::vector<Task> tasks, std::chrono::milliseconds period);
    /// Stops after the round in progress. Call before closing the database.
    ~Housekeeping();
    Housekeeping(const Housekeeping&) = delete;
    Housekeeping& operator=(const Housekeeping&) = delete;

    /// Rounds completed so far.
    std::int64_t rounds() const;

  private:
    void loop();

    const std::vector<Task> tasks_;
    const std::chrono::milliseconds period_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::int64_t rounds_ = 0;
    std::thread thread_;
};

}  // namespace segnala::app
