#include "core/backup.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <stdexcept>

#include "core/database.hpp"

namespace pacte {

namespace fs = std::filesystem;

DataLock::DataLock(const fs::path& data_dir) {
  fs::create_directories(data_dir);
  auto path = data_dir / "pacte.lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) throw std::runtime_error("cannot open " + path.string());
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error("another Pacte server is using the data folder " + data_dir.string() +
                             " (stop it first)");
  }
}

DataLock::~DataLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

void Backup::create(const fs::path& data_dir, const fs::path& to) {
  auto source = data_dir / "pacte.sqlite3";
  if (!fs::exists(source)) throw std::runtime_error("no database in " + data_dir.string());
  fs::create_directories(to);
  auto target = to / "pacte.sqlite3";
  if (fs::exists(target)) throw std::runtime_error(target.string() + " already exists: choose an empty folder");
  {
    Database db(source.string());
    db.vacuum_into(target.string());
  }
  Database copy(target.string(), DatabaseOptions{.read_only = true});
  std::string check = copy.integrity_check();
  if (check != "ok") throw std::runtime_error("the backup failed its integrity check: " + check);
  auto attachments = data_dir / "attachments";
  if (fs::exists(attachments)) {
    for (auto& entry : fs::recursive_directory_iterator(attachments)) {
      if (!entry.is_regular_file() || entry.path().extension() == ".part") continue;
      auto rel = fs::relative(entry.path(), data_dir);
      fs::create_directories((to / rel).parent_path());
      fs::copy_file(entry.path(), to / rel, fs::copy_options::skip_existing);
    }
  }
}

void Backup::restore(const fs::path& from, const fs::path& data_dir) {
  auto source = from / "pacte.sqlite3";
  {
    Database check(source.string(), DatabaseOptions{.read_only = true});
    std::string r = check.integrity_check();
    if (r != "ok") throw std::runtime_error("the backup fails its integrity check: " + r);
  }
  DataLock lock(data_dir);  // no server may run on it meanwhile
  auto target = data_dir / "pacte.sqlite3";
  for (auto suffix : {"-wal", "-shm"}) fs::remove(target.string() + suffix);
  fs::copy_file(source, target, fs::copy_options::overwrite_existing);
  if (fs::exists(from / "attachments"))
    fs::copy(from / "attachments", data_dir / "attachments",
             fs::copy_options::recursive | fs::copy_options::skip_existing);
}

}  // namespace pacte
