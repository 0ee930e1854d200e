// The public JSON Patch conformance suite (json-patch-tests), every non-disabled case, under
// rfc6902_policy, through both entry points. RapidJSON's own operator== is the oracle for
// expected documents, so relpatch's comparator is not checking itself.

#include "test_util.hpp"

#include <relpatch/relpatch.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using relpatch_test::parse;
using relpatch_test::read_file;
using relpatch_test::serialize;

struct counts {
    int run = 0;
    int errors_expected = 0;
};

counts run_suite(const std::string& file) {
    const rapidjson::Document suite =
        parse(read_file(std::string(RELPATCH_TEST_DATA_DIR) + "/json-patch-tests/" + file));
    counts c;
    for (const auto& t : suite.GetArray()) {
        if (!t.HasMember("doc") || !t.HasMember("patch")) continue;  // comment-only record
        if (t.HasMember("disabled") && t["disabled"].IsTrue()) continue;
        const std::string comment = t.HasMember("comment") ? t["comment"].GetString() : "";
        SCOPED_TRACE(file + ": " + comment + " patch=" + serialize(t["patch"]));
        const bool expect_error = t.HasMember("error");
        ++c.run;
        if (expect_error) ++c.errors_expected;

        // Already parsed patch.
        {
            rapidjson::Document doc;
            doc.CopyFrom(t["doc"], doc.GetAllocator());
            const std::string before = serialize(doc);
            const relpatch::result r = relpatch::apply_patch<relpatch::rfc6902_policy>(
                doc, t["patch"], doc.GetAllocator());
            if (expect_error) {
                EXPECT_FALSE(r) << "expected error: " << t["error"].GetString();
                EXPECT_EQ(serialize(doc), before);
            } else {
                EXPECT_TRUE(r) << r.message();
                if (t.HasMember("expected")) {
                    EXPECT_TRUE(doc == t["expected"]) << serialize(doc);
                }
            }
        }
        // Patch text.
        {
            rapidjson::Document doc;
            doc.CopyFrom(t["doc"], doc.GetAllocator());
            const std::string before = serialize(doc);
            const std::string text = serialize(t["patch"]);
            const relpatch::result r = relpatch::apply_patch<relpatch::rfc6902_policy>(doc, text);
            if (expect_error) {
                EXPECT_FALSE(r);
                EXPECT_EQ(serialize(doc), before);
            } else {
                EXPECT_TRUE(r) << r.message();
                if (t.HasMember("expected")) {
                    EXPECT_TRUE(doc == t["expected"]) << serialize(doc);
                }
            }
        }
    }
    return c;
}

TEST(Conformance, TestsJson) {
    const counts c = run_suite("tests.json");
    EXPECT_GT(c.run, 60);
    EXPECT_GT(c.errors_expected, 10);
}

TEST(Conformance, SpecTestsJson) {
    const counts c = run_suite("spec_tests.json");
    EXPECT_GT(c.run, 10);
    EXPECT_GT(c.errors_expected, 3);
}

}  // namespace
