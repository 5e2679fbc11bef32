// Writes a POSIX ustar archive in memory: how a workspace export is handed over (any
// archive tool opens it, no library needed on either side).
#pragma once

#include <ctime>
#include <string>

namespace pacte {

class TarWriter {
 public:
  /// Adds a regular file. Names longer than 100 bytes are shortened, keeping the end.
  void add(std::string name, const std::string& content, std::time_t mtime);
  /// The archive, with its two closing zero blocks.
  std::string finish();

 private:
  std::string out_;
};

}  // namespace pacte
