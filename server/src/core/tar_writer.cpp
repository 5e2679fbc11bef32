#include "core/tar_writer.hpp"

#include <cstdio>
#include <cstring>

namespace pacte {

namespace {
void octal(char* field, std::size_t width, unsigned long long value) {
  std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1), value);
}
}  // namespace

void TarWriter::add(std::string name, const std::string& content, std::time_t mtime) {
  if (name.size() > 99) name = name.substr(name.size() - 99);
  char header[512];
  std::memset(header, 0, sizeof header);
  // Fixed-width tar fields, zero-filled above: no terminator is due (a 99-byte name keeps one).
  std::memcpy(header, name.data(), name.size());  // NOLINT(bugprone-not-null-terminated-result)
  octal(header + 100, 8, 0644);
  octal(header + 108, 8, 0);
  octal(header + 116, 8, 0);
  octal(header + 124, 12, content.size());
  octal(header + 136, 12, static_cast<unsigned long long>(mtime));
  std::memset(header + 148, ' ', 8);  // checksum field counts as spaces while summing
  header[156] = '0';
  std::memcpy(header + 257, "ustar", 6);
  std::memcpy(header + 263, "00", 2);  // NOLINT(bugprone-not-null-terminated-result): the version field is 2 bytes
  unsigned sum = 0;
  for (unsigned char c : header) sum += c;
  std::snprintf(header + 148, 8, "%06o", sum);
  header[155] = ' ';
  out_.append(header, sizeof header);
  out_ += content;
  out_.append((512 - content.size() % 512) % 512, '\0');
}

std::string TarWriter::finish() {
  out_.append(1024, '\0');
  return std::move(out_);
}

}  // namespace pacte
