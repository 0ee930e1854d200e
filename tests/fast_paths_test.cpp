// The fast paths against the general ones they stand in for: the SSE2 scanner (64-byte blocks)
// against the portable one at and around block boundaries; the replace_scalars path against
// the engine, forced by asking for an inverse; release_policy's plain ops against the text view
// ordered_release_policy builds; and a remove's null `value`, which replace_scalars must not
// read (UBSan).

#include "test_util.hpp"

#include <relpatch/relpatch.hpp>
#include <relpatch/text_patch.hpp>
#include <relpatch/detail/json_validate.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

using relpatch::errc;
using relpatch_test::serialize;

// --- scanner --------------------------------------------------------------------------------

struct scan_outcome {
    relpatch::detail::scan_status status;
    std::size_t offset;
    std::string reason;
};

template <bool Simd>
scan_outcome scan(const std::string& text, bool bom = true) {
    relpatch::detail::json_scanner<Simd> scanner;
    const auto status = scanner.scan(text.data(), text.size(), 64, bom);
    scan_outcome o{status, 0, std::string()};
    if (status == relpatch::detail::scan_status::invalid) {
        o.offset = scanner.error_offset();
        o.reason = scanner.error_reason() != nullptr ? scanner.error_reason() : "";
    }
    return o;
}

// The SSE2 scanner, where the build has it; the tests below skip (and say so) where it has not.
#if RELPATCH_DETAIL_SSE2
#define SKIP_WITHOUT_SSE2() (void)0
#else
#define SKIP_WITHOUT_SSE2() GTEST_SKIP() << "no SSE2 scanner in this build"
#endif

void expect_same_scan(const std::string& text) {
#if RELPATCH_DETAIL_SSE2
    for (const bool bom : {false, true}) {
        const scan_outcome a = scan<true>(text, bom);
        const scan_outcome b = scan<false>(text, bom);
        ASSERT_EQ(static_cast<int>(a.status), static_cast<int>(b.status))
            << "length " << text.size() << ": " << testing::PrintToString(text);
        ASSERT_EQ(a.offset, b.offset) << testing::PrintToString(text);
        ASSERT_EQ(a.reason, b.reason) << testing::PrintToString(text);
    }
#else
    (void)text;
#endif
}

// A piece placed so that it starts at every offset from 56 to 72 (around the first block
// boundary) and 120 to 136 (the second), after compact text or after whitespace, then the text
// closes; also cut at every length (the end of the text inside the piece).
TEST(BlockScanner, PiecesAcrossBlockBoundaries) {
    SKIP_WITHOUT_SSE2();
    const std::vector<std::string> pieces = {"\"abc\"",
                                             "\"\\u00e9\"",
                                             "\"\\ud83d\\ude00\"",
                                             "\"\xc3\xa9\"",
                                             "\"\xe2\x82\xac\"",
                                             "\"\xf0\x9f\x98\x80\"",
                                             "\"\\\\\"",
                                             "\"\\\"\"",
                                             "123.5e+7",
                                             "-0",
                                             "true",
                                             "false",
                                             "null",
                                             "\"\xc3\"",
                                             "\"\xed\xa0\x80\"",
                                             "\"\\ud83d\"",
                                             "\"a\x01\"",
                                             "\"a\x7f\"",
                                             "[ ]",
                                             "{ }",
                                             " \n\r\t ",
                                             "\x0b",
                                             "\x0c",
                                             std::string(1, '\0'),
                                             "\xef\xbb\xbf",
                                             "\xff",
                                             "\"\\x\""};
    for (const std::string& piece : pieces) {
        for (const char* lead : {"[", "[ ", "[\n\n\n"}) {
            for (std::size_t at = 56; at <= 136; ++at) {
                if (at > 72 && at < 120) continue;
                std::string prefix = lead;
                // compact filler: 1,1,1,...
                while (prefix.size() + 2 <= at) prefix += prefix.size() <= 1 ? "1," : "1,";
                if (prefix.size() < at) prefix += ' ';
                prefix.resize(at, ' ');
                std::string text = prefix + piece + "]";
                expect_same_scan(text);
                for (std::size_t cut = prefix.size(); cut <= text.size(); ++cut)
                    expect_same_scan(text.substr(0, cut));
                // whitespace after the piece reaching the next boundary
                expect_same_scan(prefix + piece + std::string(64, ' ') + "]");
                expect_same_scan(prefix + piece + std::string(64 - at % 64, ' ') + "]");
            }
        }
    }
}

TEST(BlockScanner, LengthsAroundBlocks) {
    SKIP_WITHOUT_SSE2();
    for (std::size_t n : {0, 1, 2, 62, 63, 64, 65, 66, 126, 127, 128, 129, 191, 192, 193, 256}) {
        for (std::size_t k = 0; k <= n; ++k) {
            // k spaces, a number, spaces up to n
            std::string t(k, ' ');
            if (k < n) t += '7';
            t.resize(n, ' ');
            expect_same_scan(t);
            // a string of length n
            std::string s = "\"" + std::string(n > 2 ? n - 2 : 0, 'x') + "\"";
            s.resize(n, '"');
            expect_same_scan(s);
            // valid, ending exactly at n: [1,1,...] padded by whitespace inside
            std::string a = "[";
            while (a.size() + 3 <= n) a += a.size() == 1 ? "1" : ",1";
            a.resize(n > 0 ? n - 1 : 0, ' ');
            if (n > 0) a += ']';
            expect_same_scan(a);
            // whitespace first appearing at k, after compact text; an invalid control there
            std::string c = a;
            if (k > 0 && k + 1 < c.size() && c[k] == ',') {
                c.insert(k, 1, '\t');
                expect_same_scan(c);
                c[k] = '\x0b';
                expect_same_scan(c);
                c[k] = '\0';
                expect_same_scan(c);
            }
        }
    }
}

std::string random_value(std::mt19937& rng, int depth);

std::string random_ws(std::mt19937& rng) {
    switch (rng() % 6) {
    case 0:
    case 1:
    case 2: return "";
    case 3: return " ";
    case 4: {
        std::string s;
        for (unsigned i = 0, n = rng() % 140; i < n; ++i) s += " \n\r\t"[rng() % 4];
        return s;
    }
    default: return std::string(rng() % 70, ' ');
    }
}

std::string random_string(std::mt19937& rng) {
    std::string s = "\"";
    const unsigned n = rng() % 4 == 0 ? rng() % 150 : rng() % 10;
    for (unsigned i = 0; i < n; ++i) {
        switch (rng() % 12) {
        case 0: s += "\\n"; break;
        case 1: s += "\\u00e9"; break;
        case 2: s += "\\ud83d\\ude00"; break;
        case 3: s += "\xc3\xa9"; break;
        case 4: s += "\xf0\x9f\x98\x80"; break;
        case 5: s += "\xe2\x82\xac"; break;
        case 6: s += "\\\""; break;
        case 7: s += "\\\\"; break;
        default: s += static_cast<char>('a' + rng() % 26);
        }
    }
    return s + "\"";
}

std::string random_value(std::mt19937& rng, int depth) {
    switch (depth > 5 ? rng() % 5 : rng() % 7) {
    case 0: return "true";
    case 1: return rng() % 2 ? "false" : "null";
    case 2:
        return std::to_string(static_cast<int>(rng() % 200000) - 100000) +
               (rng() % 3 == 0 ? ".25e-3" : "");
    case 3:
    case 4: return random_string(rng);
    case 5: {
        std::string s = "[" + random_ws(rng);
        for (unsigned i = 0, n = rng() % 6; i < n; ++i)
            s += (i ? random_ws(rng) + "," + random_ws(rng) : "") + random_value(rng, depth + 1);
        return s + random_ws(rng) + "]";
    }
    default: {
        std::string s = "{" + random_ws(rng);
        for (unsigned i = 0, n = rng() % 6; i < n; ++i)
            s += (i ? random_ws(rng) + "," + random_ws(rng) : "") + random_string(rng) +
                 random_ws(rng) + ":" + random_ws(rng) + random_value(rng, depth + 1);
        return s + random_ws(rng) + "}";
    }
    }
}

TEST(BlockScanner, RandomTextsAndMutations) {
    SKIP_WITHOUT_SSE2();
    std::mt19937 rng(20261129);
    const char interesting[] = {0,      0x0b,   0x0c, ' ', '\n', '\t', '\r', '"',  '\\', '\x80',
                                '\xc3', '\xff', 'u',  '0', ',',  ']',  '}',  0x1f, 0x7f};
    for (int it = 0; it < 4000; ++it) {
        std::string t;
        if (rng() % 3 == 0) t = std::string(rng() % 200, rng() % 2 ? ' ' : '\n');
        t += random_ws(rng) + random_value(rng, 0) + random_ws(rng);
        expect_same_scan(t);
        if (t.size() % 64 != 0) expect_same_scan(t + std::string(64 - t.size() % 64, ' '));
        std::string m = t;
        for (unsigned k = 0, n = 1 + rng() % 3; k < n && !m.empty(); ++k) {
            switch (rng() % 4) {
            case 0: m[rng() % m.size()] = interesting[rng() % sizeof interesting]; break;
            case 1: m.resize(rng() % (m.size() + 1)); break;
            case 2:
                m.insert(rng() % (m.size() + 1), 1, interesting[rng() % sizeof interesting]);
                break;
            default: m.erase(rng() % m.size(), 1);
            }
        }
        expect_same_scan(m);
    }
}

// One scanner, several texts: each scan starts from no classified block, so a longer text's
// masks never serve a shorter one's first bytes.
TEST(BlockScanner, ReusedScannerStartsAfresh) {
    SKIP_WITHOUT_SSE2();
    const std::string texts[] = {
        "[\"" + std::string(150, 'x') + "\",  1  ]",
        "[\"\x01\"]",
        "  [ \"ab\" ,\n 2 ]  ",
        "{\"" + std::string(70, 'k') + "\":\n\t[true ,false]}",
        "[\"abc",
        "[1]",
    };
    relpatch::detail::json_scanner<true> reused;
    for (const std::string& text : texts) {
        SCOPED_TRACE(testing::PrintToString(text));
        const auto status = reused.scan(text.data(), text.size(), 64, true);
        const scan_outcome fresh = scan<false>(text, true);
        ASSERT_EQ(static_cast<int>(status), static_cast<int>(fresh.status));
        if (status == relpatch::detail::scan_status::invalid) {
            EXPECT_EQ(reused.error_offset(), fresh.offset);
            EXPECT_EQ(std::string(reused.error_reason()), fresh.reason);
        }
    }
}

// Nesting to hard_max_depth: the scanner keeps one bit per open container for all 10,000
// levels, with strings and whitespace (the block masks) at the deepest ones.
TEST(BlockScanner, DeepestNestingKeepsTheMasks) {
    SKIP_WITHOUT_SSE2();
    const std::size_t depth = relpatch::hard_max_depth;
    std::string text;
    for (std::size_t d = 0; d < depth; ++d) text += d % 2 ? "[" : "{\"k\":";
    text += "\"" + std::string(100, 'x') + "\"";
    for (std::size_t d = depth; d-- > 0;) text += d % 2 ? " ]" : "\n}";
    for (const std::string& t : {text, text.substr(0, text.size() - 1)}) {
        relpatch::detail::json_scanner<true> simd;
        relpatch::detail::json_scanner<false> portable;
        const auto a = simd.scan(t.data(), t.size(), depth, false);
        const auto b = portable.scan(t.data(), t.size(), depth, false);
        ASSERT_EQ(static_cast<int>(a), static_cast<int>(b));
        if (a == relpatch::detail::scan_status::invalid) {
            EXPECT_EQ(simd.error_offset(), portable.error_offset());
        }
    }
    EXPECT_EQ(static_cast<int>(scan<true>(text).status),
              static_cast<int>(relpatch::detail::scan_status::invalid));  // deeper than 64
}

// --- replace_scalars against the engine ---------------------------------------------------------

struct dom_outcome {
    errc code;
    std::size_t op;
    std::string path;
    bool changed;
    std::string doc;
};

template <class Policy>
dom_outcome apply(const std::string& doc_text, const std::string& patch,
                  const relpatch::limits& lim, bool with_inverse) {
    rapidjson::Document doc = relpatch_test::parse(doc_text);
    const std::string before = serialize(doc);
    rapidjson::Document inverse;
    const relpatch::result r =
        relpatch::apply_patch<Policy>(doc, patch, lim, nullptr, with_inverse ? &inverse : nullptr);
    if (!r) {
        EXPECT_EQ(serialize(doc), before) << "refused patch left a trace: " << patch;
    }
    return {r.code(), r.op_index(), std::string(r.path()), r.changed(), serialize(doc)};
}

struct accept_all : relpatch::policy_base {
    template <class Value>
    static relpatch::verdict check(const relpatch::basic_operation<Value>&, const Value&) noexcept {
        return {};
    }
};

template <class Policy>
void expect_fast_path_is_engine(const std::string& doc, const std::string& patch,
                                const relpatch::limits& lim = {}) {
    const dom_outcome fast = apply<Policy>(doc, patch, lim, false);
    const dom_outcome engine = apply<Policy>(doc, patch, lim, true);
    // The inverse costs work of its own: only a budget that ran out after the last operation
    // may differ.
    if (engine.code == errc::work_limit_exceeded && engine.op == relpatch::result::npos) return;
    EXPECT_EQ(fast.code, engine.code) << doc << " " << patch;
    EXPECT_EQ(fast.op, engine.op) << doc << " " << patch;
    EXPECT_EQ(fast.path, engine.path) << doc << " " << patch;
    EXPECT_EQ(fast.changed, engine.changed) << doc << " " << patch;
    EXPECT_EQ(fast.doc, engine.doc) << doc << " " << patch;
}

std::string replace(const std::string& path, const std::string& value) {
    return "{\"op\":\"replace\",\"path\":\"" + path + "\",\"value\":" + value + "}";
}

TEST(ReplaceScalars, RemoveAfterReplacesReadsNoValue) {
    // replace_scalars bound `const V& value = *op.value` before testing op.op: a remove has no
    // value (null pointer), which UBSan reports as a reference bound to null.
    expect_fast_path_is_engine<relpatch::rfc6902_policy>(
        R"({"a":1,"b":2})", "[" + replace("/a", "5") + R"(,{"op":"remove","path":"/b"}])");
    expect_fast_path_is_engine<relpatch::rfc6902_policy>(R"({"a":1,"b":2})",
                                                         R"([{"op":"remove","path":"/01"}])");
    expect_fast_path_is_engine<accept_all>(R"([1,2,3])", R"([{"op":"remove","path":"/0"}])");
}

TEST(ReplaceScalars, Cases) {
    const std::string doc =
        R"({"a":1,"b":true,"":null,"~":"s","/":-0.0,"a":2,"arr":[0,1.0,18446744073709551615],)"
        R"("o":{"x":false,"x":0}})";
    const std::vector<std::string> patches = {
        "[]",
        "[" + replace("/a", "1") + "]",
        "[" + replace("/a", "1.0") + "]",
        "[" + replace("/a", "1") + "," + replace("/a", "2") + "," + replace("/a", "1") + "]",
        "[" + replace("/a", "2") + "," + replace("/a", "1") + "]",
        "[" + replace("/", "0") + "," + replace("/~1", "-0") + "," + replace("/~1", "-0.0") + "]",
        "[" + replace("/~0", "null") + "," + replace("/arr/2", "-1") + "," +
            replace("/arr/-", "1") + "]",
        "[" + replace("/arr/01", "1") + "]",
        "[" + replace("/arr/3", "1") + "]",
        "[" + replace("/o/x", "true") + "," + replace("/o/x/0", "1") + "]",
        "[" + replace("/o", "1") + "]",
        "[" + replace("/b", "\"s\"") + "]",
        "[" + replace("/b", "[]") + "," + replace("/a", "3") + "]",
        "[" + replace("/a", "3") + R"(,{"op":"test","path":"/a","value":3})" + "]",
        "[" + replace("/a", "3") + R"(,{"op":"test","path":"/a","value":1})" + "]",
        "[" + replace("/a", "3") + R"(,{"op":"add","path":"/n","value":1})" + "]",
        "[" + replace("", "1") + "]",
    };
    for (const std::string& p : patches) {
        // A string or container value, or an add, makes check_and_apply stage (a trial run and
        // a real one): with an inverse the engine then costs more work than without, so only a
        // generous budget compares. Scalar patches compare at every budget.
        const bool stages = p.find("\"s\"") != std::string::npos ||
                            p.find("[]") != std::string::npos ||
                            p.find("\"add\"") != std::string::npos;
        for (std::size_t work : {0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 24, 1000}) {
            if (stages && work != 1000) continue;
            relpatch::limits lim;
            lim.max_work = work;
            expect_fast_path_is_engine<relpatch::rfc6902_policy>(doc, p, lim);
            expect_fast_path_is_engine<accept_all>(doc, p, lim);
        }
    }
}

TEST(ReplaceScalars, SixteenAndSeventeenOps) {
    const std::string doc = R"({"f":[false,false,false,false,false,false,false,false,false]})";
    for (std::size_t n : {15, 16, 17}) {
        for (std::size_t fail_at : {std::size_t{0}, n - 1, n}) {
            std::string p = "[";
            for (std::size_t i = 0; i < n; ++i) {
                if (i) p += ",";
                p += replace("/f/" + std::to_string(i == fail_at ? 9 : i % 9),
                             i % 2 ? "true" : "false");
            }
            p += "]";
            for (std::size_t work : {0, 7, 15, 16, 17, 31, 32, 33, 1000}) {
                relpatch::limits lim;
                lim.max_work = work;
                expect_fast_path_is_engine<relpatch::rfc6902_policy>(doc, p, lim);
            }
        }
    }
}

TEST(ReplaceScalars, Utf16Document) {
    using D = rapidjson::GenericDocument<rapidjson::UTF16<char16_t>>;
    const std::u16string doc = u"{\"\u00e9~\":1,\"b\":[true,\"x\"]}";
    const std::u16string patch =
        u"[{\"op\":\"replace\",\"path\":\"/\u00e9~0\",\"value\":2},"
        u"{\"op\":\"replace\",\"path\":\"/b/1\",\"value\":null},"
        u"{\"op\":\"replace\",\"path\":\"/b/2\",\"value\":null}]";
    for (std::size_t work : {0, 1, 2, 3, 4, 1000}) {
        relpatch::limits lim;
        lim.max_work = work;
        D a, b, inv;
        a.Parse(doc.c_str());
        b.Parse(doc.c_str());
        const relpatch::result ra = relpatch::apply_patch<relpatch::rfc6902_policy>(a, patch, lim);
        const relpatch::result rb =
            relpatch::apply_patch<relpatch::rfc6902_policy>(b, patch, lim, nullptr, &inv);
        EXPECT_EQ(ra.code(), rb.code());
        EXPECT_EQ(ra.op_index(), rb.op_index());
        EXPECT_EQ(ra.path(), rb.path());
        EXPECT_TRUE(a == b);
    }
}

// --- plain release ops: text path against the DOM path ------------------------------------------

TEST(PlainReleaseOps, TextAgainstDom) {
    const char* docs[] = {R"({"phases":[{"complete":false},{"complete":true}]})",
                          R"({"phases":[{"complete":false,"complete":1}]})",
                          R"({"phases":[{"complete":1,"complete":false}]})",
                          R"({"phases":[{"complete":false}],"phases":[{"complete":true}]})",
                          R"({"phases":1,"phases":[{"complete":true}]})",
                          R"([{"phases":[{"complete":false}]}])",
                          R"({"phases":[{"complete":false,"x":{"complete":true}}]})"};
    const char* paths[] = {"/phases/0/complete", "/phases/00/complete",  "/phases/01/complete",
                           "/phases/-/complete", "/phases/1/complete",   "/phases/0/complete/",
                           "/phases//complete",  "/phases/0/x/complete", "/phases/1/complete/0"};
    for (const char* d : docs) {
        for (const char* p : paths) {
            for (const char* v : {"true", "false", "1"}) {
                const std::string patch =
                    "[" + replace(p, v) + "," + replace("/phases/0/complete", "true") + "]";
                for (std::size_t work : {0, 1, 2, 3, 4, 5, 6, 7, 8, 100}) {
                    relpatch::limits lim;
                    lim.max_work = work;
                    std::string out;
                    const relpatch::result t =
                        relpatch::apply_patch_to_text<relpatch::release_policy>(d, patch, out, lim);
                    // ordered_release_policy always goes through the text view: where its
                    // check_patch does not refuse, release_policy's plain ops must match it,
                    // at every budget.
                    std::string ordered_out;
                    const relpatch::result o =
                        relpatch::apply_patch_to_text<relpatch::ordered_release_policy>(
                            d, patch, ordered_out, lim);
                    if (o || o.code() == errc::work_limit_exceeded || o.code() == t.code()) {
                        EXPECT_EQ(t.code(), o.code()) << d << " " << patch << " " << work;
                        EXPECT_EQ(t.op_index(), o.op_index()) << d << " " << patch << " " << work;
                        EXPECT_EQ(t.path(), o.path()) << d << " " << patch;
                        EXPECT_EQ(t.changed(), o.changed()) << d << " " << patch;
                        if (t && o) {
                            EXPECT_EQ(out, ordered_out) << d << " " << patch;
                        }
                    }
                    // The text path charges the value and the write of each op on top of
                    // release_check (charge_replace), the DOM path's release fast path does
                    // not (both before 5c639e1): only a generous budget compares them.
                    if (work < 100) continue;
                    rapidjson::Document doc;
                    ASSERT_TRUE(
                        static_cast<bool>(relpatch::parse_document(std::string_view(d), doc)));
                    const relpatch::result r =
                        relpatch::apply_patch<relpatch::release_policy>(doc, patch, lim);
                    EXPECT_EQ(t.code(), r.code()) << d << " " << patch << " " << work;
                    EXPECT_EQ(t.op_index(), r.op_index()) << d << " " << patch;
                    EXPECT_EQ(t.path(), r.path()) << d << " " << patch;
                    if (t) {
                        rapidjson::Document back;
                        ASSERT_TRUE(static_cast<bool>(
                            relpatch::parse_document(std::string_view(out), back)));
                        EXPECT_EQ(serialize(back), serialize(doc)) << d << " " << patch;
                    }
                }
            }
        }
    }
}

}  // namespace
