// Every errc, provoked through apply_patch, with the document's serialization compared before
// and after: a refused patch never leaves a trace. The last test checks that this table covers
// the whole enum.

#include "test_util.hpp"

#include <relpatch/relpatch.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace {

using relpatch::errc;

enum class pol { rfc6902, release, ordered };

struct row {
    errc expected;
    pol policy;
    std::string patch;
    relpatch::limits lim = {};
    std::string doc = relpatch_test::release_example();
};

relpatch::limits with(std::size_t relpatch::limits::*field, std::size_t value) {
    relpatch::limits l;
    l.*field = value;
    return l;
}

std::vector<row> rows() {
    return {
        {errc::invalid_json, pol::release, "[{\"op\":"},
        {errc::invalid_encoding, pol::release, "[\"\xF0"},
        {errc::patch_not_array, pol::rfc6902, R"({"op":"remove","path":"/name"})"},
        {errc::patch_not_array, pol::release, R"("replace")"},
        {errc::patch_not_array, pol::release, R"({"patch":{"op":"replace"}})"},
        {errc::operation_not_object, pol::rfc6902, R"([["remove","/name"]])"},
        {errc::missing_member, pol::rfc6902, R"([{"path":"/name"}])"},
        {errc::missing_member, pol::rfc6902, R"([{"op":"remove"}])"},
        {errc::missing_member, pol::rfc6902, R"([{"op":"add","path":"/x"}])"},
        {errc::missing_member, pol::rfc6902, R"([{"op":"copy","path":"/x"}])"},
        {errc::missing_member, pol::release, R"({"comment":"no patch"})"},
        {errc::duplicate_member, pol::rfc6902,
         R"([{"op":"test","op":"remove","path":"/name","value":"r"}])"},
        {errc::duplicate_member, pol::release,
         R"({"patch":[],"patch":[{"op":"replace","path":"/phases/1/complete","value":true}]})"},
        {errc::invalid_member_type, pol::rfc6902, R"([{"op":1,"path":"/name"}])"},
        {errc::invalid_member_type, pol::rfc6902, R"([{"op":"remove","path":null}])"},
        {errc::invalid_member_type, pol::release, R"({"comment":7,"patch":[]})"},
        {errc::unknown_op, pol::rfc6902, R"([{"op":"merge","path":"/name","value":1}])"},
        {errc::unknown_op, pol::rfc6902, R"([{"op":"Replace","path":"/name","value":1}])"},
        {errc::invalid_pointer, pol::rfc6902, R"([{"op":"remove","path":"name"}])"},
        {errc::invalid_pointer, pol::release,
         R"([{"op":"replace","path":"/phases/0/complete~2","value":true}])"},
        {errc::invalid_pointer, pol::rfc6902, R"([{"op":"move","from":"#/name","path":"/x"}])"},
        {errc::too_many_operations, pol::release,
         R"([{"op":"replace","path":"/phases/1/complete","value":true},
             {"op":"replace","path":"/phases/2/complete","value":true}])",
         with(&relpatch::limits::max_operations, 1)},
        {errc::pointer_too_long, pol::release,
         R"([{"op":"replace","path":"/phases/1/complete","value":true}])",
         with(&relpatch::limits::max_pointer_length, 8)},
        {errc::nesting_too_deep, pol::rfc6902, R"([{"op":"add","path":"/x","value":[[[1]]]}])",
         with(&relpatch::limits::max_depth, 4)},
        {errc::growth_limit_exceeded, pol::rfc6902,
         R"([{"op":"add","path":"/x","value":"0123456789012345678901234567890123456789"}])",
         with(&relpatch::limits::max_added_bytes, 32)},
        {errc::growth_limit_exceeded, pol::rfc6902,
         R"([{"op":"copy","from":"/phases","path":"/p1"},{"op":"copy","from":"/phases","path":"/p2"}])",
         with(&relpatch::limits::max_added_bytes, 600)},
        {errc::path_not_found, pol::rfc6902, R"([{"op":"remove","path":"/nope"}])"},
        {errc::path_not_found,
         pol::release,
         R"([{"op":"replace","path":"/phases/0/complete","value":true}])",
         {},
         R"({"phases":[{"started":true}]})"},
        {errc::not_a_container, pol::rfc6902, R"([{"op":"add","path":"/name/x","value":1}])"},
        {errc::invalid_index, pol::rfc6902, R"([{"op":"remove","path":"/phases/01"}])"},
        {errc::invalid_index, pol::release,
         R"([{"op":"replace","path":"/phases/01/complete","value":true}])"},
        {errc::index_out_of_range, pol::rfc6902, R"([{"op":"remove","path":"/phases/3"}])"},
        {errc::index_out_of_range, pol::release,
         R"([{"op":"replace","path":"/phases/99999999999999999999/complete","value":true}])"},
        {errc::cannot_remove_root, pol::rfc6902, R"([{"op":"remove","path":""}])"},
        {errc::move_into_own_child, pol::rfc6902,
         R"([{"op":"move","from":"/phases","path":"/phases/0/x"}])"},
        {errc::test_failed, pol::rfc6902, R"([{"op":"test","path":"/name","value":"other"}])"},
        {errc::op_not_allowed, pol::release,
         R"([{"op":"add","path":"/phases/0/complete","value":true}])"},
        {errc::path_not_allowed, pol::release, R"([{"op":"replace","path":"/name","value":"x"}])"},
        {errc::value_type_not_allowed, pol::release,
         R"([{"op":"replace","path":"/phases/1/complete","value":"true"}])"},
        {errc::target_type_not_allowed,
         pol::release,
         R"([{"op":"replace","path":"/phases/0/complete","value":true}])",
         {},
         R"({"phases":[{"complete":null}]})"},
        {errc::phase_order_violation, pol::ordered,
         R"([{"op":"replace","path":"/phases/2/complete","value":true}])"},
    };
}

relpatch::result apply(pol p, rapidjson::Document& doc, const std::string& text,
                       const relpatch::limits& lim) {
    switch (p) {
    case pol::rfc6902: return relpatch::apply_patch<relpatch::rfc6902_policy>(doc, text, lim);
    case pol::release: return relpatch::apply_patch<relpatch::release_policy>(doc, text, lim);
    case pol::ordered:
        return relpatch::apply_patch<relpatch::ordered_release_policy>(doc, text, lim);
    }
    return relpatch::result(errc::success);
}

relpatch::result apply_dom(pol p, rapidjson::Document& doc, const rapidjson::Value& patch,
                           const relpatch::limits& lim) {
    auto& a = doc.GetAllocator();
    switch (p) {
    case pol::rfc6902: return relpatch::apply_patch<relpatch::rfc6902_policy>(doc, patch, a, lim);
    case pol::release: return relpatch::apply_patch<relpatch::release_policy>(doc, patch, a, lim);
    case pol::ordered:
        return relpatch::apply_patch<relpatch::ordered_release_policy>(doc, patch, a, lim);
    }
    return relpatch::result(errc::success);
}

TEST(EveryError, RefusedWithItsCodeAndDocumentUnchanged) {
    for (const row& r : rows()) {
        SCOPED_TRACE(std::string(relpatch::errc_name(r.expected)) + ": " + r.patch);
        rapidjson::Document doc = relpatch_test::parse(r.doc);
        const std::string before = relpatch_test::serialize(doc);
        const relpatch::result res = apply(r.policy, doc, r.patch, r.lim);
        EXPECT_FALSE(res);
        EXPECT_EQ(res.code(), r.expected) << res.message();
        EXPECT_FALSE(res.changed());
        EXPECT_FALSE(res.message().empty());
        EXPECT_EQ(relpatch_test::serialize(doc), before);

        // The same through the parsed-patch entry point, where the text parses.
        rapidjson::Document patch;
        patch.Parse(r.patch.data(), r.patch.size());
        if (patch.HasParseError() || r.expected == errc::invalid_encoding) continue;
        const relpatch::result res2 = apply_dom(r.policy, doc, patch, r.lim);
        EXPECT_EQ(res2.code(), r.expected) << res2.message();
        EXPECT_EQ(relpatch_test::serialize(doc), before);
    }
}

TEST(EveryError, TableCoversEveryErrc) {
    std::set<int> seen;
    for (const row& r : rows()) seen.insert(static_cast<int>(r.expected));
    for (int i = static_cast<int>(errc::invalid_json);
         i <= static_cast<int>(errc::phase_order_violation); ++i)
        EXPECT_EQ(seen.count(i), 1u) << relpatch::errc_name(static_cast<errc>(i));
}

TEST(EveryError, OperationIndexAndPathAreReported) {
    rapidjson::Document doc = relpatch_test::parse(relpatch_test::release_example());
    const relpatch::result r = relpatch::apply_patch(doc, R"([
        {"op":"replace","path":"/phases/1/complete","value":true},
        {"op":"replace","path":"/phase/2/complete","value":true}])");
    EXPECT_EQ(r.code(), errc::path_not_allowed);
    EXPECT_EQ(r.op_index(), 1u);
    EXPECT_EQ(r.path(), "/phase/2/complete");
    EXPECT_NE(r.message().find("operation 1"), std::string::npos);
    EXPECT_NE(r.message().find("/phase/2/complete"), std::string::npos);
    EXPECT_NE(r.message().find("/phases/N/complete"), std::string::npos);

    const relpatch::result m = relpatch::apply_patch<relpatch::rfc6902_policy>(
        doc, R"([{"op":"move","from":"/nope","path":"/x"}])");
    EXPECT_EQ(m.code(), errc::path_not_found);
    EXPECT_TRUE(m.path_is_from());
    EXPECT_EQ(m.path(), "/nope");

    const relpatch::result j = relpatch::apply_patch(doc, "[1,");
    EXPECT_FALSE(j.has_op_index());
    EXPECT_NE(j.message().find("not valid JSON"), std::string::npos);
}

}  // namespace

namespace {

TEST(EveryError, InvalidPointerIsReportedWithItsOwnText) {
    rapidjson::Document doc = relpatch_test::parse(relpatch_test::release_example());
    relpatch::result r = relpatch::apply_patch<relpatch::rfc6902_policy>(doc, R"([
        {"op":"test","path":"/name","value":"r"},
        {"op":"copy","from":"/name","path":"no-slash"}])");
    EXPECT_EQ(r.code(), relpatch::errc::invalid_pointer);
    EXPECT_EQ(r.op_index(), 1u);
    EXPECT_EQ(r.path(), "no-slash");
    EXPECT_FALSE(r.path_is_from());
    r = relpatch::apply_patch<relpatch::rfc6902_policy>(
        doc, R"([{"op":"move","from":"/a~2","path":"/b"}])");
    EXPECT_EQ(r.code(), relpatch::errc::invalid_pointer);
    EXPECT_EQ(r.path(), "/a~2");
    EXPECT_TRUE(r.path_is_from());
    r = relpatch::apply_patch<relpatch::rfc6902_policy>(doc, R"([{"op":"add","path":"/x"}])");
    EXPECT_EQ(r.code(), relpatch::errc::missing_member);
    EXPECT_EQ(r.path(), "/x");
    r = relpatch::apply_patch<relpatch::rfc6902_policy>(doc, R"([{"op":"add","value":1}])");
    EXPECT_EQ(r.code(), relpatch::errc::missing_member);
    EXPECT_TRUE(r.path().empty());
}

}  // namespace
