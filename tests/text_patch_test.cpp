// apply_patch_to_text against the DOM path (parse_document, then apply_patch) on the
// JSONTestSuite, on reformatted release documents and on every failure path, with the SSE2
// scanner and the portable one (json_scanner<true> / <false>: RELPATCH_NO_SIMD only changes
// which one the public function uses). Format preservation is checked independently of the
// implementation's spans: each edited span, replaced by a marker, must parse to the original
// document with the marker at a replaced location and nowhere else.

#include "test_util.hpp"

#include <relpatch/relpatch.hpp>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using relpatch::errc;
using relpatch::limits;
using relpatch::ordered_release_policy;
using relpatch::release_policy;
using relpatch::rfc6902_policy;

template <class Policy, bool Simd>
relpatch::result text_call(std::string_view doc, std::string_view patch, std::string& out,
                           const limits& lim = limits(), std::string* comment = nullptr) {
    return relpatch::detail::patch_text<Policy, Simd>(doc, patch, out, lim, comment);
}

template <class Policy>
relpatch::result dom_call(std::string_view doc_text, std::string_view patch,
                          rapidjson::Document& doc, const limits& lim = limits(),
                          std::string* comment = nullptr) {
    if (comment != nullptr) comment->clear();
    const relpatch::result r = relpatch::parse_document(doc_text, doc, lim);
    if (!r) return r;
    return relpatch::apply_patch<Policy>(doc, patch, lim, comment);
}

std::string serialize(const rapidjson::Value& v) { return relpatch_test::serialize(v); }

std::string suite_dir() {
    return std::string(RELPATCH_TEST_DATA_DIR) + "/JSONTestSuite/test_parsing";
}

std::vector<std::pair<std::string, std::string>> suite_cases() {
    std::vector<std::pair<std::string, std::string>> cases;
    for (const auto& entry : std::filesystem::directory_iterator(suite_dir()))
        cases.emplace_back(entry.path().filename().string(),
                           relpatch_test::read_file(entry.path().string()));
    std::sort(cases.begin(), cases.end());
    return cases;
}

// The paths of the "replace" operations of a patch (bare or in an envelope).
std::vector<std::string> replace_paths(std::string_view patch) {
    std::vector<std::string> paths;
    rapidjson::Document p;
    if (!relpatch::parse_document(patch, p)) return paths;
    const rapidjson::Value* ops = &p;
    if (p.IsObject() && p.HasMember("patch")) ops = &p["patch"];
    if (!ops->IsArray()) return paths;
    for (const auto& op : ops->GetArray()) {
        if (!op.IsObject() || !op.HasMember("op") || !op.HasMember("path")) continue;
        if (op["op"].IsString() && op["op"].GetString() == std::string("replace") &&
            op["path"].IsString())
            paths.emplace_back(op["path"].GetString(), op["path"].GetStringLength());
    }
    return paths;
}

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The edits the text path makes (none when it takes the DOM path).
template <class Policy, bool Simd>
std::vector<relpatch::detail::text_edit> edits_of(std::string_view doc, std::string_view patch,
                                                  const limits& lim, bool& fallback) {
    relpatch::detail::text_plan plan;
    const relpatch::result r =
        relpatch::detail::plan_text_patch<Policy, Simd>(doc, patch, lim, nullptr, plan);
    fallback = plan.fallback;
    std::vector<relpatch::detail::text_edit> edits;
    if (r && !plan.fallback)
        for (std::size_t i = 0; i < plan.edits.size(); ++i) edits.push_back(plan.edits[i]);
    return edits;
}

// `out` is `doc` with `edits` made, and each edit's old bytes are exactly the value at one of
// `paths` (checked with a marker, not with the implementation's own spans).
::testing::AssertionResult format_preserved(std::string_view doc, const std::string& out,
                                            const std::vector<relpatch::detail::text_edit>& edits,
                                            const std::vector<std::string>& paths,
                                            const limits& lim) {
    std::string rebuilt;
    std::size_t at = 0;
    for (const auto& e : edits) {
        if (e.begin < at || e.end < e.begin || e.end > doc.size())
            return ::testing::AssertionFailure() << "edits out of order";
        rebuilt.append(doc.substr(at, e.begin - at));
        rebuilt.append(e.text);
        at = e.end;
    }
    rebuilt.append(doc.substr(at));
    if (rebuilt != out) return ::testing::AssertionFailure() << "out is not doc with the edits";

    rapidjson::Document original;
    if (!relpatch::parse_document(doc, original, lim))
        return ::testing::AssertionFailure() << "the document does not parse";
    const std::string marker = "\"\\u0000relpatch-marker\"";
    // Each check parses the whole document: a sample of at most 16 edits is enough.
    const std::size_t step = edits.size() / 16 + 1;
    for (std::size_t k = 0; k < edits.size(); k += step) {
        const auto& e = edits[k];
        const std::string_view old = doc.substr(e.begin, e.end - e.begin);
        if (old.empty() || is_ws(old.front()) || is_ws(old.back()))
            return ::testing::AssertionFailure() << "span is not a value: [" << old << "]";
        std::string marked(doc);
        marked.replace(e.begin, e.end - e.begin, marker);
        rapidjson::Document m;
        if (!relpatch::parse_document(std::string_view(marked), m, lim))
            return ::testing::AssertionFailure() << "marked text does not parse: " << marked;
        bool located = false;
        for (const std::string& path : paths) {
            relpatch::pointer p;
            if (relpatch::pointer::parse(path, p) != errc::success) continue;
            rapidjson::Value* v = nullptr;
            const rapidjson::Value* o = nullptr;
            if (p.resolve(static_cast<rapidjson::Value&>(m), v) != errc::success) continue;
            if (!v->IsString() || v->GetStringLength() != 16 || v->GetString()[0] != '\0') continue;
            if (p.resolve(static_cast<const rapidjson::Value&>(original), o) != errc::success)
                return ::testing::AssertionFailure() << path << " is not in the original";
            v->CopyFrom(*o, m.GetAllocator());
            if (serialize(m) != serialize(original))
                return ::testing::AssertionFailure() << "the span of " << path << " covers more";
            located = true;
            break;
        }
        if (!located)
            return ::testing::AssertionFailure() << "span [" << old << "] is at no replaced path";
    }
    return ::testing::AssertionSuccess();
}

// Same answer as the DOM path, out untouched on refusal, format preserved on success.
template <class Policy, bool Simd>
void expect_same_as_dom(std::string_view doc, std::string_view patch, const limits& lim = limits(),
                        bool same_changed = true) {
    SCOPED_TRACE(std::string("patch ") + std::string(patch) + (Simd ? " (SSE2)" : " (portable)"));
    rapidjson::Document dom;
    std::string dom_comment = "x";
    std::string text_comment = "x";
    const relpatch::result expected = dom_call<Policy>(doc, patch, dom, lim, &dom_comment);
    std::string out = "sentinel";
    const relpatch::result got = text_call<Policy, Simd>(doc, patch, out, lim, &text_comment);
    ASSERT_EQ(got.code(), expected.code()) << got.message() << " / DOM: " << expected.message();
    EXPECT_EQ(got.op_index(), expected.op_index());
    EXPECT_EQ(got.path(), expected.path());
    EXPECT_EQ(text_comment, dom_comment);
    if (expected.code() == errc::invalid_encoding || expected.code() == errc::document_too_deep ||
        expected.code() == errc::invalid_document) {
        // One reader serves both paths (detail/parse.hpp), so the place and reason agree too.
        EXPECT_EQ(got.offset(), expected.offset());
        EXPECT_STREQ(got.detail() ? got.detail() : "", expected.detail() ? expected.detail() : "");
    }
    if (!expected) {
        EXPECT_EQ(out, "sentinel");
        EXPECT_FALSE(got.changed());
        return;
    }
    EXPECT_EQ(got.changed(), out != doc);
    if (same_changed) {
        EXPECT_EQ(got.changed(), expected.changed());
    }
    rapidjson::Document parsed;
    ASSERT_TRUE(relpatch::parse_document(std::string_view(out), parsed, lim)) << out;
    EXPECT_EQ(serialize(parsed), serialize(dom));

    bool fallback = false;
    const auto edits = edits_of<Policy, Simd>(doc, patch, lim, fallback);
    if (!fallback) {
        EXPECT_TRUE(format_preserved(doc, out, edits, replace_paths(patch), lim));
    }
}

template <class Policy>
void expect_same_as_dom_both(std::string_view doc, std::string_view patch,
                             const limits& lim = limits(), bool same_changed = true) {
    expect_same_as_dom<Policy, true>(doc, patch, lim, same_changed);
    expect_same_as_dom<Policy, false>(doc, patch, lim, same_changed);
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

// --- the JSONTestSuite ---------------------------------------------------------------------

template <bool Simd>
void suite_whole_documents() {
    int y = 0, n = 0, i = 0;
    for (const auto& [name, text] : suite_cases()) {
        SCOPED_TRACE(name);
        rapidjson::Document dom;
        const relpatch::result expected = relpatch::parse_document(std::string_view(text), dom);
        std::string out = "sentinel";
        const relpatch::result got = text_call<release_policy, Simd>(text, "[]", out);
        EXPECT_EQ(got.code(), expected.code()) << got.message();
        if (name[0] == 'y') {
            ++y;
            EXPECT_TRUE(got) << got.message();
        } else if (name[0] == 'n') {
            ++n;
            EXPECT_FALSE(got);
            EXPECT_NE(got.offset(), relpatch::result::npos);
            EXPECT_LE(got.offset(), text.size());
        } else {
            ++i;
        }
        // [] changes nothing, byte for byte.
        EXPECT_EQ(out, got ? text : std::string("sentinel"));
        if (got.code() == errc::invalid_encoding || got.code() == errc::document_too_deep) {
            EXPECT_EQ(got.offset(), expected.offset());
        }
    }
    EXPECT_EQ(y, 95);
    EXPECT_EQ(n, 188);
    EXPECT_EQ(i, 35);
}

TEST(TextPatchSuite, WholeDocumentsSse2) { suite_whole_documents<true>(); }
TEST(TextPatchSuite, WholeDocumentsPortable) { suite_whole_documents<false>(); }

// Each case as a value inside a release document, at four places: a root member before
// "phases", a member of the phase the patch writes (compared with "complete" by the scan), an
// element of "phases" after it (collected by ordered_release_policy), and a root member after
// "phases". A y_ case is one value with whitespace around it, so embedding keeps it valid; an
// n_ case stays invalid (none of them is text that continues a member list, such as `1, "a": 2`);
// a case starting with a byte order mark loses its BOM's meaning in the middle of a document.
// Every embedding must give the DOM path's answer.
struct embedding {
    const char* before;
    const char* after;
    const char* patched_before;  // the expected output around the case, patched
    const char* patched_after;
};
const embedding embeddings[] = {
    {R"({"x": )", R"(, "phases": [{"complete": false}]})", R"({"x": )",
     R"(, "phases": [{"complete": true}]})"},
    {R"({"phases": [{"complete": false, "x": )", R"(}]})",
     R"({"phases": [{"complete": true, "x": )", R"(}]})"},
    {R"({"phases": [{"complete": false}, )", R"(]})", R"({"phases": [{"complete": true}, )",
     R"(]})"},
    {R"({"phases": [{"complete": false}], "x": )", R"(})",
     R"({"phases": [{"complete": true}], "x": )", R"(})"},
};

template <class Policy, bool Simd>
void suite_embedded() {
    const std::string patch = R"([{"op":"replace","path":"/phases/0/complete","value":true}])";
    for (const auto& [name, text] : suite_cases()) {
        for (const embedding& e : embeddings) {
            const std::string doc = e.before + text + e.after;
            SCOPED_TRACE(name + " in " + e.before);
            rapidjson::Document dom;
            const relpatch::result expected = dom_call<Policy>(doc, patch, dom);
            std::string out = "sentinel";
            const relpatch::result got = text_call<Policy, Simd>(doc, patch, out);
            EXPECT_EQ(got.code(), expected.code()) << got.message();
            if (name[0] == 'y') {
                EXPECT_TRUE(got) << got.message();
                EXPECT_EQ(out, e.patched_before + text + e.patched_after);
                EXPECT_TRUE(got.changed());
            } else if (name[0] == 'n') {
                EXPECT_FALSE(got);
            }
            if (!got) {
                EXPECT_EQ(out, "sentinel");
            }
        }
    }
}

TEST(TextPatchSuite, EmbeddedSse2) { suite_embedded<release_policy, true>(); }
TEST(TextPatchSuite, EmbeddedPortable) { suite_embedded<release_policy, false>(); }
TEST(TextPatchSuite, EmbeddedOrdered) { suite_embedded<ordered_release_policy, true>(); }
TEST(TextPatchSuite, EmbeddedOrderedPortable) { suite_embedded<ordered_release_policy, false>(); }

// The i_ cases the suite leaves to the implementation: apply_patch_to_text answers as
// parse_document does (checked above); these are the answers, as README.md states them.
TEST(TextPatchSuite, ImplementationDefinedAnswers) {
    std::vector<std::string> accepted;
    for (const auto& [name, text] : suite_cases()) {
        if (name[0] != 'i') continue;
        std::string out;
        if (relpatch::apply_patch_to_text(text, "[]", out)) accepted.push_back(name);
    }
    const std::vector<std::string> expected = {
        "i_number_double_huge_neg_exp.json",      "i_number_real_underflow.json",
        "i_number_too_big_neg_int.json",          "i_number_too_big_pos_int.json",
        "i_number_very_big_negative_int.json",    "i_structure_500_nested_arrays.json",
        "i_structure_UTF-8_BOM_empty_object.json"};
    EXPECT_EQ(accepted, expected);
}

// Numbers RapidJSON's reader refuses though they fit a double (0e400, -0E999, 1 followed by 400
// zeros and e-100) are read by both paths, and numbers past the double range refused by both:
// the divergence fuzz_text_patch found when parse_document used RapidJSON's reader.
TEST(TextPatch, NumbersAgreeWithTheDomPath) {
    const std::string zeros(400, '0');
    for (const std::string& number :
         {std::string("0e400"), std::string("-0E999"), "1" + zeros + "e-100",
          "0." + zeros + "1E+350", std::string("1e309"), "-1" + zeros,
          std::string("1.7976931348623157e308"), std::string("1.7976931348623159e308")}) {
        SCOPED_TRACE(number);
        const std::string doc = R"({"n":)" + number + R"(,"phases":[{"complete":false}]})";
        expect_same_as_dom_both<release_policy>(
            doc, R"([{"op":"replace","path":"/phases/0/complete","value":true}])");
        expect_same_as_dom_both<rfc6902_policy>(
            R"({"n":1})", R"([{"op":"replace","path":"/n","value":)" + number + "}]");
        expect_same_as_dom_both<rfc6902_policy>(
            doc, R"([{"op":"test","path":"/n","value":)" + number + "}]");
    }
}

// --- format preservation -------------------------------------------------------------------

TEST(TextPatch, ChangesOnlyTheReplacedBytes) {
    const std::string doc =
        "\xEF\xBB\xBF{ \"phases\" :\r\n\t[ { \"complete\" : false ,\"n\":1.0E+2 } ] }  \r\n";
    std::string out;
    const relpatch::result r = relpatch::apply_patch_to_text(
        doc, R"([{"op":"replace","path":"/phases/0/complete","value":true}])", out);
    ASSERT_TRUE(r) << r.message();
    EXPECT_TRUE(r.changed());
    EXPECT_EQ(out,
              "\xEF\xBB\xBF{ \"phases\" :\r\n\t[ { \"complete\" : true ,\"n\":1.0E+2 } ] }  \r\n");
}

TEST(TextPatch, NewValuesAsThePatchSpellsThem) {
    const std::string doc = R"({"a": 1, "b": "x", "c": [1, 2]})";
    std::string out;
    const relpatch::result r = relpatch::apply_patch_to_text<rfc6902_policy>(
        doc,
        R"([{"op":"replace","path":"/a","value":1.0E+2},
            {"op":"replace","path":"/b","value":"\u00e9\/"},
            {"op":"replace","path":"/c/1","value":{ "k" :[ -0 ,1e-7] }}])",
        out);
    ASSERT_TRUE(r) << r.message();
    EXPECT_EQ(out, R"({"a": 1.0E+2, "b": "\u00e9\/", "c": [1, { "k" :[ -0 ,1e-7] }]})");
    expect_same_as_dom_both<rfc6902_policy>(
        doc,
        R"([{"op":"replace","path":"/a","value":1.0E+2},{"op":"replace","path":"/b","value":"\u00e9\/"}])");
}

TEST(TextPatch, ChangedMeansTheBytesDiffer) {
    const std::string doc = relpatch_test::release_example();
    std::string out;
    // false over false: nothing to write.
    relpatch::result r = relpatch::apply_patch_to_text(
        doc, R"([{"op":"replace","path":"/phases/1/complete","value":false}])", out);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r.changed());
    EXPECT_EQ(out, doc);
    // A flag set and set back: the net effect is nothing, as on the DOM path.
    r = relpatch::apply_patch_to_text(doc,
                                      R"([{"op":"replace","path":"/phases/1/complete","value":true},
                                          {"op":"replace","path":"/phases/1/complete","value":false}])",
                                      out);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r.changed());
    EXPECT_EQ(out, doc);
    // Where the two paths differ, by design: the DOM path judges values, the text path bytes.
    // "\u0061" is the string "a" spelled otherwise: the DOM's value is unchanged, the text is not.
    const std::string spelled = R"({"s":"a"})";
    r = relpatch::apply_patch_to_text<rfc6902_policy>(
        spelled, R"([{"op":"replace","path":"/s","value":"\u0061"}])", out);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r.changed());
    EXPECT_EQ(out, R"({"s":"\u0061"})");
    expect_same_as_dom_both<rfc6902_policy>(
        spelled, R"([{"op":"replace","path":"/s","value":"\u0061"}])", limits(), false);
    // The same bytes written back: unchanged here, while the DOM path counts a replaced
    // container as a change.
    const std::string nested = R"({"o":{"k":1}})";
    r = relpatch::apply_patch_to_text<rfc6902_policy>(
        nested,
        R"([{"op":"replace","path":"/o","value":{"k":2}},{"op":"replace","path":"/o","value":{"k":1}}])",
        out);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r.changed());
    EXPECT_EQ(out, nested);
}

TEST(TextPatch, FirstOfDuplicateNamesIsTheTarget) {
    const char* docs[] = {
        R"({"phases":[{"complete":false,"complete":true}]})",
        R"({"phases":[{"complete":false}],"phases":[{"complete":true}]})",
        R"({"phases":[{"compl\u0065te":false,"complete":true}]})",
        R"({"ph\u0061ses":[{"complete":false}],"phases":7})",
        R"({"phases":[{"complete":"no","complete":false}]})",
    };
    for (const char* doc : docs) {
        SCOPED_TRACE(doc);
        for (const char* patch :
             {R"([{"op":"replace","path":"/phases/0/complete","value":true}])",
              R"([{"op":"replace","path":"/phases/0/complete","value":false}])"}) {
            expect_same_as_dom_both<release_policy>(doc, patch);
            expect_same_as_dom_both<ordered_release_policy>(doc, patch);
            expect_same_as_dom_both<rfc6902_policy>(doc, patch);
        }
        expect_same_as_dom_both<rfc6902_policy>(
            doc, R"([{"op":"test","path":"/phases/0/complete","value":false}])");
    }
    std::string out;
    ASSERT_TRUE(relpatch::apply_patch_to_text(
        docs[0], R"([{"op":"replace","path":"/phases/0/complete","value":true}])", out));
    EXPECT_EQ(out, R"({"phases":[{"complete":true,"complete":true}]})");
}

// Member names written with escapes are matched by what they decode to, as the DOM path
// matches them: one-character escapes, \u escapes of one, two and three UTF-8 bytes, and
// surrogate pairs (four bytes; U+10000 and U+20000 have even bits where U+1F600 has odd ones),
// each followed by more of the name.
TEST(TextPatch, EscapedNamesMatchWhatTheyDecodeTo) {
    const char* const docs[] = {
        R"({"\uD840\uDC00x":false,"k":1})",
        R"({"\uD800\uDC00yz":false,"k":1})",
        R"({"a\uD83D\uDE00b":false,"k":1})",
        R"({"\u00e9\u2603\u0041\n\/":false,"k":1})",
    };
    const char* const paths[] = {
        "/\xF0\xA0\x80\x80x",
        "/\xF0\x90\x80\x80yz",
        "/a\xF0\x9F\x98\x80"
        "b",
        "/\xC3\xA9\xE2\x98\x83"
        "A\\n~1",
    };
    for (std::size_t i = 0; i < 4; ++i) {
        SCOPED_TRACE(docs[i]);
        const std::string replace =
            std::string(R"([{"op":"replace","path":")") + paths[i] + R"(","value":true}])";
        const std::string test =
            std::string(R"([{"op":"test","path":")") + paths[i] + R"(","value":false}])";
        expect_same_as_dom_both<rfc6902_policy>(docs[i], replace);
        expect_same_as_dom_both<rfc6902_policy>(docs[i], test);
        std::string out;
        const relpatch::result r =
            relpatch::apply_patch_to_text<rfc6902_policy>(docs[i], replace, out);
        ASSERT_TRUE(r) << r.message();
        EXPECT_TRUE(r.changed());
        EXPECT_NE(out.find(":true,"), std::string::npos) << out;
    }
}

// max_added_bytes bounds what a replace writes, on the text path as on the DOM path: at every
// limit around the size of the new value both give the same answer.
TEST(TextPatch, AddedBytesLimitAtEveryValue) {
    const char* const doc = R"({"a":"old","b":[1,2],"c":{"d":null}})";
    const char* const patches[] = {
        R"([{"op":"replace","path":"/a","value":"a longer string than before"}])",
        R"([{"op":"replace","path":"/b","value":[1,2,3,{"x":"yz"}]}])",
        R"([{"op":"replace","path":"/c/d","value":{"e":[true,false,null],"f":12.5}}])",
        (R"([{"op":"replace","path":"/a","value":"twenty-one characters"},)"
         R"({"op":"replace","path":"/b","value":[10,20,30]}])"),
    };
    for (const char* patch : patches) {
        bool refused = false;
        bool accepted = false;
        for (std::size_t bytes = 0; bytes <= 400; ++bytes) {
            SCOPED_TRACE("max_added_bytes " + std::to_string(bytes));
            limits lim;
            lim.max_added_bytes = bytes;
            expect_same_as_dom_both<rfc6902_policy>(doc, patch, lim);
            std::string out;
            const bool ok = static_cast<bool>(
                relpatch::apply_patch_to_text<rfc6902_policy>(doc, patch, out, lim));
            refused = refused || !ok;
            accepted = accepted || ok;
        }
        EXPECT_TRUE(refused && accepted) << patch;  // the range covers the boundary
    }
}

// --- reformatted release documents -----------------------------------------------------------

std::vector<std::pair<std::string, std::string>> reformatted_release_documents() {
    const std::string original =
        relpatch_test::read_file(std::string(RELPATCH_EXAMPLES_DIR) + "/release.json");
    rapidjson::Document d;
    EXPECT_TRUE(relpatch::parse_document(std::string_view(original), d));
    std::string indented4;
    std::string tabs;
    for (std::size_t at = 0; at < original.size();) {
        std::size_t eol = original.find('\n', at);
        if (eol == std::string::npos) eol = original.size();
        const std::string line = original.substr(at, eol - at);
        const std::size_t spaces = line.find_first_not_of(' ');
        const std::size_t lead = spaces == std::string::npos ? line.size() : spaces;
        indented4 += std::string(lead * 2, ' ') + line.substr(lead);
        tabs += std::string(lead / 2, '\t') + line.substr(lead);
        if (eol < original.size()) {
            indented4 += '\n';
            tabs += '\n';
        }
        at = eol + 1;
    }
    std::string escaped = replace_all(original, "\"complete\"", "\"compl\\u0065te\"");
    escaped = replace_all(escaped, "\"phases\"", "\"\\u0070hases\"");
    escaped = replace_all(escaped, "\"_id\"", "\"_\\u0069d\"");
    escaped = replace_all(escaped, "\"Test\"", "\"T\\u0065st\\ud83d\\ude00\"");
    escaped = replace_all(escaped, "/api/v2/", "\\/api\\/v2\\/");
    std::string numbers = replace_all(original, "60000", "6.0E+4");
    numbers = replace_all(numbers, "\"rolloutWeight\": 50", "\"rolloutWeight\": 5e1");
    numbers = replace_all(numbers, "\"_version\": 1", "\"_version\": 1.0");
    numbers.replace(numbers.find('{'), 1,
                    "{\n  \"n1\": 1.0E+2, \"n2\": -0, \"n3\": 1e-7, \"n4\": -0.0, \"n5\": 100,");
    std::vector<std::pair<std::string, std::string>> v = {
        {"original", original},
        {"compact", serialize(d)},
        {"indent 4", indented4},
        {"tabs", tabs},
        {"CRLF", replace_all(original, "\n", "\r\n")},
        {"space before colon", replace_all(original, "\": ", "\" : ")},
        {"no space after colon", replace_all(original, "\": ", "\":")},
        {"escapes", escaped},
        {"numbers", numbers},
        {"BOM", "\xEF\xBB\xBF" + original},
        {"whitespace around", " \r\n\t" + original + "\n\n  "},
        {"duplicate complete",
         replace_all(original, "\"complete\": false,", "\"complete\": false, \"complete\": true,")},
        {"duplicate phases", original.substr(0, original.rfind('}')) + ", \"phases\": 0}\n"},
        {"everything",
         "\xEF\xBB\xBF" + replace_all(replace_all(escaped, "\n", "\r\n"), "  ", "\t")},
    };
    v.push_back({"everything with numbers",
                 "\xEF\xBB\xBF" + replace_all(replace_all(replace_all(numbers, "\"complete\"",
                                                                      "\"compl\\u0065te\""),
                                                          "\n", "\r\n"),
                                              "\": ", "\"\t:\t")});
    return v;
}

const char* const release_patches[] = {
    "[]",
    R"([{"op":"replace","path":"/phases/0/complete","value":false}])",
    R"([{"op":"replace","path":"/phases/1/complete","value":true}])",
    R"([{"op":"replace","path":"/phases/2/complete","value":true}])",
    R"([{"op":"replace","path":"/phases/0/complete","value":true}])",
    R"([{"op":"replace","path":"/phases/1/complete","value":true},{"op":"replace","path":"/phases/2/complete","value":true}])",
    R"([{"op":"replace","path":"/phases/2/complete","value":true},{"op":"replace","path":"/phases/1/complete","value":true},{"op":"replace","path":"/phases/0/complete","value":false}])",
    R"({"comment":"staging \"ok\"","patch":[{"op":"replace","path":"/phases/1/complete","value":true}]})",
    R"([{"path":"/phases/1/complete","value":true,"op":"replace"}])",
    R"([{"op":"replace","path":"/phases/1/c\u006fmplete","value":true}])",
    R"([{"op":"replace","path":"/phases/3/complete","value":true}])",
    R"([{"op":"replace","path":"/phases/01/complete","value":true}])",
    R"([{"op":"replace","path":"/phases/-/complete","value":true}])",
    R"([{"op":"replace","path":"/phase/1/complete","value":true}])",
    R"([{"op":"replace","path":"/name","value":"renamed"}])",
    R"([{"op":"replace","path":"/phases/1/complete","value":"true"}])",
    R"([{"op":"add","path":"/phases/1/complete","value":true}])",
    R"([{"op":"test","path":"/phases/1/complete","value":false}])",
    R"([{"op":"replace","path":"/phases/1/complete","value":true},{"op":"remove","path":"/name"}])",
};

const char* const rfc_patches[] = {
    R"([{"op":"test","path":"/phases/0/complete","value":true}])",
    R"([{"op":"test","path":"/phases/1/complete","value":true}])",
    R"([{"op":"replace","path":"/name","value":"renamed \u00e9"}])",
    R"([{"op":"replace","path":"/phases/0/_audiences/0/configuration/releaseGuardianConfiguration/rolloutWeight","value":1.0E+2}])",
    R"([{"op":"test","path":"/phases/0/_audiences/0/configuration/releaseGuardianConfiguration/rolloutWeight","value":50.0}])",
    R"([{"op":"test","path":"/phases/0/_audiences/0/configuration/releaseGuardianConfiguration","value":{"randomizationUnit":"user","rolloutWeight":50,"rollbackOnRegression":true,"monitoringWindowMilliseconds":60000}}])",
    R"([{"op":"test","path":"/phases/0/_audiences/0/environment/_links/self/href","value":"/api/v2/projects/my-project/environments/test"}])",
    R"([{"op":"test","path":"/n1","value":100},{"op":"test","path":"/n2","value":0},{"op":"test","path":"/n3","value":1e-7}])",
    R"([{"op":"replace","path":"/n2","value":1.0E+2},{"op":"test","path":"/n2","value":100}])",
    R"([{"op":"replace","path":"","value":{"a" : [1, 2.50]}}])",
    R"([{"op":"replace","path":"/phases/1","value":{"complete":true}},{"op":"test","path":"/phases/1","value":{"complete":true}}])",
    R"([{"op":"replace","path":"/phases/1","value":{"complete":true}},{"op":"test","path":"/phases/1/complete","value":true}])",
    R"([{"op":"replace","path":"/phases/1/complete","value":true},{"op":"test","path":"/phases/1","value":{}}])",
    R"([{"op":"replace","path":"/phases","value":[]},{"op":"replace","path":"/phases","value":[1]},{"op":"test","path":"/name","value":"Example release pipeline"}])",
    R"([{"op":"test","path":"/phases/0/_audiences/0/segmentKeys","value":["segment-key-123abc"]},{"op":"replace","path":"/phases/0/_audiences/0/segmentKeys/0","value":null}])",
    R"([{"op":"test","path":"/nope","value":1}])",
    R"([{"op":"replace","path":"/name/x","value":1}])",
    R"([{"op":"replace","path":"/phases/3","value":1}])",
    R"([{"op":"replace","path":"/phases/-","value":1}])",
    R"([{"op":"replace","path":"/phases/00","value":1}])",
    R"([{"op":"test","path":"/phases/0/complete","value":false}])",
    R"([{"op":"add","path":"/phases/0/x","value":1}])",
    R"([{"op":"remove","path":"/phases/1"}])",
    R"([{"op":"move","from":"/phases/0","path":"/phases/2"}])",
    R"([{"op":"copy","from":"/name","path":"/copied"}])",
    R"([{"op":"move","from":"/name","path":"/name"}])",
};

TEST(TextPatch, ReformattedReleaseDocuments) {
    for (const auto& [name, doc] : reformatted_release_documents()) {
        SCOPED_TRACE(name);
        for (const char* patch : release_patches) {
            expect_same_as_dom_both<release_policy>(doc, patch);
            expect_same_as_dom_both<ordered_release_policy>(doc, patch);
            expect_same_as_dom_both<rfc6902_policy>(doc, patch);
        }
        for (const char* patch : rfc_patches) expect_same_as_dom_both<rfc6902_policy>(doc, patch);
    }
}

TEST(TextPatch, ReformattingsDifferOnlyInTheReplacedSpan) {
    for (const auto& [name, doc] : reformatted_release_documents()) {
        SCOPED_TRACE(name);
        std::string out;
        const relpatch::result r = relpatch::apply_patch_to_text(
            doc, R"([{"op":"replace","path":"/phases/1/complete","value":true}])", out);
        ASSERT_TRUE(r) << r.message();
        ASSERT_EQ(out.size(), doc.size() - 1);  // false -> true
        std::size_t first = 0;
        while (out[first] == doc[first]) ++first;
        std::size_t last = 0;
        while (out[out.size() - 1 - last] == doc[doc.size() - 1 - last]) ++last;
        const std::string before = doc.substr(first, doc.size() - last - first);
        const std::string after = out.substr(first, out.size() - last - first);
        // The difference lies within "false" -> "true".
        EXPECT_LE(before.size(), 5u);
        EXPECT_NE(std::string("false").find(before), std::string::npos) << before;
        EXPECT_NE(std::string("true").find(after), std::string::npos) << after;
    }
}

// --- failures: the DOM path's errc, and `out` untouched -------------------------------------

enum class pol { release, ordered, rfc6902 };

struct failure_row {
    errc expected;
    pol policy;
    std::string doc;
    std::string patch;
    limits lim = limits();
};

limits with(std::size_t limits::*field, std::size_t value) {
    limits l;
    l.*field = value;
    return l;
}

std::vector<failure_row> failure_rows() {
    const std::string release = relpatch_test::release_example();
    const std::string set1 = R"([{"op":"replace","path":"/phases/1/complete","value":true}])";
    std::string deep;
    for (int i = 0; i < 20; ++i) deep += "[";
    for (int i = 0; i < 20; ++i) deep += "]";
    return {
        // The document.
        {errc::invalid_document, pol::release, "", set1},
        {errc::invalid_document, pol::release, "   ", set1},
        {errc::invalid_document, pol::release, "\xEF\xBB\xBF", set1},
        {errc::invalid_document, pol::release, R"({"phases":[{"complete":false},]})", set1},
        {errc::invalid_document, pol::release, R"({"a":01,"phases":[]})", set1},
        {errc::invalid_document, pol::release, R"({"a":1e400,"phases":[]})", set1},
        {errc::invalid_document, pol::release, R"({"a":-1e309})", set1},
        {errc::invalid_document, pol::release, "{\"a\":\"\t\"}", set1},
        {errc::invalid_document, pol::release, R"({"a":"\uD800"})", set1},
        {errc::invalid_document, pol::release, R"({"a":"\uD800\u0041"})", set1},
        {errc::invalid_document, pol::release, R"({"a":"\x41"})", set1},
        {errc::invalid_document, pol::release, R"({"a":1}x)", set1},
        {errc::invalid_document, pol::release, R"({"a":1} {})", set1},
        {errc::invalid_document, pol::release, R"(/*c*/{})", set1},
        {errc::invalid_document, pol::release, R"({'a':1})", set1},
        {errc::invalid_document, pol::release, R"({"a":tru})", set1},
        {errc::invalid_document, pol::release, R"({"a" 1})", set1},
        {errc::invalid_document, pol::release, R"([1,2)", set1},
        {errc::invalid_document, pol::release, R"({"a":[1}})", set1},
        {errc::invalid_document, pol::release, std::string("{\"a\":\0}", 7), set1},
        {errc::invalid_document, pol::release, "\xC3\xA9{}", set1},
        {errc::invalid_document, pol::release, "\xEF\xBB\xBF\xEF\xBB\xBF{}", set1},
        {errc::invalid_document, pol::rfc6902, "[1.]", R"([{"op":"add","path":"/0","value":1}])"},
        {errc::invalid_document, pol::release, release + "x", "not a patch"},
        {errc::invalid_encoding, pol::release, "{\"a\":\"\xC0\x80\"}", set1},
        {errc::invalid_encoding, pol::release, "{\"a\":\"\xED\xA0\x80\"}", set1},
        {errc::invalid_encoding, pol::release, "{\"a\":\"\xF0\x9F\"}", set1},
        {errc::invalid_encoding, pol::release, "{\"a\":\"\xF4\x90\x80\x80\"}", set1},
        {errc::invalid_encoding, pol::release, R"({"a":"\uDC00"})", set1},
        {errc::invalid_encoding, pol::release, "[1,] \xFF", set1},
        {errc::invalid_encoding, pol::rfc6902, release + "\xFF",
         R"([{"op":"remove","path":"/name"}])"},
        {errc::document_too_deep, pol::release, deep, set1, with(&limits::max_document_depth, 19)},
        {errc::document_too_deep, pol::release, "[1,] " + deep, set1,
         with(&limits::max_document_depth, 19)},
        {errc::document_too_deep, pol::rfc6902, deep, R"([{"op":"test","path":"","value":1}])",
         with(&limits::max_document_depth, 3)},
        // The patch.
        {errc::invalid_json, pol::release, release, R"([{"op":)"},
        {errc::invalid_json, pol::rfc6902, release, R"([{"op":"test","path":"","value":1e400}])"},
        {errc::invalid_encoding, pol::release, release, "[\"\xF0"},
        {errc::patch_not_array, pol::rfc6902, release, R"({"op":"remove","path":"/name"})"},
        {errc::patch_not_array, pol::release, release, R"("replace")"},
        {errc::operation_not_object, pol::rfc6902, release, R"([["remove","/name"]])"},
        {errc::missing_member, pol::rfc6902, release, R"([{"path":"/name"}])"},
        {errc::missing_member, pol::release, release, R"({"comment":"no patch"})"},
        {errc::missing_member, pol::rfc6902, release, R"([{"op":"replace","path":"/name"}])"},
        {errc::duplicate_member, pol::rfc6902, release,
         R"([{"op":"test","op":"remove","path":"/name","value":"r"}])"},
        {errc::invalid_member_type, pol::rfc6902, release, R"([{"op":1,"path":"/name"}])"},
        {errc::invalid_member_type, pol::release, release, R"({"comment":7,"patch":[]})"},
        {errc::unknown_op, pol::rfc6902, release, R"([{"op":"merge","path":"/name","value":1}])"},
        {errc::invalid_pointer, pol::rfc6902, release,
         R"([{"op":"test","path":"name","value":1}])"},
        {errc::invalid_pointer, pol::release, release,
         R"([{"op":"replace","path":"/phases/0/complete~2","value":true}])"},
        {errc::too_many_operations, pol::release, release,
         R"([{"op":"replace","path":"/phases/1/complete","value":true},{"op":"replace","path":"/phases/1/complete","value":true}])",
         with(&limits::max_operations, 1)},
        {errc::pointer_too_long, pol::rfc6902, release,
         R"([{"op":"test","path":"/name","value":1}])", with(&limits::max_pointer_length, 3)},
        {errc::nesting_too_deep, pol::rfc6902, release,
         R"([{"op":"test","path":"/name","value":[[1]]}])", with(&limits::max_depth, 3)},
        {errc::patch_too_large, pol::release, release, set1, with(&limits::max_patch_bytes, 10)},
        // The release policies.
        {errc::op_not_allowed, pol::release, release,
         R"([{"op":"add","path":"/phases/1/complete","value":true}])"},
        {errc::op_not_allowed, pol::ordered, release,
         R"([{"op":"test","path":"/phases/1/complete","value":false}])"},
        {errc::path_not_allowed, pol::release, release,
         R"([{"op":"replace","path":"/phase/1/complete","value":true}])"},
        {errc::path_not_allowed, pol::release, release,
         R"([{"op":"replace","path":"/phases/1/complete/x","value":true}])"},
        {errc::path_not_allowed, pol::release, release,
         R"([{"op":"replace","path":"/name","value":"x"}])"},
        {errc::value_type_not_allowed, pol::release, release,
         R"([{"op":"replace","path":"/phases/1/complete","value":1}])"},
        {errc::path_not_found, pol::release, "[]", set1},
        {errc::path_not_found, pol::release, R"({"phase":[]})", set1},
        {errc::path_not_found, pol::release, R"({"phases":{"1":{"complete":false}}})", set1},
        {errc::path_not_found, pol::release, R"({"phases":[{},[]]})", set1},
        {errc::path_not_found, pol::release, R"({"phases":[{},{"completed":false}]})", set1},
        {errc::index_out_of_range, pol::release, R"({"phases":[{"complete":false}]})", set1},
        {errc::index_out_of_range, pol::release, release,
         R"([{"op":"replace","path":"/phases/-/complete","value":true}])"},
        {errc::invalid_index, pol::release, release,
         R"([{"op":"replace","path":"/phases/01/complete","value":true}])"},
        {errc::target_type_not_allowed, pol::release, R"({"phases":[{},{"complete":"no"}]})", set1},
        {errc::target_type_not_allowed, pol::ordered, R"({"phases":[{},{"complete":null}]})", set1},
        {errc::phase_order_violation, pol::ordered, release,
         R"([{"op":"replace","path":"/phases/2/complete","value":true}])"},
        {errc::phase_order_violation, pol::ordered, release,
         R"([{"op":"replace","path":"/phases/0/complete","value":false},{"op":"replace","path":"/phases/1/complete","value":true}])"},
        {errc::phase_order_violation, pol::ordered,
         R"({"phases":[{"complete":false},"x",{"complete":true}]})",
         R"([{"op":"replace","path":"/phases/0/complete","value":false}])"},
        {errc::work_limit_exceeded, pol::release, release, set1, with(&limits::max_work, 1)},
        // rfc6902: replace and test.
        {errc::path_not_found, pol::rfc6902, release,
         R"([{"op":"test","path":"/nope","value":1}])"},
        {errc::path_not_found, pol::rfc6902, release,
         R"([{"op":"replace","path":"/phases/0/nope/x","value":1}])"},
        {errc::not_a_container, pol::rfc6902, release,
         R"([{"op":"replace","path":"/name/x","value":1}])"},
        {errc::not_a_container, pol::rfc6902, "1", R"([{"op":"test","path":"/0","value":1}])"},
        {errc::invalid_index, pol::rfc6902, release,
         R"([{"op":"test","path":"/phases/01","value":1}])"},
        {errc::invalid_index, pol::rfc6902, release,
         R"([{"op":"test","path":"/phases/x/y","value":1}])"},
        {errc::index_out_of_range, pol::rfc6902, release,
         R"([{"op":"replace","path":"/phases/3","value":1}])"},
        {errc::index_out_of_range, pol::rfc6902, release,
         R"([{"op":"replace","path":"/phases/-","value":1}])"},
        {errc::index_out_of_range, pol::rfc6902, release,
         R"([{"op":"test","path":"/phases/99999999999999999999999","value":1}])"},
        {errc::test_failed, pol::rfc6902, release,
         R"([{"op":"test","path":"/phases/0/complete","value":false}])"},
        {errc::test_failed, pol::rfc6902, release,
         R"([{"op":"replace","path":"/name","value":"a"},{"op":"test","path":"/name","value":"r"}])"},
        {errc::test_failed, pol::rfc6902, R"({"n":-1})",
         R"([{"op":"test","path":"/n","value":18446744073709551615}])"},
        {errc::test_failed, pol::rfc6902, R"({"n":[1,{"a":null}]})",
         R"([{"op":"test","path":"/n","value":[1,{"a":false}]}])"},
        {errc::growth_limit_exceeded, pol::rfc6902, release,
         R"([{"op":"replace","path":"/name","value":"a string longer than sixteen bytes"}])",
         with(&limits::max_added_bytes, 8)},
        {errc::document_too_deep, pol::rfc6902, release,
         R"([{"op":"replace","path":"/phases/0/configuration","value":[[1]]}])",
         with(&limits::max_document_depth, 4)},
        // The DOM path's refusals.
        {errc::cannot_remove_root, pol::rfc6902, release, R"([{"op":"remove","path":""}])"},
        {errc::move_into_own_child, pol::rfc6902, release,
         R"([{"op":"move","from":"/phases","path":"/phases/0"}])"},
        {errc::path_not_found, pol::rfc6902, release, R"([{"op":"add","path":"/a/b","value":1}])"},
        {errc::test_failed, pol::rfc6902, release,
         R"([{"op":"replace","path":"/phases/1","value":{"complete":7}},{"op":"test","path":"/phases/1/complete","value":true}])"},
    };
}

template <class Policy, bool Simd>
void check_failure(const failure_row& row) {
    std::string out = "sentinel";
    std::string comment = "c";
    const relpatch::result r = text_call<Policy, Simd>(row.doc, row.patch, out, row.lim, &comment);
    EXPECT_EQ(r.code(), row.expected) << r.message();
    EXPECT_EQ(out, "sentinel");
    EXPECT_FALSE(r.changed());
    expect_same_as_dom<Policy, Simd>(row.doc, row.patch, row.lim);
}

TEST(TextPatch, EveryFailureLeavesOutUnchanged) {
    std::vector<errc> seen;
    for (const failure_row& row : failure_rows()) {
        SCOPED_TRACE(row.doc.substr(0, 60) + " | " + row.patch);
        switch (row.policy) {
        case pol::release:
            check_failure<release_policy, true>(row);
            check_failure<release_policy, false>(row);
            break;
        case pol::ordered:
            check_failure<ordered_release_policy, true>(row);
            check_failure<ordered_release_policy, false>(row);
            break;
        case pol::rfc6902:
            check_failure<rfc6902_policy, true>(row);
            check_failure<rfc6902_policy, false>(row);
            break;
        }
        seen.push_back(row.expected);
    }
    // Every errc but out_of_memory is provoked at least once.
    for (std::size_t e = 1; e < relpatch::detail::errc_count; ++e) {
        if (static_cast<errc>(e) == errc::out_of_memory) continue;
        EXPECT_NE(std::find(seen.begin(), seen.end(), static_cast<errc>(e)), seen.end())
            << relpatch::errc_name(static_cast<errc>(e));
    }
}

TEST(TextPatch, InvalidDocumentOffsets) {
    std::string out;
    relpatch::result r = relpatch::apply_patch_to_text(R"({"a":[1,]})", "[]", out);
    EXPECT_EQ(r.code(), errc::invalid_document);
    EXPECT_EQ(r.offset(), 8u);
    EXPECT_EQ(r.http_status(), 500);
    r = relpatch::apply_patch_to_text("\xEF\xBB\xBF{\"a\":\"\xFF\"}", "[]", out);
    EXPECT_EQ(r.code(), errc::invalid_encoding);
    EXPECT_EQ(r.offset(), 9u);  // counted from the start of the text, BOM included
    r = relpatch::apply_patch_to_text("\xEF\xBB\xBF{\"a\":1,}", "[]", out);
    EXPECT_EQ(r.code(), errc::invalid_document);
    EXPECT_EQ(r.offset(), 10u);  // the "}" where a member name belongs
    EXPECT_NE(r.detail(), nullptr);
}

// A malformed number is refused at the offset parse_document gives, whichever part of it
// is missing.
TEST(TextPatch, InvalidNumbersAtParseDocumentsOffset) {
    const char* const docs[] = {"[1e]", "[1E+]",  "[0e-]", R"({"a":1e})", "[1e", "[1e+",
                                "[1.]", "[1.e5]", "[-]",   "[-a]",        "[1.", "[2E-x]"};
    for (const char* doc : docs) {
        SCOPED_TRACE(doc);
        rapidjson::Document dom;
        const relpatch::result expected = relpatch::parse_document(std::string_view(doc), dom);
        ASSERT_EQ(expected.code(), errc::invalid_document);
        for (const bool simd : {true, false}) {
            std::string out = "sentinel";
            const relpatch::result got = simd ? text_call<rfc6902_policy, true>(doc, "[]", out)
                                              : text_call<rfc6902_policy, false>(doc, "[]", out);
            EXPECT_EQ(got.code(), errc::invalid_document);
            EXPECT_EQ(got.offset(), expected.offset());
            EXPECT_EQ(out, "sentinel");
        }
    }
}

TEST(TextPatch, DocumentDepthLimit) {
    std::string doc = R"({"phases":[{"complete":false,"x":)";
    for (int i = 0; i < 30; ++i) doc += "[";
    for (int i = 0; i < 30; ++i) doc += "]";
    doc += "}]}";
    const std::string patch = R"([{"op":"replace","path":"/phases/0/complete","value":true}])";
    for (std::size_t depth :
         {std::size_t{32}, std::size_t{33}, std::size_t{34}, std::size_t{20000}}) {
        SCOPED_TRACE(depth);
        expect_same_as_dom_both<release_policy>(doc, patch,
                                                with(&limits::max_document_depth, depth));
    }
    std::string out;
    EXPECT_EQ(relpatch::apply_patch_to_text(doc, patch, out, with(&limits::max_document_depth, 32))
                  .code(),
              errc::document_too_deep);
    EXPECT_TRUE(
        relpatch::apply_patch_to_text(doc, patch, out, with(&limits::max_document_depth, 33)));
    // A depth of hard_max_depth nests, without recursion.
    std::string deepest(relpatch::hard_max_depth, '[');
    deepest += std::string(relpatch::hard_max_depth, ']');
    expect_same_as_dom_both<rfc6902_policy>(deepest,
                                            R"([{"op":"test","path":"/0/0/0","value":[[]]}])",
                                            with(&limits::max_document_depth, 20000));
}

// --- the API's promises ----------------------------------------------------------------------

TEST(TextPatch, OutMayBeTheDocumentOrThePatch) {
    const std::string doc = relpatch_test::release_example();
    const std::string patch = R"([{"op":"replace","path":"/phases/1/complete","value":true}])";
    std::string expected;
    ASSERT_TRUE(relpatch::apply_patch_to_text(doc, patch, expected));

    std::string stored = doc;
    relpatch::result r = relpatch::apply_patch_to_text(stored, patch, stored);
    ASSERT_TRUE(r);
    EXPECT_EQ(stored, expected);
    // Refused: the stored text stays as it was.
    r = relpatch::apply_patch_to_text(stored, R"([{"op":"replace","path":"/name","value":true}])",
                                      stored);
    EXPECT_FALSE(r);
    EXPECT_EQ(stored, expected);
    // Unchanged: nothing is copied.
    r = relpatch::apply_patch_to_text(stored, patch, stored);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r.changed());
    EXPECT_EQ(stored, expected);

    std::string buffer = patch;
    ASSERT_TRUE(relpatch::apply_patch_to_text(doc, buffer, buffer));
    EXPECT_EQ(buffer, expected);

    // Part of `out`, for both texts; and the DOM path's fallback.
    std::string both = doc + patch;
    const std::string_view d(both.data(), doc.size());
    const std::string_view p(both.data() + doc.size(), patch.size());
    ASSERT_TRUE(relpatch::apply_patch_to_text(d, p, both));
    EXPECT_EQ(both, expected);
    both = doc;
    ASSERT_TRUE(relpatch::apply_patch_to_text<rfc6902_policy>(
        both, R"([{"op":"remove","path":"/name"}])", both));
    EXPECT_EQ(both.find("\"name\""), std::string::npos);
    both = R"([{"op":"replace","path":"/name","value":"x"}])";
    ASSERT_TRUE(relpatch::apply_patch_to_text<rfc6902_policy>(doc, both, both));
    EXPECT_NE(both.find(R"("name":"x")"), std::string::npos);
}

TEST(TextPatch, Comment) {
    const std::string doc = relpatch_test::release_example();
    std::string out;
    std::string comment = "old";
    relpatch::result r = relpatch::apply_patch_to_text(
        doc,
        R"({"comment":"go \u00e9","patch":[{"op":"replace","path":"/phases/1/complete","value":true}]})",
        out, limits(), &comment);
    ASSERT_TRUE(r);
    EXPECT_EQ(comment, "go \xC3\xA9");
    // Reported as apply_patch reports it, even when the patch is then refused...
    comment = "old";
    r = relpatch::apply_patch_to_text(
        doc, R"({"comment":"c","patch":[{"op":"replace","path":"/name","value":true}]})", out,
        limits(), &comment);
    EXPECT_EQ(r.code(), errc::path_not_allowed);
    EXPECT_EQ(comment, "c");
    comment = "old";
    r = relpatch::apply_patch_to_text(doc, R"({"comment":"c"})", out, limits(), &comment);
    EXPECT_EQ(r.code(), errc::missing_member);
    EXPECT_EQ(comment, "c");
    // ... but not when the document is invalid: the DOM path never reads the patch then.
    comment = "old";
    r = relpatch::apply_patch_to_text("{", R"({"comment":"c","patch":[]})", out, limits(),
                                      &comment);
    EXPECT_EQ(r.code(), errc::invalid_document);
    EXPECT_EQ(comment, "");
    comment = "old";
    r = relpatch::apply_patch_to_text(doc, "[]", out, limits(), &comment);
    EXPECT_TRUE(r);
    EXPECT_EQ(comment, "");
    for (const char* patch :
         {R"({"comment":"c","patch":[]})", R"({"comment":1,"patch":[]})",
          R"({"comment":"c","patch":{}})", R"({"patch":[],"comment":"c","comment":"d"})"})
        expect_same_as_dom_both<release_policy>(doc, patch);
}

struct no_removes : relpatch::policy_base {
    template <class V>
    static relpatch::verdict check(const relpatch::basic_operation<V>& op, const V&) noexcept {
        return op.op == relpatch::op_type::remove ? relpatch::verdict::refuse(errc::op_not_allowed)
                                                  : relpatch::verdict::accept();
    }
};

TEST(TextPatch, DomPathForStructuralOperations) {
    const std::string doc = "\xEF\xBB\xBF{ \"a\" : 1.50 ,\r\n \"b\" : [ ] }";
    std::string out;
    relpatch::result r = relpatch::apply_patch_to_text<rfc6902_policy>(
        doc, R"([{"op":"add","path":"/b/-","value":1E2}])", out);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r.changed());
    EXPECT_EQ(out, "\xEF\xBB\xBF{\"a\":1.5,\"b\":[100.0]}");  // rapidjson::Writer's text
    // Unchanged: the document's own text.
    r = relpatch::apply_patch_to_text<rfc6902_policy>(
        doc, R"([{"op":"move","from":"/a","path":"/a"}])", out);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r.changed());
    EXPECT_EQ(out, doc);
    // A policy of one's own takes the DOM path too.
    out = "sentinel";
    r = relpatch::apply_patch_to_text<no_removes>(doc, R"([{"op":"remove","path":"/a"}])", out);
    EXPECT_EQ(r.code(), errc::op_not_allowed);
    EXPECT_EQ(out, "sentinel");
    r = relpatch::apply_patch_to_text<no_removes>(
        doc, R"([{"op":"replace","path":"/a","value":2}])", out);
    ASSERT_TRUE(r);
    EXPECT_EQ(out, "\xEF\xBB\xBF{\"a\":2,\"b\":[]}");
}

TEST(TextPatch, ReadsInsideAnEarlierReplaceByTheDomPath) {
    const std::string doc = R"({"a": {"b": 1}, "c": 2})";
    for (
        const char* patch : {
            R"([{"op":"replace","path":"/a","value":{"b":3}},{"op":"test","path":"/a/b","value":3}])",
            R"([{"op":"replace","path":"/a/b","value":3},{"op":"test","path":"/a","value":{"b":3}}])",
            R"([{"op":"replace","path":"/a/b","value":3},{"op":"replace","path":"/a","value":[]}])",
            R"([{"op":"replace","path":"","value":{"a":1}},{"op":"test","path":"/a","value":1}])",
            R"([{"op":"replace","path":"/a/b","value":3},{"op":"test","path":"/c","value":2},{"op":"replace","path":"/a/b","value":4}])",
        }) {
        expect_same_as_dom_both<rfc6902_policy>(doc, patch);
    }
}

TEST(TextPatch, LargeDocuments) {
    constexpr int phases = 1200;
    constexpr int half = phases / 2;
    std::string doc = R"({"name":"big","phases":[)";
    for (int i = 0; i < phases; ++i) {
        if (i != 0) doc += ",\n";
        doc += R"({"_id":"p)" + std::to_string(i) + R"(","note":"é \"q\" \\ \ud83d\ude00 )" +
               std::string(static_cast<std::size_t>(i % 40), 'x') + R"(","complete":)" +
               (i < half ? "true" : "false") + R"(,"n":[1.5e3,-0,)" + std::to_string(i) + "]}";
    }
    doc += "]}";
    const auto set = [](int phase, bool value) {
        return R"([{"op":"replace","path":"/phases/)" + std::to_string(phase) +
               R"(/complete","value":)" + (value ? "true" : "false") + "}]";
    };
    expect_same_as_dom_both<release_policy>(doc, set(half, true));
    expect_same_as_dom_both<ordered_release_policy>(doc, set(half, true));       // in order
    expect_same_as_dom_both<ordered_release_policy>(doc, set(half + 1, true));   // not
    expect_same_as_dom_both<ordered_release_policy>(doc, set(half - 1, false));  // in order
    expect_same_as_dom_both<ordered_release_policy>(doc, set(half - 2, false));  // not
    const std::string last = std::to_string(phases - 1);
    expect_same_as_dom_both<rfc6902_policy>(
        doc, R"([{"op":"test","path":"/phases/)" + last + R"(/n","value":[1500,0,)" + last +
                 R"(]},{"op":"replace","path":"/phases/)" + last + R"(/note","value":"x"}])");

    // Many operations: the trie of targets.
    std::string many = "[";
    for (int i = 0; i < 300; ++i) {
        if (i != 0) many += ",";
        many += R"({"op":"replace","path":"/phases/)" + std::to_string((i * 7) % phases) +
                R"(/complete","value":)" + (i % 2 ? "true" : "false") + "}";
    }
    many += "]";
    expect_same_as_dom_both<release_policy>(doc, many, with(&limits::max_operations, 1000));
    std::string tests = "[";
    for (int i = 0; i < phases / 13; ++i) {
        if (i != 0) tests += ",";
        tests += R"({"op":"test","path":"/phases/)" + std::to_string(i * 13) +
                 R"(/_id","value":"p)" + std::to_string(i * 13) +
                 R"("},{"op":"replace","path":"/phases/)" + std::to_string(i * 13) +
                 R"(/n/2","value":)" + std::to_string(i) + "}";
    }
    tests += "]";
    expect_same_as_dom_both<rfc6902_policy>(doc, tests);
}

TEST(TextPatch, ScannerRecordsTargets) {
    // The scanner on its own: spans, kinds and sizes of the targets, first names only.
    const std::string text = R"( {"a" : [ 1 , {"b":null} , "x" ] , "a" : 0, "c\u0000" : -1.5e2 } )";
    relpatch::detail::target_set targets;
    ASSERT_TRUE(targets.init());
    relpatch::pointer a, ab, c, missing;
    ASSERT_EQ(relpatch::pointer::parse("/a", a), errc::success);
    ASSERT_EQ(relpatch::pointer::parse("/a/1/b", ab), errc::success);
    ASSERT_EQ(relpatch::pointer::parse(std::string_view("/c\0", 3), c), errc::success);
    ASSERT_EQ(relpatch::pointer::parse("/a/3", missing), errc::success);
    const auto na = targets.add(a, 10), nab = targets.add(ab, 10), nc = targets.add(c, 10),
               nm = targets.add(missing, 10);
    ASSERT_TRUE(targets.seal());
    relpatch::detail::json_scanner<> scanner(&targets);
    ASSERT_EQ(scanner.scan(text.data(), text.size(), 100, false),
              relpatch::detail::scan_status::valid);
    const auto span = [&](std::uint32_t n) {
        return text.substr(targets[n].begin, targets[n].end - targets[n].begin);
    };
    EXPECT_EQ(span(na), R"([ 1 , {"b":null} , "x" ])");
    EXPECT_EQ(targets[na].kind, relpatch::detail::json_kind::array);
    EXPECT_EQ(targets[na].count, 3u);
    EXPECT_EQ(span(nab), "null");
    EXPECT_EQ(span(nc), "-1.5e2");
    EXPECT_EQ(targets[nm].kind, relpatch::detail::json_kind::none);
    EXPECT_EQ(span(0), text.substr(1, text.size() - 2));
}

// The SSE2 scan classifies the text in 64-byte blocks (json_validate.hpp): each fragment below,
// valid or not, is moved across block boundaries and the text's end (lengths 0 to 200), inside
// a string and after whitespace, and the two scans must agree on the verdict, the error's
// offset and reason, and where the target value lies.
template <bool Simd>
struct scan_outcome {
    relpatch::detail::scan_status status;
    std::size_t offset = 0;
    std::string reason;
    std::size_t begin = 0, end = 0;
};

template <bool Simd>
scan_outcome<Simd> scan_with(const std::string& text) {
    relpatch::detail::target_set targets;
    relpatch::pointer a;
    EXPECT_TRUE(targets.init());
    EXPECT_EQ(relpatch::pointer::parse("/a", a), errc::success);
    const auto node = targets.add(a, 10);
    EXPECT_TRUE(targets.seal());
    relpatch::detail::json_scanner<Simd> scanner(&targets);
    scan_outcome<Simd> o;
    o.status = scanner.scan(text.data(), text.size(), 100, true);
    if (o.status == relpatch::detail::scan_status::invalid) {
        o.offset = scanner.error_offset();
        o.reason = scanner.error_reason();
    } else {
        o.begin = targets[node].begin;
        o.end = targets[node].end;
    }
    return o;
}

TEST(TextPatch, ScansAgreeAcrossBlockBoundaries) {
#if !RELPATCH_DETAIL_SSE2
    GTEST_SKIP() << "no SSE2 scanner in this build: both scans are the portable one";
#endif
    const std::string fragments[] = {
        "\"x\"",
        "\"a\\\"b\"",
        "\"\\\\\"",
        "\"\\u00e9\\ud83d\\ude00\"",
        "\"\xC3\xA9\"",
        "\"\xF0\x9F\x98\x80\"",
        "\"\xC3\"",
        "\"\xE2\x82\"",
        "\"\x01\"",
        "\"\t\"",
        "\"\\x\"",
        "\"\\ud800\"",
        "\"\\udc00\"",
        "\"abc",
        "\"abc\\",
        "\"\x80\"",
        "12.5e+3",
        "-0",
        "01",
        "1e400",
        "true",
        "nul",
        "[1, 2 ,\n\t 3]",
        "{\"b\" :\r\n {}}",
        "[1,]",
        "\x01",
        "\xC3\xA9",
        "\"\x7F\"",
    };
    std::size_t compared = 0;
    for (const std::string& fragment : fragments) {
        for (std::size_t pad = 0; pad <= 200; ++pad) {
            // The fragment after `pad` bytes of whitespace, as the target's value; then inside a
            // string that fills the same bytes; then at the very end of the text.
            const std::string spaced = "{\"a\":" + std::string(pad, pad % 3 ? ' ' : '\n') +
                                       fragment + std::string(pad % 7, ' ') + "}";
            const std::string in_string =
                "{\"s\":\"" + std::string(pad, 'x') + "\",\"a\":" + fragment + "}";
            const std::string at_end = "{\"a\":" + std::string(pad, ' ') + fragment;
            for (const std::string* text : {&spaced, &in_string, &at_end}) {
                SCOPED_TRACE(testing::PrintToString(*text));
                const auto simd = scan_with<true>(*text);
                const auto portable = scan_with<false>(*text);
                ASSERT_EQ(simd.status, portable.status);
                EXPECT_EQ(simd.offset, portable.offset);
                EXPECT_EQ(simd.reason, portable.reason);
                EXPECT_EQ(simd.begin, portable.begin);
                EXPECT_EQ(simd.end, portable.end);
                ++compared;
            }
        }
    }
    EXPECT_EQ(compared, std::size(fragments) * 201 * 3);
}

// release_policy answers patches of plain "complete" replaces without the text view that
// ordered_release_policy still builds for its cross-operation check; both must charge max_work
// alike, so at every budget the two policies give the same answer on patches both accept.
TEST(TextPatch, ReleaseShortcutChargesAsTheView) {
    const std::string doc =
        R"({"name":"r","phases":[{"x":1,"complete":true},{"complete":false,"y":[]},)"
        R"({"z":{},"complete":false}],"phases":[]})";
    const std::string patches[] = {
        R"([{"op":"replace","path":"/phases/1/complete","value":true}])",
        R"([{"op":"replace","path":"/phases/1/complete","value":true},)"
        R"({"op":"replace","path":"/phases/2/complete","value":true},)"
        R"({"op":"replace","path":"/phases/2/complete","value":false}])",
    };
    for (const std::string& patch : patches) {
        SCOPED_TRACE(patch);
        std::size_t accepted_from = 0;
        for (std::size_t budget = 0; budget <= 40; ++budget) {
            SCOPED_TRACE(budget);
            const limits lim = with(&limits::max_work, budget);
            std::string plain_out = doc, ordered_out = doc;
            const relpatch::result plain =
                text_call<release_policy, true>(doc, patch, plain_out, lim);
            const relpatch::result ordered =
                text_call<ordered_release_policy, true>(doc, patch, ordered_out, lim);
            EXPECT_EQ(plain.code(), ordered.code());
            EXPECT_EQ(plain.op_index(), ordered.op_index());
            EXPECT_EQ(plain_out, ordered_out);
            if (plain && accepted_from == 0) accepted_from = budget;
            if (!plain) {
                EXPECT_EQ(plain.code(), errc::work_limit_exceeded);
            }
        }
        // Both ran out of work somewhere below 40 and then applied.
        EXPECT_GT(accepted_from, 0u);
    }
}

// A patch naming more locations than the scan's trie holds (8192 nodes) is answered by the DOM
// path, not refused: 1024 "test" ops of 9 tokens each need 8194 nodes with the root.
TEST(TextPatch, TooManyTargetsFallBackToTheDomPath) {
    const std::string doc = R"({"a":{"k0":{"b":{"c":{"d":{"e":{"f":{"g":{"h":1}}}}}}}}})";
    for (const bool found : {true, false}) {
        std::string patch = "[";
        for (int i = 0; i < 1024; ++i) {
            if (i != 0) patch += ",";
            // With `found`, every op tests the one location that exists.
            patch += R"({"op":"test","path":"/a/k)" + std::to_string(found ? 0 : i) +
                     R"(/b/c/d/e/f/g/h","value":1})";
        }
        patch += "]";
        SCOPED_TRACE(found);
        bool fallback = false;
        (void)edits_of<rfc6902_policy, true>(doc, patch, limits(), fallback);
        EXPECT_EQ(fallback, !found);  // 1024 ops on one path make only 9 nodes
        expect_same_as_dom_both<rfc6902_policy>(doc, patch);
        std::string out;
        const relpatch::result r = text_call<rfc6902_policy, true>(doc, patch, out);
        EXPECT_EQ(r.code(), found ? errc::success : errc::path_not_found);
    }
}

}  // namespace
