// Hostile inputs, generated at run time: each test is a finding of the hardening review and
// asserts the bound that now holds (depth, bytes and work exactly; no wall-clock time, which the
// benchmarks measure). Every refusal also shows the document unchanged.

#include "test_util.hpp"

#include <relpatch/relpatch.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

namespace {

using relpatch::errc;
using relpatch_test::serialize;

// Nesting of `v` in containers, measured without recursion (a scalar is 0).
std::size_t depth_of(const rapidjson::Value& v) {
    std::size_t deepest = 0;
    std::vector<std::pair<const rapidjson::Value*, std::size_t>> stack{{&v, 0}};
    while (!stack.empty()) {
        const auto [x, d] = stack.back();
        stack.pop_back();
        if (x->IsArray()) {
            deepest = std::max(deepest, d + 1);
            for (const auto& e : x->GetArray()) stack.push_back({&e, d + 1});
        } else if (x->IsObject()) {
            deepest = std::max(deepest, d + 1);
            for (const auto& m : relpatch::detail::members(*x)) stack.push_back({&m.value, d + 1});
        }
    }
    return deepest;
}

std::string nested_arrays(std::size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
}

// A document parsed iteratively by RapidJSON itself, with no depth limit.
rapidjson::Document parse_unbounded(const std::string& text) {
    rapidjson::Document d;
    d.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
    EXPECT_FALSE(d.HasParseError());
    return d;
}

rapidjson::Document parse_exact(const std::string& text) {
    rapidjson::Document d;
    const relpatch::result r = relpatch::parse_document(text, d);
    EXPECT_TRUE(r) << r.message();
    return d;
}

template <class Policy = relpatch::rfc6902_policy>
relpatch::result run_patch(rapidjson::Document& doc, const std::string& patch,
                           const relpatch::limits& lim = relpatch::limits()) {
    return relpatch::apply_patch<Policy>(doc, patch, lim);
}

// 1. Comparing and moving document values 100,000 deep (old and new compared for changed()):
// no recursion, so no stack overflow; copying such a value is refused by the depth limit.
TEST(Hostile, DocumentValuesDeeperThanAnyLimitAreWalkedWithoutRecursion) {
    const std::string deep = nested_arrays(100000);
    rapidjson::Document doc = parse_unbounded(R"({"a":)" + deep + R"(,"b":)" + deep + "}");
    relpatch::result r = run_patch(doc, R"([{"op":"move","from":"/a","path":"/b"}])");
    ASSERT_TRUE(r) << r.message();
    EXPECT_FALSE(doc.HasMember("a"));
    EXPECT_EQ(depth_of(doc["b"]), 100000u);
    EXPECT_TRUE(r.changed());  // a member went away

    doc = parse_unbounded(R"({"a":)" + deep + R"(,"b":)" + deep + "}");
    r = run_patch(doc, R"([{"op":"copy","from":"/a","path":"/c"}])");
    EXPECT_EQ(r.code(), errc::document_too_deep);
    EXPECT_TRUE(r.path_is_from());
    EXPECT_FALSE(doc.HasMember("c"));
    // Replacing one deep value by an identical one: compared iteratively.
    r = run_patch(doc, R"([{"op":"move","from":"/a","path":"/b/0"}])");
    EXPECT_EQ(r.code(), errc::document_too_deep);
    EXPECT_TRUE(doc.HasMember("a"));
}

// 2. A patch cannot make the document deeper than max_document_depth, however it combines
// add and move (the old attack built a 21,000-deep document from {}).
TEST(Hostile, MoveCannotGrowTheDocumentPastTheDepthLimit) {
    rapidjson::Document doc = parse_exact(R"({"v":[]})");
    const relpatch::limits lim;
    std::string pointer = "/w";
    for (int i = 0; i < 59; ++i) pointer += "/0";
    const std::string patch = R"([{"op":"add","path":"/w","value":)" + nested_arrays(60) +
                              R"(},{"op":"move","from":"/v","path":")" + pointer +
                              R"(/-"},{"op":"move","from":"/w","path":"/v"}])";
    std::size_t applied = 0;
    std::size_t refused = 0;
    for (int round = 0; round < 40; ++round) {
        const std::string before = serialize(doc);
        const relpatch::result r = run_patch(doc, patch, lim);
        if (r) {
            ++applied;
        } else {
            ++refused;
            EXPECT_EQ(r.code(), errc::document_too_deep) << r.message();
            EXPECT_EQ(serialize(doc), before);
        }
        EXPECT_LE(depth_of(doc), lim.max_document_depth);
    }
    EXPECT_GT(applied, 10u);  // it did grow, up to the limit
    EXPECT_GT(refused, 0u);
}

// The depth limit at and past its value, for add, copy, move and replace.
TEST(Hostile, DocumentDepthLimitAtAndPast) {
    relpatch::limits lim;
    lim.max_document_depth = 5;
    rapidjson::Document doc = parse_exact(R"({"a":[[]],"s":1})");  // 3 deep
    const std::string before = serialize(doc);
    // "/b" is depth 1; a value 4 deep reaches 5: allowed. 5 deep reaches 6: refused.
    EXPECT_TRUE(run_patch(doc, R"([{"op":"add","path":"/b","value":[[[[1]]]]},
                               {"op":"test","path":"/s","value":2}])",
                          lim)
                    .code() == errc::test_failed);
    EXPECT_EQ(run_patch(doc, R"([{"op":"add","path":"/b","value":[[[[[1]]]]]}])", lim).code(),
              errc::document_too_deep);
    EXPECT_EQ(run_patch(doc, R"([{"op":"replace","path":"/s","value":[[[[[1]]]]]}])", lim).code(),
              errc::document_too_deep);
    // Copying [[]] (2 deep) to /a/0/- (3 tokens) reaches 5: allowed; one level more is not.
    EXPECT_EQ(run_patch(doc, R"([{"op":"copy","from":"/a","path":"/a/0/-"}])", lim).code(),
              errc::success);
    doc = parse_exact(before);
    lim.max_document_depth = 4;
    EXPECT_EQ(run_patch(doc, R"([{"op":"copy","from":"/a","path":"/a/0/-"}])", lim).code(),
              errc::document_too_deep);
    EXPECT_EQ(serialize(doc), before);
    lim.max_document_depth = 5;
    doc = parse_exact(before);
    EXPECT_EQ(run_patch(doc, R"([{"op":"move","from":"/a","path":"/a2"},
                             {"op":"move","from":"/a2","path":"/s2"}])",
                        lim)
                  .code(),
              errc::success);
    doc = parse_exact(R"({"a":[[]],"b":[[[1]]]})");
    EXPECT_EQ(run_patch(doc, R"([{"op":"move","from":"/a","path":"/b/0/0/-"}])", lim).code(),
              errc::document_too_deep);
    EXPECT_EQ(serialize(doc), R"({"a":[[]],"b":[[[1]]]})");
    // No limit above hard_max_depth.
    lim.max_document_depth = static_cast<std::size_t>(-1);
    const std::size_t under = relpatch::hard_max_depth - 1;
    doc = parse_unbounded(R"({"a":)" + nested_arrays(under) + R"(,"b":[]})");
    EXPECT_EQ(run_patch(doc, R"([{"op":"copy","from":"/a","path":"/c"}])", lim).code(),
              errc::success);  // 1 + (hard_max_depth - 1)
    EXPECT_EQ(run_patch(doc, R"([{"op":"copy","from":"/a","path":"/b/-"}])", lim).code(),
              errc::document_too_deep);  // 2 + (hard_max_depth - 1)
    EXPECT_EQ(doc["b"].Size(), 0u);
}

// 3. A patch that lives inside the document (DOM entry point) behaves exactly as a copy of it.
TEST(Hostile, PatchInsideTheDocumentBehavesAsACopy) {
    const char* cases[] = {
        R"({"ops":[{"op":"remove","path":"/ops"},{"op":"add","path":"/y","value":2}]})",
        R"({"ops":[{"op":"remove","path":"/ops/1/value"},{"op":"add","path":"/y","value":2}]})",
        R"({"ops":[{"op":"replace","path":"/ops/1/path","value":"/z"},{"op":"add","path":"/y","value":[1]}]})",
        R"({"ops":[{"op":"move","from":"/ops","path":"/moved"},{"op":"test","path":"/moved/0/op","value":"move"}]})",
        R"({"ops":[{"op":"remove","path":"/ops/1"},{"op":"copy","from":"/ops","path":"/c"},{"op":"test","path":"/nothing","value":1}]})",
    };
    for (const char* text : cases) {
        rapidjson::Document aliased = parse_exact(text);
        rapidjson::Document copy_target = parse_exact(text);
        rapidjson::Document patch_copy;
        patch_copy.CopyFrom(copy_target["ops"], patch_copy.GetAllocator());
        const relpatch::result a = relpatch::apply_patch<relpatch::rfc6902_policy>(
            aliased, aliased["ops"], aliased.GetAllocator());
        const relpatch::result b = relpatch::apply_patch<relpatch::rfc6902_policy>(
            copy_target, patch_copy, copy_target.GetAllocator());
        EXPECT_EQ(a.code(), b.code()) << text;
        EXPECT_EQ(a.changed(), b.changed()) << text;
        EXPECT_EQ(serialize(aliased), serialize(copy_target)) << text;
        if (!a) {
            EXPECT_EQ(serialize(aliased), serialize(parse_exact(text))) << text;
        }
    }
}

// The DOM entry point's copy of the patch is bounded by max_patch_bytes, and so is patch text.
TEST(Hostile, PatchSizeLimitAtAndPast) {
    rapidjson::Document doc = parse_exact(R"({"a":1})");
    const std::string patch = R"([{"op":"test","path":"/a","value":1}])";
    relpatch::limits lim;
    lim.max_patch_bytes = patch.size();
    EXPECT_TRUE(run_patch(doc, patch, lim));
    lim.max_patch_bytes = patch.size() - 1;
    EXPECT_EQ(run_patch(doc, patch, lim).code(), errc::patch_too_large);
    // As a DOM: the copy of [{"op":..,"path":..,"value":1}] takes one array slot (16 bytes)
    // and three members (96 bytes); the strings are short and need nothing.
    const rapidjson::Document dom = parse_exact(patch);
    lim.max_patch_bytes = 16 + 96;
    EXPECT_TRUE(relpatch::apply_patch<relpatch::rfc6902_policy>(doc, dom, doc.GetAllocator(), lim));
    lim.max_patch_bytes = 16 + 96 - 1;
    EXPECT_EQ(
        relpatch::apply_patch<relpatch::rfc6902_policy>(doc, dom, doc.GetAllocator(), lim).code(),
        errc::patch_too_large);
    EXPECT_EQ(serialize(doc), R"({"a":1})");
}

// 4. An ASCII document cannot receive what ASCII cannot hold: escapes or raw bytes.
TEST(Hostile, AsciiDocumentsRefuseNonAscii) {
    using AsciiDoc = rapidjson::GenericDocument<rapidjson::ASCII<>>;
    AsciiDoc doc;
    doc.Parse(R"({"a":"x"})");
    const char* patches[] = {
        R"([{"op":"add","path":"/\u00e9","value":1}])",
        R"([{"op":"add","path":"/b","value":"\u00e9"}])",
        R"([{"op":"add","path":"/b","value":"\ud83d\ude00"}])",
        "[{\"op\":\"add\",\"path\":\"/\xc3\xa9\",\"value\":1}]",
    };
    for (const char* p : patches) {
        const relpatch::result r = relpatch::apply_patch<relpatch::rfc6902_policy>(doc, p);
        EXPECT_EQ(r.code(), errc::invalid_encoding) << p;
        EXPECT_EQ(serialize(doc), R"({"a":"x"})");
    }
    EXPECT_TRUE(relpatch::apply_patch<relpatch::rfc6902_policy>(
        doc, R"([{"op":"add","path":"/\u0062","value":"\u007f"}])"));
    EXPECT_EQ(serialize(doc), "{\"a\":\"x\",\"b\":\"\x7f\"}");
    AsciiDoc parsed;
    EXPECT_EQ(relpatch::parse_document(R"({"a":"\u00e9"})", parsed).code(), errc::invalid_encoding);
}

std::string object_text(std::size_t n, bool reversed) {
    std::string s = "{";
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t k = reversed ? n - 1 - i : i;
        if (i != 0) s += ',';
        s += "\"k" + std::to_string(k) + "\":" + std::to_string(k);
    }
    return s + "}";
}

// The smallest max_work under which `patch` applies to `text`: the cost of the patch in work
// units. Checks that one unit less refuses with work_limit_exceeded, the document unchanged.
template <class Policy = relpatch::rfc6902_policy>
std::size_t work_of(const std::string& text, const std::string& patch) {
    std::size_t lo = 0;
    std::size_t hi = std::size_t{1} << 40;
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        rapidjson::Document doc = parse_exact(text);
        relpatch::limits lim;
        lim.max_work = mid;
        if (run_patch<Policy>(doc, patch, lim))
            hi = mid;
        else
            lo = mid + 1;
    }
    rapidjson::Document doc = parse_exact(text);
    const std::string before = serialize(doc);
    relpatch::limits lim;
    lim.max_work = lo;
    EXPECT_TRUE(run_patch<Policy>(doc, patch, lim)) << "at the limit";
    doc = parse_exact(text);
    lim.max_work = lo - 1;
    EXPECT_EQ(run_patch<Policy>(doc, patch, lim).code(), errc::work_limit_exceeded)
        << "past the limit";
    EXPECT_EQ(serialize(doc), before);
    return lo;
}

// 5. Object equality is O(n log n) when member order differs: the work a test of a 40,000-member
// object against its reverse costs is within n log2 n units, where the old pairwise search
// needed n^2 / 2 comparisons.
TEST(Hostile, ObjectEqualityIsNotQuadratic) {
    const std::size_t n = 40000;
    const std::string doc_text = R"({"o":)" + object_text(n, false) + "}";
    const std::string patch = R"([{"op":"test","path":"/o","value":)" + object_text(n, true) + "}]";
    const std::size_t work = work_of(doc_text, patch);
    EXPECT_LT(work, 8 * n * 16);  // 2 sorts of n log2 n, plus visits
    EXPECT_LT(work, n * n / 100);
}

// 6. Shifts are charged: 1,024 inserts at the front of a 1M-element array would move 16 GB;
// the default budget refuses it, and the document is unchanged.
TEST(Hostile, FrontInsertsIntoHugeArraysAreRefusedByTheWorkBudget) {
    std::string text = "{\"a\":[";
    for (int i = 0; i < 1000000; ++i) text += i == 0 ? "0" : ",0";
    text += "]}";
    rapidjson::Document doc = parse_exact(text);
    std::string patch = "[";
    for (int i = 0; i < 1024; ++i)
        patch += std::string(i ? "," : "") + R"({"op":"add","path":"/a/0","value":1})";
    patch += "]";
    // A parsed array is full: its first insert grows it by half (24 MB here), over the default
    // max_added_bytes. Raise that, so the work budget is what refuses.
    relpatch::limits lim;
    EXPECT_EQ(run_patch(doc, patch, lim).code(), errc::growth_limit_exceeded);
    lim.max_added_bytes = std::size_t{1} << 30;
    relpatch::result r = run_patch(doc, patch, lim);
    EXPECT_EQ(r.code(), errc::work_limit_exceeded);
    EXPECT_EQ(doc["a"].Size(), 1000000u);
    EXPECT_EQ(doc["a"][0].GetInt(), 0);
    // Removals and a failing test: refused by the budget before the end, rolled back.
    patch = "[";
    for (int i = 0; i < 1023; ++i) patch += R"({"op":"remove","path":"/a/0"},)";
    patch += R"({"op":"test","path":"/a/0","value":7}])";
    r = run_patch(doc, patch, lim);
    EXPECT_EQ(r.code(), errc::work_limit_exceeded);
    EXPECT_EQ(doc["a"].Size(), 1000000u);
    // A few front inserts into a small array cost about the elements shifted.
    const std::size_t w =
        work_of(R"({"a":[1,2,3,4,5,6,7,8,9,10]})", R"([{"op":"add","path":"/a/0","value":0}])");
    EXPECT_GE(w, 10u);
    EXPECT_LT(w, 40u);
}

// 7. ordered_release_policy is O(phases + ops): 1,024 ops on 100,000 phases give the right
// answer (the time is in bench/).
TEST(Hostile, OrderedPolicyOnManyPhases) {
    std::string text = R"({"phases":[)";
    for (int i = 0; i < 100000; ++i)
        text += std::string(i ? "," : "") +
                (i < 50000 ? R"({"complete":true})" : R"({"complete":false})");
    text += "]}";
    rapidjson::Document doc = parse_exact(text);
    std::string patch = "[";
    for (int i = 0; i < 1024; ++i)
        patch += std::string(i ? "," : "") + R"({"op":"replace","path":"/phases/)" +
                 std::to_string(50000 + i) + R"(/complete","value":true})";
    patch += "]";
    relpatch::result r = run_patch<relpatch::ordered_release_policy>(doc, patch);
    ASSERT_TRUE(r) << r.message();
    EXPECT_TRUE(doc["phases"][51023]["complete"].GetBool());
    EXPECT_FALSE(doc["phases"][51024]["complete"].GetBool());
    // Skipping one phase breaks the order, wherever the skipped one is in the patch.
    r = run_patch<relpatch::ordered_release_policy>(
        doc, R"([{"op":"replace","path":"/phases/60000/complete","value":true}])");
    EXPECT_EQ(r.code(), errc::phase_order_violation);
    // Un-completing phase 0 of [T,T,F] breaks it too (phase 1 stays complete).
    doc = parse_exact(R"({"phases":[{"complete":true},{"complete":true},{"complete":false}]})");
    r = run_patch<relpatch::ordered_release_policy>(
        doc, R"([{"op":"replace","path":"/phases/0/complete","value":false}])");
    EXPECT_EQ(r.code(), errc::phase_order_violation);
    r = run_patch<relpatch::ordered_release_policy>(
        doc, R"([{"op":"replace","path":"/phases/0/complete","value":false},
                 {"op":"replace","path":"/phases/1/complete","value":false}])");
    EXPECT_TRUE(r) << r.message();
}

// 8. Repeated lookups in a huge object are charged per member looked at.
TEST(Hostile, RepeatedLookupsInHugeObjectsAreCharged) {
    // 1,024 lookups of the last of 300,000 members: about 3 * 10^8 member comparisons, over
    // the default budget (the review's case had 10^6 members).
    const std::size_t n = 300000;
    rapidjson::Document doc = parse_exact(object_text(n, false));
    std::string patch = "[";
    for (int i = 0; i < 1024; ++i)
        patch += std::string(i ? "," : "") + R"({"op":"test","path":"/k299999","value":299999})";
    patch += "]";
    EXPECT_EQ(run_patch(doc, patch).code(), errc::work_limit_exceeded);
    // One lookup of the last member costs about the members before it.
    const std::size_t w =
        work_of(object_text(1000, false), R"([{"op":"test","path":"/k999","value":999}])");
    EXPECT_GE(w, 1000u);
    EXPECT_LT(w, 1100u);
}

// Names are compared by their decoded length first, then with memcmp, and charged by their
// bytes: a lookup among thousands of long names that differ only at the end, or a token of
// escapes, costs what it is charged.
TEST(Hostile, LongNamesAndEscapedTokensAreChargedByTheirBytes) {
    const std::string prefix(4000, 'a');
    std::string text = "{";
    for (int i = 0; i < 100; ++i)
        text += std::string(i ? "," : "") + "\"" + prefix + std::to_string(100 + i) +
                "\":" + std::to_string(i);
    text += "}";
    const std::size_t long_names =
        work_of(text, R"([{"op":"test","path":"/)" + prefix + R"(199","value":99}])");
    EXPECT_GE(long_names, 100u * 4003 / 32);  // every name of the right length is compared
    // A token of 2,000 escapes decodes to 2,000 characters: only names of that length are
    // compared, each charged by its bytes.
    std::string tilde_text = "{";
    for (int i = 0; i < 50; ++i)
        tilde_text += std::string(i ? "," : "") + "\"" + std::string(1999, '~') +
                      static_cast<char>('A' + i % 26) + std::to_string(i / 26) +
                      "\":" + std::to_string(i);
    tilde_text += ",\"" + std::string(2000, '~') + "\":7}";
    std::string token;
    for (int i = 0; i < 2000; ++i) token += "~0";
    const std::size_t escaped =
        work_of(tilde_text, R"([{"op":"test","path":"/)" + token + R"(","value":7}])");
    EXPECT_GE(escaped, 2000u / 32);
    EXPECT_LT(escaped, 51u + 2 * 2000 / 32 + 16);  // the names of other lengths cost 1 each
}

// A staged patch (pool allocator, values created) stays within max_added_bytes in all: the
// trial's growth of containers is taken from what the real run may use.
TEST(Hostile, StagedPatchesStayWithinTheByteLimitInAll) {
    std::string zeros = "[";
    for (int i = 0; i < 200000; ++i) zeros += i ? ",0" : "0";
    zeros += "]";
    const std::string grow = R"([{"op":"add","path":"/x","value":)" + zeros +
                             R"(},{"op":"add","path":"/x/-","value":0}])";
    rapidjson::Document doc = parse_exact(R"({"y":1})");
    const std::size_t start = doc.GetAllocator().Size();
    const relpatch::limits lim;
    const relpatch::result r = run_patch(doc, grow, lim);
    if (r) {
        EXPECT_LE(doc.GetAllocator().Size() - start, lim.max_added_bytes + 64 * 1024);
    } else {
        EXPECT_EQ(r.code(), errc::growth_limit_exceeded);
        EXPECT_EQ(serialize(doc), R"({"y":1})");
    }
    // A refused patch leaves at most container growth behind, within max_added_bytes each time
    // (the growth of containers the patch itself created, grown in the document's pool during
    // the trial: a known cost, bounded per patch).
    const std::string refused =
        grow.substr(0, grow.size() - 1) + R"(,{"op":"test","path":"/y","value":2}])";
    rapidjson::Document d = parse_exact(R"({"y":1})");
    for (int i = 0; i < 4; ++i) {
        const std::size_t before = d.GetAllocator().Size();
        ASSERT_EQ(run_patch(d, refused).code(), errc::test_failed);
        EXPECT_LE(d.GetAllocator().Size() - before, lim.max_added_bytes);
        EXPECT_EQ(serialize(d), R"({"y":1})");
    }
    // Moves create member names: staged too, so refused moves leave no names behind.
    rapidjson::Document m = parse_exact(R"({"a":1,"y":1})");
    std::string moves = "[";
    for (int i = 0; i < 50; ++i) {
        const std::string name = std::string(400, 'n') + std::to_string(i);
        moves += std::string(i ? "," : "") + R"({"op":"move","from":"/a","path":"/)" + name +
                 R"("},)" + R"({"op":"move","from":"/)" + name + R"(","path":"/a"})";
    }
    moves += R"(,{"op":"test","path":"/y","value":2}])";
    ASSERT_EQ(run_patch(m, moves).code(), errc::test_failed);
    const std::size_t after_first = m.GetAllocator().Size();
    for (int i = 0; i < 5; ++i) ASSERT_EQ(run_patch(m, moves).code(), errc::test_failed);
    EXPECT_EQ(m.GetAllocator().Size(), after_first);
    EXPECT_EQ(serialize(m), R"({"a":1,"y":1})");
}

// 9. max_added_bytes counts what the allocator really takes: the document's MemoryPoolAllocator
// grows by at most max_added_bytes, whatever the patch adds.
TEST(Hostile, AddedBytesAreCountedExactly) {
    std::string many = "[";
    for (int i = 0; i < 120000; ++i) many += i ? R"(,{"a":0})" : R"({"a":0})";
    many += "]";
    const std::string patch = R"([{"op":"add","path":"/x","value":)" + many + "}]";
    rapidjson::Document doc = parse_exact(R"({"y":1})");
    const std::size_t before = doc.GetAllocator().Size();
    relpatch::limits lim;
    relpatch::result r = run_patch(doc, patch, lim);
    ASSERT_TRUE(r) << r.message();
    EXPECT_LE(doc.GetAllocator().Size() - before, lim.max_added_bytes);
    // 120,000 elements of 16 bytes, 120,000 objects of one 32-byte member, the root's growth
    // from 1 to 2 members (2 * 32; a pool may grow the last block in place and take only 32):
    // what the old estimate called 5.9 MB took 62 MB.
    const std::size_t needed = 120000u * 16 + 120000u * 32 + 2 * 32;
    EXPECT_LE(doc.GetAllocator().Size() - before, needed);
    EXPECT_GE(doc.GetAllocator().Size() - before, needed - 32);

    // At and past the limit, exactly.
    for (const std::size_t cap : {needed, needed - 1}) {
        rapidjson::Document d = parse_exact(R"({"y":1})");
        lim.max_added_bytes = cap;
        const std::size_t start = d.GetAllocator().Size();
        r = run_patch(d, patch, lim);
        EXPECT_EQ(r.code(), cap == needed ? errc::success : errc::growth_limit_exceeded);
        EXPECT_LE(d.GetAllocator().Size() - start, cap);
    }
}

TEST(Hostile, AddedBytesOfStringsNamesAndGrowth) {
    // A 100-character string (104 bytes with its terminator, rounded to 8) appended to an empty
    // array (which grows to 16 slots of 16 bytes).
    const std::string hundred(100, 'x');
    rapidjson::Document doc = parse_exact(R"({"a":[]})");
    std::size_t start = doc.GetAllocator().Size();
    const std::string patch = R"([{"op":"add","path":"/a/-","value":")" + hundred + R"("}])";
    relpatch::limits lim;
    lim.max_added_bytes = 104 + 256;
    ASSERT_TRUE(run_patch(doc, patch, lim));
    EXPECT_EQ(doc.GetAllocator().Size() - start, 104u + 256u);
    doc = parse_exact(R"({"a":[]})");
    lim.max_added_bytes = 104 + 256 - 1;
    EXPECT_EQ(run_patch(doc, patch, lim).code(), errc::growth_limit_exceeded);
    EXPECT_EQ(serialize(doc), R"({"a":[]})");
    // Short strings live inside the value and cost nothing; longer ones are charged.
    using V = rapidjson::Value;
    constexpr std::size_t short_max = (sizeof(V) - 2) / sizeof(char) - 1;
    doc = parse_exact(R"({"a":[1,2]})");
    doc["a"].Reserve(8, doc.GetAllocator());
    start = doc.GetAllocator().Size();
    lim.max_added_bytes = 0;
    ASSERT_TRUE(run_patch(
        doc, R"([{"op":"add","path":"/a/-","value":")" + std::string(short_max, 's') + R"("}])",
        lim));
    EXPECT_EQ(doc.GetAllocator().Size(), start);
    EXPECT_EQ(run_patch(doc,
                        R"([{"op":"add","path":"/a/-","value":")" +
                            std::string(short_max + 1, 's') + R"("}])",
                        lim)
                  .code(),
              errc::growth_limit_exceeded);
    // A new member's name is charged, and so is the object's growth.
    doc = parse_exact(R"({"a":1})");  // parsed objects are full: capacity 1
    start = doc.GetAllocator().Size();
    lim.max_added_bytes = 104 + 2 * 32;
    ASSERT_TRUE(run_patch(doc, R"([{"op":"add","path":"/)" + hundred + R"(","value":1}])", lim));
    EXPECT_LE(doc.GetAllocator().Size() - start, 104u + 2 * 32);
    EXPECT_GE(doc.GetAllocator().Size() - start, 104u + 32);
    doc = parse_exact(R"({"a":1})");
    lim.max_added_bytes = 104 + 2 * 32 - 1;
    EXPECT_EQ(
        run_patch(doc, R"([{"op":"add","path":"/)" + hundred + R"(","value":1}])", lim).code(),
        errc::growth_limit_exceeded);
}

// The capacity of an object's member array is read from RapidJSON's layout; check it against
// RapidJSON's growth rule.
TEST(Hostile, MemberCapacityMatchesRapidJsonsGrowth) {
    rapidjson::Document doc;
    doc.SetObject();
    for (int i = 0; i < 17; ++i) {
        rapidjson::Value name(std::to_string(i).c_str(), doc.GetAllocator());
        doc.AddMember(name, i, doc.GetAllocator());
    }
    EXPECT_EQ(relpatch::detail::member_capacity(static_cast<rapidjson::Value&>(doc)), 24u);
    const rapidjson::Document parsed = parse_exact(R"({"a":1,"b":2,"c":3})");
    EXPECT_EQ(relpatch::detail::member_capacity(static_cast<const rapidjson::Value&>(parsed)), 3u);
}

// 10. A refused patch leaves nothing in a MemoryPoolAllocator but container growth: the same
// refused patch ten times costs what it cost once.
TEST(Hostile, RefusedPatchesDoNotAccumulateMemory) {
    std::string big = "[";
    for (int i = 0; i < 20000; ++i)
        big += i ? R"(,"a string long enough to be allocated")"
                 : R"("a string long enough to be allocated")";
    big += "]";
    const std::string patch =
        R"([{"op":"add","path":"/x","value":)" + big + R"(},{"op":"test","path":"/y","value":2}])";
    rapidjson::Document doc = parse_exact(R"({"y":1})");
    const std::string before = serialize(doc);
    const std::size_t start = doc.GetAllocator().Size();
    ASSERT_EQ(run_patch(doc, patch).code(), errc::test_failed);
    const std::size_t after_one = doc.GetAllocator().Size();
    EXPECT_LE(after_one - start, 2u * 32);  // the root object's growth to two members
    for (int i = 0; i < 9; ++i) ASSERT_EQ(run_patch(doc, patch).code(), errc::test_failed);
    EXPECT_EQ(doc.GetAllocator().Size(), after_one);
    EXPECT_EQ(serialize(doc), before);
}

// A staged patch (values in a scratch allocator until the patch is known to succeed) that grows a
// container it created itself, on a document whose pool has never allocated: RapidJSON 1.1.0's
// MemoryPoolAllocator::Realloc reads a null chunk there. Found by the inverse property test.
TEST(Hostile, StagedPatchGrowsContainersItCreated) {
    for (const char* text : {"{}", "[]", "false"}) {
        rapidjson::Document doc = parse_exact(text);
        ASSERT_EQ(doc.GetAllocator().Capacity(), 0u) << text;
        std::string sixteen = "[";
        for (int i = 0; i < 16; ++i) sixteen += i ? ",1" : "1";
        sixteen += "]";
        const std::string patch =
            R"([{"op":"add","path":"","value":{"a":)" + sixteen +
            R"(}},{"op":"add","path":"/a/-","value":2},{"op":"add","path":"/b","value":{}}])";
        const relpatch::result r = run_patch(doc, patch);
        ASSERT_TRUE(r) << r.message();
        EXPECT_EQ(doc["a"].Size(), 17u);
    }
}

// 11. Numbers in patches are exact, and "test" compares them with exactly parsed documents.
TEST(Hostile, PatchNumbersAreExact) {
    rapidjson::Document doc = parse_exact(R"({"x":10928588.983213553,"big":18446744073709551616})");
    EXPECT_TRUE(run_patch(doc, R"([{"op":"test","path":"/x","value":10928588.983213553}])"));
    EXPECT_TRUE(run_patch(doc, R"([{"op":"test","path":"/big","value":1.8446744073709552e19}])"));
    EXPECT_TRUE(run_patch(doc, R"([{"op":"add","path":"/y","value":0.30000000000000004}])"));
    EXPECT_EQ(doc["y"].GetDouble(), 0.30000000000000004);
    EXPECT_TRUE(run_patch(doc, R"([{"op":"add","path":"/z","value":1e-400}])"));  // underflows to 0
    EXPECT_EQ(doc["z"].GetDouble(), 0.0);
    EXPECT_EQ(run_patch(doc, R"([{"op":"add","path":"/w","value":1e309}])").code(),
              errc::invalid_json);
    EXPECT_EQ(run_patch(doc, R"([{"op":"add","path":"/w","value":10e308}])").code(),
              errc::invalid_json);
    EXPECT_TRUE(run_patch(doc, R"([{"op":"add","path":"/n","value":-0}])"));
    EXPECT_TRUE(doc["n"].IsDouble());
    EXPECT_TRUE(std::signbit(doc["n"].GetDouble()));
}

TEST(Hostile, DocumentNumbersRoundTripExactly) {
    // Doubles that RapidJSON's default precision gets wrong by an ulp come back bit-identical.
    std::string text = "[";
    std::vector<double> expected;
    unsigned long long state = 12345;
    for (int i = 0; i < 2000; ++i) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        const double d = static_cast<double>(state >> 11) / 9007199254740992.0 * 1e8;
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", d);
        text += std::string(i ? "," : "") + buf;
        expected.push_back(d);
    }
    text += "]";
    rapidjson::Document doc = parse_exact(text);
    for (std::size_t i = 0; i < expected.size(); ++i)
        ASSERT_EQ(doc[static_cast<rapidjson::SizeType>(i)].GetDouble(), expected[i]) << i;
    rapidjson::Document again = parse_exact(serialize(doc));
    for (std::size_t i = 0; i < expected.size(); ++i)
        ASSERT_EQ(again[static_cast<rapidjson::SizeType>(i)].GetDouble(), expected[i]) << i;
}

// Wide encodings: RapidJSON 1.1.0 garbles raw numbers read into UTF-16 or UTF-32 (it
// transcodes them onto the stack slot it reads them from), so relpatch parses such text as
// UTF-8 and builds the document from that. Numbers, strings and error offsets come out right.
TEST(Hostile, WideDocumentsAndPatchesKeepNumbersExact) {
    using Doc16 = rapidjson::GenericDocument<rapidjson::UTF16<char16_t>>;
    using Doc32 = rapidjson::GenericDocument<rapidjson::UTF32<char32_t>>;
    Doc16 d16;
    ASSERT_TRUE(relpatch::parse_document(
        std::u16string_view(u"{\"x\":10928588.983213553,\"n\":-12345,\"s\":\"\u00e9\U0001F600\"}"),
        d16));
    EXPECT_EQ(d16[u"x"].GetDouble(), 10928588.983213553);
    EXPECT_EQ(d16[u"n"].GetInt(), -12345);
    EXPECT_EQ(std::u16string(d16[u"s"].GetString(), d16[u"s"].GetStringLength()),
              u"\u00e9\U0001F600");
    EXPECT_TRUE(relpatch::apply_patch<relpatch::rfc6902_policy>(
        d16,
        u"[{\"op\":\"test\",\"path\":\"/x\",\"value\":10928588.983213553},"
        u"{\"op\":\"add\",\"path\":\"/\u00e9\",\"value\":[1.5,-22]}]"));
    EXPECT_EQ(d16[u"\u00e9"][1].GetInt(), -22);
    Doc32 d32;
    ASSERT_TRUE(
        relpatch::parse_document(std::u32string_view(U"[18446744073709551615,-0,1e2]"), d32));
    EXPECT_EQ(d32[0].GetUint64(), 18446744073709551615u);
    EXPECT_TRUE(std::signbit(d32[1].GetDouble()));
    EXPECT_EQ(d32[2].GetDouble(), 100.0);
    // The offset of a syntax error is in the caller's code units: the "x", after a pair.
    Doc16 bad;
    const relpatch::result r =
        relpatch::parse_document(std::u16string_view(u"[\"\U0001F600\", x]"), bad);
    EXPECT_EQ(r.code(), errc::invalid_document);
    EXPECT_EQ(r.offset(), 7u);
}

// 12. Equality is symmetric with duplicate member names.
TEST(Hostile, EqualityIsSymmetricWithDuplicateNames) {
    rapidjson::Document doc = parse_exact(R"({"x":{"a":1,"a":1},"y":{"a":1,"b":1}})");
    EXPECT_EQ(run_patch(doc, R"([{"op":"test","path":"/x","value":{"a":1,"b":1}}])").code(),
              errc::test_failed);
    EXPECT_EQ(run_patch(doc, R"([{"op":"test","path":"/y","value":{"a":1,"a":1}}])").code(),
              errc::test_failed);
    EXPECT_TRUE(run_patch(doc, R"([{"op":"test","path":"/x","value":{"a":1,"a":1}}])"));
    // Other order, same members: equal; other order and another value: not.
    EXPECT_TRUE(run_patch(doc, R"([{"op":"test","path":"/y","value":{"b":1,"a":1}}])"));
    EXPECT_EQ(run_patch(doc, R"([{"op":"test","path":"/y","value":{"b":1,"a":2}}])").code(),
              errc::test_failed);
}

// 14. A release replace of a boolean by a boolean allocates nothing: it passes with
// max_added_bytes = 0.
TEST(Hostile, BooleanSwapNeedsNoByteBudget) {
    rapidjson::Document doc = parse_exact(relpatch_test::release_example());
    relpatch::limits lim;
    lim.max_added_bytes = 0;
    const relpatch::result r = relpatch::apply_patch(
        doc, R"([{"op":"replace","path":"/phases/1/complete","value":true}])", lim);
    EXPECT_TRUE(r) << r.message();
    EXPECT_TRUE(r.changed());
}

// 23. The comment out-parameter is cleared on every path, then filled once the envelope is read.
TEST(Hostile, CommentIsSetTheSameWayOnEveryPath) {
    rapidjson::Document doc = parse_exact(relpatch_test::release_example());
    const char* early[] = {"\xff",
                           "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]",
                           "[", "{\"comment\":\"c\"}"};
    for (const char* p : early) {
        std::string comment = "stale";
        const relpatch::result r = relpatch::apply_patch(doc, p, relpatch::limits(), &comment);
        EXPECT_FALSE(r);
        EXPECT_EQ(comment, p[0] == '{' ? "c" : "") << p;
    }
    std::string comment = "stale";
    EXPECT_EQ(relpatch::apply_patch(
                  doc, R"({"comment":"why","patch":[{"op":"add","path":"/a","value":1}]})",
                  relpatch::limits(), &comment)
                  .code(),
              errc::op_not_allowed);
    EXPECT_EQ(comment, "why");
}

// 24. prepare() may read its own target's comment; a prepared patch moved into itself is empty.
TEST(Hostile, PreparedPatchSelfReferenceAndSelfMove) {
    using prepared = relpatch::prepared_patch<>;
    prepared p;
    ASSERT_TRUE(prepared::prepare(
        R"({"comment":"[{\"op\":\"replace\",\"path\":\"/phases/1/complete\",\"value\":true}]","patch":[]})",
        p));
    const relpatch::result r = prepared::prepare(p.comment(), p);
    ASSERT_TRUE(r) << r.message();
    EXPECT_EQ(p.size(), 1u);
    rapidjson::Document doc = parse_exact(relpatch_test::release_example());
    prepared& alias = p;
    p = std::move(alias);
    EXPECT_TRUE(p.empty());
    EXPECT_EQ(p.apply(doc).code(), errc::patch_not_array);
    EXPECT_FALSE(doc["phases"][1]["complete"].GetBool());
}

// 25. A DOM patch nested deeper than any limit is refused without recursion.
TEST(Hostile, DeepDomPatchIsRefusedWhateverTheLimits) {
    rapidjson::Document patch =
        parse_unbounded(R"([{"op":"add","path":"/a","value":)" + nested_arrays(200000) + "}]");
    rapidjson::Document doc = parse_exact("{}");
    relpatch::limits lim;
    lim.max_depth = static_cast<std::size_t>(-1);
    lim.max_document_depth = static_cast<std::size_t>(-1);
    lim.max_patch_bytes = static_cast<std::size_t>(-1);
    const relpatch::result r =
        relpatch::apply_patch<relpatch::rfc6902_policy>(doc, patch, doc.GetAllocator(), lim);
    EXPECT_EQ(r.code(), errc::nesting_too_deep);
    EXPECT_EQ(serialize(doc), "{}");
}

}  // namespace
