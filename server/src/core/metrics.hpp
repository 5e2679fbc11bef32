// Process metrics, exported in the Prometheus text format at /metrics. Lock-free counters.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace pacte {

/// A fixed-bucket latency histogram (seconds). Thread-safe, lock-free.
class Histogram {
 public:
  static constexpr std::array<double, 14> kBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                                     0.005,  0.01,    0.025,  0.05,  0.1,
                                                     0.25,   0.5,     1.0,    2.5};
  void observe(double seconds);
  /// Appends the Prometheus lines of this histogram.
  void render(std::string& out, const std::string& name, const std::string& help) const;

 private:
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_micros_{0};
};

struct Metrics {
  std::atomic<std::int64_t> connections{0};          // open WebSockets
  std::atomic<std::uint64_t> connections_total{0};
  std::atomic<std::uint64_t> frames_in{0};
  std::atomic<std::uint64_t> frames_out{0};
  std::atomic<std::uint64_t> requests_total{0};
  std::atomic<std::uint64_t> request_errors{0};
  std::atomic<std::uint64_t> events_total{0};
  std::atomic<std::uint64_t> http_requests{0};
  std::atomic<std::uint64_t> commits{0};
  std::atomic<std::uint64_t> commit_failures{0};
  std::atomic<std::uint64_t> slow_consumers_closed{0};
  std::atomic<std::int64_t> engine_queue{0};
  Histogram request_latency;  // received → reply ready (engine side)
  Histogram commit_latency;   // COMMIT duration

  std::string render() const;
};

}  // namespace pacte
