// relpatch::diff: the patch it returns turns `from` into `to` (by RFC 6902 equality, or byte
// for byte with diff_options::exact), is small, fits the limits, and is what the policy allows.

#include "test_util.hpp"

#include <relpatch/relpatch.hpp>

#include <gtest/gtest.h>

#ifdef RELPATCH_TEST_HAVE_NLOHMANN
#include <nlohmann/json.hpp>
#endif

#include <cstdint>
#include <string>
#include <vector>

namespace {

using relpatch::errc;
using relpatch_test::parse;
using relpatch_test::serialize;

rapidjson::Document parse_exact(const std::string& text) {
    rapidjson::Document d;
    const relpatch::result r = relpatch::parse_document(std::string_view(text), d);
    if (!r) throw std::runtime_error("test JSON does not parse: " + text);
    return d;
}

template <class V>
bool equal_as(const V& a, const V& b,
              relpatch::detail::compare_mode mode = relpatch::detail::compare_mode::rfc) {
    relpatch::detail::work_meter work(static_cast<std::size_t>(-1));
    bool same = false;
    EXPECT_EQ(relpatch::detail::compare(a, b, mode, work, same), errc::success);
    return same;
}

bool equal(const rapidjson::Value& a, const rapidjson::Value& b,
           relpatch::detail::compare_mode mode = relpatch::detail::compare_mode::rfc) {
    return equal_as(a, b, mode);
}

// Diffs `from` and `to` under Policy, applies the patch to a copy of `from` under
// rfc6902_policy, and checks the result equals `to`. Returns the patch as text.
template <class Policy = relpatch::rfc6902_policy>
std::string round_trip(const std::string& from, const std::string& to,
                       const relpatch::diff_options& opt = {}, relpatch::limits lim = {}) {
    rapidjson::Document a = parse_exact(from);
    const rapidjson::Document b = parse_exact(to);
    rapidjson::Document patch;
    const relpatch::result r = relpatch::diff<Policy>(a, b, patch, opt, lim);
    EXPECT_TRUE(r) << r.message();
    if (!r) return "";
    EXPECT_EQ(r.changed(), patch.Size() != 0);
    const relpatch::result applied =
        relpatch::apply_patch<relpatch::rfc6902_policy>(a, patch, a.GetAllocator(), lim);
    EXPECT_TRUE(applied) << applied.message() << " applying " << serialize(patch);
    const auto mode =
        opt.exact ? relpatch::detail::compare_mode::identical : relpatch::detail::compare_mode::rfc;
    EXPECT_TRUE(equal(a, b, mode))
        << from << " -> " << to << "\npatch " << serialize(patch) << "\ngave " << serialize(a);
    if (opt.exact) {
        EXPECT_EQ(serialize(a), serialize(b));
    }
    return serialize(patch);
}

std::string compact(const std::string& from, const std::string& to, bool exact = false) {
    relpatch::diff_options opt;
    opt.exact = exact;
    opt.strategy = relpatch::diff_strategy::compact;
    return round_trip(from, to, opt);
}

std::string in_place(const std::string& from, const std::string& to, bool exact = false) {
    relpatch::diff_options opt;
    opt.exact = exact;
    opt.strategy = relpatch::diff_strategy::in_place;
    return round_trip(from, to, opt);
}

TEST(Diff, EqualDocumentsGiveAnEmptyPatch) {
    EXPECT_EQ(compact(R"({"a":[1,2,{"b":null}],"c":"d"})", R"({"c":"d","a":[1,2,{"b":null}]})"),
              "[]");
    EXPECT_EQ(compact("1", "1.0"), "[]");
    EXPECT_EQ(compact("0", "-0.0"), "[]");
    EXPECT_EQ(compact("[]", "[]"), "[]");
}

TEST(Diff, ScalarsAndTypesAreReplaced) {
    EXPECT_EQ(compact("1", "2"), R"([{"op":"replace","path":"","value":2}])");
    EXPECT_EQ(compact("[1]", R"({"0":1})"), R"([{"op":"replace","path":"","value":{"0":1}}])");
    EXPECT_EQ(in_place(R"({"a":{"b":1},"c":2})", R"({"a":{"b":true},"c":2})"),
              R"([{"op":"replace","path":"/a/b","value":true}])");
}

TEST(Diff, ObjectsByMemberName) {
    EXPECT_EQ(in_place(R"({"a":1,"b":2,"c":3})", R"({"a":1,"c":4,"d":5})"),
              R"([{"op":"remove","path":"/b"},{"op":"replace","path":"/c","value":4},)"
              R"({"op":"add","path":"/d","value":5}])");
}

TEST(Diff, PointersEscapeTildeAndSlash) {
    const std::string patch = in_place(R"({"a/b":{"~c":1,"x":0},"y":[0,0,0,0]})",
                                       R"({"a/b":{"~c":2,"x":0},"y":[0,0,0,0]})");
    EXPECT_EQ(patch, R"([{"op":"replace","path":"/a~1b/~0c","value":2}])");
    EXPECT_EQ(in_place(R"({"~1":{"/0":0,"k":"long enough to keep"}})",
                       R"({"~1":{"/0":1,"k":"long enough to keep"}})"),
              R"([{"op":"replace","path":"/~01/~10","value":1}])");
}

TEST(Diff, ArrayInsertIsOneAdd) {
    const std::string long_array = "[10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29]";
    const std::string inserted = "[10,11,12,13,14,99,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29]";
    EXPECT_EQ(compact(long_array, inserted), R"([{"op":"add","path":"/5","value":99}])");
    EXPECT_EQ(compact(inserted, long_array), R"([{"op":"remove","path":"/5"}])");
}

TEST(Diff, ArrayMovesAreMoves) {
    EXPECT_EQ(compact("[1,2,3,4,5,6,7,8,9,10,11,12]", "[12,1,2,3,4,5,6,7,8,9,10,11]"),
              R"([{"op":"move","from":"/11","path":"/0"}])");
    EXPECT_EQ(compact("[1,2,3,4,5,6,7,8,9,10,11,12]", "[2,3,4,5,6,7,8,9,10,11,12,1]"),
              R"([{"op":"move","from":"/0","path":"/11"}])");
    // Several moves in both directions, with inserts and removes between them.
    compact(R"([{"a":1},{"b":2},{"c":3},{"d":4},{"e":5},{"f":6},{"g":7},{"h":8}])",
            R"([{"h":8},{"c":3},{"x":0},{"a":1},{"e":5},{"g":7},{"b":2},{"d":4}])");
    compact("[1,2,3,4,5,6,7,8,9]", "[9,8,7,6,5,4,3,2,1]");
    compact("[1,2,3,4,5,6,7,8,9]", "[3,1,2,6,4,5,9,7,8]");
    compact("[1,2,3,4,5,6,7,8,9]", "[2,4,6,8,1,3,5,7,9,10]");
}

TEST(Diff, RenamedMemberIsAMove) {
    EXPECT_EQ(
        compact(R"({"old":{"big":[1,2,3,4,5]},"k":1})", R"({"new":{"big":[1,2,3,4,5]},"k":1})"),
        R"([{"op":"move","from":"/old","path":"/new"}])");
}

// A member that leaves one object for another (or for an array) is one move, in either order
// of the two objects: the remove and the add the walk finds are fused.
TEST(Diff, MembersMoveBetweenContainers) {
    const std::string keep = R"("keep":"a long string that stays where it is")";
    const std::string x = R"("x":{"big":[1,2,3,4,5,6,7,8]})";
    const std::string in_a = "{\"a\":{" + x + "," + keep + "},\"b\":{" + keep + "}}";
    const std::string in_b = "{\"a\":{" + keep + "},\"b\":{" + keep + "," + x + "}}";
    EXPECT_EQ(compact(in_a, in_b), R"([{"op":"move","from":"/a/x","path":"/b/x"}])");
    EXPECT_EQ(compact(in_b, in_a), R"([{"op":"move","from":"/b/x","path":"/a/x"}])");
    const std::string s = "\"" + std::string(40, 's') + "\"";
    EXPECT_EQ(compact("{\"a\":{" + x + "," + keep + "},\"l\":[" + s + "]}",
                      "{\"a\":{" + keep + "},\"l\":[{\"big\":[1,2,3,4,5,6,7,8]}," + s + "]}"),
              R"([{"op":"move","from":"/a/x","path":"/l/0"}])");
}

// compact replaces a container whole when that takes fewer bytes than the operations inside it:
// the choice depends on sizes only, so an unchanged integer counts by its digits exactly as a
// string counts by its characters. Shifting bytes between the two never changes the choice.
TEST(Diff, WholeOrInsideCountsIntegerDigitsAsBytes) {
    const auto choice = [](const std::string& number, std::size_t pad) {
        const std::string rest = R"(,"c":)" + number + R"(,"d":")" + std::string(pad, 'x') + "\"}}";
        const std::string patch =
            compact(R"({"a":{"p":1,"q":1)" + rest, R"({"a":{"p":2,"q":2)" + rest);
        return patch.find(R"("path":"/a",)") != std::string::npos ? "whole" : "inside";
    };
    bool flipped = false;
    for (std::size_t pad = 3; pad < 40; ++pad) {
        SCOPED_TRACE("padding " + std::to_string(pad));
        const std::string reference = choice("1", pad);
        flipped = flipped || reference != choice("1", pad - 1);
        EXPECT_EQ(choice("9", pad), reference);
        EXPECT_EQ(choice("10", pad - 1), reference);
        EXPECT_EQ(choice("99", pad - 1), reference);
        EXPECT_EQ(choice("100", pad - 2), reference);
        EXPECT_EQ(choice("-1", pad - 1), reference);
        EXPECT_EQ(choice("-10", pad - 2), reference);
        EXPECT_EQ(choice("-100", pad - 3), reference);
    }
    EXPECT_TRUE(flipped);  // the range covers the point where the choice changes
}

TEST(Diff, InnerOperationsUnlessTheContainerIsSmaller) {
    // A long document with one changed value: one replace deep inside.
    std::string from = R"({"items":[)";
    std::string to = from;
    for (int i = 0; i < 20; ++i) {
        const std::string v = std::to_string(i);
        from += (i ? "," : "") + std::string(R"({"id":)") + v + R"(,"name":"item )" + v + "\"}";
        to += (i ? "," : "") + std::string(R"({"id":)") + v + R"(,"name":"item )" +
              (i == 7 ? std::string("seven") : v) + "\"}";
    }
    from += "]}";
    to += "]}";
    EXPECT_EQ(compact(from, to),
              R"([{"op":"replace","path":"/items/7/name","value":"item seven"}])");
    // A small object where everything changed: the object is replaced whole.
    EXPECT_EQ(compact(R"({"o":{"a":1,"b":2,"c":3},"keep":"a long string that stays as it is"})",
                      R"({"o":{"x":1,"y":2,"z":3},"keep":"a long string that stays as it is"})"),
              R"([{"op":"replace","path":"/o","value":{"x":1,"y":2,"z":3}}])");
}

TEST(Diff, ExactKeepsNumberSpellingAndMemberOrder) {
    EXPECT_EQ(compact("1", "1.0", true), R"([{"op":"replace","path":"","value":1.0}])");
    EXPECT_EQ(compact("[0.0]", "[-0.0]", true), R"([{"op":"replace","path":"/0","value":-0.0}])");
    in_place(R"({"b":1,"a":2})", R"({"a":2,"b":1})", true);
    in_place(R"({"a":1,"b":2,"c":3,"d":4})", R"({"a":1,"c":3,"b":2,"e":5,"d":4})", true);
    compact(R"({"a":1,"b":2,"c":3,"d":4})", R"({"a":1,"c":3,"b":2,"e":5,"d":4})", true);
    compact(R"({"a":1,"b":2,"c":{"x":1}})", R"({"c":{"x":1},"b":2,"z":1})", true);
    compact(R"([{"a":1,"b":2},{"a":1,"b":2}])", R"([{"b":2,"a":1},{"a":1,"b":2}])", true);
    // Without `exact` member order does not count.
    EXPECT_EQ(in_place(R"({"b":1,"a":2})", R"({"a":2,"b":1})"), "[]");
}

TEST(Diff, DuplicateNamesReplaceTheObject) {
    const std::string patch = in_place(R"({"x":{"a":1,"a":2}})", R"({"x":{"a":1,"a":3}})");
    EXPECT_EQ(patch, R"([{"op":"replace","path":"/x","value":{"a":1,"a":3}}])");
    in_place(R"({"a":1,"a":2})", R"({"b":1})");
}

TEST(Diff, TestsGuardReplacesRemovesAndMoves) {
    relpatch::diff_options opt;
    opt.emit_tests = true;
    opt.strategy = relpatch::diff_strategy::in_place;
    EXPECT_EQ(round_trip(R"({"a":1,"b":2})", R"({"a":3,"c":4})", opt),
              R"([{"op":"test","path":"/a","value":1},{"op":"replace","path":"/a","value":3},)"
              R"({"op":"test","path":"/b","value":2},{"op":"remove","path":"/b"},)"
              R"({"op":"add","path":"/c","value":4}])");
    opt.strategy = relpatch::diff_strategy::compact;
    EXPECT_EQ(round_trip("[1,2,3,4,5,6,7,8,9,10,11,12]", "[12,1,2,3,4,5,6,7,8,9,10,11]", opt),
              R"([{"op":"test","path":"/11","value":12},{"op":"move","from":"/11","path":"/0"}])");

    // The guard makes the patch fail on a document that changed meanwhile.
    rapidjson::Document from = parse(R"({"a":1,"b":2})");
    const rapidjson::Document to = parse(R"({"a":3,"b":2})");
    rapidjson::Document patch;
    ASSERT_TRUE(relpatch::diff(from, to, patch, opt));
    from["a"].SetInt(5);
    const relpatch::result r =
        relpatch::apply_patch<relpatch::rfc6902_policy>(from, patch, from.GetAllocator());
    EXPECT_EQ(r.code(), errc::test_failed);
    EXPECT_EQ(r.http_status(), 409);
}

// --- policies ----------------------------------------------------------------------------------

std::string release(const std::vector<const char*>& complete, const char* name = "r") {
    std::string s = std::string(R"({"name":")") + name + R"(","phases":[)";
    for (std::size_t i = 0; i < complete.size(); ++i)
        s += (i ? "," : "") + std::string(R"({"_id":"p)") + std::to_string(i) + R"(","complete":)" +
             complete[i] + R"(,"configuration":{}})";
    return s + R"(],"_version":1})";
}

template <class Policy>
relpatch::result release_diff(const std::string& from, const std::string& to, std::string& out,
                              const relpatch::diff_options& opt = {}) {
    const rapidjson::Document a = parse_exact(from);
    const rapidjson::Document b = parse_exact(to);
    rapidjson::Document patch;
    const relpatch::result r = relpatch::diff<Policy>(a, b, patch, opt);
    out = r ? serialize(patch) : "";
    if (r) {
        // The policy accepts the patch, and it gives `to`.
        rapidjson::Document c = parse_exact(from);
        const relpatch::result applied = relpatch::apply_patch<Policy>(c, out);
        EXPECT_TRUE(applied) << applied.message();
        EXPECT_TRUE(equal(c, b));
    }
    return r;
}

TEST(DiffPolicy, ReleasePatchIsReplacesOfCompleteInPhaseOrder) {
    std::string out;
    relpatch::result r =
        release_diff<relpatch::release_policy>(release({"true", "false", "false", "false"}),
                                               release({"true", "true", "false", "true"}), out);
    ASSERT_TRUE(r) << r.message();
    EXPECT_EQ(out, R"([{"op":"replace","path":"/phases/1/complete","value":true},)"
                   R"({"op":"replace","path":"/phases/3/complete","value":true}])");
    r = release_diff<relpatch::release_policy>(release({"true"}), release({"true"}), out);
    EXPECT_TRUE(r);
    EXPECT_FALSE(r.changed());
    EXPECT_EQ(out, "[]");

    // The example document and its patch.
    const std::string dir = RELPATCH_EXAMPLES_DIR;
    rapidjson::Document stored = parse_exact(relpatch_test::read_file(dir + "/release.json"));
    rapidjson::Document edited = parse_exact(relpatch_test::read_file(dir + "/release.json"));
    edited["phases"][1]["complete"].SetBool(true);
    rapidjson::Document patch;
    r = relpatch::diff<relpatch::release_policy>(stored, edited, patch);
    ASSERT_TRUE(r) << r.message();
    EXPECT_EQ(serialize(patch), R"([{"op":"replace","path":"/phases/1/complete","value":true}])");
}

TEST(DiffPolicy, ReleaseRefusesWhatItCannotExpress) {
    std::string out;
    // A name: the first location the policy refuses.
    relpatch::result r = release_diff<relpatch::release_policy>(
        release({"false", "false"}), release({"true", "false"}, "renamed"), out);
    EXPECT_EQ(r.code(), errc::path_not_allowed);
    EXPECT_EQ(r.path(), "/name");
    EXPECT_EQ(r.op_index(), 0u);

    // A phase added: an "add" is needed, and the policy allows only "replace".
    r = release_diff<relpatch::release_policy>(release({"false", "false"}),
                                               release({"false", "false", "false"}), out);
    EXPECT_EQ(r.code(), errc::op_not_allowed);
    EXPECT_EQ(r.path(), "/phases/2");

    // A phase removed.
    r = release_diff<relpatch::release_policy>(release({"false", "false"}), release({"false"}),
                                               out);
    EXPECT_EQ(r.code(), errc::op_not_allowed);
    EXPECT_EQ(r.path(), "/phases/1");

    // "complete" set to something that is not a boolean.
    r = release_diff<relpatch::release_policy>(release({"false", "false"}),
                                               release({"false", "\"yes\""}), out);
    EXPECT_EQ(r.code(), errc::value_type_not_allowed);
    EXPECT_EQ(r.path(), "/phases/1/complete");

    // "complete" that is not a boolean in the stored document.
    r = release_diff<relpatch::release_policy>(release({"null", "false"}),
                                               release({"true", "false"}), out);
    EXPECT_EQ(r.code(), errc::target_type_not_allowed);
    EXPECT_EQ(r.path(), "/phases/0/complete");

    // Another member of a phase.
    r = release_diff<relpatch::release_policy>(R"({"phases":[{"complete":false,"_id":"a"}]})",
                                               R"({"phases":[{"complete":true,"_id":"b"}]})", out);
    EXPECT_EQ(r.code(), errc::path_not_allowed);
    EXPECT_EQ(r.path(), "/phases/0/_id");

    // Member order under `exact`: reordering takes a remove and an add.
    relpatch::diff_options exact;
    exact.exact = true;
    r = release_diff<relpatch::release_policy>(R"({"phases":[{"complete":false,"_id":"a"}]})",
                                               R"({"phases":[{"_id":"a","complete":false}]})", out,
                                               exact);
    EXPECT_EQ(r.code(), errc::op_not_allowed);
    EXPECT_TRUE(release_diff<relpatch::release_policy>(
        R"({"phases":[{"complete":false,"_id":"a"}]})",
        R"({"phases":[{"_id":"a","complete":false}]})", out));

    // A different root.
    r = release_diff<relpatch::release_policy>(release({"false"}), "[]", out);
    EXPECT_EQ(r.code(), errc::path_not_allowed);
    EXPECT_EQ(r.path(), "");
}

TEST(DiffPolicy, OrderedReleaseChecksTheOrder) {
    std::string out;
    relpatch::result r = release_diff<relpatch::ordered_release_policy>(
        release({"true", "false", "false"}), release({"true", "true", "false"}), out);
    EXPECT_TRUE(r) << r.message();
    r = release_diff<relpatch::ordered_release_policy>(release({"true", "false", "false"}),
                                                       release({"true", "false", "true"}), out);
    EXPECT_EQ(r.code(), errc::phase_order_violation);
    EXPECT_EQ(r.path(), "/phases/2/complete");
    EXPECT_EQ(r.http_status(), 409);
    // The plain release policy has no order rule.
    EXPECT_TRUE(release_diff<relpatch::release_policy>(release({"true", "false", "false"}),
                                                       release({"true", "false", "true"}), out));
}

TEST(DiffPolicy, ReleaseRefusesTestOperations) {
    relpatch::diff_options opt;
    opt.emit_tests = true;
    std::string out;
    const relpatch::result r =
        release_diff<relpatch::release_policy>(release({"false"}), release({"false"}), out, opt);
    EXPECT_EQ(r.code(), errc::op_not_allowed);
    EXPECT_FALSE(r.has_op_index());
}

// Values may be replaced under /settings only; nothing else.
struct settings_policy : relpatch::policy_base {
    template <class Value>
    static relpatch::verdict check(const relpatch::basic_operation<Value>& op,
                                   const Value&) noexcept {
        if (op.op != relpatch::op_type::replace && op.op != relpatch::op_type::test)
            return relpatch::verdict::refuse(errc::op_not_allowed);
        const auto first = op.path.begin();
        if (op.path.token_count() < 2 || !(*first).equals_ascii("settings"))
            return relpatch::verdict::refuse(errc::path_not_allowed, "not in /settings");
        return relpatch::verdict::accept();
    }
};

// At most one operation per patch.
struct one_op_policy : relpatch::policy_base {
    template <class Value>
    static relpatch::verdict check(const relpatch::basic_operation<Value>&, const Value&) noexcept {
        return {};
    }
    template <class Value>
    static relpatch::patch_verdict check_patch(const relpatch::basic_patch_view<Value>& ops,
                                               const Value&) noexcept {
        if (ops.size() > 1)
            return relpatch::patch_verdict::refuse(errc::op_not_allowed, 1, "one only");
        return {};
    }
};

TEST(DiffPolicy, UserPoliciesAreAskedAboutEveryOperation) {
    // compact would replace /settings whole, which the policy refuses: diff falls back to
    // changing the values in place.
    const std::string from = R"({"settings":{"a":1,"b":2},"other":0})";
    const std::string to = R"({"settings":{"a":5,"b":6},"other":0})";
    std::string out;
    relpatch::result r = release_diff<settings_policy>(from, to, out);
    ASSERT_TRUE(r) << r.message();
    EXPECT_EQ(out, R"([{"op":"replace","path":"/settings/a","value":5},)"
                   R"({"op":"replace","path":"/settings/b","value":6}])");
    r = release_diff<settings_policy>(from, R"({"settings":{"a":5,"b":2},"other":1})", out);
    EXPECT_EQ(r.code(), errc::path_not_allowed);
    EXPECT_EQ(r.path(), "/other");
    EXPECT_STREQ(r.detail(), "not in /settings");
    r = release_diff<settings_policy>(from, R"({"settings":{"a":1},"other":0})", out);
    EXPECT_EQ(r.code(), errc::op_not_allowed);
    EXPECT_EQ(r.path(), "/settings/b");

    // Tests are proposed like other operations; this policy allows them.
    relpatch::diff_options opt;
    opt.emit_tests = true;
    r = release_diff<settings_policy>(from, to, out, opt);
    ASSERT_TRUE(r) << r.message();
    EXPECT_EQ(out.find(R"({"op":"test","path":"/settings/a","value":1})"), 1u);

    // check_patch is called too.
    const std::string padding(100, '.');
    r = release_diff<one_op_policy>(R"({"a":1,"b":2,"c":")" + padding + "\"}",
                                    R"({"a":2,"b":3,"c":")" + padding + "\"}", out);
    EXPECT_EQ(r.code(), errc::op_not_allowed);
    EXPECT_EQ(r.op_index(), 1u);
    EXPECT_EQ(r.path(), "/b");
    EXPECT_TRUE(release_diff<one_op_policy>(R"({"a":1,"b":2})", R"({"a":1,"b":3})", out));

    // A policy given as an object.
    const rapidjson::Document a = parse(from);
    const rapidjson::Document b = parse(to);
    rapidjson::Value patch;
    rapidjson::Document::AllocatorType alloc;
    EXPECT_TRUE(relpatch::diff(a, b, patch, alloc, settings_policy{}));
    EXPECT_EQ(patch.Size(), 2u);
}

// --- limits and hostile input ------------------------------------------------------------------

std::string nested(std::size_t depth, const std::string& inner) {
    return std::string(depth, '[') + inner + std::string(depth, ']');
}

TEST(DiffLimits, AnyDepthWithoutRecursion) {
    relpatch::limits lim;
    lim.max_document_depth = relpatch::hard_max_depth;
    lim.max_depth = relpatch::hard_max_depth;
    lim.max_pointer_length = 1 << 20;
    const std::size_t depth = 9000;
    const std::string from = nested(depth, "1");
    const std::string to = nested(depth, "2");
    rapidjson::Document a;
    ASSERT_TRUE(relpatch::parse_document(std::string_view(from), a, lim));
    rapidjson::Document b;
    ASSERT_TRUE(relpatch::parse_document(std::string_view(to), b, lim));
    relpatch::diff_options opt;
    opt.strategy = relpatch::diff_strategy::in_place;
    rapidjson::Document patch;
    relpatch::result r = relpatch::diff(a, b, patch, opt, lim);
    ASSERT_TRUE(r) << r.message();
    ASSERT_EQ(patch.Size(), 1u);
    EXPECT_EQ(patch[0]["path"].GetStringLength(), 2 * depth);
    ASSERT_TRUE(relpatch::apply_patch<relpatch::rfc6902_policy>(a, patch, a.GetAllocator(), lim));
    EXPECT_TRUE(equal(a, b));

    // compact replaces the whole thing: the value nests as deep as the document.
    opt.strategy = relpatch::diff_strategy::compact;
    r = relpatch::diff(a, b, patch, opt, lim);
    ASSERT_TRUE(r) << r.message();

    // The default limits: the pointer is too long for apply_patch, so diff says so.
    opt.strategy = relpatch::diff_strategy::in_place;
    ASSERT_TRUE(relpatch::parse_document(std::string_view(from), a, lim));
    r = relpatch::diff(a, b, patch, opt);
    EXPECT_EQ(r.code(), errc::pointer_too_long);
    EXPECT_EQ(r.op_index(), 0u);
    EXPECT_TRUE(r.path_truncated());
}

TEST(DiffLimits, RefusesWhatApplyPatchWouldRefuse) {
    rapidjson::Document patch;
    relpatch::limits lim;
    lim.max_operations = 2;
    relpatch::diff_options opt;
    opt.strategy = relpatch::diff_strategy::in_place;
    rapidjson::Document a = parse(R"({"a":1,"b":2,"c":3})");
    rapidjson::Document b = parse(R"({"a":2,"b":3,"c":4})");
    relpatch::result r = relpatch::diff(a, b, patch, opt, lim);
    EXPECT_EQ(r.code(), errc::too_many_operations);
    EXPECT_EQ(patch.GetType(), rapidjson::kNullType);  // untouched

    lim = relpatch::limits();
    lim.max_depth = 4;  // patch array, operation, and two levels of value
    a = parse(R"({"a":1})");
    b = parse(R"({"a":[[[1]]]})");
    r = relpatch::diff(a, b, patch, {}, lim);
    EXPECT_EQ(r.code(), errc::nesting_too_deep);
    EXPECT_EQ(r.path(), "/a");

    lim = relpatch::limits();
    lim.max_document_depth = 3;
    r = relpatch::diff(a, b, patch, {}, lim);
    EXPECT_EQ(r.code(), errc::document_too_deep);

    lim = relpatch::limits();
    lim.max_patch_bytes = 64;
    b = parse(R"({"a":"a string long enough to be too much for sixty-four bytes of patch"})");
    r = relpatch::diff(a, b, patch, {}, lim);
    EXPECT_EQ(r.code(), errc::patch_too_large);
    std::string text;
    r = relpatch::diff_text(R"({"a":1})",
                            R"({"a":"a string long enough to be too much for sixty-four bytes"})",
                            text, {}, lim);
    EXPECT_EQ(r.code(), errc::patch_too_large);
}

// A move's "from" is a pointer like its "path": past max_pointer_length the diff is refused
// there, naming the "from".
TEST(DiffLimits, LongFromPointerOfAMove) {
    const std::string old_name(60, 'o');
    const std::string value = R"({"big":")" + std::string(200, 'b') + "\"}";
    const rapidjson::Document a = parse(R"({")" + old_name + R"(":)" + value + "}");
    const rapidjson::Document b = parse(R"({"n":)" + value + "}");
    rapidjson::Document patch;
    ASSERT_TRUE(relpatch::diff(a, b, patch));
    ASSERT_EQ(serialize(patch), R"([{"op":"move","from":"/)" + old_name + R"(","path":"/n"}])");
    relpatch::limits lim;
    lim.max_pointer_length = 40;
    rapidjson::Document untouched;
    const relpatch::result r = relpatch::diff(a, b, untouched, {}, lim);
    EXPECT_EQ(r.code(), errc::pointer_too_long);
    EXPECT_EQ(r.op_index(), 0u);
    EXPECT_TRUE(r.path_is_from());
    EXPECT_EQ(r.path(), "/" + old_name);
    EXPECT_TRUE(untouched.IsNull());
}

TEST(DiffLimits, WorkIsBounded) {
    std::string from = "[";
    std::string to = "[";
    for (int i = 0; i < 20000; ++i) {
        from += (i ? "," : "") + std::to_string(i);
        to += (i ? "," : "") + std::to_string(i % 2 == 0 ? i : -i);
    }
    from += "]";
    to += "]";
    const rapidjson::Document a = parse(from);
    const rapidjson::Document b = parse(to);
    rapidjson::Document patch;
    relpatch::limits lim;
    lim.max_work = 50000;
    relpatch::result r = relpatch::diff(a, b, patch, {}, lim);
    EXPECT_EQ(r.code(), errc::work_limit_exceeded);

    // With the default budget the alignment gives up (10000 edits) and the elements are
    // paired by index.
    lim = relpatch::limits();
    lim.max_operations = 100000;
    r = relpatch::diff(a, b, patch, {}, lim);
    ASSERT_TRUE(r) << r.message();
    EXPECT_EQ(patch.Size(), 1u);  // smaller as one replace of the whole array
    relpatch::diff_options opt;
    opt.strategy = relpatch::diff_strategy::in_place;
    r = relpatch::diff(a, b, patch, opt, lim);
    ASSERT_TRUE(r) << r.message();
    EXPECT_EQ(patch.Size(), 10000u);
}

TEST(DiffLimits, AlignmentFallsBackPastTheEditDistance) {
    relpatch::diff_options opt;
    opt.max_edit_distance = 2;
    opt.strategy = relpatch::diff_strategy::compact;
    // Five inserts at the front: more than 2 edits, so elements are compared by index.
    const std::string a(100, 'a');
    const std::string b(100, 'b');
    const std::string from = R"([{"k":")" + a + R"("},{"k":")" + b + R"("}])";
    const std::string to = R"([1,2,3,4,5,{"k":")" + a + R"("},{"k":")" + b + R"("}])";
    round_trip(from, to, opt);
    opt.max_edit_distance = 1000;
    EXPECT_EQ(round_trip(from, to, opt).find("\"op\":\"add\",\"path\":\"/0\""), 2u);
}

TEST(Diff, TextForm) {
    std::string patch = "unchanged";
    relpatch::result r = relpatch::diff_text(R"({"a":[1,2]})", R"({"a":[1,2],"b":true})", patch);
    ASSERT_TRUE(r) << r.message();
    EXPECT_EQ(patch, R"([{"op":"add","path":"/b","value":true}])");
    patch = "unchanged";
    r = relpatch::diff_text(R"({"a":)", "{}", patch);
    EXPECT_EQ(r.code(), errc::invalid_document);
    EXPECT_EQ(patch, "unchanged");
    r = relpatch::diff_text<relpatch::release_policy>(release({"false"}), release({"true"}), patch);
    ASSERT_TRUE(r) << r.message();
    EXPECT_EQ(patch, R"([{"op":"replace","path":"/phases/0/complete","value":true}])");
    // Numbers survive exactly.
    r = relpatch::diff_text(R"({"a":1})", R"({"a":0.1,"b":18446744073709551615,"c":-0.0})", patch);
    ASSERT_TRUE(r);
    rapidjson::Document doc = parse_exact(R"({"a":1})");
    ASSERT_TRUE(relpatch::apply_patch<relpatch::rfc6902_policy>(doc, patch));
    EXPECT_EQ(serialize(doc), R"({"a":0.1,"b":18446744073709551615,"c":-0.0})");
}

TEST(Diff, Utf16Documents) {
    using Doc16 = rapidjson::GenericDocument<rapidjson::UTF16<char16_t>>;
    Doc16 a;
    Doc16 b;
    ASSERT_TRUE(relpatch::parse_document(
        std::u16string_view(u"{\"n\u00e9/e\":[1,2,3],\"z\":\"\u2603\"}"), a));
    ASSERT_TRUE(relpatch::parse_document(
        std::u16string_view(u"{\"n\u00e9/e\":[1,7,2,3],\"z\":\"\u2603\"}"), b));
    Doc16 patch;
    const relpatch::result r = relpatch::diff(a, b, patch);
    ASSERT_TRUE(r) << r.message();
    ASSERT_EQ(patch.Size(), 1u);
    EXPECT_EQ(std::u16string(patch[0][u"path"].GetString()), u"/n\u00e9~1e/1");
    ASSERT_TRUE(relpatch::apply_patch<relpatch::rfc6902_policy>(a, patch, a.GetAllocator()));
    EXPECT_TRUE(equal_as<rapidjson::GenericValue<rapidjson::UTF16<char16_t>>>(a, b));

    // A refusal reports the path in UTF-8.
    ASSERT_TRUE(relpatch::parse_document(
        std::u16string_view(u"{\"n\u00e9/e\":[1,2,3],\"z\":\"\u2603\"}"), a));
    relpatch::limits lim;
    lim.max_operations = 0;
    Doc16 none;
    EXPECT_EQ(relpatch::diff(a, b, none, {}, lim).code(), errc::too_many_operations);
    rapidjson::GenericValue<rapidjson::UTF16<char16_t>> p;
    const auto refused = relpatch::diff<relpatch::release_policy>(a, b, p, patch.GetAllocator());
    EXPECT_EQ(refused.code(), errc::path_not_allowed);  // in place: a replace of /né~1e/1
    EXPECT_EQ(refused.path(), "/n\xc3\xa9~1e/1");
}

// The alignment compares elements by hash: strings that differ in a single bit, at any
// position of strings of up to 12 UTF-16 code units (24 bytes: both 8-byte blocks and the
// tail), are still told apart, so removing the first of two such strings is one remove.
TEST(Diff, StringsOneBitApartAreToldApart) {
    using Doc16 = rapidjson::GenericDocument<rapidjson::UTF16<char16_t>>;
    for (const char16_t base : {u'A', u'\u00e8'}) {
        for (std::size_t length = 1; length <= 12; ++length) {
            for (std::size_t at = 0; at < length; ++at) {
                for (const int bit : {0, 7, 8, 15}) {
                    SCOPED_TRACE("length " + std::to_string(length) + ", unit " +
                                 std::to_string(at) + ", bit " + std::to_string(bit));
                    const std::u16string s(length, base);
                    std::u16string t = s;
                    t[at] = static_cast<char16_t>(t[at] ^ (1u << bit));
                    Doc16 a;
                    a.SetArray();
                    a.PushBack(
                        Doc16::ValueType(t.data(), static_cast<rapidjson::SizeType>(t.size()),
                                         a.GetAllocator()),
                        a.GetAllocator());
                    a.PushBack(
                        Doc16::ValueType(s.data(), static_cast<rapidjson::SizeType>(s.size()),
                                         a.GetAllocator()),
                        a.GetAllocator());
                    Doc16 b;
                    b.SetArray();
                    b.PushBack(
                        Doc16::ValueType(s.data(), static_cast<rapidjson::SizeType>(s.size()),
                                         b.GetAllocator()),
                        b.GetAllocator());
                    Doc16 patch;
                    const relpatch::result r = relpatch::diff(a, b, patch);
                    ASSERT_TRUE(r) << r.message();
                    ASSERT_EQ(patch.Size(), 1u);
                    EXPECT_EQ(std::u16string(patch[0][u"op"].GetString()), u"remove");
                    EXPECT_EQ(std::u16string(patch[0][u"path"].GetString()), u"/0");
                }
            }
        }
    }
}

// --- a corpus of random pairs ------------------------------------------------------------------

// A small deterministic generator (splitmix64): the same corpus on every platform.
struct rng {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

std::string random_scalar(rng& r) {
    static const char* const words[] = {"\"a\"",  "\"b\"", "\"release\"",
                                        "\"~/\"", "\"\"",  "\"a longer string value\""};
    switch (r.below(7)) {
    case 0: return "null";
    case 1: return r.below(2) ? "true" : "false";
    case 2: return std::to_string(static_cast<int>(r.below(20)) - 5);
    case 3: return std::to_string(r.below(1000)) + ".5";
    default: return words[r.below(6)];
    }
}

std::string random_name(rng& r) {
    static const char* const names[] = {"a",    "b",   "c",  "d",      "id",
                                        "name", "x/y", "t~", "phases", "complete"};
    return names[r.below(10)];
}

std::string random_value(rng& r, int depth) {
    if (depth == 0 || r.below(3) == 0) return random_scalar(r);
    std::string s;
    const std::size_t n = r.below(7);
    if (r.below(2)) {
        s = "[";
        for (std::size_t i = 0; i < n; ++i) s += (i ? "," : "") + random_value(r, depth - 1);
        return s + "]";
    }
    s = "{";
    std::vector<std::string> used;
    for (std::size_t i = 0; i < n; ++i) {
        const std::string k = random_name(r);
        bool dup = false;
        for (const auto& u : used) dup = dup || u == k;
        if (dup) continue;
        used.push_back(k);
        s += (s.size() > 1 ? "," : "") + ("\"" + k + "\":") + random_value(r, depth - 1);
    }
    return s + "}";
}

// Every location in `v`, as pointers (containers first, then their children).
void locations(const rapidjson::Value& v, const std::string& at, std::vector<std::string>& out) {
    out.push_back(at);
    if (v.IsArray()) {
        for (rapidjson::SizeType i = 0; i < v.Size(); ++i)
            locations(v[i], at + "/" + std::to_string(i), out);
    } else if (v.IsObject()) {
        for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
            std::string t;
            for (char c : std::string(m->name.GetString(), m->name.GetStringLength()))
                t += c == '~'   ? std::string("~0")
                     : c == '/' ? std::string("~1")
                                : std::string(1, c);
            locations(m->value, at + "/" + t, out);
        }
    }
}

// `from` changed by a few random operations (add, remove, replace, move, copy), each applied
// only if relpatch accepts it.
std::string random_edit(rng& r, const std::string& from) {
    rapidjson::Document doc = parse_exact(from);
    const std::size_t count = 1 + r.below(6);
    for (std::size_t k = 0; k < count; ++k) {
        std::vector<std::string> where;
        locations(doc, "", where);
        const std::string& target = where[r.below(where.size())];
        const rapidjson::Value* v = nullptr;
        relpatch::pointer p;
        (void)relpatch::pointer::parse(target, p);
        (void)p.resolve(static_cast<const rapidjson::Value&>(doc), v);
        std::string op;
        switch (r.below(5)) {
        case 0: {  // add a member or an element
            std::string path = target;
            if (v->IsArray())
                path += "/" + std::to_string(r.below(v->Size() + 1));
            else if (v->IsObject())
                path += "/" + random_name(r);
            else
                break;
            op = R"({"op":"add","path":")" + path + R"(","value":)" + random_value(r, 2) + "}";
            break;
        }
        case 1: op = R"({"op":"remove","path":")" + target + "\"}"; break;
        case 2:
            op =
                R"({"op":"replace","path":")" + target + R"(","value":)" + random_value(r, 2) + "}";
            break;
        default: {
            const std::string& other = where[r.below(where.size())];
            const rapidjson::Value* o = nullptr;
            relpatch::pointer q;
            (void)relpatch::pointer::parse(other, q);
            (void)q.resolve(static_cast<const rapidjson::Value&>(doc), o);
            std::string path;
            if (o->IsArray())
                path = other + "/" + std::to_string(r.below(o->Size() + 1));
            else if (o->IsObject())
                path = other + "/" + random_name(r);
            else
                break;
            op = std::string(R"({"op":")") + (r.below(2) ? "move" : "copy") + R"(","from":")" +
                 target + R"(","path":")" + path + "\"}";
            break;
        }
        }
        if (!op.empty()) (void)relpatch::apply_patch<relpatch::rfc6902_policy>(doc, "[" + op + "]");
    }
    return serialize(doc);
}

struct corpus_pair {
    std::string from;
    std::string to;
};

std::vector<corpus_pair> corpus(std::size_t n, std::uint64_t seed) {
    rng r{seed};
    std::vector<corpus_pair> out;
    while (out.size() < n) {
        std::string from = random_value(r, 4);
        if (from.front() != '{' && from.front() != '[') continue;
        out.push_back({from, random_edit(r, from)});
    }
    return out;
}

TEST(DiffCorpus, EveryLayoutRoundTrips) {
    std::size_t i = 0;
    for (const corpus_pair& p : corpus(400, 20261128)) {
        SCOPED_TRACE("pair " + std::to_string(i++) + ": " + p.from + " -> " + p.to);
        for (const bool exact : {false, true}) {
            for (const bool tests : {false, true}) {
                for (const auto strategy :
                     {relpatch::diff_strategy::compact, relpatch::diff_strategy::in_place}) {
                    relpatch::diff_options opt;
                    opt.exact = exact;
                    opt.emit_tests = tests;
                    opt.strategy = strategy;
                    round_trip(p.from, p.to, opt);
                    round_trip(p.to, p.from, opt);
                }
            }
        }
    }
}

// Arrays of distinct elements, edited by removes and by inserts of new values, one or two in a
// place, each place at least three kept elements away from the others: the longest common
// subsequence is exactly the elements left in place, and pairing elements by index would take
// more operations, so a compact patch is exactly one remove per removed element and one add
// per inserted one (the elements are long enough that no replace of the whole array is
// smaller).
TEST(DiffCorpus, AlignmentKeepsEveryElementLeftInPlace) {
    rng r{20261129};
    const auto element = [](const char* kind, std::size_t i) {
        return "\"" + std::string(kind) + std::to_string(i) + std::string(24, '.') + "\"";
    };
    for (int round = 0; round < 300; ++round) {
        const std::size_t n = 20 + r.below(30);
        std::string from = "[";
        std::string to = "[";
        std::size_t removes = 0;
        std::size_t adds = 0;
        std::size_t kept_since_edit = 3;
        std::size_t removing = 0;  // removed so far in the current place
        const std::size_t edits = 2 + r.below(7);
        for (std::size_t i = 0; i <= n; ++i) {
            if (removes + adds < edits && kept_since_edit >= 3 && r.below(8) == 0) {
                for (std::size_t k = 1 + r.below(2); k > 0; --k)
                    to += (to.size() > 1 ? "," : "") + element("new", adds++);
                kept_since_edit = 0;
            }
            if (i == n) break;
            from += (i ? "," : "") + element("old", i);
            const bool may_remove =
                (kept_since_edit >= 3 && removing == 0) || (removing == 1 && kept_since_edit == 0);
            if (removes + adds < edits && may_remove && r.below(6) == 0) {
                ++removes;
                ++removing;
                kept_since_edit = 0;
                continue;
            }
            to += (to.size() > 1 ? "," : "") + element("old", i);
            ++kept_since_edit;
            removing = 0;
        }
        from += "]";
        to += "]";
        SCOPED_TRACE(from + " -> " + to);
        for (int direction = 0; direction < 2; ++direction) {
            const std::string patch_text = direction == 0 ? compact(from, to) : compact(to, from);
            const rapidjson::Document patch = parse(patch_text);
            std::size_t counted[2] = {0, 0};
            for (const auto& op : patch.GetArray()) {
                const std::string name = op["op"].GetString();
                ASSERT_TRUE(name == "remove" || name == "add") << patch_text;
                ++counted[name == "remove" ? 0 : 1];
            }
            EXPECT_EQ(counted[0], direction == 0 ? removes : adds) << patch_text;
            EXPECT_EQ(counted[1], direction == 0 ? adds : removes) << patch_text;
        }
    }
}

#ifdef RELPATCH_TEST_HAVE_NLOHMANN
// relpatch's patch never takes more operations than nlohmann::json::diff's, and in total
// clearly fewer. Both are checked to give `to` (RFC 6902 equality).
TEST(DiffCorpus, NeverMoreOperationsThanNlohmann) {
    std::size_t ours = 0;
    std::size_t theirs = 0;
    std::size_t i = 0;
    for (const corpus_pair& p : corpus(400, 6902)) {
        SCOPED_TRACE("pair " + std::to_string(i++) + ": " + p.from + " -> " + p.to);
        for (int direction = 0; direction < 2; ++direction) {
            const std::string& from = direction == 0 ? p.from : p.to;
            const std::string& to = direction == 0 ? p.to : p.from;
            const std::string patch = round_trip(from, to);
            const rapidjson::Document mine = parse(patch);

            const nlohmann::json a = nlohmann::json::parse(from);
            const nlohmann::json b = nlohmann::json::parse(to);
            const nlohmann::json peer = nlohmann::json::diff(a, b);
            rapidjson::Document applied = parse_exact(from);
            ASSERT_TRUE(relpatch::apply_patch<relpatch::rfc6902_policy>(applied, peer.dump()));
            ASSERT_TRUE(equal(applied, parse_exact(to))) << "nlohmann's patch " << peer.dump();

            EXPECT_LE(mine.Size(), peer.size())
                << "relpatch " << patch << "\nnlohmann " << peer.dump();
            ours += mine.Size();
            theirs += peer.size();
        }
    }
    EXPECT_LT(ours * 4, theirs * 3) << ours << " operations against nlohmann's " << theirs;
    std::printf("[ corpus   ] 800 diffs: relpatch %zu operations, nlohmann %zu\n", ours, theirs);
}
#endif

}  // namespace
