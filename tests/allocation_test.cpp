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
extern bool relpatch_test_heap_fails;
extern long relpatch_test_failing_realloc;

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

// Up to 16 operations (policy.hpp: "past 16 operations it allocates") a release patch needs no
// heap, under either release policy.
TEST(Allocations, SixteenOperationsAllocateNothing) {
    rapidjson::Document doc = relpatch_test::parse(release_document(20));
    std::string patch = "[";
    for (int i = 0; i < 16; ++i)
        patch += (i ? "," : "") + std::string(R"({"op":"replace","path":"/phases/)") +
                 std::to_string(i) + R"(/complete","value":true})";
    patch += "]";
    relpatch::result r1, r2;
    EXPECT_EQ(count_allocations([&] {
                  r1 = relpatch::apply_patch<relpatch::ordered_release_policy>(doc, patch);
                  r2 = relpatch::apply_patch(doc, patch);
              }),
              0u);
    EXPECT_TRUE(r1) << r1.message();
    EXPECT_TRUE(r2) << r2.message();
    EXPECT_TRUE(doc["phases"][15]["complete"].GetBool());
    EXPECT_FALSE(doc["phases"][16]["complete"].GetBool());
}

// With the heap failing, a prepared release patch of 16 operations still applies; one of 17
// needs the heap ("past 16 operations it allocates") and is refused with out_of_memory, the
// document unchanged. Under both release policies.
template <class Policy>
void heap_failure_past_sixteen_operations() {
    for (const int ops : {16, 17}) {
        SCOPED_TRACE(std::to_string(ops) + " operations");
        std::string text = "[";
        for (int i = 0; i < ops; ++i)
            text += (i ? "," : "") + std::string(R"({"op":"replace","path":"/phases/)") +
                    std::to_string(i) + R"(/complete","value":true})";
        text += "]";
        relpatch::basic_prepared_patch<Policy> p;
        ASSERT_TRUE(relpatch::basic_prepared_patch<Policy>::prepare(text, p));
        rapidjson::Document doc = relpatch_test::parse(release_document(20));
        const std::string before = relpatch_test::serialize(doc);
        relpatch_test_heap_fails = true;
        const relpatch::result r = p.apply(doc);
        relpatch_test_heap_fails = false;
        if (ops == 16) {
            EXPECT_TRUE(r) << r.message();
            EXPECT_TRUE(doc["phases"][15]["complete"].GetBool());
        } else {
            EXPECT_EQ(r.code(), relpatch::errc::out_of_memory);
            EXPECT_EQ(relpatch_test::serialize(doc), before);
        }
    }
}

TEST(Allocations, HeapFailurePastSixteenOperationsIsOutOfMemory) {
    heap_failure_past_sixteen_operations<relpatch::release_policy>();
    heap_failure_past_sixteen_operations<relpatch::ordered_release_policy>();
}

// parse_document's own buffers (the decoded form of an escaped string longer than 256 bytes, the
// stack of open containers past 32) come from the heap: when it fails, the parse stops with
// out_of_memory and the document keeps its value. The document lives in caller buffers here, so
// that only relpatch's growths meet the failing heap.
TEST(Allocations, ParseDocumentHeapFailureIsOutOfMemory) {
    using Pool = rapidjson::MemoryPoolAllocator<>;
    using Doc = rapidjson::GenericDocument<rapidjson::UTF8<>, Pool, Pool>;
    const std::string escaped(300, 'x');
    std::string nested;
    for (int i = 0; i < 40; ++i) nested += "[";
    for (int i = 0; i < 40; ++i) nested += "]";
    for (const std::string& text :
         {R"({"k\u0041)" + escaped + R"(":1,"after":2})",  // a member name
          R"(["v\u0041)" + escaped + R"(",3])",            // a string value
          nested}) {
        alignas(8) static char values[1 << 16];
        alignas(8) static char stack[1 << 16];
        Pool value_pool(values, sizeof values);
        Pool stack_pool(stack, sizeof stack);
        Doc doc(&value_pool, 1024, &stack_pool);
        doc.SetObject();
        relpatch_test_heap_fails = true;
        const relpatch::result r = relpatch::parse_document(std::string_view(text), doc);
        relpatch_test_heap_fails = false;
        EXPECT_EQ(r.code(), relpatch::errc::out_of_memory) << text;
        EXPECT_TRUE(doc.IsObject() && doc.MemberCount() == 0) << text;
        // With a heap, the same text parses.
        EXPECT_TRUE(relpatch::parse_document(std::string_view(text), doc)) << text;
    }
}

// diff grows its own arrays (node tables, operations, alignments, the members a move may come
// from) with realloc while it walks the documents: whichever of those growths fails, diff
// reports out_of_memory and leaves the patch alone; it never goes on with part of what it
// needed. (Writing the patch afterwards takes RapidJSON's allocators, whose exhaustion
// terminates: those growths are not failed here.)
TEST(Allocations, DiffReportsEveryFailedGrowth) {
    const std::string keep = R"("keep":"a long string that stays where it is")";
    const std::string x = R"("x":{"big":[1,2,3,4,5,6,7,8]})";
    const std::string from = R"({"a":{)" + x + "," + keep + R"(},"b":{)" + keep +
                             R"(},"l":[1,2,3,4,5,6,7,8,9,10,11,12],"m":{"p":1,"q":[true]}})";
    const std::string to = R"({"a":{)" + keep + R"(},"b":{)" + keep + "," + x +
                           R"(},"l":[1,2,99,3,4,5,6,8,9,10,11,12,13],"m":{"p":2,"r":[true]}})";
    const rapidjson::Document a = relpatch_test::parse(from);
    const rapidjson::Document b = relpatch_test::parse(to);
    rapidjson::Document expected;
    ASSERT_TRUE(relpatch::diff(a, b, expected));
    ASSERT_NE(relpatch_test::serialize(expected).find(R"("op":"move","from":"/a/x")"),
              std::string::npos);
    // The walk's growths: the operations are counted (and refused) before the patch is
    // written.
    relpatch::limits no_operations;
    no_operations.max_operations = 0;
    rapidjson::Document none;
    relpatch_test_failing_realloc = 1L << 30;
    const relpatch::result counted = relpatch::diff(a, b, none, {}, no_operations);
    const long growths = (1L << 30) - relpatch_test_failing_realloc;
    relpatch_test_failing_realloc = -1;
    ASSERT_EQ(counted.code(), relpatch::errc::too_many_operations);
    ASSERT_GT(growths, 10);
    for (long k = 0; k < growths; ++k) {
        SCOPED_TRACE("failing growth " + std::to_string(k));
        rapidjson::Document patch;
        relpatch_test_failing_realloc = k;
        const relpatch::result r = relpatch::diff(a, b, patch);
        relpatch_test_failing_realloc = -1;
        EXPECT_EQ(r.code(), relpatch::errc::out_of_memory);
        EXPECT_TRUE(patch.IsNull());
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
