#include "admin/body.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "admin/router.h"

namespace kc::admin {
namespace {

std::string FieldOf(const std::function<void()>& read) {
  try {
    read();
  } catch (const BadRequest& e) {
    return e.field();
  }
  return "";
}

TEST(Fields, NamesTheNestedFieldOfTheWrongType) {
  const auto object =
      boost::json::parse(R"({"match":{"path":3},"times":"2","ok":"x"})").as_object();
  Fields fields(object);
  EXPECT_EQ(FieldOf([&] { (void)fields.Object("match")->String("path"); }), "match.path");
  EXPECT_EQ(FieldOf([&] { (void)fields.Int("times"); }), "times");
  EXPECT_EQ(FieldOf([&] { (void)fields.RequireString("missing"); }), "missing");
  EXPECT_EQ(FieldOf([&] { fields.OnlyKnown({"match", "times"}); }), "ok");
  EXPECT_EQ(fields.String("ok"), "x");
  EXPECT_FALSE(fields.Int("absent").has_value());
}

}  // namespace
}  // namespace kc::admin
