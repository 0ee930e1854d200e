// The pass over patch text before RapidJSON parses it: encoding, raw NULs, lone surrogates and
// nesting depth, each refused with its own code and the document left alone.

#include "test_util.hpp"

#include <relpatch/relpatch.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using relpatch::errc;

errc apply_text(const std::string& text, relpatch::limits lim = {}) {
    rapidjson::Document doc = relpatch_test::parse(R"({"a":"x","phases":[{"complete":false}]})");
    const std::string before = relpatch_test::serialize(doc);
    const relpatch::result r = relpatch::apply_patch<relpatch::rfc6902_policy>(doc, text, lim);
    if (!r) {
        EXPECT_EQ(relpatch_test::serialize(doc), before) << text;
    }
    return r.code();
}

std::string add_string(const std::string& json_string_body) {
    return R"([{"op":"add","path":"/b","value":")" + json_string_body + R"("},{"op":"test","path":"/a","value":"no"}])";
}

TEST(PatchText, InvalidUtf8IsRefused) {
    EXPECT_EQ(apply_text(add_string("\xC3\xA9")), errc::test_failed);  // valid, reaches the test
    EXPECT_EQ(apply_text(add_string("\xF0")), errc::invalid_encoding);          // truncated
    EXPECT_EQ(apply_text("[\"\xF0"), errc::invalid_encoding);                   // truncated at end
    EXPECT_EQ(apply_text(add_string("\xC0\xAF")), errc::invalid_encoding);      // overlong
    EXPECT_EQ(apply_text(add_string("\xED\xA0\x80")), errc::invalid_encoding);  // surrogate
    EXPECT_EQ(apply_text(add_string("\xF4\x90\x80\x80")), errc::invalid_encoding);  // > U+10FFFF
    EXPECT_EQ(apply_text(add_string("\x80")), errc::invalid_encoding);          // lone continuation
    EXPECT_EQ(apply_text(add_string("\xE2\x82")), errc::invalid_encoding);
    EXPECT_EQ(apply_text("[]\xFF"), errc::invalid_encoding);
}

TEST(PatchText, LoneLowSurrogateEscapeIsRefused) {
    EXPECT_EQ(apply_text(add_string("\\uDC00")), errc::invalid_encoding);
    EXPECT_EQ(apply_text(add_string("a\\\\uDC00")), errc::test_failed);  // an escaped backslash
    EXPECT_EQ(apply_text(add_string("\\uD83D\\uDE00")), errc::test_failed);  // a valid pair
    EXPECT_EQ(apply_text(add_string("\\uD83Dx")), errc::invalid_json);  // RapidJSON refuses it
    EXPECT_EQ(apply_text(add_string("\\u12G4")), errc::invalid_json);
    EXPECT_EQ(apply_text(add_string("\\uD83D\\u12G4")), errc::invalid_json);
}

TEST(PatchText, RawNulIsInvalidJson) {
    EXPECT_EQ(apply_text(std::string("[]\0[]", 5)), errc::invalid_json);
    EXPECT_EQ(apply_text(std::string("[\0]", 3)), errc::invalid_json);
}

TEST(PatchText, SyntaxErrorsAreInvalidJson) {
    EXPECT_EQ(apply_text(""), errc::invalid_json);
    EXPECT_EQ(apply_text("["), errc::invalid_json);
    EXPECT_EQ(apply_text("[] []"), errc::invalid_json);
    EXPECT_EQ(apply_text("[1,]"), errc::invalid_json);
    EXPECT_EQ(apply_text("[NaN]"), errc::invalid_json);
    EXPECT_EQ(apply_text("[1e400]"), errc::invalid_json);
    EXPECT_EQ(apply_text("/* c */ []"), errc::invalid_json);
    EXPECT_EQ(apply_text(" [ ] "), errc::success);
}

TEST(PatchText, DeepNestingIsRefusedBeforeParsing) {
    std::string deep(100000, '[');
    EXPECT_EQ(apply_text(deep), errc::nesting_too_deep);
    relpatch::limits lim;
    lim.max_depth = 4;
    EXPECT_EQ(apply_text(R"([{"op":"add","path":"/b","value":[[]]}])", lim), errc::success);
    EXPECT_EQ(apply_text(R"([{"op":"add","path":"/b","value":[[[]]]}])", lim),
              errc::nesting_too_deep);
    // Brackets inside strings do not count.
    EXPECT_EQ(apply_text(R"([{"op":"add","path":"/b","value":"[[[[[[\"[[["}])", lim),
              errc::success);
    // Deep but within a raised limit: parsed iteratively, no stack overflow.
    lim.max_depth = 200000;
    std::string ok = R"([{"op":"test","path":"/a","value":)" + std::string(50000, '[') +
                     std::string(50000, ']') + "}]";
    EXPECT_EQ(apply_text(ok, lim), errc::test_failed);
}

TEST(PatchText, Utf16PatchText) {
    using Doc16 = rapidjson::GenericDocument<rapidjson::UTF16<char16_t>>;
    Doc16 doc;
    doc.Parse(u"{\"phases\":[{\"complete\":false}]}");
    ASSERT_FALSE(doc.HasParseError());
    const std::u16string before = relpatch_test::serialize(doc);
    // An unpaired surrogate code unit in the text itself.
    std::u16string bad = u"[{\"op\":\"replace\",\"path\":\"/phases/0/complete\",\"value\":true}] ";
    bad.back() = static_cast<char16_t>(0xD800);
    EXPECT_EQ(relpatch::apply_patch(doc, bad).code(), errc::invalid_encoding);
    // An escaped lone low surrogate would reach a RapidJSON assert in UTF16::Encode.
    EXPECT_EQ(relpatch::apply_patch<relpatch::rfc6902_policy>(
                  doc, u"[{\"op\":\"add\",\"path\":\"/x\",\"value\":\"\\uDC00\"}]")
                  .code(),
              errc::invalid_encoding);
    EXPECT_EQ(relpatch_test::serialize(doc), before);
}

}  // namespace
