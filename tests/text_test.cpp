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
    EXPECT_EQ(apply_text(add_string("\\u00e9\\u00C9\\uFfFf")), errc::test_failed);  // hex of any case
    EXPECT_EQ(apply_text(add_string("\\uD83D\\uE000")), errc::invalid_json);  // high, then not a low
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
    lim.max_depth = relpatch::hard_max_depth;
    const std::size_t inner = relpatch::hard_max_depth - 2;
    std::string ok = R"([{"op":"test","path":"/a","value":)" + std::string(inner, '[') +
                     std::string(inner, ']') + "}]";
    EXPECT_EQ(apply_text(ok, lim), errc::test_failed);
    // No limit is taken above hard_max_depth, whatever the caller asks for.
    lim.max_depth = static_cast<std::size_t>(-1);
    std::string deeper = R"([{"op":"test","path":"/a","value":)" + std::string(200000, '[') +
                         std::string(200000, ']') + "}]";
    EXPECT_EQ(apply_text(deeper, lim), errc::nesting_too_deep);
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

namespace {

using relpatch::detail::scan_json_text;
using relpatch::detail::text_encoding;

template <text_encoding E, class Ch>
errc scan(std::initializer_list<Ch> units, std::size_t depth = 64) {
    const std::basic_string<Ch> s(units);
    return scan_json_text<E>(s.data(), s.size(), depth);
}

TEST(PatchText, Utf8SequencesOneByOne) {
    using C = char;
    auto u8 = [](std::initializer_list<unsigned> bytes) {
        std::string s = "[\"";
        for (unsigned b : bytes) s += static_cast<C>(b);
        s += "\"]";
        return scan_json_text<text_encoding::utf8>(s.data(), s.size(), 64);
    };
    EXPECT_EQ(u8({0xC3, 0xA9}), errc::success);              // é
    EXPECT_EQ(u8({0xE2, 0x82, 0xAC}), errc::success);        // €
    EXPECT_EQ(u8({0xF0, 0x9F, 0x98, 0x80}), errc::success);  // U+1F600
    EXPECT_EQ(u8({0xF4, 0x8F, 0xBF, 0xBF}), errc::success);  // U+10FFFF
    EXPECT_EQ(u8({0xC1, 0xBF}), errc::invalid_encoding);     // overlong 2-byte lead
    EXPECT_EQ(u8({0xE0, 0x80, 0x80}), errc::invalid_encoding);        // overlong 3-byte
    EXPECT_EQ(u8({0xF0, 0x80, 0x80, 0x80}), errc::invalid_encoding);  // overlong 4-byte
    EXPECT_EQ(u8({0xF5, 0x80, 0x80, 0x80}), errc::invalid_encoding);  // lead past F4
    EXPECT_EQ(u8({0xE2, 0x28, 0xA1}), errc::invalid_encoding);        // bad 2nd byte
    EXPECT_EQ(u8({0xE2, 0x82, 0x28}), errc::invalid_encoding);        // bad 3rd byte
    EXPECT_EQ(u8({0xF0, 0x9F, 0x98, 0x28}), errc::invalid_encoding);  // bad 4th byte
    EXPECT_EQ(u8({0xFF}), errc::invalid_encoding);
}

TEST(PatchText, Utf16AndUtf32AndAscii) {
    constexpr text_encoding ascii = text_encoding::ascii;
    constexpr text_encoding utf16 = text_encoding::utf16;
    constexpr text_encoding utf32 = text_encoding::utf32;
    EXPECT_EQ((scan<utf16, char16_t>({u'[', 0xD83D, 0xDE00, u']'})), errc::success);
    EXPECT_EQ((scan<utf16, char16_t>({u'[', 0xD83D})), errc::invalid_encoding);          // at the end
    EXPECT_EQ((scan<utf16, char16_t>({u'[', 0xD83D, u'x', u']'})), errc::invalid_encoding);
    EXPECT_EQ((scan<utf16, char16_t>({u'[', 0xDE00, u']'})), errc::invalid_encoding);
    EXPECT_EQ((scan<utf16, char32_t>({U'[', 0x12345, U']'})), errc::invalid_encoding);  // > 16 bits
    EXPECT_EQ((scan<utf32, char32_t>({U'[', 0x1F600, U']'})), errc::success);
    EXPECT_EQ((scan<utf32, char32_t>({U'[', 0x110000, U']'})), errc::invalid_encoding);
    EXPECT_EQ((scan<utf32, char32_t>({U'[', 0xD800, U']'})), errc::invalid_encoding);
    EXPECT_EQ((scan<ascii, char>({'[', ']'})), errc::success);
    EXPECT_EQ((scan<ascii, char>({'[', static_cast<char>(0xC3), static_cast<char>(0xA9), ']'})),
              errc::invalid_encoding);
    EXPECT_EQ((scan<utf32, char32_t>({U'[', U'[', U'[', U']', U']', U']'}, 2)),
              errc::nesting_too_deep);
}

TEST(PatchText, ReportedPathsAreUtf8WhateverTheEncoding) {
    using relpatch::detail::to_utf8;
    char out[16];
    bool truncated = false;
    const char32_t wide[] = {U'/', 0x1F600, U'/', 0xD800};
    std::size_t n = to_utf8<text_encoding::utf32>(wide, 4, out, sizeof out, truncated);
    EXPECT_EQ(std::string(out, n), "/\xF0\x9F\x98\x80/\xEF\xBF\xBD");
    EXPECT_FALSE(truncated);
    const char16_t pair[] = {u'/', 0xD83D, 0xDE00, u'x'};
    n = to_utf8<text_encoding::utf16>(pair, 4, out, 5, truncated);
    EXPECT_EQ(std::string(out, n), "/\xF0\x9F\x98\x80");
    EXPECT_TRUE(truncated);
}

TEST(PatchText, EscapesInsideStrings) {
    // An escaped quote does not end the string, so the bracket after it does not count.
    EXPECT_EQ(scan_json_text<text_encoding::utf8>(R"(["\"[[[", 1])", 11, 1), errc::success);
    // A backslash as the very last character, and one before a non-ASCII byte.
    EXPECT_EQ(scan_json_text<text_encoding::utf8>("[\"\\", 3, 4), errc::success);
    const std::string bad = "[\"\\\xC3\xA9\"]";
    EXPECT_EQ(scan_json_text<text_encoding::utf8>(bad.data(), bad.size(), 4), errc::success);
    // Closing brackets beyond the opening ones do not underflow the depth.
    EXPECT_EQ(scan_json_text<text_encoding::utf8>("]]]]", 4, 1), errc::success);
}

}  // namespace
