// RFC 6902 semantics under rfc6902_policy beyond the conformance suite: member and element
// order, no implicit parents, rollback of every kind of operation, limits, changed().

#include "test_util.hpp"

#include <relpatch/relpatch.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using relpatch::errc;
using relpatch_test::serialize;

struct outcome {
    errc code;
    std::string doc;
    bool changed;
};

outcome run(const std::string& doc_text, const std::string& patch,
            const relpatch::limits& lim = {}) {
    rapidjson::Document doc = relpatch_test::parse(doc_text);
    const std::string before = serialize(doc);
    const relpatch::result r = relpatch::apply_patch<relpatch::rfc6902_policy>(doc, patch, lim);
    if (!r) {
        EXPECT_EQ(serialize(doc), before) << "refused patch left a trace: " << patch;
    }
    return {r.code(), serialize(doc), r.changed()};
}

TEST(Add, NewMemberGoesLastExistingMemberIsReplacedInPlace) {
    auto o = run(R"({"a":1,"b":2})", R"([{"op":"add","path":"/c","value":3}])");
    EXPECT_EQ(o.doc, R"({"a":1,"b":2,"c":3})");
    o = run(R"({"a":1,"b":2})", R"([{"op":"add","path":"/a","value":[9]}])");
    EXPECT_EQ(o.doc, R"({"a":[9],"b":2})");
    o = run(R"({"a":1})", R"([{"op":"add","path":"/a~1b~0","value":0}])");
    EXPECT_EQ(o.doc, R"({"a":1,"a/b~":0})");
    o = run(R"({})", R"([{"op":"add","path":"/","value":0}])");
    EXPECT_EQ(o.doc, R"({"":0})");
}

TEST(Add, ArrayInsertAndAppend) {
    EXPECT_EQ(run("[1,2]", R"([{"op":"add","path":"/0","value":0}])").doc, "[0,1,2]");
    EXPECT_EQ(run("[1,2]", R"([{"op":"add","path":"/1","value":0}])").doc, "[1,0,2]");
    EXPECT_EQ(run("[1,2]", R"([{"op":"add","path":"/2","value":0}])").doc, "[1,2,0]");
    EXPECT_EQ(run("[1,2]", R"([{"op":"add","path":"/-","value":0}])").doc, "[1,2,0]");
    EXPECT_EQ(run("[1,2]", R"([{"op":"add","path":"/3","value":0}])").code,
              errc::index_out_of_range);
    EXPECT_EQ(run("[]", R"([{"op":"add","path":"/01","value":0}])").code, errc::invalid_index);
}

TEST(Add, NeverCreatesParentsPadsArraysOrChangesTypes) {
    EXPECT_EQ(run("{}", R"([{"op":"add","path":"/a/b","value":1}])").code, errc::path_not_found);
    EXPECT_EQ(run(R"({"a":[1]})", R"([{"op":"add","path":"/a/5","value":1}])").code,
              errc::index_out_of_range);
    EXPECT_EQ(run(R"({"a":1})", R"([{"op":"add","path":"/a/b","value":1}])").code,
              errc::not_a_container);
    EXPECT_EQ(run(R"({"a":null})", R"([{"op":"add","path":"/a/0","value":1}])").code,
              errc::not_a_container);
}

TEST(Add, WholeDocument) {
    auto o = run(R"({"a":1})", R"([{"op":"add","path":"","value":[1]}])");
    EXPECT_EQ(o.doc, "[1]");
    EXPECT_TRUE(o.changed);
    o = run(R"({"a":1})", R"([{"op":"replace","path":"","value":{"a":1}}])");
    EXPECT_FALSE(o.changed);
    // 1.0 serializes differently from 1: a change, though RFC 6902 calls them equal.
    o = run(R"({"a":1})", R"([{"op":"replace","path":"","value":{"a":1.0}}])");
    EXPECT_TRUE(o.changed);
}

TEST(Value, MissingIsNotNull) {
    EXPECT_EQ(run("{}", R"([{"op":"add","path":"/a","value":null}])").doc, R"({"a":null})");
    EXPECT_EQ(run("{}", R"([{"op":"add","path":"/a"}])").code, errc::missing_member);
    EXPECT_EQ(run(R"({"a":null})", R"([{"op":"test","path":"/a","value":null}])").code,
              errc::success);
    EXPECT_EQ(run(R"({"a":null})", R"([{"op":"test","path":"/a"}])").code, errc::missing_member);
}

TEST(Operation, UnknownAndUnusedMembersAreIgnored) {
    EXPECT_EQ(run("{}", R"([{"op":"add","path":"/a","value":1,"from":7,"x":{"y":[]}}])").doc,
              R"({"a":1})");
    EXPECT_EQ(run(R"({"a":1})", R"([{"op":"remove","path":"/a","value":{}}])").doc, "{}");
    EXPECT_EQ(run(R"({"a":1})", R"([{"value":2,"path":"/a","op":"replace"}])").doc, R"({"a":2})");
}

TEST(Remove, KeepsTheOrderOfTheRest) {
    EXPECT_EQ(run(R"({"a":1,"b":2,"c":3})", R"([{"op":"remove","path":"/a"}])").doc,
              R"({"b":2,"c":3})");
    EXPECT_EQ(run("[1,2,3]", R"([{"op":"remove","path":"/1"}])").doc, "[1,3]");
    EXPECT_EQ(run("[1,2,3]", R"([{"op":"remove","path":"/-"}])").code, errc::index_out_of_range);
    EXPECT_EQ(run(R"({"a":1})", R"([{"op":"remove","path":""}])").code, errc::cannot_remove_root);
    EXPECT_EQ(run(R"({"a":1})", R"([{"op":"remove","path":"/a/b"}])").code, errc::not_a_container);
    EXPECT_EQ(run(R"({"a":[1]})", R"([{"op":"remove","path":"/a/x"}])").code, errc::invalid_index);
}

TEST(Operation, MalformedMembers) {
    EXPECT_EQ(run("{}", R"([{"op":"add","path":"/a","path":"/b","value":1}])").code,
              errc::duplicate_member);
    EXPECT_EQ(run("{}", R"([{"op":"add","path":"/a","value":1,"value":2}])").code,
              errc::duplicate_member);
    EXPECT_EQ(run(R"({"a":1})", R"([{"op":"copy","from":"/a","from":"/a","path":"/b"}])").code,
              errc::duplicate_member);
    EXPECT_EQ(run(R"({"a":1})", R"([{"op":"copy","from":1,"path":"/b"}])").code,
              errc::invalid_member_type);
    EXPECT_EQ(run(R"({"a":1})", R"([{"op":"move","from":"a","path":"/b"}])").code,
              errc::invalid_pointer);
}

TEST(Replace, TargetMustExist) {
    EXPECT_EQ(run("{}", R"([{"op":"replace","path":"/a","value":1}])").code, errc::path_not_found);
    EXPECT_EQ(run("[1]", R"([{"op":"replace","path":"/1","value":1}])").code,
              errc::index_out_of_range);
    EXPECT_EQ(run("[1]", R"([{"op":"replace","path":"/-","value":1}])").code,
              errc::index_out_of_range);
}

TEST(Move, RemoveThenAdd) {
    EXPECT_EQ(run(R"({"a":[0,1,2,3]})", R"([{"op":"move","from":"/a/1","path":"/a/3"}])").doc,
              R"({"a":[0,2,3,1]})");
    EXPECT_EQ(run(R"({"a":1,"b":2})", R"([{"op":"move","from":"/a","path":"/c"}])").doc,
              R"({"b":2,"c":1})");
    EXPECT_EQ(run(R"({"a":{"b":1}})", R"([{"op":"move","from":"/a/b","path":""}])").doc, "1");
    EXPECT_EQ(run(R"({"a":{"b":1}})", R"([{"op":"move","from":"/a","path":"/a/b"}])").code,
              errc::move_into_own_child);
    EXPECT_EQ(run(R"({"a":{"b":1}})", R"([{"op":"move","from":"","path":"/a/x"}])").code,
              errc::move_into_own_child);
    // "/a" is not a prefix of "/ab".
    EXPECT_EQ(run(R"({"a":1})", R"([{"op":"move","from":"/a","path":"/ab"}])").doc, R"({"ab":1})");
}

TEST(Move, OntoItselfChangesNothingButTheSourceMustExist) {
    const auto o = run(R"({"a":1})", R"([{"op":"move","from":"/a","path":"/a"}])");
    EXPECT_EQ(o.code, errc::success);
    EXPECT_FALSE(o.changed);
    EXPECT_EQ(run(R"({"a":1})", R"([{"op":"move","from":"/b","path":"/b"}])").code,
              errc::path_not_found);
}

TEST(Copy, IsDeep) {
    EXPECT_EQ(
        run(R"({"a":{"x":[1]}})",
            R"([{"op":"copy","from":"/a","path":"/b"},{"op":"add","path":"/a/x/-","value":2}])")
            .doc,
        R"({"a":{"x":[1,2]},"b":{"x":[1]}})");
    EXPECT_EQ(run(R"({"a":[1]})", R"([{"op":"copy","from":"/a","path":"/a/0"}])").doc,
              R"({"a":[[1],1]})");
}

// A failing last operation undoes every kind of earlier one, restoring member order too.
TEST(Atomic, EveryOperationKindRollsBack) {
    const std::string doc = R"({"a":1,"b":[1,2,3],"c":{"d":"e","f":"g"},"h":true})";
    const char* first_ops[] = {
        R"({"op":"add","path":"/z","value":{"deep":[1,2]}})",
        R"({"op":"add","path":"/a","value":"replaced"})",
        R"({"op":"add","path":"/b/1","value":9})",
        R"({"op":"add","path":"/b/-","value":9})",
        R"({"op":"add","path":"","value":[]})",
        R"({"op":"remove","path":"/a"})",
        R"({"op":"remove","path":"/c/d"})",
        R"({"op":"remove","path":"/b/0"})",
        R"({"op":"replace","path":"/c","value":0})",
        R"({"op":"replace","path":"","value":0})",
        R"({"op":"move","from":"/a","path":"/c/a"})",
        R"({"op":"move","from":"/b/0","path":"/b/2"})",
        R"({"op":"move","from":"/c/d","path":"/a"})",
        R"({"op":"move","from":"/c","path":""})",
        R"({"op":"move","from":"/b","path":"/c/f"})",
        R"({"op":"copy","from":"/c","path":"/b/0"})",
        R"({"op":"copy","from":"/c","path":"/h"})",
        R"({"op":"copy","from":"","path":"/c/x"})",
    };
    for (const char* op : first_ops) {
        for (const char* fail : {R"({"op":"test","path":"","value":"never"})",
                                 R"({"op":"remove","path":"/nothing/here"})"}) {
            const std::string patch = std::string("[") + op + "," + op + "," + fail + "]";
            SCOPED_TRACE(patch);
            const auto o = run(doc, patch);
            EXPECT_NE(o.code, errc::success);
            EXPECT_EQ(o.doc, serialize(relpatch_test::parse(doc)));
            EXPECT_FALSE(o.changed);
        }
    }
}

TEST(Atomic, MoveWhoseAddFailsPutsTheValueBack) {
    const std::string doc = R"({"a":{"x":1},"b":[1,2]})";
    for (const char* patch : {R"([{"op":"move","from":"/a","path":"/b/7"}])",
                              R"([{"op":"move","from":"/b/0","path":"/nope/x"}])",
                              R"([{"op":"move","from":"/a/x","path":"/b/01"}])"}) {
        const auto o = run(doc, patch);
        EXPECT_NE(o.code, errc::success) << patch;
        EXPECT_EQ(o.doc, serialize(relpatch_test::parse(doc))) << patch;
    }
}

TEST(Atomic, CrtAllocatorDocumentRollsBackWithoutLeaksOrDoubleFrees) {
    using CrtDoc = rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::CrtAllocator>;
    CrtDoc doc;
    doc.Parse(R"({"a":{"b":[1,"two",{"three":3}]},"s":"a long string that is not short"})");
    ASSERT_FALSE(doc.HasParseError());
    const std::string before = serialize(doc);
    const relpatch::result r = relpatch::apply_patch<relpatch::rfc6902_policy>(doc, R"([
        {"op":"copy","from":"/a","path":"/c"},
        {"op":"move","from":"/s","path":"/a/b/0"},
        {"op":"replace","path":"/a/b/2","value":{"x":"another long string value"}},
        {"op":"remove","path":"/c/b"},
        {"op":"add","path":"/n","value":"yet another long string value"},
        {"op":"test","path":"/n","value":"different"}])");
    EXPECT_EQ(r.code(), errc::test_failed);
    EXPECT_EQ(serialize(doc), before);
    const relpatch::result ok = relpatch::apply_patch<relpatch::rfc6902_policy>(
        doc, R"([{"op":"copy","from":"/a","path":"/c"},{"op":"remove","path":"/a"}])");
    EXPECT_TRUE(ok) << ok.message();
    EXPECT_EQ(serialize(doc),
              R"({"s":"a long string that is not short","c":{"b":[1,"two",{"three":3}]}})");
}

TEST(Changed, OnlyRealModificationsCount) {
    EXPECT_FALSE(run(R"({"a":false})", R"([{"op":"replace","path":"/a","value":false}])").changed);
    EXPECT_TRUE(run(R"({"a":false})", R"([{"op":"replace","path":"/a","value":true}])").changed);
    // changed() means "the serialization differs": 1 -> 1.0, 0 -> -0.0 and a member moved to
    // the end all count.
    EXPECT_TRUE(run(R"({"a":1})", R"([{"op":"replace","path":"/a","value":1.0}])").changed);
    EXPECT_TRUE(run(R"({"a":0})", R"([{"op":"replace","path":"/a","value":-0.0}])").changed);
    EXPECT_FALSE(run(R"({"a":1.5})", R"([{"op":"replace","path":"/a","value":1.50}])").changed);
    EXPECT_TRUE(run(R"({"a":1,"b":2})", R"([{"op":"remove","path":"/a"},
                                            {"op":"add","path":"/a","value":1}])")
                    .changed);
    EXPECT_TRUE(
        run(R"({"a":{"x":1,"y":2}})", R"([{"op":"replace","path":"/a","value":{"y":2,"x":1}}])")
            .changed);
    EXPECT_FALSE(
        run(R"({"a":{"x":1,"y":2}})", R"([{"op":"replace","path":"/a","value":{"x":1,"y":2}}])")
            .changed);
    // The root, replaced by a scalar and back, is no change either.
    EXPECT_FALSE(run("1", R"([{"op":"replace","path":"","value":2},
                             {"op":"replace","path":"","value":1}])")
                     .changed);
    // A real change followed by a replace with the same value is still a change.
    EXPECT_TRUE(run(R"({"a":1,"b":1})", R"([{"op":"replace","path":"/a","value":2},
                                            {"op":"replace","path":"/b","value":1}])")
                    .changed);
    EXPECT_FALSE(run(R"({"a":1})", R"([{"op":"add","path":"/a","value":1}])").changed);
    EXPECT_FALSE(run(R"({"a":1})", R"([{"op":"test","path":"/a","value":1}])").changed);
    EXPECT_FALSE(run(R"({"a":1})", "[]").changed);
    EXPECT_TRUE(run(R"({"a":1})", R"([{"op":"remove","path":"/a"}])").changed);
    EXPECT_TRUE(run(R"({"a":1})", R"([{"op":"copy","from":"/a","path":"/b"}])").changed);
    // Replaces are judged by their net effect; other kinds per operation.
    EXPECT_FALSE(run(R"({"a":1})", R"([{"op":"replace","path":"/a","value":2},
                                       {"op":"replace","path":"/a","value":1}])")
                     .changed);
    EXPECT_FALSE(run(R"({"a":1})", R"([{"op":"replace","path":"/a","value":[]},
                                       {"op":"replace","path":"/a","value":1}])")
                     .changed);
    EXPECT_TRUE(run(R"({"a":1})", R"([{"op":"add","path":"/b","value":2},
                                      {"op":"remove","path":"/b"}])")
                    .changed);
}

// A patch of replaces that put null, booleans or numbers where scalars are skips the undo log
// (detail::replace_scalars). Where it applies it must do exactly what the engine does: the same
// document, the same changed() and the same work charged; where it declines (another op, a
// string or container, a failed lookup, the budget spent) the document must be as it was, and
// the engine then answers.
TEST(Replace, ScalarReplacesWithoutTheUndoLogDoWhatTheEngineDoes) {
    using Value = rapidjson::Value;
    using Allocator = rapidjson::Document::AllocatorType;
    const std::string doc = R"({"a":1,"b":[true,null,"s"],"c":{"d":2.5,"e":{}},"f":"x","a~b":0})";
    struct row {
        const char* patch;
        bool without_log;
    };
    const row rows[] = {
        {R"([{"op":"replace","path":"/a","value":2}])", true},
        {R"([{"op":"replace","path":"/a","value":1}])", true},
        {R"([{"op":"replace","path":"/a","value":2},{"op":"replace","path":"/a","value":1}])",
         true},
        {R"([{"op":"replace","path":"/a","value":1.0},{"op":"replace","path":"/c/d","value":-0.0}])",
         true},
        {R"([{"op":"replace","path":"/b/0","value":false},{"op":"replace","path":"/b/1","value":0},
            {"op":"replace","path":"/f","value":null},{"op":"replace","path":"/a~0b","value":1}])",
         true},
        {R"([{"op":"replace","path":"/b/2","value":true},{"op":"replace","path":"/a","value":2}])",
         true},
        {R"([{"op":"replace","path":"/a","value":2},{"op":"replace","path":"/nope","value":1}])",
         false},
        {R"([{"op":"replace","path":"/a","value":2},{"op":"replace","path":"/b/3","value":1}])",
         false},
        {R"([{"op":"replace","path":"/a","value":2},{"op":"replace","path":"/b/01","value":1}])",
         false},
        {R"([{"op":"replace","path":"/a","value":2},{"op":"replace","path":"/a/x","value":1}])",
         false},
        {R"([{"op":"replace","path":"/a","value":2},{"op":"replace","path":"/c/e","value":1}])",
         false},
        {R"([{"op":"replace","path":"/a","value":2},{"op":"replace","path":"/f","value":"y"}])",
         false},
        {R"([{"op":"replace","path":"/a","value":2},{"op":"replace","path":"/f","value":[]}])",
         false},
        {R"([{"op":"replace","path":"/a","value":2},{"op":"test","path":"/a","value":2}])", false},
    };
    const std::string original = serialize(relpatch_test::parse(doc));
    for (const row& r : rows) {
        SCOPED_TRACE(r.patch);
        const rapidjson::Document patch = relpatch_test::parse(r.patch);
        relpatch::detail::operation_list<Value> ops;
        ASSERT_TRUE(relpatch::detail::decode_operations(static_cast<const Value&>(patch), {}, ops));
        const relpatch::basic_patch_view<Value> view(ops.data(), ops.size());
        for (std::size_t budget = 0; budget < 40; ++budget) {
            SCOPED_TRACE(budget);
            rapidjson::Document fast = relpatch_test::parse(doc);
            relpatch::detail::work_meter fast_work(budget);
            bool fast_changed = false;
            const bool applied = relpatch::detail::replace_scalars(
                static_cast<Value&>(fast), view, fast.GetAllocator(), fast_work, fast_changed);

            rapidjson::Document slow = relpatch_test::parse(doc);
            relpatch::detail::work_meter slow_work(budget);
            const relpatch::limits lim;
            const relpatch::result engine = relpatch::detail::run_engine<Value, Allocator>(
                static_cast<Value&>(slow), view, slow.GetAllocator(), slow.GetAllocator(), lim,
                slow_work, lim.max_added_bytes, nullptr, true);
            if (budget == 39) {
                EXPECT_EQ(applied, r.without_log);
            }
            if (applied) {
                EXPECT_TRUE(r.without_log);
                EXPECT_TRUE(engine) << engine.message();
                EXPECT_EQ(serialize(fast), serialize(slow));
                EXPECT_EQ(fast_changed, engine.changed());
                EXPECT_EQ(fast_work.left(), slow_work.left());
            } else {
                EXPECT_EQ(serialize(fast), original);
                if (r.without_log) {  // declined only for want of work, as the engine refused
                    EXPECT_EQ(engine.code(), errc::work_limit_exceeded);
                }
            }
        }
    }
}

// Through apply_patch: a failure after scalar replaces puts them back, and is reported at the
// same operation with the same code as the engine reports it (asking for the inverse patch
// always takes the engine).
TEST(Replace, ScalarReplacesRollBackAndReportAsTheEngineDoes) {
    const std::string doc = R"({"a":1,"b":[true,false],"c":{"d":{}}})";
    for (
        const char* patch : {
            R"([{"op":"replace","path":"/a","value":2},{"op":"replace","path":"/x","value":1}])",
            R"([{"op":"replace","path":"/b/0","value":false},{"op":"replace","path":"/b/2","value":1}])",
            R"([{"op":"replace","path":"/b/0","value":null},{"op":"replace","path":"/b/-","value":1}])",
            R"([{"op":"replace","path":"/a","value":0},{"op":"replace","path":"/a/0","value":1}])",
            R"([{"op":"replace","path":"/a","value":3},{"op":"replace","path":"/c/d","value":1},
                 {"op":"replace","path":"/c/d/e","value":1}])",
            R"([{"op":"replace","path":"/a","value":3},{"op":"replace","path":"/c/d","value":1}])",
        }) {
        SCOPED_TRACE(patch);
        rapidjson::Document plain = relpatch_test::parse(doc);
        const relpatch::result r =
            relpatch::apply_patch<relpatch::rfc6902_policy>(plain, std::string_view(patch));
        rapidjson::Document engine = relpatch_test::parse(doc);
        rapidjson::Document inverse;
        const relpatch::result e = relpatch::apply_patch<relpatch::rfc6902_policy>(
            engine, std::string_view(patch), relpatch::limits(), nullptr, &inverse);
        EXPECT_EQ(r.code(), e.code());
        EXPECT_EQ(r.op_index(), e.op_index());
        EXPECT_EQ(r.path(), e.path());
        EXPECT_EQ(r.changed(), e.changed());
        EXPECT_EQ(serialize(plain), serialize(engine));
    }
    EXPECT_EQ(run(doc, R"([{"op":"replace","path":"/a","value":2},
                           {"op":"replace","path":"/b/1","value":true},
                           {"op":"replace","path":"/b/9","value":true}])")
                  .code,
              errc::index_out_of_range);
}

// A patch of replaces that takes a container away and puts an identical one back changes
// nothing, however the replaces nest: each outermost location written is compared with its
// original value, rebuilt from the undo log (fuzz_engine's reproducer first).
TEST(Changed, ReplacedContainersAreJudgedByNetEffect) {
    struct row {
        const char* doc;
        const char* patch;
        bool changed;
    };
    const row rows[] = {
        {R"({"x":[1]})", R"([{"op":"replace","path":"/x","value":[2]},
                             {"op":"replace","path":"/x","value":[1]}])",
         false},
        {R"({"x":[1]})", R"([{"op":"replace","path":"/x","value":[2]},
                             {"op":"replace","path":"/x","value":[1.0]}])",
         true},
        // Written inside first, then the container around it put back as it was.
        {R"({"x":{"a":1}})", R"([{"op":"replace","path":"/x/a","value":2},
                                 {"op":"replace","path":"/x","value":{"a":1}}])",
         false},
        {R"({"x":{"a":1}})", R"([{"op":"replace","path":"/x/a","value":2},
                                 {"op":"replace","path":"/x","value":{"a":2}}])",
         true},
        // Three levels, innermost first, then outermost back to the original.
        {R"({"x":{"a":{"b":1}},"y":0})", R"([{"op":"replace","path":"/x/a/b","value":2},
                                             {"op":"replace","path":"/x/a","value":{"b":3}},
                                             {"op":"replace","path":"/x","value":{"a":{"b":1}}}])",
         false},
        // Outer first, then inside the new value, back to the original.
        {R"({"x":{"a":[1]}})", R"([{"op":"replace","path":"/x/a","value":[5]},
                                   {"op":"replace","path":"/x/a/0","value":1}])",
         false},
        // Member order counts; a sibling's real change counts.
        {R"({"x":{"a":1,"b":2}})", R"([{"op":"replace","path":"/x","value":{"b":2,"a":1}}])", true},
        {R"({"x":[1],"z":true})", R"([{"op":"replace","path":"/x","value":[]},
                                      {"op":"replace","path":"/x","value":[1]},
                                      {"op":"replace","path":"/z","value":false}])",
         true},
        // The root, and a name that is a prefix of another's without being its parent.
        {R"({"a":[1],"a!":2})", R"([{"op":"replace","path":"","value":{"a":[1],"a!":3}},
                                    {"op":"replace","path":"/a!","value":2}])",
         false},
        {R"({"a":[1],"a!":[2]})", R"([{"op":"replace","path":"/a!/0","value":3},
                                      {"op":"replace","path":"/a","value":[1]},
                                      {"op":"replace","path":"/a!","value":[2]}])",
         false},
    };
    for (const row& r : rows) {
        const auto o = run(r.doc, r.patch);
        ASSERT_EQ(o.code, errc::success) << r.patch;
        EXPECT_EQ(o.changed, r.changed) << r.doc << " " << r.patch;
        EXPECT_EQ(o.changed, o.doc != r.doc) << r.doc << " " << r.patch;
    }
    // The same replaces followed by a failed test roll back whole.
    rapidjson::Document doc = relpatch_test::parse(R"({"x":{"a":1}})");
    const relpatch::result bad = relpatch::apply_patch<relpatch::rfc6902_policy>(
        doc, R"([{"op":"replace","path":"/x/a","value":2},
                 {"op":"replace","path":"/x","value":{"a":1}},
                 {"op":"test","path":"/x/a","value":5}])");
    EXPECT_EQ(bad.code(), errc::test_failed);
    EXPECT_EQ(serialize(doc), R"({"x":{"a":1}})");
}

// Judging replaced containers is charged to max_work; when the budget runs out there the answer
// is "changed", never "unchanged" for a document that changed.
TEST(Changed, JudgingOutOfWorkSaysChanged) {
    std::string big = "[";
    for (int i = 0; i < 2000; ++i) big += (i ? ",1" : "1");
    big += "]";
    const std::string doc = R"({"x":)" + big + "}";
    const std::string patch =
        R"([{"op":"replace","path":"/x","value":[]},{"op":"replace","path":"/x","value":)" + big +
        "}]";
    // The smallest max_work under which `p` applies to `doc` (applying is monotone in it).
    const auto tightest = [&](const std::string& p) {
        relpatch::limits l;
        std::size_t lo = 1, hi = std::size_t{1} << 20;
        while (lo < hi) {
            l.max_work = lo + (hi - lo) / 2;
            if (run(doc, p, l).code == errc::success)
                hi = l.max_work;
            else
                lo = l.max_work + 1;
        }
        l.max_work = lo;
        return l;
    };
    const auto ample = run(doc, patch);
    ASSERT_EQ(ample.code, errc::success);
    EXPECT_FALSE(ample.changed);
    // At the smallest budget that lets the patch apply, the comparison of the two 2000-element
    // arrays cannot be afforded.
    const auto tight = run(doc, patch, tightest(patch));
    ASSERT_EQ(tight.code, errc::success);
    EXPECT_EQ(tight.doc, ample.doc);
    EXPECT_TRUE(tight.changed);  // conservative

    // An identical container written once changes nothing, known when it was written: no
    // judging is needed, so even the tightest budget answers "unchanged".
    const std::string same = R"([{"op":"replace","path":"/x","value":)" + big + "}]";
    const auto once = run(doc, same, tightest(same));
    ASSERT_EQ(once.code, errc::success);
    EXPECT_FALSE(once.changed);
}

TEST(Limits, SelfCopyingPatchCannotExhaustMemory) {
    std::string patch = "[";
    for (int i = 0; i < 64; ++i) {
        if (i != 0) patch += ",";
        patch += R"({"op":"copy","from":"/a","path":"/a/-"})";  // doubles /a each time
    }
    patch += "]";
    const auto o = run(R"({"a":[1,2,3,4,5,6,7,8]})", patch);
    EXPECT_EQ(o.code, errc::growth_limit_exceeded);
}

TEST(Limits, CopyDeeperThanTheLimitIsRefused) {
    relpatch::limits lim;
    lim.max_document_depth = 4;  // {"b":[[[1]]]} is 4 deep: the root, then three arrays
    EXPECT_EQ(run(R"({"a":[[[1]]]})", R"([{"op":"copy","from":"/a","path":"/b"}])", lim).code,
              errc::success);
    const auto o = run(R"({"a":[[[1]]]})", R"([{"op":"copy","from":"/a","path":"/a/0/0/-"}])", lim);
    EXPECT_EQ(o.code, errc::document_too_deep);
    EXPECT_EQ(o.doc, R"({"a":[[[1]]]})");
}

TEST(Limits, DefaultsAreGenerousEnoughForReleasePatches) {
    const relpatch::limits lim;
    EXPECT_GE(lim.max_operations, 100u);
    EXPECT_GE(lim.max_pointer_length, 256u);
    EXPECT_GE(lim.max_depth, 16u);
}

TEST(ParsedPatch, ValuesAreCopiedNotShared) {
    rapidjson::Document doc = relpatch_test::parse("{}");
    std::string buffer = "borrowed string";
    rapidjson::Document patch;
    patch.SetArray();
    rapidjson::Value op(rapidjson::kObjectType);
    op.AddMember("op", "add", patch.GetAllocator());
    op.AddMember("path", "/x", patch.GetAllocator());
    op.AddMember("value", rapidjson::StringRef(buffer.data(), buffer.size()), patch.GetAllocator());
    patch.PushBack(op, patch.GetAllocator());
    ASSERT_TRUE(relpatch::apply_patch<relpatch::rfc6902_policy>(doc, patch, doc.GetAllocator()));
    buffer.assign(buffer.size(), 'X');
    EXPECT_EQ(serialize(doc), R"({"x":"borrowed string"})");
}

TEST(ParsedPatch, DeepValueIsRefused) {
    rapidjson::Document doc = relpatch_test::parse("{}");
    rapidjson::Document patch =
        relpatch_test::parse(R"([{"op":"test","path":"","value":[[[[[[[[[[[[]]]]]]]]]]]]}])");
    relpatch::limits lim;
    lim.max_depth = 8;
    const relpatch::result r =
        relpatch::apply_patch<relpatch::rfc6902_policy>(doc, patch, doc.GetAllocator(), lim);
    EXPECT_EQ(r.code(), errc::nesting_too_deep);
    EXPECT_FALSE(r.has_op_index());  // as for patch text: the patch as a whole is too deep
}

}  // namespace

namespace {

// The text entry point reads simple patches without a DOM (detail/fast_patch.hpp); the parsed
// entry point never does. Both must give the same code, index and document on every input.
TEST(FastPath, AgreesWithTheParsedPatchPath) {
    const char* doc_text = R"({"a":"x","b":[true,false],"phases":[{"complete":false}]})";
    const char* patches[] = {
        R"([{"op":"replace","path":"/a","value":"y"}])",
        R"([ {"value" : null , "path" : "/b/0" , "op" : "replace"} ])",
        R"([{"op":"add","path":"/c","value":"str"},{"op":"test","path":"/c","value":"str"}])",
        R"([{"op":"test","path":"/a","value":"y"}])",
        R"([{"op":"remove","path":"/b/1","value":true}])",
        R"([{"op":"remove","path":"/b/5"}])",
        R"([{"op":"replace","path":"/a"}])",
        R"([{"op":"replace","value":1}])",
        R"([{"op":"replace","path":"a","value":true}])",
        R"([{"op":"bogus","path":"/a","value":true}])",
        R"([{"op":"replace","op":"add","path":"/a","value":true}])",
        R"([{"op":"move","from":"/a","path":"/z"}])",
        R"([{"op":"replace","path":"/a","value":"tab\there"}])",
        R"([{"op":"replace","path":"/a","value":"caf\u00e9"}])",
        R"([{}])",
        "[{\"op\":\"replace\",\"path\":\"/a\",\"value\":true}]  \n",
        "[{\"op\":\"replace\",\"path\":\"/a\",\"value\":true}] x",
        "[{\"op\":\"replace\",\"path\":\"/a\",\"value\":tru}]",
        "[{\"op\":\"replace\",\"path\":\"/a\",\"value\":true},]",
        "[[]]",
        "[]",
        "[{\"op\":\"replace\"} {\"op\":\"test\"}]",
        "[{\"op\" \"replace\"}]",
        "[{op:\"replace\"}]",
        "[{\"op\":\"replace\",\"path\":\"/a\",\"value\":true,\"value\":false}]",
        "[{\"op\":\"replace\" \"path\":\"/a\"}]",
        "[{\"op\":\"replace\",\"path\":\"/a",
        "\r\n\t[\t{\r\"op\"\n:\t\"test\"\r,\"path\":\"/b/0\",\"value\":true}\n]\t",
        R"([{"op":"add","path":"/k~0","value":1},{"op":"test","path":"/k~0","value":1}])",
        "[{\"op\":\"test\",\"path\":\"/a~1\",\"value\":1}]",
    };
    relpatch::limits tight;
    tight.max_operations = 1;
    tight.max_pointer_length = 2;
    relpatch::limits shallow;
    shallow.max_depth = 1;
    for (const relpatch::limits& lim : {relpatch::limits(), tight, shallow}) {
        for (const char* p : patches) {
            rapidjson::Document by_text = relpatch_test::parse(doc_text);
            rapidjson::Document by_dom = relpatch_test::parse(doc_text);
            const relpatch::result rt =
                relpatch::apply_patch<relpatch::rfc6902_policy>(by_text, p, lim);
            rapidjson::Document patch;
            patch.Parse(p);
            if (patch.HasParseError()) {  // the nesting scan runs before the parser
                EXPECT_TRUE(rt.code() == errc::invalid_json || rt.code() == errc::nesting_too_deep)
                    << p;
                continue;
            }
            const relpatch::result rd = relpatch::apply_patch<relpatch::rfc6902_policy>(
                by_dom, patch, by_dom.GetAllocator(), lim);
            EXPECT_EQ(rt.code(), rd.code()) << p;
            EXPECT_EQ(rt.op_index(), rd.op_index()) << p;
            EXPECT_EQ(rt.changed(), rd.changed()) << p;
            EXPECT_EQ(serialize(by_text), serialize(by_dom)) << p;
        }
    }
}

}  // namespace

namespace {

TEST(FastPath, MoreOperationsThanTheScannerHoldsTakeTheGeneralPath) {
    std::string patch = "[";
    for (int i = 0; i < 20; ++i) {
        if (i != 0) patch += ",";
        patch +=
            R"({"op":"replace","path":"/a","value":)" + std::string(i % 2 ? "true" : "false") + "}";
    }
    patch += "]";
    const auto o = run(R"({"a":true})", patch);
    EXPECT_EQ(o.code, errc::success);
    EXPECT_EQ(o.doc, R"({"a":true})");
    EXPECT_FALSE(o.changed);  // net effect of scalar replaces
}

TEST(Pointer, EqualLengthNamesWithTilde) {
    // "k~0" decodes to "k~": equal in length to the member "k~0" but not equal to it.
    EXPECT_EQ(run(R"({"k~0":1})", R"([{"op":"test","path":"/k~0","value":1}])").code,
              errc::path_not_found);
    EXPECT_EQ(run(R"({"k~":1})", R"([{"op":"test","path":"/k~0","value":1}])").code, errc::success);
    EXPECT_TRUE(relpatch::pointer().back().escaped().empty());
}

}  // namespace

namespace {

// The documented defaults, each at its edge: what a deployment gets without passing limits.
TEST(Limits, DefaultsAreTheDocumentedValues) {
    const relpatch::limits lim;
    EXPECT_EQ(lim.max_operations, 1024u);
    EXPECT_EQ(lim.max_pointer_length, 4096u);
    EXPECT_EQ(lim.max_depth, 64u);
    EXPECT_EQ(lim.max_document_depth, 1000u);
    EXPECT_EQ(lim.max_added_bytes, std::size_t{8} * 1024 * 1024);
    EXPECT_EQ(lim.max_patch_bytes, std::size_t{4} * 1024 * 1024);
    EXPECT_EQ(lim.max_work, std::size_t{1} << 28);
    EXPECT_EQ(relpatch::hard_max_depth, 10000u);

    // 1,024 operations apply, 1,025 do not.
    auto tests = [](std::size_t n) {
        std::string p = "[";
        for (std::size_t i = 0; i < n; ++i)
            p += std::string(i ? "," : "") + R"({"op":"test","path":"/a","value":1})";
        return p + "]";
    };
    EXPECT_EQ(run(R"({"a":1})", tests(1024)).code, errc::success);
    EXPECT_EQ(run(R"({"a":1})", tests(1025)).code, errc::too_many_operations);
    // A value may nest max_depth - 2 = 62 levels in a bare patch.
    auto nested = [](std::size_t depth) {
        return R"([{"op":"add","path":"/v","value":)" + std::string(depth, '[') +
               std::string(depth, ']') + "}]";
    };
    EXPECT_EQ(run("{}", nested(62)).code, errc::success);
    EXPECT_EQ(run("{}", nested(63)).code, errc::nesting_too_deep);
    // Patch text of exactly 4 MiB is read; one byte more is refused.
    std::string big = "[]";
    big.resize(std::size_t{4} << 20, ' ');
    EXPECT_EQ(run("{}", big).code, errc::success);
    big += ' ';
    EXPECT_EQ(run("{}", big).code, errc::patch_too_large);
    // No depth limit is taken above 10,000, whatever the caller asks for (the patch array and
    // the operation object count).
    relpatch::limits unbounded;
    unbounded.max_depth = static_cast<std::size_t>(-1);
    auto test_nested = [](std::size_t depth) {
        return R"([{"op":"test","path":"/a","value":)" + std::string(depth, '[') +
               std::string(depth, ']') + "}]";
    };
    EXPECT_EQ(run(R"({"a":1})", test_nested(9998), unbounded).code, errc::test_failed);
    EXPECT_EQ(run(R"({"a":1})", test_nested(9999), unbounded).code, errc::nesting_too_deep);
}

// Once a charge is refused the whole budget is spent: nothing after it may still run.
TEST(Limits, WorkBudgetIsSpentOnceExceeded) {
    relpatch::detail::work_meter work(3);
    EXPECT_TRUE(work.charge(2));
    EXPECT_EQ(work.left(), 1u);
    EXPECT_FALSE(work.charge(2));
    EXPECT_EQ(work.left(), 0u);
    EXPECT_FALSE(work.charge(1));
    EXPECT_FALSE(work.charge_bytes(0));
    relpatch::detail::work_meter exact(3);
    EXPECT_TRUE(exact.charge(3));
    EXPECT_EQ(exact.left(), 0u);
    // Every lookup is charged, even that of a move onto itself, which changes nothing.
    relpatch::limits none;
    none.max_work = 0;
    EXPECT_EQ(run(R"({"a":1})", R"([{"op":"move","from":"/a","path":"/a"}])", none).code,
              errc::work_limit_exceeded);
    EXPECT_EQ(run(R"({"a":1})", R"([{"op":"test","path":"/a","value":1}])", none).code,
              errc::work_limit_exceeded);
    EXPECT_EQ(run(R"({"a":1})", "[]", none).code, errc::success);
    // A step into an array costs a unit, as a member lookup does: a test of /0 in [1] visits the
    // array element (1) and compares one scalar (1).
    relpatch::limits two;
    two.max_work = 2;
    relpatch::limits one;
    one.max_work = 1;
    EXPECT_EQ(run("[1]", R"([{"op":"test","path":"/0","value":1}])", two).code, errc::success);
    EXPECT_EQ(run("[1]", R"([{"op":"test","path":"/0","value":1}])", one).code,
              errc::work_limit_exceeded);
}

}  // namespace
