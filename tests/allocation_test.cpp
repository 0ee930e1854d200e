// Counts heap allocations around apply_patch on the release hot path: a count, not a time.
// Built without sanitizers, linked with -Wl,--wrap for malloc, calloc and realloc (RapidJSON
// and relpatch call them from inlined code in this binary), and with operator new replaced
// (allocation_counter.cpp).

#include "test_util.hpp"

#include <relpatch/relpatch.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdlib>
#include <new>
#include <string>

// The counting replacements live in allocation_counter.cpp: in this translation unit g++
// would inline them into gtest's code and warn about new paired with free.
extern std::size_t relpatch_test_allocations;
extern bool relpatch_test_counting;

namespace {

std::string release_document(int phases) {
    std::string text = R"({"name":"bench","phases":[)";
    for (int i = 0; i < phases; ++i) {
        if (i != 0) text += ",";
        text +=
            R"({"_id":"p)" + std::to_string(i) +
            R"(","_name":"Phase","complete":false,"_audiences":[{"name":"a","configuration":{"rolloutWeight":50}}],"status":"active","started":true})";
    }
    return text + R"(],"_version":1})";
}

template <class F>
std::size_t count_allocations(F&& f) {
    relpatch_test_allocations = 0;
    relpatch_test_counting = true;
    f();
    relpatch_test_counting = false;
    return relpatch_test_allocations;
}

TEST(Allocations, CounterSeesAllocations) {
    rapidjson::Document doc = relpatch_test::parse(release_document(3));
    // The general path (an envelope) parses a DOM: the counter must see that.
    EXPECT_GT(
        count_allocations([&] {
            EXPECT_TRUE(relpatch::apply_patch(
                doc,
                R"({"comment":"c","patch":[{"op":"replace","path":"/phases/1/complete","value":true}]})"));
        }),
        0u);
}

TEST(Allocations, ReleaseHotPathAllocatesNothing) {
    for (int phases : {1, 10, 1000}) {
        rapidjson::Document doc = relpatch_test::parse(release_document(phases));
        const std::string patch = R"([{"op":"replace","path":"/phases/)" +
                                  std::to_string(phases - 1) + R"(/complete","value":true}])";
        const std::string many =
            R"([ {"value": false, "op": "replace", "path": "/phases/0/complete"},
                                      {"op":"replace","path":"/phases/0/complete","value":true} ])";
        relpatch::result r, r2, r3, r4, r5, r6;
        EXPECT_EQ(count_allocations([&] {
                      r = relpatch::apply_patch(doc, patch);
                      r2 = relpatch::apply_patch(doc, many);
                      r5 = relpatch::apply_patch<relpatch::ordered_release_policy>(
                          doc, R"([{"op":"replace","path":"/phases/0/complete","value":true}])");
                      r3 = relpatch::apply_patch(
                          doc, R"([{"op":"replace","path":"/name","value":true}])");
                      r4 = relpatch::apply_patch(doc, "[]");
                      r6 = relpatch::apply_patch(
                          doc, R"([{"op": "replace", "path": "/name", "value": "renamed"}])");
                  }),
                  0u)
            << phases << " phases";
        EXPECT_TRUE(r) << r.message();
        EXPECT_TRUE(r2) << r2.message();
        EXPECT_EQ(r3.code(), relpatch::errc::path_not_allowed);
        EXPECT_TRUE(r4);
        EXPECT_TRUE(r5) << r5.message();
        EXPECT_EQ(r6.code(), relpatch::errc::path_not_allowed);
    }
}

TEST(Allocations, PreparedPatchAppliesWithoutAllocating) {
    relpatch::prepared_patch<> p;
    ASSERT_TRUE(relpatch::prepared_patch<>::prepare(
        R"({"comment":"x","patch":[{"op":"replace","path":"/phases/0/complete","value":true}]})",
        p));
    rapidjson::Document doc = relpatch_test::parse(release_document(10));
    relpatch::result r;
    EXPECT_EQ(count_allocations([&] { r = p.apply(doc); }), 0u);
    EXPECT_TRUE(r) << r.message();
}

// apply_patch_to_text validates and edits a stored text without the heap when `out` has the
// capacity: release and ordered release patches (up to 2048 phases for the ordered policy's
// per-phase states), rfc6902 replaces, refusals.
TEST(Allocations, TextPathAllocatesNothing) {
    for (int phases : {1, 10, 1000, 2000}) {
        std::string doc = release_document(phases);
        const std::string last = std::to_string(phases - 1);
        std::string out;
        out.reserve(doc.size() + 64);
        std::string comment;
        comment.reserve(64);
        const std::string set_last =
            R"([{"op":"replace","path":"/phases/)" + last + R"(/complete","value":true}])";
        const std::string invalid = doc + "x";
        relpatch::result r1, r2, r3, r4, r5, r6, r7;
        EXPECT_EQ(
            count_allocations([&] {
                r1 =
                    relpatch::apply_patch_to_text(doc, set_last, out, relpatch::limits(), &comment);
                r2 = relpatch::apply_patch_to_text<relpatch::ordered_release_policy>(
                    doc, R"([{"op":"replace","path":"/phases/0/complete","value":true},
                                   {"op":"replace","path":"/phases/0/complete","value":false}])",
                    out);
                r3 = relpatch::apply_patch_to_text<relpatch::rfc6902_policy>(
                    doc, R"([{"op":"replace","path":"/name","value":"renamed"}])", out);
                r4 = relpatch::apply_patch_to_text(
                    doc, R"([{"op":"replace","path":"/name","value":true}])", out);
                r5 = relpatch::apply_patch_to_text(invalid, "[]", out);
                r6 = relpatch::apply_patch_to_text(doc, "[]", out);
                r7 = relpatch::apply_patch_to_text(
                    doc, R"([{"op":"replace","path":"/phases/0/complete","value":false}])", doc);
            }),
            0u)
            << phases << " phases";
        EXPECT_TRUE(r1) << r1.message();
        EXPECT_TRUE(r2) << r2.message();
        EXPECT_TRUE(r3) << r3.message();
        EXPECT_EQ(r4.code(), relpatch::errc::path_not_allowed);
        EXPECT_EQ(r5.code(), relpatch::errc::invalid_document);
        EXPECT_TRUE(r6);
        EXPECT_TRUE(r7);
        EXPECT_FALSE(r7.changed());
    }
}

}  // namespace
