#include "test_util.hpp"

#include <relpatch/relpatch.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using relpatch::errc;
using relpatch_test::serialize;

template <class Policy = relpatch::release_policy>
relpatch::result patch(rapidjson::Document& doc, const std::string& text) {
    return relpatch::apply_patch<Policy>(doc, text);
}

bool complete(const rapidjson::Document& doc, unsigned i) {
    return doc["phases"][i]["complete"].GetBool();
}

std::string replace(unsigned phase, const char* value) {
    return R"({"op":"replace","path":"/phases/)" + std::to_string(phase) +
           R"(/complete","value":)" + value + "}";
}

TEST(ReleasePolicy, ExampleDocumentAndPatches) {
    const std::string dir = RELPATCH_EXAMPLES_DIR;
    rapidjson::Document doc = relpatch_test::parse(relpatch_test::read_file(dir + "/release.json"));
    rapidjson::Document expected;
    expected.CopyFrom(doc, expected.GetAllocator());
    expected["phases"][1]["complete"].SetBool(true);

    const relpatch::result r =
        patch(doc, relpatch_test::read_file(dir + "/complete-phase-2.patch.json"));
    ASSERT_TRUE(r) << r.message();
    EXPECT_TRUE(r.changed());
    EXPECT_EQ(serialize(doc), serialize(expected));  // nothing else moved

    const std::string before = serialize(doc);
    const relpatch::result no =
        patch(doc, relpatch_test::read_file(dir + "/rejected-name.patch.json"));
    EXPECT_EQ(no.code(), errc::path_not_allowed);
    EXPECT_EQ(no.http_status(), 422);
    EXPECT_EQ(serialize(doc), before);
}

TEST(ReleasePolicy, EnvelopeCarriesAComment) {
    const std::string dir = RELPATCH_EXAMPLES_DIR;
    rapidjson::Document doc = relpatch_test::parse(relpatch_test::read_file(dir + "/release.json"));
    std::string comment = "stale";
    const relpatch::result r = relpatch::apply_patch(
        doc, relpatch_test::read_file(dir + "/envelope.patch.json"), {}, &comment);
    ASSERT_TRUE(r) << r.message();
    EXPECT_EQ(comment, "Staging looks good");
    EXPECT_TRUE(complete(doc, 1));

    comment = "stale";
    EXPECT_TRUE(relpatch::apply_patch(doc, "[]", {}, &comment));
    EXPECT_EQ(comment, "");
    EXPECT_TRUE(relpatch::apply_patch(doc, R"({"patch":[]})", {}, &comment));
    EXPECT_EQ(comment, "");

    rapidjson::Document parsed = relpatch_test::parse(R"({"comment":"c","patch":[]})");
    const rapidjson::Value* note = nullptr;
    EXPECT_TRUE(relpatch::apply_patch(doc, parsed, doc.GetAllocator(), {}, &note));
    ASSERT_NE(note, nullptr);
    EXPECT_STREQ(note->GetString(), "c");

    // rfc6902_policy takes bare arrays only.
    EXPECT_EQ(relpatch::apply_patch<relpatch::rfc6902_policy>(doc, R"({"patch":[]})").code(),
              errc::patch_not_array);
}

TEST(ReleasePolicy, SeveralOperationsAndNoOps) {
    rapidjson::Document doc = relpatch_test::parse(relpatch_test::release_example());
    relpatch::result r = patch(doc, "[" + replace(1, "true") + "," + replace(2, "true") + "]");
    ASSERT_TRUE(r) << r.message();
    EXPECT_TRUE(complete(doc, 1) && complete(doc, 2));

    r = patch(doc, "[]");
    EXPECT_TRUE(r);
    EXPECT_FALSE(r.changed());
    r = patch(doc, "[" + replace(2, "true") + "]");
    EXPECT_TRUE(r);
    EXPECT_FALSE(r.changed());  // true -> true: nothing to store
    r = patch(doc, "[" + replace(0, "false") + "]");
    EXPECT_TRUE(r.changed());
    EXPECT_FALSE(complete(doc, 0));
    // Judged by the net effect: set and set back is no change to store.
    r = patch(doc, "[" + replace(0, "true") + "," + replace(0, "false") + "]");
    EXPECT_TRUE(r);
    EXPECT_FALSE(r.changed());
    EXPECT_FALSE(complete(doc, 0));
    r = patch(doc, "[" + replace(0, "false") + "," + replace(0, "true") + "]");
    EXPECT_TRUE(r.changed());
    // A real change to one phase, then a replace that writes another phase's own value: the
    // patch changed the document, whichever order the two come in.
    rapidjson::Document three = relpatch_test::parse(relpatch_test::release_example());
    r = patch(three, "[" + replace(1, "true") + "," + replace(2, "false") + "]");
    ASSERT_TRUE(r) << r.message();
    EXPECT_TRUE(r.changed());
    r = patch(three, "[" + replace(2, "false") + "," + replace(1, "false") + "]");
    ASSERT_TRUE(r) << r.message();
    EXPECT_TRUE(r.changed());
    EXPECT_FALSE(complete(three, 1));
}

TEST(ReleasePolicy, AtomicAcrossOperations) {
    rapidjson::Document doc = relpatch_test::parse(relpatch_test::release_example());
    const std::string before = serialize(doc);
    const relpatch::result r = patch(
        doc, "[" + replace(1, "true") + "," + replace(2, "true") + "," + replace(3, "true") + "]");
    EXPECT_EQ(r.code(), errc::index_out_of_range);
    EXPECT_EQ(r.op_index(), 2u);
    EXPECT_EQ(serialize(doc), before);
}

TEST(ReleasePolicy, EveryRejection) {
    struct rejection {
        const char* patch;
        errc code;
    };
    const rejection rejections[] = {
        // Values other than a JSON boolean.
        {R"([{"op":"replace","path":"/phases/1/complete","value":null}])",
         errc::value_type_not_allowed},
        {R"([{"op":"replace","path":"/phases/1/complete","value":"true"}])",
         errc::value_type_not_allowed},
        {R"([{"op":"replace","path":"/phases/1/complete","value":1}])",
         errc::value_type_not_allowed},
        {R"([{"op":"replace","path":"/phases/1/complete","value":{}}])",
         errc::value_type_not_allowed},
        {R"([{"op":"replace","path":"/phases/1/complete"}])", errc::missing_member},
        // Every other op, even on the allowed path.
        {R"([{"op":"add","path":"/phases/1/complete","value":true}])", errc::op_not_allowed},
        {R"([{"op":"remove","path":"/phases/1/complete"}])", errc::op_not_allowed},
        {R"([{"op":"test","path":"/phases/1/complete","value":false}])", errc::op_not_allowed},
        {R"([{"op":"move","from":"/phases/0/complete","path":"/phases/1/complete"}])",
         errc::op_not_allowed},
        {R"([{"op":"copy","from":"/phases/0/complete","path":"/phases/1/complete"}])",
         errc::op_not_allowed},
        // Other paths.
        {R"([{"op":"replace","path":"/phase/1/complete","value":true}])", errc::path_not_allowed},
        {R"([{"op":"replace","path":"/name","value":"x"}])", errc::path_not_allowed},
        {R"([{"op":"replace","path":"/stages/1/complete","value":true}])", errc::path_not_allowed},
        {R"([{"op":"replace","path":"","value":{}}])", errc::path_not_allowed},
        {R"([{"op":"replace","path":"/phases/1","value":true}])", errc::path_not_allowed},
        {R"([{"op":"replace","path":"/phases/1/_name","value":true}])", errc::path_not_allowed},
        {R"([{"op":"replace","path":"/phases/1/complete/x","value":true}])",
         errc::path_not_allowed},
        {R"([{"op":"replace","path":"/phases/1/Complete","value":true}])", errc::path_not_allowed},
        {R"([{"op":"replace","path":"/phases/1/complete~1","value":true}])",
         errc::path_not_allowed},
        {R"([{"op":"replace","path":"phases/1/complete","value":true}])", errc::invalid_pointer},
        // Index syntax and range.
        {R"([{"op":"replace","path":"/phases/01/complete","value":true}])", errc::invalid_index},
        {R"([{"op":"replace","path":"/phases/-1/complete","value":true}])", errc::invalid_index},
        {R"([{"op":"replace","path":"/phases/x/complete","value":true}])", errc::invalid_index},
        {R"([{"op":"replace","path":"/phases/-/complete","value":true}])",
         errc::index_out_of_range},
        {R"([{"op":"replace","path":"/phases/3/complete","value":true}])",
         errc::index_out_of_range},
        {R"([{"op":"replace","path":"/phases/99999999999999999999/complete","value":true}])",
         errc::index_out_of_range},
        // Shapes of patch.
        {R"({"op":"replace","path":"/phases/1/complete","value":true})", errc::missing_member},
        {R"([[]])", errc::operation_not_object},
    };
    for (const rejection& r : rejections) {
        rapidjson::Document doc = relpatch_test::parse(relpatch_test::release_example());
        const std::string before = serialize(doc);
        const relpatch::result res = patch(doc, r.patch);
        EXPECT_EQ(res.code(), r.code) << r.patch << " -> " << res.message();
        EXPECT_EQ(serialize(doc), before) << r.patch;
    }
}

TEST(ReleasePolicy, TypoSuggestsThePluralPath) {
    rapidjson::Document doc = relpatch_test::parse(relpatch_test::release_example());
    const relpatch::result r =
        patch(doc, R"([{"op":"replace","path":"/phase/1/complete","value":true}])");
    EXPECT_EQ(r.code(), errc::path_not_allowed);
    EXPECT_NE(r.message().find("/phases/N/complete"), std::string::npos) << r.message();
    // The hint itself, not the generic "only /phases/N/complete is allowed", which also names
    // the path.
    const std::string hint = "did you mean /phases/N/complete (\"phases\", plural)?";
    ASSERT_NE(r.detail(), nullptr);
    EXPECT_EQ(std::string(r.detail()), hint);
    EXPECT_EQ(r.message(),
              "operation 0 (path \"/phase/1/complete\"): path not allowed by policy: " + hint);
    // Another wrong first token gets the generic sentence, not the hint.
    const relpatch::result other =
        patch(doc, R"([{"op":"replace","path":"/stages/1/complete","value":true}])");
    EXPECT_EQ(other.code(), errc::path_not_allowed);
    ASSERT_NE(other.detail(), nullptr);
    EXPECT_EQ(std::string(other.detail()), "only /phases/N/complete is allowed");
}

TEST(ReleasePolicy, DocumentShapeIsChecked) {
    struct shape {
        const char* doc;
        errc code;
    };
    const shape shapes[] = {
        {"[]", errc::path_not_found},
        {R"({"name":"no phases"})", errc::path_not_found},
        {R"({"phases":{"1":{"complete":false}}})", errc::path_not_found},
        {R"({"phases":[{"complete":false},7]})", errc::path_not_found},
        {R"({"phases":[{"complete":false},{"started":true}]})", errc::path_not_found},
        {R"({"phases":[{"complete":false},{"complete":"no"}]})", errc::target_type_not_allowed},
        {R"({"phases":[{"complete":false},{"complete":0}]})", errc::target_type_not_allowed},
    };
    for (const shape& s : shapes) {
        rapidjson::Document doc = relpatch_test::parse(s.doc);
        const std::string before = serialize(doc);
        const relpatch::result r = patch(doc, "[" + replace(1, "true") + "]");
        EXPECT_EQ(r.code(), s.code) << s.doc << " -> " << r.message();
        EXPECT_EQ(serialize(doc), before);
    }
}

TEST(ReleasePolicy, HundredsOfPhases) {
    std::string text = R"({"phases":[)";
    for (int i = 0; i < 500; ++i) {
        if (i != 0) text += ",";
        text += R"({"_id":")" + std::to_string(i) + R"(","complete":false,"configuration":{}})";
    }
    text += "]}";
    rapidjson::Document doc = relpatch_test::parse(text);
    ASSERT_TRUE(patch(doc, "[" + replace(499, "true") + "," + replace(250, "true") + "]"));
    EXPECT_TRUE(complete(doc, 499));
    EXPECT_TRUE(complete(doc, 250));
    EXPECT_FALSE(complete(doc, 498));
    EXPECT_EQ(patch(doc, "[" + replace(500, "true") + "]").code(), errc::index_out_of_range);
}

TEST(ReleasePolicy, Utf16Document) {
    using Doc16 = rapidjson::GenericDocument<rapidjson::UTF16<char16_t>>;
    Doc16 doc;
    doc.Parse(
        u"{\"name\":\"\u00e9t\u00e9 "
        u"\U0001F600\",\"phases\":[{\"complete\":true},{\"complete\":false}]}");
    ASSERT_FALSE(doc.HasParseError());
    const relpatch::result r = relpatch::apply_patch(
        doc, u"[{\"op\":\"replace\",\"path\":\"/phases/1/complete\",\"value\":true}]");
    ASSERT_TRUE(r) << r.message();
    EXPECT_TRUE(doc[u"phases"][1][u"complete"].GetBool());

    const std::u16string before = serialize(doc);
    const relpatch::result no = relpatch::apply_patch(
        doc, u"[{\"op\":\"replace\",\"path\":\"/na\u00efve/\U0001F600/\u20ac\",\"value\":true}]");
    EXPECT_EQ(no.code(), errc::path_not_allowed);
    EXPECT_EQ(no.path(), "/na\xC3\xAFve/\xF0\x9F\x98\x80/\xE2\x82\xAC");  // reported as UTF-8
    EXPECT_EQ(serialize(doc), before);
}

TEST(OrderedReleasePolicy, PhasesCompleteInOrder) {
    using ordered = relpatch::ordered_release_policy;
    rapidjson::Document doc = relpatch_test::parse(relpatch_test::release_example());
    // Phase 2 (index 2) while phase index 1 is incomplete.
    relpatch::result r = patch<ordered>(doc, "[" + replace(2, "true") + "]");
    EXPECT_EQ(r.code(), errc::phase_order_violation);
    EXPECT_EQ(r.op_index(), 0u);
    EXPECT_EQ(r.http_status(), 409);
    // Both in one patch, in either order: every earlier phase becomes complete.
    r = patch<ordered>(doc, "[" + replace(2, "true") + "," + replace(1, "true") + "]");
    ASSERT_TRUE(r) << r.message();
    // Uncompleting phase 0 while 1 and 2 stay complete.
    r = patch<ordered>(doc, "[" + replace(0, "false") + "]");
    EXPECT_EQ(r.code(), errc::phase_order_violation);
    EXPECT_TRUE(complete(doc, 0));
    // Uncompleting the last, then the rest together.
    EXPECT_TRUE(patch<ordered>(doc, "[" + replace(2, "false") + "]"));
    EXPECT_TRUE(patch<ordered>(doc, "[" + replace(0, "false") + "," + replace(1, "false") + "]"));
    EXPECT_FALSE(complete(doc, 0) || complete(doc, 1) || complete(doc, 2));
    // A later op that undoes an earlier one: the final state decides.
    r = patch<ordered>(
        doc, "[" + replace(0, "true") + "," + replace(1, "true") + "," + replace(0, "false") + "]");
    EXPECT_EQ(r.code(), errc::phase_order_violation);
    EXPECT_EQ(r.op_index(), 1u);
    // A phase that is not an object counts as incomplete.
    rapidjson::Document odd = relpatch_test::parse(R"({"phases":[7,{"complete":false}]})");
    EXPECT_EQ(patch<ordered>(odd, "[" + replace(1, "true") + "]").code(),
              errc::phase_order_violation);
    rapidjson::Document unset =
        relpatch_test::parse(R"({"phases":[{"started":true},{"complete":false}]})");
    EXPECT_EQ(patch<ordered>(unset, "[" + replace(1, "true") + "]").code(),
              errc::phase_order_violation);
    // The ordinary release rules still apply first.
    EXPECT_EQ(patch<ordered>(doc, R"([{"op":"replace","path":"/name","value":1}])").code(),
              errc::path_not_allowed);
}

}  // namespace

namespace {

TEST(ReleasePolicy, InvalidUtf8InAParsedPatchIsReportedReadably) {
    rapidjson::Document doc = relpatch_test::parse(relpatch_test::release_example());
    rapidjson::Document patch = relpatch_test::parse(R"([{"op":"replace","value":true}])");
    patch[0].AddMember("path", rapidjson::Value("/\xFF/complete", patch.GetAllocator()),
                       patch.GetAllocator());
    const relpatch::result r = relpatch::apply_patch(doc, patch, doc.GetAllocator());
    EXPECT_EQ(r.code(), relpatch::errc::path_not_allowed);
    EXPECT_EQ(r.path(), "/\xEF\xBF\xBD/complete");  // U+FFFD in place of the invalid byte
}

}  // namespace
