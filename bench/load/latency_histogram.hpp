// A log-linear latency histogram in the manner of HdrHistogram: exact below 128 ns, then
// 64 linear sub-buckets per power of two (relative error under 1.6 %), constant memory,
// O(1) recording. Values are nanoseconds.
#pragma once

#include <array>
#include <cstdint>

namespace pacte::bench {

class LatencyHistogram {
 public:
  /// Records one value (negative values count as 0).
  void record(std::int64_t nanoseconds);
  /// The value at quantile q in [0, 1] (the middle of its bucket; the exact maximum for 1).
  [[nodiscard]] std::int64_t percentile(double q) const;
  [[nodiscard]] std::int64_t max() const { return max_; }
  [[nodiscard]] std::uint64_t count() const { return count_; }
  void reset();

 private:
  static constexpr int kSubBits = 6;             // 64 sub-buckets per power of two
  static constexpr int kLinear = 2 << kSubBits;  // values below 128 have their own bucket
  static constexpr int kBuckets = kLinear + (64 - kSubBits) * (1 << kSubBits);
  static int index_of(std::uint64_t v);
  static std::int64_t middle_of(int index);

  std::array<std::uint64_t, kBuckets> counts_{};
  std::uint64_t count_ = 0;
  std::int64_t max_ = 0;
};

}  // namespace pacte::bench
