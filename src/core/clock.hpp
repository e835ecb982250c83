// Time comes only through a Clock, so that tests can move it (STYLE.md: no system_clock in src/).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace segnala::core {

/// Wall-clock time source. Thread-safe.
class Clock {
  public:
    virtual ~Clock() = default;
    /// Seconds since the Unix epoch.
    virtual std::int64_t now_unix() const = 0;
    /// Microseconds since the Unix epoch.
    virtual std::int64_t now_micros() const = 0;
};

class SystemClock final : public Clock {
  public:
    std::int64_t now_unix() const override;
    std::int64_t now_micros() const override;
};

/// A clock that moves only when told to. Thread-safe.
class FakeClock final : public Clock {
  public:
    explicit FakeClock(std::int64_t start_unix = 1'700'000'000) : micros_(start_unix * 1'000'000) {}
    std::int64_t now_unix() const override { return micros_.load() / 1'000'000; }
    std::int64_t now_micros() const override { return micros_.load(); }
    void advance(std::chrono::microseconds d) { micros_ += d.count(); }
    void set_unix(std::int64_t t) { micros_ = t * 1'000'000; }

  private:
    std::atomic<std::int64_t> micros_;
};

}  // namespace segnala::core
