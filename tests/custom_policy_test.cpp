// A user-written policy: replace and copy allowed, but only inside /settings, and copy may
// read only from /defaults. It shows that policies see "from" as well as "path".

#include "test_util.hpp"

#include <relpatch/relpatch.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

struct settings_policy {
    static constexpr bool accepts_envelope = false;

    template <class Value>
    static relpatch::verdict check(const relpatch::basic_operation<Value>& op,
                                   const Value&) noexcept {
        if (op.op != relpatch::op_type::replace && op.op != relpatch::op_type::copy)
            return {relpatch::errc::op_not_allowed};
        if (!under(op.path, "settings")) return {relpatch::errc::path_not_allowed, "not in /settings"};
        if (op.has_from() && !under(op.from, "defaults"))
            return {relpatch::errc::path_not_allowed, "copy only from /defaults", true};
        return {};
    }

    template <class Value>
    static bool under(const relpatch::basic_pointer<Value>& p, const char* top) noexcept {
        return p.begin() != p.end() && (*p.begin()).equals_ascii(top) && p.token_count() > 1;
    }
};

struct no_check {
    static constexpr bool accepts_envelope = false;
};
struct wrong_check {
    static constexpr bool accepts_envelope = false;
    template <class Value>
    static bool check(const relpatch::basic_operation<Value>&, const Value&) noexcept {
        return true;
    }
};
struct no_flag {
    template <class Value>
    static relpatch::verdict check(const relpatch::basic_operation<Value>&, const Value&) noexcept {
        return {};
    }
};

static_assert(relpatch::is_policy<settings_policy, rapidjson::Value>::value);
static_assert(relpatch::is_policy<relpatch::release_policy, rapidjson::Value>::value);
static_assert(relpatch::is_policy<relpatch::ordered_release_policy, rapidjson::Value>::value);
static_assert(relpatch::is_policy<relpatch::rfc6902_policy, rapidjson::Value>::value);
static_assert(!relpatch::is_policy<no_check, rapidjson::Value>::value);
static_assert(!relpatch::is_policy<wrong_check, rapidjson::Value>::value);
static_assert(!relpatch::is_policy<no_flag, rapidjson::Value>::value);
static_assert(!relpatch::is_policy<int, rapidjson::Value>::value);

TEST(CustomPolicy, AllowsWhatItSaysAndRefusesTheRest) {
    rapidjson::Document doc = relpatch_test::parse(
        R"({"settings":{"color":"red","size":1},"defaults":{"color":"blue"},"secret":"s"})");
    const std::string before = relpatch_test::serialize(doc);

    relpatch::result r = relpatch::apply_patch<settings_policy>(
        doc, R"([{"op":"copy","from":"/secret","path":"/settings/color"}])");
    EXPECT_EQ(r.code(), relpatch::errc::path_not_allowed);
    EXPECT_TRUE(r.path_is_from());
    EXPECT_EQ(r.path(), "/secret");
    EXPECT_EQ(relpatch_test::serialize(doc), before);

    r = relpatch::apply_patch<settings_policy>(doc, R"([{"op":"remove","path":"/settings/size"}])");
    EXPECT_EQ(r.code(), relpatch::errc::op_not_allowed);
    r = relpatch::apply_patch<settings_policy>(doc, R"([{"op":"replace","path":"/secret","value":1}])");
    EXPECT_EQ(r.code(), relpatch::errc::path_not_allowed);
    EXPECT_FALSE(r.path_is_from());
    EXPECT_EQ(relpatch_test::serialize(doc), before);

    r = relpatch::apply_patch<settings_policy>(doc, R"([
        {"op":"copy","from":"/defaults/color","path":"/settings/color"},
        {"op":"replace","path":"/settings/size","value":2}])");
    ASSERT_TRUE(r) << r.message();
    EXPECT_STREQ(doc["settings"]["color"].GetString(), "blue");
    EXPECT_EQ(doc["settings"]["size"].GetInt(), 2);
}

}  // namespace

namespace {

// A policy that hands its lookups to apply_patch (verdict::target), to show the engine uses
// them only while they are still right.
struct hinting_policy {
    static constexpr bool accepts_envelope = false;
    template <class Value>
    static relpatch::verdict check(const relpatch::basic_operation<Value>& op,
                                   const Value& doc) noexcept {
        relpatch::verdict v;
        const Value* target = nullptr;
        if (op.path.resolve(doc, target) == relpatch::errc::success) v.target = target;
        return v;
    }
};

TEST(CustomPolicy, TargetHintsAreNotTrustedAfterTheLayoutChanges) {
    rapidjson::Document doc = relpatch_test::parse(R"({"x":[1,2]})");
    relpatch::result r = relpatch::apply_patch<hinting_policy>(
        doc, R"([{"op":"add","path":"/x/0","value":0},{"op":"replace","path":"/x/1","value":9}])");
    ASSERT_TRUE(r) << r.message();
    EXPECT_EQ(relpatch_test::serialize(doc), R"({"x":[0,9,2]})");

    doc = relpatch_test::parse(R"({"a":{"b":1},"c":true})");
    r = relpatch::apply_patch<hinting_policy>(
        doc, R"([{"op":"replace","path":"/a","value":1},{"op":"replace","path":"/a/b","value":2}])");
    EXPECT_EQ(r.code(), relpatch::errc::not_a_container);
    EXPECT_EQ(relpatch_test::serialize(doc), R"({"a":{"b":1},"c":true})");

    r = relpatch::apply_patch<hinting_policy>(
        doc, R"([{"op":"replace","path":"/c","value":false},{"op":"replace","path":"/a/b","value":2}])");
    ASSERT_TRUE(r) << r.message();
    EXPECT_EQ(relpatch_test::serialize(doc), R"({"a":{"b":2},"c":false})");
}

}  // namespace

namespace {

// check_patch may blame one operation (by index, possibly its "from"), or the patch as a whole.
template <std::size_t Blame, bool AtFrom>
struct whole_patch_policy {
    static constexpr bool accepts_envelope = false;
    template <class Value>
    static relpatch::verdict check(const relpatch::basic_operation<Value>&, const Value&) noexcept {
        return {};
    }
    template <class Value>
    static relpatch::verdict check_patch(const relpatch::basic_patch_view<Value>& ops,
                                         const Value&) noexcept {
        if (ops.size() < 2) return {};
        relpatch::verdict v(relpatch::errc::op_not_allowed, "two operations at most... one", AtFrom);
        v.op_index = Blame;
        return v;
    }
};

TEST(CustomPolicy, CheckPatchCanBlameAnOperationOrThePatch) {
    rapidjson::Document doc = relpatch_test::parse(R"({"a":1,"b":2})");
    const char* two = R"([{"op":"copy","from":"/a","path":"/c"},{"op":"copy","from":"/b","path":"/d"}])";
    relpatch::result r = relpatch::apply_patch<whole_patch_policy<1, true>>(doc, two);
    EXPECT_EQ(r.code(), relpatch::errc::op_not_allowed);
    EXPECT_EQ(r.op_index(), 1u);
    EXPECT_TRUE(r.path_is_from());
    EXPECT_EQ(r.path(), "/b");
    r = relpatch::apply_patch<whole_patch_policy<0, false>>(doc, two);
    EXPECT_EQ(r.op_index(), 0u);
    EXPECT_EQ(r.path(), "/c");
    r = relpatch::apply_patch<whole_patch_policy<static_cast<std::size_t>(-1), false>>(doc, two);
    EXPECT_FALSE(r.has_op_index());
    EXPECT_TRUE(r.path().empty());
    EXPECT_EQ(relpatch_test::serialize(doc), R"({"a":1,"b":2})");
}

}  // namespace
