// What the fuzz targets share: splitting an input into parts, and a check that stops the
// run (a finding) when a promised property does not hold.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace pacte_fuzz {

/// Aborts with a message when `ok` is false: libFuzzer records the input as a crash.
inline void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz property violated: %s\n", what);
  std::abort();
}

/// Splits `data` at every `separator` byte (at most `max_parts` parts; the last one keeps
/// the rest). Seeds are written by hand with these separators (see corpus/README.md).
inline std::vector<std::string> split(const std::uint8_t* data, std::size_t size, char separator,
                                      std::size_t max_parts) {
  std::vector<std::string> parts(1);
  for (std::size_t i = 0; i < size; ++i) {
    char c = static_cast<char>(data[i]);
    if (c == separator && parts.size() < max_parts)
      parts.emplace_back();
    else
      parts.back().push_back(c);
  }
  return parts;
}

}  // namespace pacte_fuzz
