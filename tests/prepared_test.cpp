#include "test_util.hpp"

#include <relpatch/relpatch.hpp>

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace {

using relpatch::errc;
using relpatch_test::serialize;

TEST(PreparedPatch, AppliesToManyDocuments) {
    relpatch::prepared_patch<> p;
    ASSERT_TRUE(relpatch::prepared_patch<>::prepare(
        R"({"comment":"ship it","patch":[{"op":"replace","path":"/phases/1/complete","value":true}]})",
        p));
    EXPECT_FALSE(p.empty());
    EXPECT_EQ(p.size(), 1u);
    EXPECT_EQ(p.comment(), "ship it");
    for (int i = 0; i < 3; ++i) {
        rapidjson::Document doc = relpatch_test::parse(relpatch_test::release_example());
        const relpatch::result r = p.apply(doc);
        ASSERT_TRUE(r) << r.message();
        EXPECT_TRUE(r.changed());
        EXPECT_TRUE(doc["phases"][1]["complete"].GetBool());
    }
    // Moving keeps the operations' pointers valid.
    relpatch::prepared_patch<> moved = std::move(p);
    rapidjson::Document doc = relpatch_test::parse(relpatch_test::release_example());
    EXPECT_TRUE(moved.apply(doc));
}

TEST(PreparedPatch, PolicyIsCheckedAgainstEachDocument) {
    relpatch::prepared_patch<> p;
    ASSERT_TRUE(relpatch::prepared_patch<>::prepare(
        R"([{"op":"replace","path":"/phases/2/complete","value":true}])", p));
    rapidjson::Document three = relpatch_test::parse(relpatch_test::release_example());
    rapidjson::Document two =
        relpatch_test::parse(R"({"phases":[{"complete":true},{"complete":false}]})");
    const std::string before = serialize(two);
    EXPECT_TRUE(p.apply(three));
    const relpatch::result r = p.apply(two);
    EXPECT_EQ(r.code(), errc::index_out_of_range);
    EXPECT_EQ(r.op_index(), 0u);
    EXPECT_EQ(serialize(two), before);
}

TEST(PreparedPatch, PreparationErrorsMatchApplyPatch) {
    const char* patches[] = {
        "[",
        "[\"\xF0",
        R"({"op":"replace"})",
        R"([{"op":"replace","value":true}])",
        R"([{"op":"replace","path":"x","value":true}])",
        R"({"comment":1,"patch":[]})",
        R"([{"op":"replace","path":"/phases/1/complete","value":[[[[[[[[[[[[[[]]]]]]]]]]]]]]}])",
    };
    relpatch::limits lim;
    lim.max_depth = 8;
    for (const char* text : patches) {
        relpatch::prepared_patch<> p;
        const relpatch::result prepared = relpatch::prepared_patch<>::prepare(text, p, lim);
        rapidjson::Document doc = relpatch_test::parse(relpatch_test::release_example());
        const relpatch::result direct = relpatch::apply_patch(doc, text, lim);
        EXPECT_FALSE(prepared) << text;
        EXPECT_EQ(prepared.code(), direct.code()) << text;
        EXPECT_EQ(prepared.op_index(), direct.op_index()) << text;
        EXPECT_TRUE(p.empty());
        EXPECT_EQ(p.apply(doc).code(), errc::patch_not_array);
    }
}

TEST(PreparedPatch, Rfc6902PolicyAndRollback) {
    using prepared = relpatch::prepared_patch<relpatch::rfc6902_policy>;
    prepared p;
    ASSERT_TRUE(prepared::prepare(
        R"([{"op":"add","path":"/x","value":{"deep":[1]}},{"op":"test","path":"/y","value":1}])",
        p));
    rapidjson::Document with_y = relpatch_test::parse(R"({"y":1})");
    rapidjson::Document without_y = relpatch_test::parse(R"({"y":2})");
    EXPECT_TRUE(p.apply(with_y));
    EXPECT_EQ(serialize(with_y), R"({"y":1,"x":{"deep":[1]}})");
    EXPECT_EQ(p.apply(without_y).code(), errc::test_failed);
    EXPECT_EQ(serialize(without_y), R"({"y":2})");
}

}  // namespace
