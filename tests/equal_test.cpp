// RFC 6902 section 4.6 equality, the comparator behind "test". RapidJSON's operator== says
// -1 == 18446744073709551615; this one must not.

#include "test_util.hpp"

#include <relpatch/relpatch.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

// RFC equality through the library's comparator, with an unlimited work budget.
bool rfc_equal(const rapidjson::Value& a, const rapidjson::Value& b) {
    relpatch::detail::work_meter work(static_cast<std::size_t>(-1));
    bool same = false;
    EXPECT_EQ(relpatch::detail::compare(a, b, relpatch::detail::compare_mode::rfc, work, same),
              relpatch::errc::success);
    return same;
}

bool eq(const std::string& a, const std::string& b) {
    const rapidjson::Document x = relpatch_test::parse(a);
    const rapidjson::Document y = relpatch_test::parse(b);
    const bool forward = rfc_equal(x, y);
    EXPECT_EQ(forward, rfc_equal(y, x)) << a << " vs " << b;
    return forward;
}

TEST(Equal, Numbers) {
    EXPECT_TRUE(eq("1", "1"));
    EXPECT_TRUE(eq("1", "1.0"));
    EXPECT_TRUE(eq("1.0", "1"));
    EXPECT_TRUE(eq("-0", "0"));
    EXPECT_TRUE(eq("0.0", "-0.0"));
    EXPECT_TRUE(eq("100", "1e2"));
    EXPECT_TRUE(eq("0.5", "5e-1"));
    EXPECT_FALSE(eq("1", "2"));
    EXPECT_FALSE(eq("1", "1.5"));
    EXPECT_FALSE(eq("-1", "18446744073709551615"));
    EXPECT_FALSE(eq("-1", "4294967295"));
    EXPECT_TRUE(eq("18446744073709551615", "18446744073709551615"));
    EXPECT_TRUE(eq("-9223372036854775808", "-9223372036854775808"));
    EXPECT_FALSE(eq("9223372036854775807", "-9223372036854775808"));
    // Beyond 2^53 a double is not rounded into equality with a neighbouring integer.
    EXPECT_FALSE(eq("9007199254740993", "9007199254740992.0"));
    EXPECT_TRUE(eq("9007199254740992", "9007199254740992.0"));
    EXPECT_FALSE(eq("18446744073709551615", "18446744073709551616.0"));
    EXPECT_FALSE(eq("9223372036854775807", "9223372036854775808.0"));
    EXPECT_TRUE(eq("9223372036854775808", "9223372036854775808.0"));
    EXPECT_FALSE(eq("-9223372036854775808", "-9223372036854777856.0"));
    EXPECT_FALSE(eq("-1.0", "18446744073709551615"));  // a negative double and an unsigned
    EXPECT_FALSE(eq("1e30", "18446744073709551615"));  // beyond 2^64
    EXPECT_FALSE(eq("1e30", "-5"));                    // beyond 2^63
    EXPECT_FALSE(eq("-1.5", "-1"));
}

TEST(Equal, TypesMustMatch) {
    EXPECT_FALSE(eq("1", "\"1\""));
    EXPECT_FALSE(eq("true", "1"));
    EXPECT_FALSE(eq("false", "null"));
    EXPECT_FALSE(eq("[]", "{}"));
    EXPECT_FALSE(eq("true", "false"));
    EXPECT_TRUE(eq("null", "null"));
    EXPECT_TRUE(eq("true", "true"));
}

TEST(Equal, StringsCompareEveryCodeUnit) {
    EXPECT_TRUE(eq("\"a\\u0000b\"", "\"a\\u0000b\""));
    EXPECT_FALSE(eq("\"a\\u0000b\"", "\"a\\u0000c\""));
    EXPECT_FALSE(eq("\"a\"", "\"a\\u0000\""));
    EXPECT_TRUE(eq("\"\\u00e9\"", "\"\xC3\xA9\""));
}

TEST(Equal, ContainersCompareDeeply) {
    EXPECT_TRUE(eq(R"({"a":1,"b":[1,2]})", R"({"b":[1,2.0],"a":1})"));  // member order ignored
    EXPECT_FALSE(eq("[1,2]", "[2,1]"));                                 // element order counts
    EXPECT_FALSE(eq(R"({"a":1})", R"({"a":1,"b":2})"));
    EXPECT_FALSE(eq(R"({"a":1,"b":2})", R"({"a":1,"c":2})"));
    EXPECT_FALSE(eq("[1]", "[1,1]"));
    EXPECT_TRUE(eq("[[[]]]", "[[[]]]"));
    EXPECT_FALSE(eq("[[[]]]", "[[[1]]]"));
}

// Member order differs, so the comparator sorts both sides by name before matching: a value
// that differs must still be found, at the top level and inside (a comparator that matched
// names only, or stopped after sorting, would call these equal).
TEST(Equal, ReorderedMembersWithADifferentValueDiffer) {
    EXPECT_FALSE(eq(R"({"a":1,"b":2})", R"({"b":2,"a":3})"));
    EXPECT_FALSE(eq(R"({"a":1,"b":2})", R"({"b":3,"a":1})"));
    EXPECT_FALSE(eq(R"({"x":{"a":1,"b":2}})", R"({"x":{"b":2,"a":"1"}})"));
    EXPECT_FALSE(eq(R"({"a":[1,{"p":1,"q":2}],"b":0})", R"({"b":0,"a":[1,{"q":2,"p":1.5}]})"));
    EXPECT_TRUE(eq(R"({"a":[1,{"p":1,"q":2}],"b":0})", R"({"b":0,"a":[1,{"q":2,"p":1.0}]})"));
    // Only the first name differs, so the rest look like the same order.
    EXPECT_FALSE(eq(R"({"a":1,"b":2})", R"({"c":1,"b":2})"));
    EXPECT_FALSE(eq(R"({"a":1})", R"({"c":1})"));
}

TEST(Equal, TestOpUsesTheRfcComparator) {
    rapidjson::Document doc = relpatch_test::parse(R"({"n":-1,"big":9007199254740993,"f":1.0})");
    auto test = [&](const char* patch) {
        return relpatch::apply_patch<relpatch::rfc6902_policy>(doc, patch).code();
    };
    EXPECT_EQ(test(R"([{"op":"test","path":"/n","value":-1.0}])"), relpatch::errc::success);
    EXPECT_EQ(test(R"([{"op":"test","path":"/n","value":18446744073709551615}])"),
              relpatch::errc::test_failed);
    EXPECT_EQ(test(R"([{"op":"test","path":"/big","value":9007199254740992.0}])"),
              relpatch::errc::test_failed);
    EXPECT_EQ(test(R"([{"op":"test","path":"/big","value":9007199254740993}])"),
              relpatch::errc::success);
    EXPECT_EQ(test(R"([{"op":"test","path":"/f","value":1}])"), relpatch::errc::success);
}

}  // namespace

namespace {

TEST(Equal, ObjectWithDuplicateNamesEqualsItself) {
    const rapidjson::Document x = relpatch_test::parse(R"({"a":1,"a":2})");
    const rapidjson::Document y = relpatch_test::parse(R"({"a":1,"a":2})");
    const rapidjson::Document z = relpatch_test::parse(R"({"a":2,"a":1})");
    EXPECT_TRUE(rfc_equal(x, y));
    EXPECT_FALSE(rfc_equal(x, z));
}

}  // namespace
