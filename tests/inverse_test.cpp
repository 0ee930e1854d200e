// The inverse patch apply_patch can return: applied to the patched document it gives back the
// original, and its paths are exactly the locations the patch changed.

#include "test_util.hpp"

#include <relpatch/relpatch.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace {

using relpatch::errc;
using relpatch_test::serialize;

rapidjson::Document parse_exact(const std::string& text) {
    rapidjson::Document d;
    const relpatch::result r = relpatch::parse_document(text, d);
    EXPECT_TRUE(r) << r.message() << ": " << text;
    return d;
}

bool rfc_equal(const rapidjson::Value& a, const rapidjson::Value& b) {
    relpatch::detail::work_meter work(static_cast<std::size_t>(-1));
    bool same = false;
    EXPECT_EQ(relpatch::detail::compare(a, b, relpatch::detail::compare_mode::rfc, work, same),
              errc::success);
    return same;
}

// Applies `patch` with an inverse, then the inverse; checks the round trip. Returns the inverse.
template <class Policy = relpatch::rfc6902_policy>
std::string round_trip(const std::string& doc_text, const std::string& patch,
                       bool byte_identical = true) {
    rapidjson::Document doc = parse_exact(doc_text);
    const std::string before = serialize(doc);
    rapidjson::Document inverse;
    const relpatch::result r =
        relpatch::apply_patch<Policy>(doc, patch, relpatch::limits(), nullptr, &inverse);
    EXPECT_TRUE(r) << r.message() << "\n" << patch;
    if (!r) return {};
    const std::string inverse_text = serialize(inverse);
    const relpatch::result back =
        relpatch::apply_patch<relpatch::rfc6902_policy>(doc, inverse_text);
    EXPECT_TRUE(back) << back.message() << "\n" << patch << "\n" << inverse_text;
    EXPECT_TRUE(rfc_equal(doc, parse_exact(before))) << patch << "\n" << inverse_text;
    if (byte_identical) {
        EXPECT_EQ(serialize(doc), before) << patch << "\n" << inverse_text;
    }
    return inverse_text;
}

TEST(Inverse, EachOperation) {
    const std::string doc = R"({"a":[1,2,3],"b":{"x":1,"y":2},"c":true})";
    EXPECT_EQ(round_trip(doc, R"([{"op":"add","path":"/a/1","value":9}])"),
              R"([{"op":"remove","path":"/a/1"}])");
    EXPECT_EQ(round_trip(doc, R"([{"op":"add","path":"/a/-","value":9}])"),
              R"([{"op":"remove","path":"/a/3"}])");
    EXPECT_EQ(round_trip(doc, R"([{"op":"add","path":"/c","value":1}])"),
              R"([{"op":"replace","path":"/c","value":true}])");
    EXPECT_EQ(round_trip(doc, R"([{"op":"remove","path":"/a/0"}])"),
              R"([{"op":"add","path":"/a/0","value":1}])");
    EXPECT_EQ(round_trip(doc, R"([{"op":"replace","path":"/b","value":[]}])"),
              R"([{"op":"replace","path":"/b","value":{"x":1,"y":2}}])");
    EXPECT_EQ(round_trip(doc, R"([{"op":"move","from":"/a/0","path":"/b/z"}])"),
              R"([{"op":"move","from":"/b/z","path":"/a/0"}])");
    // A move onto an existing value: restore that value, then add a copy of the moved one back
    // (a move back and an add would land at shifted indices, see below).
    EXPECT_EQ(
        round_trip(doc, R"([{"op":"move","from":"/a","path":"/c"}])", false),
        R"([{"op":"replace","path":"/c","value":true},{"op":"add","path":"/a","value":[1,2,3]}])");
    EXPECT_EQ(
        round_trip(R"({"a":[1,{},{"k":2}]})", R"([{"op":"move","from":"/a/0","path":"/a/1/k"}])"),
        R"([{"op":"replace","path":"/a/1/k","value":2},{"op":"add","path":"/a/0","value":1}])");
    EXPECT_EQ(round_trip(doc, R"([{"op":"copy","from":"/b","path":"/a/0"}])"),
              R"([{"op":"remove","path":"/a/0"}])");
    EXPECT_EQ(round_trip(doc, R"([{"op":"test","path":"/c","value":true}])"), "[]");
    EXPECT_EQ(round_trip(doc, R"([{"op":"replace","path":"","value":7}])"),
              R"([{"op":"replace","path":"","value":)" + serialize(parse_exact(doc)) + "}]");
    // A move into an ancestor's place (the root, here) cannot be reversed by a move: the
    // ancestor is restored and a copy of the moved value added back.
    EXPECT_EQ(round_trip(doc, R"([{"op":"move","from":"/b","path":""}])", false),
              R"([{"op":"replace","path":"","value":{"a":[1,2,3],"c":true}},)"
              R"({"op":"add","path":"/b","value":{"x":1,"y":2}}])");
    EXPECT_EQ(round_trip(R"([1,[2],3])", R"([{"op":"move","from":"/1","path":""}])"),
              R"([{"op":"replace","path":"","value":[1,3]},{"op":"add","path":"/1","value":[2]}])");
    EXPECT_EQ(round_trip(R"([false,[false,{}]])", R"([{"op":"move","from":"/1/1","path":"/1"}])"),
              R"([{"op":"remove","path":"/1"},{"op":"add","path":"/1/1","value":{}}])");
}

TEST(Inverse, RemovedMemberComesBackLast) {
    // RFC 6902 has no positioned add for objects: equal by RFC 6902, not byte for byte.
    const std::string inverse =
        round_trip(R"({"a":1,"b":2})", R"([{"op":"remove","path":"/a"}])", false);
    EXPECT_EQ(inverse, R"([{"op":"add","path":"/a","value":1}])");
}

TEST(Inverse, ReleasePatchesInvertToReleasePatchesNamingTheChangedPhases) {
    const std::string doc = relpatch_test::release_example();  // phases: true, false, false
    // Phase 1 completed, phase 0 set to what it already is, phase 2 set and set back.
    const std::string inverse = round_trip<relpatch::release_policy>(doc, R"([
        {"op":"replace","path":"/phases/1/complete","value":true},
        {"op":"replace","path":"/phases/0/complete","value":true},
        {"op":"replace","path":"/phases/2/complete","value":true},
        {"op":"replace","path":"/phases/2/complete","value":false}])");
    EXPECT_EQ(inverse, R"([{"op":"replace","path":"/phases/1/complete","value":false}])");
    // The inverse is itself accepted by the release policy.
    rapidjson::Document d = parse_exact(doc);
    ASSERT_TRUE(
        relpatch::apply_patch(d, R"([{"op":"replace","path":"/phases/1/complete","value":true}])"));
    EXPECT_TRUE(relpatch::apply_patch(d, inverse));
    EXPECT_EQ(serialize(d), serialize(parse_exact(doc)));
    // No change, empty inverse.
    EXPECT_EQ(round_trip<relpatch::release_policy>(
                  doc, R"([{"op":"replace","path":"/phases/0/complete","value":true}])"),
              "[]");
}

TEST(Inverse, DomEntryPointAndEnvelope) {
    rapidjson::Document doc = parse_exact(relpatch_test::release_example());
    const rapidjson::Document patch = parse_exact(
        R"({"comment":"go","patch":[{"op":"replace","path":"/phases/2/complete","value":true}]})");
    rapidjson::Document inverse;
    const rapidjson::Value* comment = nullptr;
    ASSERT_TRUE(relpatch::apply_patch(doc, patch, doc.GetAllocator(), relpatch::limits(), &comment,
                                      &inverse));
    ASSERT_NE(comment, nullptr);
    EXPECT_EQ(serialize(inverse),
              R"([{"op":"replace","path":"/phases/2/complete","value":false}])");
    // The optional out-parameters may be given as plain nullptr (they take no part in deduction).
    const relpatch::result again =
        relpatch::apply_patch(doc, patch, doc.GetAllocator(), relpatch::limits(), nullptr, nullptr);
    EXPECT_TRUE(again);
    EXPECT_FALSE(again.changed());
    rapidjson::Document text_doc = parse_exact(relpatch_test::release_example());
    EXPECT_TRUE(relpatch::apply_patch(
        text_doc, R"([{"op":"replace","path":"/phases/2/complete","value":true}])",
        relpatch::limits(), nullptr, nullptr));
}

TEST(Inverse, TheInverseIsAPatchTheSameLimitsAccept) {
    relpatch::limits lim;
    lim.max_operations = 2;
    rapidjson::Document doc = parse_exact(R"({"a":1,"b":2,"c":3})");
    rapidjson::Document inverse = parse_exact(R"("untouched")");
    // Two moves onto existing members need four inverse operations.
    relpatch::result r = relpatch::apply_patch<relpatch::rfc6902_policy>(
        doc, R"([{"op":"move","from":"/a","path":"/b"},{"op":"move","from":"/b","path":"/c"}])",
        lim, nullptr, &inverse);
    EXPECT_EQ(r.code(), errc::patch_too_large);
    EXPECT_EQ(serialize(doc), R"({"a":1,"b":2,"c":3})");
    EXPECT_EQ(serialize(inverse), R"("untouched")");  // handed over only on success
    // A removed value nested deeper than a patch value may be.
    lim = relpatch::limits();
    lim.max_depth = 4;
    doc = parse_exact(R"({"a":[[[1]]]})");
    r = relpatch::apply_patch<relpatch::rfc6902_policy>(doc, R"([{"op":"remove","path":"/a"}])",
                                                        lim, nullptr, &inverse);
    EXPECT_EQ(r.code(), errc::patch_too_large);
    doc = parse_exact(R"({"a":[[1]]})");
    r = relpatch::apply_patch<relpatch::rfc6902_policy>(doc, R"([{"op":"remove","path":"/a"}])",
                                                        lim, nullptr, &inverse);
    EXPECT_TRUE(r) << r.message();
    EXPECT_EQ(serialize(inverse), R"([{"op":"add","path":"/a","value":[[1]]}])");
}

TEST(Inverse, TooLargeAnInverseRefusesThePatch) {
    std::string big = "[";
    for (int i = 0; i < 100; ++i)
        big += std::string(i ? "," : "") + "\"" + std::string(40, 'x') + "\"";
    big += "]";
    const std::string text = R"({"a":)" + big + "}";
    rapidjson::Document doc = parse_exact(text);
    rapidjson::Document inverse;
    relpatch::limits lim;
    lim.max_patch_bytes = 1000;  // the removed array takes 100 * (16 + 48) bytes
    const relpatch::result r = relpatch::apply_patch<relpatch::rfc6902_policy>(
        doc, R"([{"op":"remove","path":"/a"}])", lim, nullptr, &inverse);
    EXPECT_EQ(r.code(), errc::patch_too_large);
    EXPECT_EQ(serialize(doc), serialize(parse_exact(text)));
    // Without an inverse, the same patch applies.
    EXPECT_TRUE(relpatch::apply_patch<relpatch::rfc6902_policy>(
        doc, R"([{"op":"remove","path":"/a"}])", lim));
}

// Copying a displaced value into the inverse is charged to max_work: at every budget from 0
// up, the patch with an inverse is refused (work_limit_exceeded, document unchanged) until the
// budget covers that copy too, which takes at least one unit more than the patch alone.
TEST(Inverse, CopyingIntoTheInverseIsChargedToTheWorkBudget) {
    const std::string text = R"({"a":[[1,2],[3,4],{"b":[5]}],"c":0})";
    const std::string patch = R"([{"op":"replace","path":"/a","value":1}])";
    const auto smallest = [&](bool with_inverse) {
        for (std::size_t budget = 0; budget <= 200; ++budget) {
            rapidjson::Document doc = parse_exact(text);
            rapidjson::Document inverse;
            relpatch::limits lim;
            lim.max_work = budget;
            const relpatch::result r = relpatch::apply_patch<relpatch::rfc6902_policy>(
                doc, patch, lim, nullptr, with_inverse ? &inverse : nullptr);
            if (r) return budget;
            EXPECT_EQ(r.code(), errc::work_limit_exceeded) << budget;
            EXPECT_EQ(serialize(doc), serialize(parse_exact(text))) << budget;
        }
        return std::size_t{201};
    };
    const std::size_t plain = smallest(false);
    const std::size_t inverted = smallest(true);
    ASSERT_LE(inverted, std::size_t{200});
    // Measuring [[1,2],[3,4],{"b":[5]}] visits 9 values.
    EXPECT_GE(inverted, plain + 9);
}

// Random documents and random patches that apply (fixed seed): the property holds for all.
class generator {
public:
    explicit generator(std::uint32_t seed) : rng_(seed) {}

    std::string value(int depth) {
        const int kind = pick(depth > 0 ? 7 : 5);
        switch (kind) {
        case 0: return "null";
        case 1: return pick(2) ? "true" : "false";
        case 2:
            return std::to_string(static_cast<int>(pick(200)) - 100) + (pick(3) == 0 ? ".5" : "");
        case 3: return "\"" + name() + "\"";
        case 4: return pick(2) ? "1.0" : "-0.0";
        case 5: {
            std::string s = "[";
            for (unsigned i = 0, n = pick(4); i < n; ++i) s += (i ? "," : "") + value(depth - 1);
            return s + "]";
        }
        default: {
            // Distinct names: RFC 6902 cannot recreate a duplicate name (an add replaces the
            // first member of that name), so no inverse can restore one.
            std::string s = "{";
            std::vector<std::string> used;
            for (unsigned i = 0, n = pick(4); i < n; ++i) {
                const std::string k = name();
                if (std::find(used.begin(), used.end(), k) != used.end()) continue;
                used.push_back(k);
                s += std::string(used.size() > 1 ? "," : "") + "\"" + k + "\":" + value(depth - 1);
            }
            return s + "}";
        }
        }
    }

    // Pointers to every location of `v` (the root included).
    static void locations(const rapidjson::Value& v, const std::string& at,
                          std::vector<std::string>& out) {
        out.push_back(at);
        if (v.IsArray()) {
            for (rapidjson::SizeType i = 0; i < v.Size(); ++i)
                locations(v[i], at + "/" + std::to_string(i), out);
        } else if (v.IsObject()) {
            for (const auto& m : relpatch::detail::members(v)) {
                std::string token;
                for (const char c : std::string(m.name.GetString(), m.name.GetStringLength()))
                    token += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
                locations(m.value, at + "/" + token, out);
            }
        }
    }

    std::string operation(const rapidjson::Value& doc) {
        std::vector<std::string> at;
        locations(doc, "", at);
        const std::string& p = at[pick(static_cast<unsigned>(at.size()))];
        const std::string& q = at[pick(static_cast<unsigned>(at.size()))];
        const std::string target = pick(3) == 0 ? p + "/" + (pick(2) ? "-" : name()) : p;
        switch (pick(6)) {
        case 0: return R"({"op":"add","path":")" + target + R"(","value":)" + value(2) + "}";
        case 1: return R"({"op":"remove","path":")" + p + R"("})";
        case 2: return R"({"op":"replace","path":")" + p + R"(","value":)" + value(2) + "}";
        case 3: return R"({"op":"move","from":")" + q + R"(","path":")" + target + R"("})";
        case 4: return R"({"op":"copy","from":")" + q + R"(","path":")" + target + R"("})";
        default: return R"({"op":"test","path":")" + p + R"(","value":)" + value(1) + "}";
        }
    }

    unsigned pick(unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(rng_); }

private:
    std::string name() {
        static const char* names[] = {"a", "b", "c", "x~y", "s/t", "", "phases"};
        return names[pick(7)];
    }
    std::mt19937 rng_;
};

TEST(Inverse, PropertyHoldsForRandomPatches) {
    generator gen(20261129);
    int applied = 0;
    for (int round = 0; round < 3000; ++round) {
        const std::string doc_text = gen.value(4);
        rapidjson::Document doc = parse_exact(doc_text);
        // Build a patch op by op, keeping only operations that apply, so patches are long.
        std::string patch = "[";
        rapidjson::Document scratch = parse_exact(doc_text);
        for (unsigned i = 0, n = 1 + gen.pick(6); i < n; ++i) {
            const std::string op = gen.operation(scratch);
            if (relpatch::apply_patch<relpatch::rfc6902_policy>(scratch, "[" + op + "]"))
                patch += std::string(patch.size() > 1 ? "," : "") + op;
        }
        patch += "]";
        const std::string before = serialize(doc);
        rapidjson::Document inverse;
        const relpatch::result r = relpatch::apply_patch<relpatch::rfc6902_policy>(
            doc, patch, relpatch::limits(), nullptr, &inverse);
        ASSERT_TRUE(r) << r.message() << "\n" << doc_text << "\n" << patch;
        ++applied;
        const relpatch::result back =
            relpatch::apply_patch<relpatch::rfc6902_policy>(doc, serialize(inverse));
        ASSERT_TRUE(back) << back.message() << "\n"
                          << doc_text << "\n"
                          << patch << "\n"
                          << serialize(inverse);
        ASSERT_TRUE(rfc_equal(doc, parse_exact(before))) << doc_text << "\n"
                                                         << patch << "\n"
                                                         << serialize(inverse) << "\n"
                                                         << serialize(doc);
        // Without removed or moved members (which come back last), byte for byte.
        const std::string inverse_text = serialize(inverse);
        if (inverse_text.find(R"("op":"add")") == std::string::npos &&
            inverse_text.find(R"("op":"move")") == std::string::npos) {
            ASSERT_EQ(serialize(doc), before) << patch << "\n" << serialize(inverse);
        }
    }
    EXPECT_EQ(applied, 3000);
}

}  // namespace
