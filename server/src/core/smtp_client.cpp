#include "core/smtp_client.hpp"

#include <curl/curl.h>

#include <cstring>
#include <mutex>

#include "core/mail_message.hpp"

namespace pacte {

namespace {

struct Upload {
  const std::string& data;
  std::size_t offset = 0;
};

std::size_t read_chunk(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  std::size_t n = std::min(size * count, up->data.size() - up->offset);
  // libcurl's read buffer takes bytes with a count, not a C string.
  std::memcpy(buffer, up->data.data() + up->offset, n);  // NOLINT(bugprone-not-null-terminated-result)
  up->offset += n;
  return n;
}

}  // namespace

std::optional<std::string> SmtpClient::send(const std::string& to_address, const std::string& message) const {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CURL* curl = curl_easy_init();
  if (!curl) return "cannot start libcurl";
  std::string from = "<" + mailbox_address(config_.from) + ">";
  std::string to = "<" + to_address + ">";
  curl_slist* rcpt = curl_slist_append(nullptr, to.c_str());
  Upload up{message};
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, config_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_chunk);
  curl_easy_setopt(curl, CURLOPT_READDATA, &up);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(config_.timeout_seconds));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  if (config_.url.rfind("smtp://", 0) == 0) {
    long tls = config_.tls == "starttls" ? CURLUSESSL_ALL : config_.tls == "opportunistic" ? CURLUSESSL_TRY : CURLUSESSL_NONE;
    curl_easy_setopt(curl, CURLOPT_USE_SSL, tls);
  }
  if (!config_.username.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, config_.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, config_.password.c_str());
  }
  CURLcode rc = curl_easy_perform(curl);
  std::optional<std::string> result;
  if (rc != CURLE_OK) result = std::string(curl_easy_strerror(rc)) + (error[0] ? std::string(": ") + error : "");
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(curl);
  return result;
}

}  // namespace pacte
