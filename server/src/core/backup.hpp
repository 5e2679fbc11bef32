// Consistent backups of a data folder, and their restoration.
#pragma once

#include <filesystem>

namespace pacte {

class Backup {
 public:
  /// Copies the database (one consistent snapshot with VACUUM INTO, safe while the server
  /// runs and writes) and then the attachments (immutable files named by their SHA-256,
  /// so every file the snapshot refers to already exists) into `to`, which must not hold a
  /// backup already. Checks the copy with PRAGMA integrity_check. Throws on failure.
  static void create(const std::filesystem::path& data_dir, const std::filesystem::path& to);
  /// Replaces the data folder's database and attachments by a backup's, after checking it.
  /// Refuses while a server holds the data folder's lock. Throws on failure.
  static void restore(const std::filesystem::path& from, const std::filesystem::path& data_dir);
};

/// An exclusive lock on a data folder (data/pacte.lock), held by a running server so that
/// two servers, or a restore, never share it.
class DataLock {
 public:
  /// Throws std::runtime_error when another process holds it.
  explicit DataLock(const std::filesystem::path& data_dir);
  ~DataLock();
  DataLock(const DataLock&) = delete;
  DataLock& operator=(const DataLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace pacte
