// The one clock the server reads; tests substitute a manual clock to control time.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

namespace pacte {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  /// Current wall-clock time. Thread-safe.
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

/// A clock that only moves when told. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : ns_(start.time_since_epoch().count()) {}
  TimePoint now() const override { return TimePoint(TimePoint::duration(ns_.load())); }
  void advance(std::chrono::nanoseconds d) { ns_ += std::chrono::duration_cast<TimePoint::duration>(d).count(); }
  void set(TimePoint t) { ns_ = t.time_since_epoch().count(); }

 private:
  std::atomic<TimePoint::rep> ns_;
};

/// RFC 3339 UTC with milliseconds, e.g. "2026-11-29T17:35:01.123Z".
std::string format_time(TimePoint t);
/// Milliseconds since the Unix epoch.
std::int64_t to_millis(TimePoint t);
TimePoint from_millis(std::int64_t ms);

}  // namespace pacte
