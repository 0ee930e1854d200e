// A user-written policy: replace and copy allowed, but only inside /settings, and copy may
// read only from /defaults. It shows that policies see "from" as well as "path".

#include "test_util.hpp"

#include <relpatch/relpatch.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

struct settings_policy : relpatch::policy_base {
    template <class Value>
    static relpatch::verdict check(const relpatch::basic_operation<Value>& op,
                                   const Value&) noexcept {
        using relpatch::verdict;
        if (op.op != relpatch::op_type::replace && op.op != relpatch::op_type::copy)
            return verdict::refuse(relpatch::errc::op_not_allowed);
        if (!under(op.path, "settings"))
            return verdict::refuse(relpatch::errc::path_not_allowed, "not in /settings");
        if (op.has_from() && !under(op.from, "defaults"))
            return verdict::refuse_from(relpatch::errc::path_not_allowed,
                                        "copy only from /defaults");
        return verdict::accept();
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
// check_patch with the old signature (returning verdict): apply_patch refuses to compile with
// it (see detail::check_policy), instead of silently never calling it.
struct stale_check_patch : relpatch::policy_base {
    template <class Value>
    static relpatch::verdict check(const relpatch::basic_operation<Value>&, const Value&) noexcept {
        return {};
    }
    template <class Value>
    static relpatch::verdict check_patch(const relpatch::basic_patch_view<Value>&,
                                         const Value&) noexcept {
        return {};
    }
};
// check() must be noexcept: apply_patch is, and a throwing check would terminate inside it.
struct throwing_check : relpatch::policy_base {
    template <class Value>
    static relpatch::verdict check(const relpatch::basic_operation<Value>&, const Value&) {
        return {};
    }
};
static_assert(!relpatch::is_policy<throwing_check, rapidjson::Value>::value);
static_assert(relpatch::detail::names_check_patch<stale_check_patch>::value);
static_assert(!relpatch::detail::has_check_patch<stale_check_patch, rapidjson::Value>::value);
static_assert(!relpatch::detail::names_check_patch<settings_policy>::value);
static_assert(relpatch::detail::names_check_patch<relpatch::ordered_release_policy>::value);
static_assert(
    relpatch::detail::has_check_patch<relpatch::ordered_release_policy, rapidjson::Value>::value);

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
    r = relpatch::apply_patch<settings_policy>(doc,
                                               R"([{"op":"replace","path":"/secret","value":1}])");
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

// A policy object with state: the tenant's one writable top-level member. apply_patch takes
// it by reference, so a server can build one per request.
struct tenant_policy : relpatch::policy_base {
    std::string allowed;
    template <class Value>
    relpatch::verdict check(const relpatch::basic_operation<Value>& op,
                            const Value&) const noexcept {
        auto first = op.path.begin();
        if (first == op.path.end() || !(*first).equals_ascii(allowed))
            return relpatch::verdict::refuse(relpatch::errc::path_not_allowed, "not this tenant's");
        return relpatch::verdict::accept();
    }
};

TEST(CustomPolicy, PolicyObjectsCarryState) {
    rapidjson::Document doc = relpatch_test::parse(R"({"alice":1,"bob":2})");
    const char* patch = R"([{"op":"replace","path":"/bob","value":3}])";
    relpatch::result r = relpatch::apply_patch(doc, patch, tenant_policy{{}, "alice"});
    EXPECT_EQ(r.code(), relpatch::errc::path_not_allowed);
    EXPECT_EQ(relpatch_test::serialize(doc), R"({"alice":1,"bob":2})");
    r = relpatch::apply_patch(doc, patch, tenant_policy{{}, "bob"});
    ASSERT_TRUE(r) << r.message();
    EXPECT_EQ(relpatch_test::serialize(doc), R"({"alice":1,"bob":3})");

    // The DOM entry point and prepared patches take the object too.
    const rapidjson::Document ops =
        relpatch_test::parse(R"([{"op":"replace","path":"/alice","value":0}])");
    r = relpatch::apply_patch(doc, ops, doc.GetAllocator(), tenant_policy{{}, "bob"});
    EXPECT_EQ(r.code(), relpatch::errc::path_not_allowed);
    relpatch::basic_prepared_patch<tenant_policy> prepared;
    ASSERT_TRUE(relpatch::basic_prepared_patch<tenant_policy>::prepare(
        R"([{"op":"replace","path":"/alice","value":0}])", prepared));
    EXPECT_EQ(prepared.apply(doc, tenant_policy{{}, "bob"}).code(),
              relpatch::errc::path_not_allowed);
    ASSERT_TRUE(prepared.apply(doc, tenant_policy{{}, "alice"}));
    EXPECT_EQ(relpatch_test::serialize(doc), R"({"alice":0,"bob":3})");
}

}  // namespace

namespace {

// check_patch may blame one operation (by index, possibly its "from"), or the patch as a whole.
template <std::size_t Blame, bool AtFrom>
struct whole_patch_policy : relpatch::policy_base {
    template <class Value>
    static relpatch::verdict check(const relpatch::basic_operation<Value>&, const Value&) noexcept {
        return {};
    }
    template <class Value>
    static relpatch::patch_verdict check_patch(const relpatch::basic_patch_view<Value>& ops,
                                               const Value&) noexcept {
        using relpatch::patch_verdict;
        if (ops.size() < 2) return patch_verdict::accept();
        const char* why = "two operations at most... one";
        if (Blame == patch_verdict::npos)
            return patch_verdict::refuse_patch(relpatch::errc::op_not_allowed, why);
        return AtFrom ? patch_verdict::refuse_from(relpatch::errc::op_not_allowed, Blame, why)
                      : patch_verdict::refuse(relpatch::errc::op_not_allowed, Blame, why);
    }
};

TEST(CustomPolicy, CheckPatchCanBlameAnOperationOrThePatch) {
    rapidjson::Document doc = relpatch_test::parse(R"({"a":1,"b":2})");
    const char* two =
        R"([{"op":"copy","from":"/a","path":"/c"},{"op":"copy","from":"/b","path":"/d"}])";
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
