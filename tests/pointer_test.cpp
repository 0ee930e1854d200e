#include "test_util.hpp"

#include <relpatch/relpatch.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace {

using relpatch::errc;
using ptr = relpatch::pointer;

errc parse(std::string_view text, std::size_t max = 1000) {
    ptr p;
    return ptr::parse(text, p, max);
}

std::vector<std::string> decoded_tokens(std::string_view text) {
    ptr p;
    EXPECT_EQ(ptr::parse(text, p), errc::success);
    std::vector<std::string> out;
    for (const auto t : p) {
        std::string s(t.decoded_size(), '?');
        t.decode(s.data());
        out.push_back(s);
    }
    return out;
}

TEST(Pointer, Syntax) {
    EXPECT_EQ(parse(""), errc::success);
    EXPECT_EQ(parse("/"), errc::success);
    EXPECT_EQ(parse("/a/b/c"), errc::success);
    EXPECT_EQ(parse("/a~0b~1c"), errc::success);
    EXPECT_EQ(parse("a"), errc::invalid_pointer);
    EXPECT_EQ(parse("#/a"), errc::invalid_pointer);  // URI fragments are not pointers here
    EXPECT_EQ(parse("/~2"), errc::invalid_pointer);
    EXPECT_EQ(parse("/a~"), errc::invalid_pointer);
    EXPECT_EQ(parse("/~"), errc::invalid_pointer);
    // Each '~' is checked, and the unit after a valid escape is not read as a '~' of its own.
    EXPECT_EQ(parse("/~0~1~00~11"), errc::success);
    EXPECT_EQ(parse("/~0~"), errc::invalid_pointer);
    EXPECT_EQ(parse("/~1~2"), errc::invalid_pointer);
    EXPECT_EQ(parse("/~~0"), errc::invalid_pointer);
    EXPECT_EQ(parse("/a/b~0/c~"), errc::invalid_pointer);
    EXPECT_EQ(parse("/abc", 3), errc::pointer_too_long);
    EXPECT_EQ(parse("/ab", 3), errc::success);
}

TEST(Pointer, EscapesDecodeInTheRightOrder) {
    EXPECT_EQ(decoded_tokens("/a~1b"), std::vector<std::string>{"a/b"});
    EXPECT_EQ(decoded_tokens("/m~0n"), std::vector<std::string>{"m~n"});
    // "~01" is "~" then "1", never "/".
    EXPECT_EQ(decoded_tokens("/~01"), std::vector<std::string>{"~1"});
    EXPECT_EQ(decoded_tokens("/~10"), std::vector<std::string>{"/0"});
    EXPECT_EQ(decoded_tokens("/"), std::vector<std::string>{""});
    EXPECT_EQ(decoded_tokens("//x/"), (std::vector<std::string>{"", "x", ""}));
    EXPECT_TRUE(decoded_tokens("").empty());
}

TEST(Pointer, ParentBackAndPrefix) {
    ptr p;
    ASSERT_EQ(ptr::parse("/a/b~1c", p), errc::success);
    EXPECT_EQ(p.parent().text(), "/a");
    EXPECT_TRUE(p.back().equals_ascii("b/c"));
    EXPECT_EQ(p.token_count(), 2u);
    EXPECT_TRUE(ptr().parent().is_root());
    ptr a, ab, abc;
    ASSERT_EQ(ptr::parse("/a", a), errc::success);
    ASSERT_EQ(ptr::parse("/ab", ab), errc::success);
    ASSERT_EQ(ptr::parse("/a/c", abc), errc::success);
    EXPECT_TRUE(a.is_proper_prefix_of(abc));
    EXPECT_FALSE(a.is_proper_prefix_of(ab));  // not at a token boundary
    EXPECT_FALSE(a.is_proper_prefix_of(a));
    EXPECT_TRUE(ptr().is_proper_prefix_of(a));
}

// RFC 6901 section 5.
TEST(Pointer, Rfc6901Examples) {
    const rapidjson::Document doc = relpatch_test::parse(R"({
        "foo": ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4,
        "i\\j": 5, "k\"l": 6, " ": 7, "m~n": 8})");
    auto get = [&](std::string_view text) -> const rapidjson::Value* {
        ptr p;
        EXPECT_EQ(ptr::parse(text, p), errc::success);
        const rapidjson::Value* out = nullptr;
        EXPECT_EQ(p.resolve(doc, out), errc::success) << text;
        return out;
    };
    EXPECT_EQ(get(""), &doc);
    EXPECT_TRUE(get("/foo")->IsArray());
    EXPECT_STREQ(get("/foo/0")->GetString(), "bar");
    EXPECT_EQ(get("/")->GetInt(), 0);
    EXPECT_EQ(get("/a~1b")->GetInt(), 1);
    EXPECT_EQ(get("/c%d")->GetInt(), 2);
    EXPECT_EQ(get("/e^f")->GetInt(), 3);
    EXPECT_EQ(get("/g|h")->GetInt(), 4);
    EXPECT_EQ(get("/i\\j")->GetInt(), 5);
    EXPECT_EQ(get("/k\"l")->GetInt(), 6);
    EXPECT_EQ(get("/ ")->GetInt(), 7);
    EXPECT_EQ(get("/m~0n")->GetInt(), 8);
}

TEST(Pointer, ArrayIndicesFollowTheRfcExactly) {
    const rapidjson::Document doc = relpatch_test::parse(R"({"a":[10,20,30],"s":"x"})");
    auto code = [&](std::string_view text) {
        ptr p;
        EXPECT_EQ(ptr::parse(text, p), errc::success);
        const rapidjson::Value* out = nullptr;
        return p.resolve(doc, out);
    };
    EXPECT_EQ(code("/a/0"), errc::success);
    EXPECT_EQ(code("/a/2"), errc::success);
    EXPECT_EQ(code("/a/3"), errc::index_out_of_range);
    EXPECT_EQ(code("/a/-"), errc::index_out_of_range);  // names no element
    EXPECT_EQ(code("/a/01"), errc::invalid_index);
    EXPECT_EQ(code("/a/00"), errc::invalid_index);
    EXPECT_EQ(code("/a/+1"), errc::invalid_index);
    EXPECT_EQ(code("/a/-1"), errc::invalid_index);
    EXPECT_EQ(code("/a/1x"), errc::invalid_index);
    EXPECT_EQ(code("/a/"), errc::invalid_index);
    EXPECT_EQ(code("/a/ 1"), errc::invalid_index);
    EXPECT_EQ(code("/a/~01"), errc::invalid_index);
    EXPECT_EQ(code("/a/99999999999999999999"), errc::index_out_of_range);  // no wrap-around
    EXPECT_EQ(code("/a/18446744073709551616"), errc::index_out_of_range);
    EXPECT_EQ(code("/a/4294967296"), errc::index_out_of_range);  // no 32-bit wrap either
    EXPECT_EQ(code("/a/99999999999999999999x"), errc::invalid_index);
    EXPECT_EQ(code("/s/0"), errc::not_a_container);
    EXPECT_EQ(code("/missing"), errc::path_not_found);
    EXPECT_EQ(code("/missing/0"), errc::path_not_found);
}

TEST(Pointer, IndexForInsert) {
    ptr p;
    ASSERT_EQ(ptr::parse("/-", p), errc::success);
    std::size_t i = 0;
    EXPECT_EQ(p.back().to_index(3, true, i), errc::success);
    EXPECT_EQ(i, 3u);
    ASSERT_EQ(ptr::parse("/3", p), errc::success);
    EXPECT_EQ(p.back().to_index(3, true, i), errc::success);
    EXPECT_EQ(i, 3u);
    EXPECT_EQ(p.back().to_index(3, false, i), errc::index_out_of_range);
    ASSERT_EQ(ptr::parse("/4", p), errc::success);
    EXPECT_EQ(p.back().to_index(3, true, i), errc::index_out_of_range);
}

TEST(Pointer, KeysWithEmbeddedNul) {
    const rapidjson::Document doc = relpatch_test::parse("{\"a\\u0000b\":1,\"a\":2}");
    const std::string text("/a\0b", 4);
    ptr p;
    ASSERT_EQ(ptr::parse(text, p), errc::success);
    const rapidjson::Value* out = nullptr;
    ASSERT_EQ(p.resolve(doc, out), errc::success);
    EXPECT_EQ(out->GetInt(), 1);
    ASSERT_EQ(ptr::parse("/a", p), errc::success);
    ASSERT_EQ(p.resolve(doc, out), errc::success);
    EXPECT_EQ(out->GetInt(), 2);
}

TEST(Pointer, Utf16Document) {
    using Doc16 = rapidjson::GenericDocument<rapidjson::UTF16<char16_t>>;
    using Value16 = Doc16::ValueType;
    Doc16 doc;
    doc.Parse(u"{\"f\u00e9\":[true,{\"\U0001F600\":7}]}");
    ASSERT_FALSE(doc.HasParseError());
    relpatch::basic_pointer<Value16> p;
    ASSERT_EQ(relpatch::basic_pointer<Value16>::parse(u"/f\u00e9/1/\U0001F600", p), errc::success);
    const Value16* out = nullptr;
    ASSERT_EQ(p.resolve(doc, out), errc::success);
    EXPECT_EQ(out->GetInt(), 7);
    ASSERT_EQ(relpatch::basic_pointer<Value16>::parse(u"/f\u00e9/01", p), errc::success);
    EXPECT_EQ(p.resolve(doc, out), errc::invalid_index);
}

}  // namespace
