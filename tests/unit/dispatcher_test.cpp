#include "core/dispatcher.hpp"

#include <gtest/gtest.h>

using namespace pacte;

// Found by tests/fuzz/session_fuzz: over HTTP the operation name is the request path,
// which may hold any bytes. Echoing invalid UTF-8 in the "unknown operation" error made
// the reply's json::dump throw on the network thread.
TEST(Dispatcher, AnUnknownOperationIsEchoedOnlyWhenItCanBeSerialised) {
  Dispatcher d;
  auto shown = d.validate("chat.nothing", Json::object());
  ASSERT_TRUE(shown.has_value());
  EXPECT_EQ(shown->code, ErrorCode::not_found);
  EXPECT_EQ(shown->message, "unknown operation 'chat.nothing'");

  auto hidden = d.validate(std::string("lo\xcd\x51gin"), Json::object());
  ASSERT_TRUE(hidden.has_value());
  EXPECT_EQ(hidden->code, ErrorCode::not_found);
  EXPECT_EQ(hidden->message, "unknown operation '?'");
  EXPECT_NO_THROW(Result::fail(*hidden).to_reply("fr").dump());
  EXPECT_EQ(d.validate(std::string(300, 'a'), Json::object())->message, "unknown operation '?'");
}
