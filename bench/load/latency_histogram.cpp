#include "latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace pacte::bench {

int LatencyHistogram::index_of(std::uint64_t v) {
  if (v < static_cast<std::uint64_t>(kLinear)) return static_cast<int>(v);
  int msb = 63 - std::countl_zero(v);  // ≥ 7
  int shift = msb - kSubBits;          // ≥ 1: v >> shift is in [64, 128)
  auto sub = static_cast<int>(v >> shift) - (1 << kSubBits);
  return kLinear + (shift - 1) * (1 << kSubBits) + sub;
}

std::int64_t LatencyHistogram::middle_of(int index) {
  if (index < kLinear) return index;
  int shift = (index - kLinear) / (1 << kSubBits) + 1;
  int sub = (index - kLinear) % (1 << kSubBits) + (1 << kSubBits);
  auto lower = static_cast<std::uint64_t>(sub) << shift;
  return static_cast<std::int64_t>(lower + (std::uint64_t{1} << shift) / 2);
}

void LatencyHistogram::record(std::int64_t nanoseconds) {
  std::int64_t v = std::max<std::int64_t>(0, nanoseconds);
  ++counts_[static_cast<std::size_t>(index_of(static_cast<std::uint64_t>(v)))];
  ++count_;
  max_ = std::max(max_, v);
}

std::int64_t LatencyHistogram::percentile(double q) const {
  if (count_ == 0) return 0;
  if (q >= 1.0) return max_;
  // The smallest value with at least ceil(q × count) values at or below it.
  auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::max<std::uint64_t>(rank, 1);
  std::uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += counts_[static_cast<std::size_t>(i)];
    if (seen >= rank) return std::min(middle_of(i), max_);
  }
  return max_;
}

void LatencyHistogram::reset() {
  counts_.fill(0);
  count_ = 0;
  max_ = 0;
}

}  // namespace pacte::bench
