#include "core/schema.hpp"

#include <gtest/gtest.h>

using namespace pacte;

namespace {
const Json kSchema = {
    {"type", "object"},
    {"additionalProperties", false},
    {"required", {"thread", "body"}},
    {"properties",
     {{"thread", {{"type", "integer"}, {"minimum", 1}}},
      {"body", {{"type", "string"}, {"minLength", 1}, {"maxLength", 5}}},
      {"tags", {{"type", "array"}, {"maxItems", 2}, {"items", {{"type", "string"}}}}},
      {"mode", {{"type", "string"}, {"enum", {"a", "b"}}}}}}};
}

TEST(Schema, AcceptsValidArguments) {
  EXPECT_FALSE(validate_schema(kSchema, Json{{"thread", 3}, {"body", "héllo"}}));
}

TEST(Schema, NamesTheMissingField) {
  auto e = validate_schema(kSchema, Json{{"thread", 3}});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, ErrorCode::bad_request);
  EXPECT_EQ(e->field, "args.body");
}

TEST(Schema, RefusesWrongTypesAndHugeIntegers) {
  auto e = validate_schema(kSchema, Json{{"thread", "3"}, {"body", "x"}});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->field, "args.thread");
  // 1e30 parses as a floating-point number: not an integer.
  auto huge = validate_schema(kSchema, Json::parse(R"({"thread": 1e30, "body": "x"})"));
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->field, "args.thread");
  EXPECT_TRUE(validate_schema(kSchema, Json{{"thread", 0}, {"body", "x"}}));
}

TEST(Schema, CountsLengthInCodePoints) {
  // Five code points, eleven bytes: accepted; six: too large.
  EXPECT_FALSE(validate_schema(kSchema, Json{{"thread", 1}, {"body", "éééé😀"}}));
  auto e = validate_schema(kSchema, Json{{"thread", 1}, {"body", "éééééé"}});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, ErrorCode::too_large);
}

TEST(Schema, RefusesUnknownArgumentsAndNul) {
  auto e = validate_schema(kSchema, Json{{"thread", 1}, {"body", "x"}, {"extra", 1}});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->field, "args.extra");
  EXPECT_TRUE(validate_schema(kSchema, Json{{"thread", 1}, {"body", std::string("a\0b", 3)}}));
}

TEST(Schema, ChecksArraysAndEnums) {
  EXPECT_TRUE(validate_schema(kSchema, Json{{"thread", 1}, {"body", "x"}, {"tags", {"a", "b", "c"}}}));
  auto e = validate_schema(kSchema, Json{{"thread", 1}, {"body", "x"}, {"tags", {"a", 2}}});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->field, "args.tags[1]");
  EXPECT_TRUE(validate_schema(kSchema, Json{{"thread", 1}, {"body", "x"}, {"mode", "c"}}));
}

TEST(Schema, CheckSchemaRefusesUnsupportedKeywords) {
  EXPECT_FALSE(check_schema(kSchema));
  EXPECT_TRUE(check_schema(Json{{"type", "object"}, {"patternProperties", Json::object()}}));
}

TEST(Schema, ATypeListAcceptsAnyOfItsTypesAndBadTypesAreRefusedAtRegistration) {
  Json nullable = {{"type", {"string", "null"}}};
  EXPECT_FALSE(validate_schema(nullable, Json("hourly")));
  EXPECT_FALSE(validate_schema(nullable, Json(nullptr)));
  auto err = validate_schema(nullable, Json(3), "args.mode");
  ASSERT_TRUE(err);
  EXPECT_EQ(err->field, "args.mode");
  EXPECT_FALSE(check_schema(nullable));
  EXPECT_TRUE(check_schema(Json{{"type", {"string", 3}}}));
  EXPECT_TRUE(check_schema(Json{{"type", "text"}}));
  EXPECT_TRUE(check_schema(Json{{"type", Json::array()}}));
}
