#include <relpatch/relpatch.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <system_error>

namespace {

constexpr int first_error = static_cast<int>(relpatch::errc::invalid_json);
constexpr int last_error = static_cast<int>(relpatch::errc::invalid_document);

TEST(Errc, SuccessIsZero) {
    EXPECT_EQ(static_cast<int>(relpatch::errc::success), 0);
    EXPECT_FALSE(relpatch::make_error_code(relpatch::errc::success));
}

TEST(Errc, EveryCodeHasADistinctNameAndMessage) {
    std::set<std::string> names;
    std::set<std::string> messages;
    for (int i = first_error; i <= last_error; ++i) {
        const auto e = static_cast<relpatch::errc>(i);
        const std::string name = relpatch::errc_name(e);
        const std::string message = relpatch::errc_message(e);
        EXPECT_NE(name, "unknown_error") << i;
        EXPECT_NE(message, "unknown error") << i;
        EXPECT_TRUE(names.insert(name).second) << name;
        EXPECT_TRUE(messages.insert(message).second) << message;
    }
    EXPECT_EQ(names.size(), static_cast<std::size_t>(last_error - first_error + 1));
    EXPECT_STREQ(relpatch::errc_name(static_cast<relpatch::errc>(last_error + 1)), "unknown_error");
    EXPECT_STREQ(relpatch::errc_message(static_cast<relpatch::errc>(last_error + 1)),
                 "unknown error");
    EXPECT_STREQ(relpatch::errc_name(relpatch::errc::success), "success");
    EXPECT_STREQ(relpatch::errc_message(relpatch::errc::success), "success");
}

TEST(OpType, Names) {
    EXPECT_STREQ(relpatch::op_name(relpatch::op_type::add), "add");
    EXPECT_STREQ(relpatch::op_name(relpatch::op_type::remove), "remove");
    EXPECT_STREQ(relpatch::op_name(relpatch::op_type::replace), "replace");
    EXPECT_STREQ(relpatch::op_name(relpatch::op_type::move), "move");
    EXPECT_STREQ(relpatch::op_name(relpatch::op_type::copy), "copy");
    EXPECT_STREQ(relpatch::op_name(relpatch::op_type::test), "test");
    EXPECT_STREQ(relpatch::op_name(static_cast<relpatch::op_type>(42)), "?");
}

TEST(Errc, HttpStatusFollowsRfc5789) {
    EXPECT_EQ(relpatch::http_status(relpatch::errc::success), 200);
    EXPECT_EQ(relpatch::http_status(relpatch::errc::invalid_json), 400);
    EXPECT_EQ(relpatch::http_status(relpatch::errc::unknown_op), 400);
    EXPECT_EQ(relpatch::http_status(relpatch::errc::invalid_pointer), 400);
    EXPECT_EQ(relpatch::http_status(relpatch::errc::too_many_operations), 413);
    EXPECT_EQ(relpatch::http_status(relpatch::errc::test_failed), 409);
    EXPECT_EQ(relpatch::http_status(relpatch::errc::phase_order_violation), 409);
    EXPECT_EQ(relpatch::http_status(relpatch::errc::path_not_found), 422);
    EXPECT_EQ(relpatch::http_status(relpatch::errc::path_not_allowed), 422);
    for (int i = first_error; i <= last_error; ++i) {
        const int s = relpatch::http_status(static_cast<relpatch::errc>(i));
        EXPECT_TRUE(s == 400 || s == 409 || s == 413 || s == 422 || s == 500) << i << " " << s;
        const int api = relpatch::http_status(static_cast<relpatch::errc>(i),
                                              relpatch::status_profile::release_api);
        EXPECT_EQ(api, s == 500 ? 500 : 400) << i;
    }
    EXPECT_EQ(relpatch::http_status(relpatch::errc::invalid_document), 500);
    EXPECT_EQ(relpatch::http_status(relpatch::errc::work_limit_exceeded), 422);
    EXPECT_EQ(relpatch::http_status(relpatch::errc::patch_too_large), 413);
    EXPECT_EQ(relpatch::http_status(static_cast<relpatch::errc>(last_error + 1)), 500);
}

TEST(Errc, ErrorCodeIntegration) {
    const std::error_code ec = relpatch::errc::index_out_of_range;  // is_error_code_enum
    EXPECT_EQ(ec.category(), relpatch::error_category());
    EXPECT_STREQ(ec.category().name(), "relpatch");
    EXPECT_EQ(ec.message(), relpatch::errc_message(relpatch::errc::index_out_of_range));
    EXPECT_EQ(ec, relpatch::errc::index_out_of_range);
    EXPECT_NE(ec, relpatch::errc::path_not_found);
    EXPECT_NE(ec, std::make_error_code(std::errc::invalid_argument));
}

TEST(Errc, ConditionsGroupCodesIntoFamilies) {
    using relpatch::condition;
    using relpatch::errc;
    EXPECT_EQ(std::error_code(errc::unknown_op), condition::malformed_patch);
    EXPECT_EQ(std::error_code(errc::work_limit_exceeded), condition::over_limit);
    EXPECT_EQ(std::error_code(errc::nesting_too_deep), condition::over_limit);
    EXPECT_EQ(std::error_code(errc::test_failed), condition::does_not_apply);
    EXPECT_EQ(std::error_code(errc::phase_order_violation), condition::refused_by_policy);
    EXPECT_EQ(std::error_code(errc::invalid_document), condition::document_error);
    EXPECT_NE(std::error_code(errc::test_failed), condition::refused_by_policy);
    EXPECT_FALSE(std::error_code(errc::success) == condition::malformed_patch);
    for (int i = first_error; i <= last_error; ++i) {
        const condition c = relpatch::family(static_cast<errc>(i));
        EXPECT_NE(c, condition{}) << i;
        EXPECT_EQ(std::error_code(static_cast<errc>(i)), c) << i;
        EXPECT_FALSE(relpatch::make_error_condition(c).message().empty());
    }
}

TEST(Errc, ErrorBodyForBothProfiles) {
    relpatch::result r(relpatch::errc::path_not_allowed, 1);
    relpatch::detail::result_access::path(r, "/a\"b", false);
    EXPECT_EQ(
        relpatch::error_body(r, relpatch::status_profile::release_api),
        R"({"code":"invalid_request","message":"operation 1 (path \"/a\\\"b\"): path not allowed by policy"})");
    EXPECT_EQ(
        relpatch::error_body(r),
        R"({"code":"path_not_allowed","message":"operation 1 (path \"/a\\\"b\"): path not allowed by policy","op":1,"status":422})");
    relpatch::result bad_doc(relpatch::errc::invalid_document);
    EXPECT_EQ(relpatch::error_body(bad_doc, relpatch::status_profile::release_api)
                  .rfind(R"({"code":"internal_error",)", 0),
              0u);
}

TEST(Result, PathIsQuotedAsAJsonString) {
    relpatch::result r(relpatch::errc::test_failed, 0);
    static const char forged[] = "/a\"): test failed (path \"/b\n\0x";
    relpatch::detail::result_access::path(r, std::string_view(forged, sizeof forged - 1), false);
    EXPECT_EQ(r.message(),
              "operation 0 (path \"/a\\\"): test failed (path \\\"/b\\u000a\\u0000x\"): "
              "test failed: value differs");
}

TEST(Result, DefaultIsSuccess) {
    const relpatch::result r;
    EXPECT_TRUE(r);
    EXPECT_EQ(r.code(), relpatch::errc::success);
    EXPECT_FALSE(r.has_op_index());
    EXPECT_FALSE(r.changed());
    EXPECT_EQ(r.message(), "success");
    EXPECT_EQ(r.http_status(), 200);
}

TEST(Result, MessageNamesOperationPathAndDetail) {
    relpatch::result r(relpatch::errc::path_not_allowed, 2);
    relpatch::detail::result_access::path(r, "/phase/1/complete", false);
    relpatch::detail::result_access::detail(r, "a hint");
    EXPECT_FALSE(r);
    EXPECT_EQ(r.op_index(), 2u);
    EXPECT_EQ(r.error_code(), relpatch::errc::path_not_allowed);
    EXPECT_EQ(r.message(),
              "operation 2 (path \"/phase/1/complete\"): path not allowed by policy: a hint");
    relpatch::result f(relpatch::errc::path_not_found, 0);
    relpatch::detail::result_access::path(f, "/a", true);
    EXPECT_EQ(f.message(), "operation 0 (from \"/a\"): location does not exist in the document");
}

TEST(Result, LongPathIsTruncatedAtACharacterBoundary) {
    std::string path = "/";
    while (path.size() < 200) path += "\xC3\xA9";  // U+00E9, two bytes
    relpatch::result r(relpatch::errc::path_not_found, 0);
    relpatch::detail::result_access::path(r, path, false);
    EXPECT_TRUE(r.path_truncated());
    EXPECT_LE(r.path().size(), relpatch::result::max_path_bytes);
    EXPECT_EQ((r.path().size() - 1) % 2, 0u);  // no half character
    EXPECT_NE(r.message().find("\"...)"), std::string::npos);
}

}  // namespace

namespace {

TEST(Result, MessageKeepsALongDetailWhole) {
    static const std::string long_detail(2000, 'x');
    relpatch::result r(relpatch::errc::op_not_allowed, 123456789);
    relpatch::detail::result_access::path(r, "/a", false);
    relpatch::detail::result_access::detail(r, long_detail.c_str());
    const std::string m = r.message();
    EXPECT_EQ(m, "operation 123456789 (path \"/a\"): op not allowed by policy: " + long_detail);
    relpatch::result z(relpatch::errc::test_failed, 0);
    EXPECT_EQ(z.message(), "operation 0: test failed: value differs");
}

}  // namespace

namespace {

// Every control character and DEL is written as \u00XX with both hex digits right.
TEST(Result, ControlCharactersInThePathAreEscapedExactly) {
    relpatch::result r(relpatch::errc::path_not_found, 0);
    static const char path[] = "/\x01\x0f\x10\x1f\x7f~";
    relpatch::detail::result_access::path(r, std::string_view(path, sizeof path - 1), false);
    EXPECT_EQ(r.message(),
              "operation 0 (path \"/\\u0001\\u000f\\u0010\\u001f\\u007f~\"): "
              "location does not exist in the document");
}

}  // namespace

namespace {

// A failure's path is the pointer's text converted to UTF-8 (detail::to_utf8) and cut at
// max_path_bytes. ASCII code units are copied without decoding: check that the result is the
// conversion of the whole text, for ASCII, for text that turns non-ASCII or invalid before or
// after the cut, in UTF-8 and in UTF-16.
template <class V>
void expect_failure_path_is_the_conversion(const std::basic_string<typename V::Ch>& text) {
    constexpr auto enc = relpatch::detail::encoding_of<typename V::EncodingType>::value;
    char expected[relpatch::result::max_path_bytes];
    bool truncated = false;
    const std::size_t n = relpatch::detail::to_utf8<enc>(text.data(), text.size(), expected,
                                                         sizeof expected, truncated);
    relpatch::detail::error_site<typename V::Ch> site;
    site.text = text;
    site.known = true;
    const relpatch::result r =
        relpatch::detail::failure_at<V>(relpatch::errc::path_not_found, 0, nullptr, site);
    EXPECT_EQ(r.path(), std::string_view(expected, n));
    EXPECT_EQ(r.path_truncated(), truncated);
}

TEST(Result, FailurePathIsTheUtf8OfThePointer) {
    using Utf16Value = rapidjson::GenericValue<rapidjson::UTF16<char16_t>>;
    for (const std::string& tail :
         {std::string(), std::string("\xC3\xA9"), std::string("\xE2\x82\xAC/x"),
          std::string("\xFF"), std::string("\xC3"), std::string(200, 'a')}) {
        for (const std::size_t ascii : {0, 1, 5, 117, 118, 119, 120, 121, 300}) {
            const std::string text = "/" + std::string(ascii, 'p') + tail;
            SCOPED_TRACE(text.size());
            expect_failure_path_is_the_conversion<rapidjson::Value>(text);
            std::u16string wide = u"/" + std::u16string(ascii, u'p');
            for (const char c : tail) wide += static_cast<char16_t>(static_cast<unsigned char>(c));
            wide += u"\u00E9\U0001F600";
            wide += static_cast<char16_t>(0xD800);  // a lone surrogate
            expect_failure_path_is_the_conversion<Utf16Value>(wide);
        }
    }
}

}  // namespace
