// ServerConfig::load: the settings an operator writes are read, and a wrong one is refused
// with a message naming the field.
#include "core/server_config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace pacte {
namespace {

class ServerConfigFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pacte-config-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  ServerConfig load(const std::string& json) {
    auto file = dir_ / "server.json";
    std::ofstream(file) << json;
    return ServerConfig::load(file);
  }
  /// The message of the ConfigError that loading `json` throws ("" when none is thrown).
  std::string error_of(const std::string& json) {
    try {
      load(json);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  }
  std::filesystem::path dir_;
};

TEST_F(ServerConfigFile, PasswordQueueMaxDefaultsTo256AndIsReadWithinItsRange) {
  EXPECT_EQ(load("{}").limits.password_queue_max, 256u);
  EXPECT_EQ(load(R"({"limits": {"password_queue_max": 1}})").limits.password_queue_max, 1u);
  EXPECT_EQ(load(R"({"limits": {"password_queue_max": 65536}})").limits.password_queue_max, 65536u);
  for (auto bad :
       {R"({"limits": {"password_queue_max": 0}})", R"({"limits": {"password_queue_max": 65537}})",
        R"({"limits": {"password_queue_max": -1}})", R"({"limits": {"password_queue_max": "256"}})",
        R"({"limits": {"password_queue_max": 2.5}})"}) {
    auto message = error_of(bad);
    EXPECT_NE(message.find("field 'limits.password_queue_max'"), std::string::npos)
        << bad << " gave: " << message;
  }
}

}  // namespace
}  // namespace pacte
