// apply_patch (text entry point, rfc6902_policy) on ASCII, UTF-16 and UTF-32 documents.
// Input: patch text, NUL, document text, in UTF-8; both are transcoded to each encoding
// (skipped where they are not valid UTF-8, or not ASCII for the ASCII document), and the
// document is read with parse_document in that encoding. Invariants: each encoding reads the
// document the UTF-8 reading gives, and gives the UTF-8 answer: the same code, op index,
// changed() and failing pointer (as UTF-8), and the same document, read back as UTF-8. Only
// the UTF-8 document has the fast path, so this also checks the general path against it.
// Where code units are counted (pointer length, bytes added, patch size) the encodings differ
// by design: a result over a limit is not compared. An ASCII document refuses "\u" escapes
// above 0x7F (invalid_encoding).
//
// Against Debian's RapidJSON 1.1.0 this found, before 37c7d20, that UTF-16 and UTF-32 text with
// a number of two characters or more was garbled or read after free by 1.1.0's reader
// (kParseNumbersAsStringsFlag copies the number onto the stack it reads it from, transcoding).
// Corpus: regression_utf16_long_number_*, numbers.

#include "fuzz_common.hpp"
#include "fuzz_mutator.hpp"

#include <cstdint>
#include <string>
#include <string_view>

RELPATCH_FUZZ_MUTATOR(false, false, false)

namespace {

// Decodes UTF-8 (rejecting overlong forms, surrogates and values above U+10FFFF).
bool decode_utf8(std::string_view s, std::u32string& out) {
    for (std::size_t i = 0; i < s.size();) {
        const auto b0 = static_cast<unsigned char>(s[i]);
        std::uint32_t cp = 0;
        std::size_t n = 0;
        if (b0 < 0x80) {
            cp = b0;
            n = 1;
        } else if (b0 >= 0xC2 && b0 <= 0xDF) {
            cp = b0 & 0x1Fu;
            n = 2;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            cp = b0 & 0x0Fu;
            n = 3;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            cp = b0 & 0x07u;
            n = 4;
        } else {
            return false;
        }
        if (s.size() - i < n) return false;
        for (std::size_t k = 1; k < n; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            if ((b & 0xC0u) != 0x80u) return false;
            cp = (cp << 6) | (b & 0x3Fu);
        }
        if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        out += static_cast<char32_t>(cp);
        i += n;
    }
    return true;
}

template <class Ch>
bool encode(const std::u32string& in, rapidjson::ASCII<Ch>*, std::basic_string<Ch>& out) {
    for (const char32_t c : in) {
        if (c >= 0x80) return false;
        out += static_cast<Ch>(c);
    }
    return true;
}
template <class Ch>
bool encode(const std::u32string& in, rapidjson::UTF16<Ch>*, std::basic_string<Ch>& out) {
    for (const char32_t c : in) {
        if (c >= 0x10000) {
            out += static_cast<Ch>(0xD800 + ((c - 0x10000) >> 10));
            out += static_cast<Ch>(0xDC00 + ((c - 0x10000) & 0x3FF));
        } else {
            out += static_cast<Ch>(c);
        }
    }
    return true;
}
template <class Ch>
bool encode(const std::u32string& in, rapidjson::UTF32<Ch>*, std::basic_string<Ch>& out) {
    for (const char32_t c : in) out += static_cast<Ch>(c);
    return true;
}

relpatch::limits harness_limits() {
    relpatch::limits lim;
    lim.max_added_bytes = 1 << 16;
    lim.max_work = 1 << 20;
    return lim;
}

struct reference {
    bool doc_parsed;
    std::string before;
    relpatch::result r;
    std::string after;
};

template <class Encoding>
void check(const char* name, const std::u32string& patch32, const std::u32string& doc32,
           const reference& ref) {
    using Ch = typename Encoding::Ch;
    using document = rapidjson::GenericDocument<Encoding>;
    relpatch_fuzz::stats& stats = relpatch_fuzz::stats::get();
    std::basic_string<Ch> patch;
    std::basic_string<Ch> text;
    if (!encode(patch32, static_cast<Encoding*>(nullptr), patch) ||
        !encode(doc32, static_cast<Encoding*>(nullptr), text)) {
        stats.skipped(name);
        return;
    }
    document doc;
    if (!ref.doc_parsed) {
        doc.SetObject();
    } else if (!relpatch_fuzz::parse_document(std::basic_string_view<Ch>(text), doc)) {
        // Only an ASCII document refuses what the UTF-8 one accepts ("\u00e9").
        FUZZ_CHECK(sizeof(Ch) == 1);
        stats.skipped(name);
        return;
    }
    FUZZ_CHECK(relpatch_fuzz::serialize(doc) == ref.before);

    const relpatch::result r = relpatch::apply_patch<relpatch::rfc6902_policy>(
        doc, std::basic_string_view<Ch>(patch), harness_limits());
    (void)r.message();
    if (relpatch_fuzz::over_limit(r) || relpatch_fuzz::over_limit(ref.r)) {
        stats.skipped("limit counts code units");
        return;
    }
    if (sizeof(Ch) == 1 && r.code() == relpatch::errc::invalid_encoding &&
        ref.r.code() != relpatch::errc::invalid_encoding) {
        stats.skipped(name);  // a "\u" escape above 0x7F in the patch
        return;
    }
    if (r.code() != ref.r.code() || r.op_index() != ref.r.op_index())
        std::fprintf(stderr, "UTF-8: %s\n%s: %s\n", ref.r.message().c_str(), name,
                     r.message().c_str());
    FUZZ_CHECK(r.code() == ref.r.code());
    FUZZ_CHECK(r.op_index() == ref.r.op_index());
    FUZZ_CHECK(r.changed() == ref.r.changed());
    FUZZ_CHECK(r.path() == ref.r.path());
    FUZZ_CHECK(r.path_truncated() == ref.r.path_truncated());
    FUZZ_CHECK(r.path_is_from() == ref.r.path_is_from());
    FUZZ_CHECK(relpatch_fuzz::serialize(doc) == ref.after);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    relpatch_fuzz::stats& stats = relpatch_fuzz::stats::get();
    stats.input();
    const relpatch_fuzz::split_input in = relpatch_fuzz::split(data, size);
    std::u32string patch32;
    std::u32string doc32;
    if (!decode_utf8(in.patch, patch32) || !decode_utf8(in.document, doc32)) {
        stats.skipped("not UTF-8");
        return 0;
    }
    rapidjson::Document doc;
    reference ref;
    ref.doc_parsed = relpatch_fuzz::parse_document(in.document, doc);
    if (!ref.doc_parsed) doc.SetObject();
    ref.before = relpatch_fuzz::serialize(doc);
    ref.r = relpatch::apply_patch<relpatch::rfc6902_policy>(doc, in.patch, harness_limits());
    stats.outcome(ref.r);
    ref.after = relpatch_fuzz::serialize(doc);

    check<rapidjson::ASCII<char>>("not ASCII", patch32, doc32, ref);
    check<rapidjson::UTF16<>>("UTF-16", patch32, doc32, ref);
    check<rapidjson::UTF32<char32_t>>("UTF-32", patch32, doc32, ref);
    return 0;
}
