// The pass over patch text before RapidJSON parses it: encoding, raw NULs, lone surrogates and
// nesting depth, each refused with its own code and the document left alone.

#include "test_util.hpp"

#include <relpatch/relpatch.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <string_view>

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
    return R"([{"op":"add","path":"/b","value":")" + json_string_body +
           R"("},{"op":"test","path":"/a","value":"no"}])";
}

TEST(PatchText, InvalidUtf8IsRefused) {
    EXPECT_EQ(apply_text(add_string("\xC3\xA9")), errc::test_failed);   // valid, reaches the test
    EXPECT_EQ(apply_text(add_string("\xF0")), errc::invalid_encoding);  // truncated
    EXPECT_EQ(apply_text("[\"\xF0"), errc::invalid_encoding);           // truncated at end
    EXPECT_EQ(apply_text(add_string("\xC0\xAF")), errc::invalid_encoding);          // overlong
    EXPECT_EQ(apply_text(add_string("\xED\xA0\x80")), errc::invalid_encoding);      // surrogate
    EXPECT_EQ(apply_text(add_string("\xF4\x90\x80\x80")), errc::invalid_encoding);  // > U+10FFFF
    EXPECT_EQ(apply_text(add_string("\x80")), errc::invalid_encoding);  // lone continuation
    EXPECT_EQ(apply_text(add_string("\xE2\x82")), errc::invalid_encoding);
    EXPECT_EQ(apply_text("[]\xFF"), errc::invalid_encoding);
}

TEST(PatchText, LoneLowSurrogateEscapeIsRefused) {
    EXPECT_EQ(apply_text(add_string("\\uDC00")), errc::invalid_encoding);
    EXPECT_EQ(apply_text(add_string("a\\\\uDC00")), errc::test_failed);      // an escaped backslash
    EXPECT_EQ(apply_text(add_string("\\uD83D\\uDE00")), errc::test_failed);  // a valid pair
    EXPECT_EQ(apply_text(add_string("\\uD83Dx")), errc::invalid_json);       // RapidJSON refuses it
    EXPECT_EQ(apply_text(add_string("\\u12G4")), errc::invalid_json);
    EXPECT_EQ(apply_text(add_string("\\u00e9\\u00C9\\uFfFf")),
              errc::test_failed);  // hex of any case
    EXPECT_EQ(apply_text(add_string("\\uD83D\\uE000")),
              errc::invalid_json);  // high, then not a low
    EXPECT_EQ(apply_text(add_string("\\uD83D\\u12G4")), errc::invalid_json);
}

TEST(PatchText, RawNulIsInvalidJson) {
    EXPECT_EQ(apply_text(std::string("[]\0[]", 5)), errc::invalid_json);
    EXPECT_EQ(apply_text(std::string("[\0]", 3)), errc::invalid_json);
}

// Every control character, raw inside any string of a release patch (the fast path's shape:
// op, path, a string value), is invalid JSON; DEL (0x7F) and the space are not controls.
TEST(PatchText, RawControlCharactersInStringsAreInvalidJson) {
    const auto release_apply = [](const std::string& text) {
        rapidjson::Document doc = relpatch_test::parse(R"({"phases":[{"complete":false}]})");
        return relpatch::apply_patch(doc, text).code();
    };
    const auto patch = [](const std::string& op, const std::string& path,
                          const std::string& value) {
        return R"([{"op":")" + op + R"(","path":")" + path + R"(","value":)" + value + "}]";
    };
    for (int c = 0; c < 0x20; ++c) {
        SCOPED_TRACE("control character " + std::to_string(c));
        const std::string ch(1, static_cast<char>(c));
        EXPECT_EQ(release_apply(patch("replace", "/phases/0/complete" + ch, "true")),
                  errc::invalid_json);
        EXPECT_EQ(release_apply(patch("replace" + ch, "/phases/0/complete", "true")),
                  errc::invalid_json);
        EXPECT_EQ(release_apply(patch("replace", "/phases/0/complete", "\"a" + ch + "\"")),
                  errc::invalid_json);
    }
    EXPECT_EQ(release_apply(patch("replace", "/phases/0/complete", "true")), errc::success);
    EXPECT_EQ(release_apply(patch("replace", "/phases/0/complete\x7F", "true")),
              errc::path_not_allowed);
    EXPECT_EQ(release_apply(patch("replace", "/phases/0/complete ", "true")),
              errc::path_not_allowed);
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
    EXPECT_EQ(u8({0xC3, 0xA9}), errc::success);                       // é
    EXPECT_EQ(u8({0xE2, 0x82, 0xAC}), errc::success);                 // €
    EXPECT_EQ(u8({0xF0, 0x9F, 0x98, 0x80}), errc::success);           // U+1F600
    EXPECT_EQ(u8({0xF4, 0x8F, 0xBF, 0xBF}), errc::success);           // U+10FFFF
    EXPECT_EQ(u8({0xC1, 0xBF}), errc::invalid_encoding);              // overlong 2-byte lead
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
    EXPECT_EQ((scan<utf16, char16_t>({u'[', 0xD83D})), errc::invalid_encoding);  // at the end
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
    // An escaped quote right before the closing one: the string ends there, and the brackets
    // after it count.
    EXPECT_EQ(scan_json_text<text_encoding::utf8>(R"(["\"",[[1]]])", 12, 2),
              errc::nesting_too_deep);
    EXPECT_EQ(scan_json_text<text_encoding::utf8>(R"(["\"",[[1]]])", 12, 3), errc::success);
    // Closing brackets beyond the opening ones do not underflow the depth.
    EXPECT_EQ(scan_json_text<text_encoding::utf8>("]]]]", 4, 1), errc::success);
}

}  // namespace

namespace {

using relpatch::errc;

// RFC 8259 whitespace is space, tab, line feed and carriage return only. The release fast path
// has its own scanner (detail/fast_patch.hpp): it must not take a form feed or a vertical tab
// for whitespace, or a patch RapidJSON refuses would be applied.
TEST(PatchText, FormFeedIsNotWhitespace) {
    using relpatch::detail::fast_op;
    using relpatch::detail::fast_scanner;
    const std::string good =
        "[{\"op\":\"replace\",\"path\":\"/phases/0/complete\",\"value\":true}]";
    fast_op ops[relpatch::detail::max_fast_ops];
    std::size_t count = 0;
    ASSERT_TRUE(fast_scanner(good.data(), good.size()).scan(ops, count));
    EXPECT_EQ(count, 1u);
    for (const char* ws : {"\f", "\v"}) {
        for (const std::size_t at : {std::size_t{0}, std::size_t{1}, std::size_t{2},
                                     std::size_t{17}, good.size() - 1, good.size()}) {
            std::string bad = good;
            bad.insert(at, ws);
            SCOPED_TRACE(at);
            EXPECT_FALSE(fast_scanner(bad.data(), bad.size()).scan(ops, count));
            rapidjson::Document doc = relpatch_test::parse(relpatch_test::release_example());
            const std::string before = relpatch_test::serialize(doc);
            const relpatch::result r = relpatch::apply_patch(doc, bad);
            EXPECT_EQ(r.code(), errc::invalid_json) << r.message();
            EXPECT_EQ(relpatch_test::serialize(doc), before);
        }
    }
    // An empty patch with a form feed inside.
    rapidjson::Document doc = relpatch_test::parse(relpatch_test::release_example());
    EXPECT_EQ(relpatch::apply_patch(doc, "[\f]").code(), errc::invalid_json);
    EXPECT_TRUE(relpatch::apply_patch(doc, " \t\r\n[ \t\r\n] \t\r\n"));
}

// The shortest form is the only valid one: each sequence one below its length's smallest code
// point is overlong; the smallest itself, and the code points around the surrogates, are valid.
TEST(PatchText, Utf8BoundariesOfEachLength) {
    auto u8 = [](std::initializer_list<unsigned> bytes) {
        std::string s = "[\"";
        for (unsigned b : bytes) s += static_cast<char>(b);
        s += "\"]";
        return relpatch::detail::scan_json_text<relpatch::detail::text_encoding::utf8>(
            s.data(), s.size(), 64);
    };
    EXPECT_EQ(u8({0x7F}), errc::success);                             // U+007F, one byte
    EXPECT_EQ(u8({0xC2, 0x80}), errc::success);                       // U+0080
    EXPECT_EQ(u8({0xDF, 0xBF}), errc::success);                       // U+07FF
    EXPECT_EQ(u8({0xE0, 0x9F, 0xBF}), errc::invalid_encoding);        // U+07FF in three bytes
    EXPECT_EQ(u8({0xE0, 0xA0, 0x80}), errc::success);                 // U+0800
    EXPECT_EQ(u8({0xED, 0x9F, 0xBF}), errc::success);                 // U+D7FF
    EXPECT_EQ(u8({0xED, 0xBF, 0xBF}), errc::invalid_encoding);        // U+DFFF, a surrogate
    EXPECT_EQ(u8({0xEE, 0x80, 0x80}), errc::success);                 // U+E000
    EXPECT_EQ(u8({0xEF, 0xBF, 0xBF}), errc::success);                 // U+FFFF
    EXPECT_EQ(u8({0xF0, 0x8F, 0xBF, 0xBF}), errc::invalid_encoding);  // U+FFFF in four bytes
    EXPECT_EQ(u8({0xF0, 0x90, 0x80, 0x80}), errc::success);           // U+10000
    EXPECT_EQ(u8({0xF4, 0x90, 0x80, 0x80}), errc::invalid_encoding);  // U+110000
    // Through apply_patch, in a patch that would otherwise apply.
    rapidjson::Document doc = relpatch_test::parse(R"({"a":"x"})");
    const std::string overlong = "[{\"op\":\"add\",\"path\":\"/b\",\"value\":\"\xE0\x9F\xBF\"}]";
    const relpatch::result r = relpatch::apply_patch<relpatch::rfc6902_policy>(doc, overlong);
    EXPECT_EQ(r.code(), errc::invalid_encoding);
    EXPECT_EQ(r.offset(), overlong.find('\xE0'));
    EXPECT_EQ(relpatch_test::serialize(doc), R"({"a":"x"})");
    const std::string shortest = "[{\"op\":\"add\",\"path\":\"/b\",\"value\":\"\xDF\xBF\"}]";
    EXPECT_TRUE(relpatch::apply_patch<relpatch::rfc6902_policy>(doc, shortest));
}

// The text ends where the string_view ends, even when the bytes after it in memory would
// complete a UTF-8 sequence: a sequence cut by the end of the view is invalid.
TEST(PatchText, SequenceCutByTheEndOfTheViewIsRefused) {
    const std::string full = "[\"\xE2\x82\xAC\"]";      // ["€"]
    const std::string four = "[\"\xF0\x9F\x98\x80\"]";  // ["😀"]
    for (const std::string* buffer : {&full, &four}) {
        for (std::size_t cut = 3; cut < buffer->size() - 2; ++cut) {
            const std::string_view view(buffer->data(), cut);
            SCOPED_TRACE(cut);
            std::size_t offset = 0;
            EXPECT_EQ(relpatch::detail::scan_json_text<relpatch::detail::text_encoding::utf8>(
                          view.data(), view.size(), 64, &offset),
                      errc::invalid_encoding);
            EXPECT_EQ(offset, 2u);
            rapidjson::Document doc = relpatch_test::parse(R"({"a":"x"})");
            const relpatch::result r = relpatch::apply_patch<relpatch::rfc6902_policy>(doc, view);
            EXPECT_EQ(r.code(), errc::invalid_encoding);
            EXPECT_EQ(r.offset(), 2u);
            rapidjson::Document parsed;
            EXPECT_EQ(relpatch::parse_document(view, parsed).code(), errc::invalid_encoding);
        }
        // The whole buffer is valid.
        EXPECT_EQ(relpatch::detail::scan_json_text<relpatch::detail::text_encoding::utf8>(
                      buffer->data(), buffer->size(), 64),
                  errc::success);
    }
    // The same for a UTF-16 surrogate pair cut after its high half.
    const std::u16string pair = u"[\"\U0001F600\"]";
    EXPECT_EQ((relpatch::detail::scan_json_text<relpatch::detail::text_encoding::utf16>(pair.data(),
                                                                                        3, 64)),
              errc::invalid_encoding);
    EXPECT_EQ((relpatch::detail::scan_json_text<relpatch::detail::text_encoding::utf16>(
                  pair.data(), pair.size(), 64)),
              errc::success);
}

}  // namespace

namespace {

using relpatch::errc;

// parse_document skips a leading UTF-8 byte order mark, and only a whole one; offsets count it.
TEST(Document, ByteOrderMarkIsSkipped) {
    rapidjson::Document doc;
    relpatch::result r = relpatch::parse_document(std::string_view("\xEF\xBB\xBF{\"a\":1}"), doc);
    ASSERT_TRUE(r) << r.message();
    EXPECT_EQ(relpatch_test::serialize(doc), R"({"a":1})");
    r = relpatch::parse_document(std::string_view("\xEF\xBB\xBF{,}"), doc);
    EXPECT_EQ(r.code(), errc::invalid_document);
    EXPECT_EQ(r.offset(), 4u);  // the comma, counting the three bytes of the mark
    // U+FEFF anywhere else, or a mark cut short, is not skipped.
    EXPECT_EQ(relpatch::parse_document(std::string_view("{}\xEF\xBB\xBF"), doc).code(),
              errc::invalid_document);
    EXPECT_EQ(relpatch::parse_document(std::string_view("\xEF\xBB{}"), doc).code(),
              errc::invalid_encoding);
    EXPECT_EQ(relpatch::parse_document(std::string_view("\xEF\xBB\xBF\xEF\xBB\xBF{}"), doc).code(),
              errc::invalid_document);
    EXPECT_EQ(relpatch::parse_document(std::string_view("\xBB\xBF{}"), doc).code(),
              errc::invalid_encoding);
    EXPECT_EQ(relpatch_test::serialize(doc), R"({"a":1})");  // unchanged by the failures
    // The mark alone: the empty text after it is not JSON, at offset 3.
    r = relpatch::parse_document(std::string_view("\xEF\xBB\xBF"), doc);
    EXPECT_EQ(r.code(), errc::invalid_document);
    EXPECT_EQ(r.offset(), 3u);
}

// Exponents with an explicit sign are read as such when deciding between overflow (refused)
// and underflow (zero).
TEST(Document, SignedExponentsOutOfRange) {
    rapidjson::Document doc;
    for (const char* big : {"1e+400", "-1E+400", "1e400", "12.5e+399"}) {
        const relpatch::result r = relpatch::parse_document(std::string_view(big), doc);
        EXPECT_EQ(r.code(), errc::invalid_document) << big;
    }
    for (const char* tiny : {"1e-400", "-1E-400", "0.1e-399"}) {
        const relpatch::result r = relpatch::parse_document(std::string_view(tiny), doc);
        ASSERT_TRUE(r) << tiny << ": " << r.message();
        EXPECT_EQ(doc.GetDouble(), 0.0) << tiny;
        EXPECT_EQ(std::signbit(doc.GetDouble()), tiny[0] == '-') << tiny;  // the sign survives
    }
    rapidjson::Document release = relpatch_test::parse(R"({"a":1})");
    EXPECT_EQ(relpatch::apply_patch<relpatch::rfc6902_policy>(
                  release, R"([{"op":"add","path":"/b","value":1e+400}])")
                  .code(),
              errc::invalid_json);
}

// Every number that fits a double is read, including those RapidJSON's reader refuses as
// "Number too big" (a large exponent on zero or on a long fraction; 1.1.0 also refuses an
// integer part of more than 308 digits whatever the exponent): parse_document, patch values and
// the text path read numbers alike (see Document.NumbersAgreeWithTheTextPath).
TEST(Document, NumbersRapidJsonRefusesButADoubleHolds) {
    const std::string hundreds(400, '0');
    const struct {
        std::string text;
        double value;
    } cases[] = {
        {"0e400", 0.0},
        {"-0E999", -0.0},
        {"0.0e+99999999999999999999", 0.0},
        {"1" + hundreds + "e-100", 1e300},
        {"0." + hundreds + "1e350", 1e-51},
        {"1.7976931348623157e308", 1.7976931348623157e308},
        {"-1.7976931348623157e308", -1.7976931348623157e308},
    };
    for (const auto& c : cases) {
        rapidjson::Document doc;
        const relpatch::result r = relpatch::parse_document(std::string_view(c.text), doc);
        ASSERT_TRUE(r) << c.text << ": " << r.message();
        ASSERT_TRUE(doc.IsDouble()) << c.text;
        EXPECT_EQ(doc.GetDouble(), c.value) << c.text;
        EXPECT_EQ(std::signbit(doc.GetDouble()), std::signbit(c.value)) << c.text;
        // The same number as a patch value.
        rapidjson::Document target = relpatch_test::parse(R"({"a":1})");
        const std::string patch = R"([{"op":"replace","path":"/a","value":)" + c.text + "}]";
        const relpatch::result p = relpatch::apply_patch<relpatch::rfc6902_policy>(target, patch);
        ASSERT_TRUE(p) << c.text << ": " << p.message();
        EXPECT_EQ(target["a"].GetDouble(), c.value) << c.text;
    }
    // Past the largest double: refused, with the number's offset, the document unchanged.
    for (const std::string& big : {std::string("1.7976931348623159e308"), "1" + hundreds,
                                   "-1" + hundreds + ".5", std::string("1e309")}) {
        rapidjson::Document doc = relpatch_test::parse(R"({"kept":true})");
        const std::string text = "[0, " + big + "]";
        const relpatch::result r = relpatch::parse_document(std::string_view(text), doc);
        EXPECT_EQ(r.code(), errc::invalid_document) << big;
        EXPECT_EQ(r.offset(), 4u) << big;
        EXPECT_STREQ(r.detail(), "a number is too large for a double") << big;
        EXPECT_EQ(relpatch_test::serialize(doc), R"({"kept":true})");
    }
}

// Over- or underflow is decided by the exponent and the position of the first significant digit,
// which a document of more than 100 MB can push past 1e8: the exponent must not saturate there.
TEST(Document, OverflowDecidedPastAHundredMillionDigits) {
    using relpatch::detail::number_overflows;
    const std::size_t many = 100000005;
    std::string s = "0." + std::string(many, '0') + "1e1000000000";  // 1e899999994
    EXPECT_TRUE(number_overflows(s.data(), s.size()));
    s = "1" + std::string(many, '0') + "e-1000000000";  // 1e-899999995
    EXPECT_FALSE(number_overflows(s.data(), s.size()));
    // Exponents below the old saturation point were right before, and stay so.
    s = "0." + std::string(many, '0') + "1e100000010";  // 1e4: its first digit's exponent is >= 0
    EXPECT_TRUE(number_overflows(s.data(), s.size()));
    s = "-1" + std::string(many, '0') + "e-100000010";  // -1e-5
    EXPECT_FALSE(number_overflows(s.data(), s.size()));
    s = "1" + std::string(many, '0') + "e-100000000";  // 1e5: the exponent is read exactly
    EXPECT_TRUE(number_overflows(s.data(), s.size()));
    // The boundary itself: a leading digit at exponent 0 counts as "over", at -1 as "under".
    for (const char* n : {"1e0", "9.5", "0.01e2", "10e-1"})
        EXPECT_TRUE(number_overflows(n, std::strlen(n))) << n;
    for (const char* n : {"0.1", "1e-1", "0.09e1", "95e-2"})
        EXPECT_FALSE(number_overflows(n, std::strlen(n))) << n;
}

// Strings with escapes, and member names with them, reach UTF-16 and UTF-32 documents decoded and
// transcoded (surrogate pairs from "\u" pairs and from raw four-byte characters alike).
TEST(Document, WideDocumentsDecodeEscapes) {
    const std::u16string text16 =
        u"{\"\\u00e9t\\u00e9\":[\"a\\n\\uD83D\\uDE00\\/\",\"\U0001F600\"]}";
    using Doc16 = rapidjson::GenericDocument<rapidjson::UTF16<char16_t>>;
    Doc16 d16;
    relpatch::result r = relpatch::parse_document(std::u16string_view(text16), d16);
    ASSERT_TRUE(r) << r.message();
    ASSERT_TRUE(d16.IsObject());
    ASSERT_EQ(d16.MemberCount(), 1u);
    EXPECT_EQ(std::u16string(d16.MemberBegin()->name.GetString(),
                             d16.MemberBegin()->name.GetStringLength()),
              u"\u00e9t\u00e9");
    const auto& a16 = d16.MemberBegin()->value;
    ASSERT_EQ(a16.Size(), 2u);
    EXPECT_EQ(std::u16string(a16[0].GetString(), a16[0].GetStringLength()), u"a\n\U0001F600/");
    EXPECT_EQ(std::u16string(a16[1].GetString(), a16[1].GetStringLength()), u"\U0001F600");

    using Doc32 = rapidjson::GenericDocument<rapidjson::UTF32<char32_t>>;
    const std::u32string text32 = U"[\"\\uD83D\\uDE00x\",\"\\u0000\"]";
    Doc32 d32;
    r = relpatch::parse_document(std::u32string_view(text32), d32);
    ASSERT_TRUE(r) << r.message();
    EXPECT_EQ(std::u32string(d32[0].GetString(), d32[0].GetStringLength()), U"\U0001F600x");
    ASSERT_EQ(d32[1].GetStringLength(), 1u);  // an escaped NUL is a character like any other
    EXPECT_EQ(d32[1].GetString()[0], U'\0');
    // The last code point, raw and escaped, through UTF-8 and back (four-byte sequences with
    // every bit of the first byte used).
    const std::u16string last16 = u"[\"\U0010FFFF\",\"\\uDBFF\\uDFFF\",\"\U00040000\"]";
    r = relpatch::parse_document(std::u16string_view(last16), d16);
    ASSERT_TRUE(r) << r.message();
    ASSERT_EQ(d16.Size(), 3u);
    for (rapidjson::SizeType i = 0; i < 2; ++i)
        EXPECT_EQ(std::u16string(d16[i].GetString(), d16[i].GetStringLength()), u"\U0010FFFF");
    EXPECT_EQ(std::u16string(d16[2].GetString(), d16[2].GetStringLength()), u"\U00040000");
    const std::u32string last32 = U"[\"\U0010FFFF\"]";
    r = relpatch::parse_document(std::u32string_view(last32), d32);
    ASSERT_TRUE(r) << r.message();
    EXPECT_EQ(std::u32string(d32[0].GetString(), d32[0].GetStringLength()), U"\U0010FFFF");
    // A syntax error in wide text is reported in the caller's code units.
    r = relpatch::parse_document(std::u16string_view(u"[\"\U0001F600\",]"), d16);
    EXPECT_EQ(r.code(), errc::invalid_document);
    EXPECT_EQ(r.offset(), 6u);  // '[', '"', two units, '"', ','
}

// The last code points of each encoding, and a surrogate pair (or escaped pair) that ends the
// text, are valid.
TEST(PatchText, HighestCodePointsAndPairsAtTheEnd) {
    using relpatch::detail::scan_json_text;
    using relpatch::detail::text_encoding;
    const char16_t pair_at_end[] = {u'[', 0xDBFF, 0xDFFF};
    EXPECT_EQ((scan_json_text<text_encoding::utf16>(pair_at_end, 3, 64)), errc::success);
    EXPECT_EQ((scan_json_text<text_encoding::utf16>(pair_at_end, 2, 64)), errc::invalid_encoding);
    const char32_t last[] = {U'[', 0x10FFFF, U']'};
    EXPECT_EQ((scan_json_text<text_encoding::utf32>(last, 3, 64)), errc::success);
    const char32_t past[] = {U'[', 0x110000, U']'};
    EXPECT_EQ((scan_json_text<text_encoding::utf32>(past, 3, 64)), errc::invalid_encoding);
    rapidjson::Document doc = relpatch_test::parse(R"({"a":"x"})");
    EXPECT_EQ(relpatch::apply_patch<relpatch::rfc6902_policy>(
                  doc, R"([{"op":"add","path":"/b","value":"\uDBFF\uDFFF"}])")
                  .code(),
              errc::success);
    EXPECT_EQ(relpatch::apply_patch<relpatch::rfc6902_policy>(
                  doc, R"([{"op":"add","path":"/c","value":"\uDBFF"}])")
                  .code(),
              errc::invalid_json);
}

// Numbers in UTF-16 text are narrowed to ASCII before conversion: every code unit must reach
// the converter (one-character numbers: see the disabled test below for longer ones).
TEST(Document, Utf16NumbersAreExact) {
    using Doc16 = rapidjson::GenericDocument<rapidjson::UTF16<char16_t>>;
    Doc16 doc;
    const relpatch::result r = relpatch::parse_document(std::u16string_view(u"[7,0,9]"), doc);
    ASSERT_TRUE(r) << r.message();
    ASSERT_EQ(doc.Size(), 3u);
    EXPECT_EQ(doc[0].GetUint64(), 7u);
    EXPECT_EQ(doc[1].GetUint64(), 0u);
    EXPECT_EQ(doc[2].GetUint64(), 9u);
}

// RapidJSON 1.1.0 with kParseNumbersAsStringsFlag and a UTF-16 or UTF-32 target transcodes a
// number's characters onto the stack they are being read from, so every number longer than one
// character came out corrupted; relpatch now parses wide text as UTF-8 (detail/parse.hpp).
TEST(Document, Utf16MultiCharacterNumbersAreExact) {
    using Doc16 = rapidjson::GenericDocument<rapidjson::UTF16<char16_t>>;
    Doc16 doc;
    const std::u16string zeros(70, u'0');
    const std::u16string text = u"[12345678901234567890,-7,1.5,1e2,1." + zeros + u"1,-0]";
    const relpatch::result r = relpatch::parse_document(std::u16string_view(text), doc);
    ASSERT_TRUE(r) << r.message();
    ASSERT_EQ(doc.Size(), 6u);
    EXPECT_EQ(doc[0].GetUint64(), 12345678901234567890u);
    EXPECT_EQ(doc[1].GetInt64(), -7);
    EXPECT_EQ(doc[2].GetDouble(), 1.5);
    EXPECT_EQ(doc[3].GetDouble(), 100.0);
    EXPECT_EQ(doc[4].GetDouble(), 1.0);
    EXPECT_TRUE(std::signbit(doc[5].GetDouble()));
}

}  // namespace
