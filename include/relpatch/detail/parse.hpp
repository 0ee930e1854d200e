#ifndef RELPATCH_DETAIL_PARSE_HPP
#define RELPATCH_DETAIL_PARSE_HPP

// Parsing JSON text (a patch or a document) into a RapidJSON document safely and exactly:
// scanned first (encoding, NULs, depth: see text_scan.hpp), then parsed iteratively, with every
// number converted by std::from_chars (correctly rounded; RapidJSON 1.1.0's default precision is
// off by an ulp on about one double in ten, and its full-precision mode runs clz(0)).

#include <relpatch/error.hpp>
#include <relpatch/limits.hpp>
#include <relpatch/detail/members.hpp>
#include <relpatch/detail/small_vector.hpp>
#include <relpatch/detail/text_scan.hpp>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <system_error>

namespace relpatch {
namespace detail {

// The decimal exponent of the leading significant digit of JSON number `s` (which from_chars
// found out of range): >= 0 means it overflowed, < 0 that it underflowed to zero.
inline bool number_overflows(const char* s, std::size_t n) noexcept {
    std::size_t i = s[0] == '-' ? 1 : 0;
    long long magnitude = 0;
    bool seen = false;
    long long digits_before_point = 0;
    long long zeros_after_point = 0;
    bool after_point = false;
    for (; i < n && s[i] != 'e' && s[i] != 'E'; ++i) {
        if (s[i] == '.') {
            after_point = true;
            continue;
        }
        if (!seen && s[i] == '0') {
            if (after_point) ++zeros_after_point;
            continue;
        }
        if (!seen) seen = true;
        if (!after_point) ++digits_before_point;
    }
    if (!seen) return false;  // zero never overflows
    magnitude = digits_before_point > 0 ? digits_before_point - 1 : -(zeros_after_point + 1);
    long long exponent = 0;
    if (i < n) {
        ++i;
        bool negative = false;
        if (i < n && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
        for (; i < n; ++i)
            if (exponent < 100000000) exponent = exponent * 10 + (s[i] - '0');
        if (negative) exponent = -exponent;
    }
    return magnitude + exponent >= 0;
}

// Converts the JSON number text `s` (valid grammar, already checked by the reader) into
// `handler`'s value: an integer when it has no fraction or exponent and fits int64 or uint64
// ("-0" is the double -0.0, so its sign survives), else the correctly rounded double. False
// when the number is too large for a double.
template <class Handler>
inline bool exact_number(const char* s, std::size_t n, Handler& handler) noexcept {
    bool integral = true;
    for (std::size_t i = 0; i < n; ++i)
        if (s[i] == '.' || s[i] == 'e' || s[i] == 'E') integral = false;
    if (integral) {
        if (s[0] == '-') {
            std::int64_t v = 0;
            const auto r = std::from_chars(s, s + n, v);
            if (r.ec == std::errc() && r.ptr == s + n && v != 0) return handler.Int64(v);
        } else {
            std::uint64_t v = 0;
            const auto r = std::from_chars(s, s + n, v);
            if (r.ec == std::errc() && r.ptr == s + n) return handler.Uint64(v);
        }
    }
    double d = 0;
    const auto r = std::from_chars(s, s + n, d);
    if (r.ec == std::errc::result_out_of_range) {
        if (number_overflows(s, n)) return false;
        d = s[0] == '-' ? -0.0 : 0.0;
    } else if (r.ec != std::errc() || r.ptr != s + n) {
        return false;
    }
    return handler.Double(d);
}

// A SAX handler that forwards to a GenericDocument and converts the reader's raw numbers
// exactly. `too_big` is set when a number does not fit a double.
template <class Document>
class exact_handler {
public:
    using Ch = typename Document::Ch;
    explicit exact_handler(Document& d) noexcept : d_(d) {}

    bool Null() { return d_.Null(); }
    bool Bool(bool b) { return d_.Bool(b); }
    bool Int(int i) { return d_.Int(i); }
    bool Uint(unsigned u) { return d_.Uint(u); }
    bool Int64(std::int64_t i) { return d_.Int64(i); }
    bool Uint64(std::uint64_t u) { return d_.Uint64(u); }
    bool Double(double x) { return d_.Double(x); }
    bool String(const Ch* s, RAPIDJSON_NAMESPACE::SizeType n, bool copy) {
        return d_.String(s, n, copy);
    }
    bool StartObject() { return d_.StartObject(); }
    bool Key(const Ch* s, RAPIDJSON_NAMESPACE::SizeType n, bool copy) { return d_.Key(s, n, copy); }
    bool EndObject(RAPIDJSON_NAMESPACE::SizeType n) { return d_.EndObject(n); }
    bool StartArray() { return d_.StartArray(); }
    bool EndArray(RAPIDJSON_NAMESPACE::SizeType n) { return d_.EndArray(n); }

    // Only single-byte encodings get here (see parse_wide_json_text).
    bool RawNumber(const Ch* s, RAPIDJSON_NAMESPACE::SizeType n, bool) {
        static_assert(sizeof(Ch) == 1, "raw numbers are read from single-byte text only");
        const bool ok = exact_number(reinterpret_cast<const char*>(s), n, d_);
        if (!ok) too_big = true;
        return ok;
    }

    bool too_big = false;

private:
    Document& d_;
};

// What parse_json_text found wrong.
struct parse_error {
    errc code = errc::success;
    std::size_t offset = 0;
    const char* detail = nullptr;
};

// Parses `text` into `doc` (whose previous value is replaced only on success): scanned first,
// then RapidJSON's iterative reader with numbers converted exactly. `syntax_error` is the code
// for text that is not JSON (invalid_json for patches, invalid_document for documents).
// Time O(size); stack O(1) (the reader is iterative); heap: the document plus the reader's
// stack, both O(size).
template <class Document>
inline parse_error parse_json_text(std::basic_string_view<typename Document::Ch> text,
                                   Document& doc, std::size_t max_depth,
                                   errc syntax_error) noexcept;

// Appends code point `cp` to `out` as UTF-8.
inline void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// UTF-16 and UTF-32 text (already scanned, so validly encoded). RapidJSON 1.1.0 cannot read raw
// numbers into a wider encoding: it transcodes a number's characters onto the stack slot it is
// still reading them from, so every number of more than one character comes out garbled. So
// the text is parsed as UTF-8, exactly, and the document built from that, with strings
// transcoded. Costs one more copy of the text and the DOM; no recursion.
template <class Document>
inline parse_error parse_wide_json_text(std::basic_string_view<typename Document::Ch> text,
                                        Document& doc, std::size_t max_depth,
                                        errc syntax_error) noexcept {
    using Encoding = typename Document::EncodingType;
    using Ch = typename Document::Ch;
    constexpr text_encoding enc = encoding_of<Encoding>::value;
    std::string utf8;
    utf8.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        std::uint32_t cp = 0;
        if (!next_code_point<enc>(text.data(), text.size(), i, cp))
            return {errc::invalid_encoding, i};
        append_utf8(utf8, cp);
    }
    using Narrow = RAPIDJSON_NAMESPACE::GenericDocument<RAPIDJSON_NAMESPACE::UTF8<char>>;
    Narrow narrow;
    parse_error err = parse_json_text(std::string_view(utf8), narrow, max_depth, syntax_error);
    if (err.code != errc::success) {
        // Report the offset in the caller's code units: as many code points in.
        std::size_t points = 0;
        for (std::size_t b = 0; b < err.offset && b < utf8.size(); ++b)
            if ((static_cast<unsigned char>(utf8[b]) & 0xC0) != 0x80) ++points;
        std::size_t i = 0;
        for (std::uint32_t cp = 0; points > 0 && i < text.size(); --points)
            (void)next_code_point<enc>(text.data(), text.size(), i, cp);
        err.offset = i;
        return err;
    }
    // Rebuild the value in the document's encoding through its own builder, iteratively.
    using NarrowValue = typename Narrow::ValueType;
    struct frame {
        const NarrowValue* v;
        std::size_t next;
    };
    small_vector<frame, 16> frames;
    RAPIDJSON_NAMESPACE::GenericStringBuffer<Encoding> buffer;
    bool failed = false;
    const auto transcode = [&](const NarrowValue& str) {
        buffer.Clear();
        const char* s = str.GetString();
        const std::size_t n = str.GetStringLength();
        for (std::size_t i = 0; i < n;) {
            std::uint32_t cp = 0;
            (void)next_code_point<text_encoding::utf8>(s, n, i, cp);
            Encoding::Encode(buffer, static_cast<unsigned>(cp));
        }
    };
    const auto emit = [&](Document& d, const NarrowValue& x) {
        if (x.IsString()) {
            transcode(x);
            d.String(buffer.GetString(),
                     static_cast<RAPIDJSON_NAMESPACE::SizeType>(buffer.GetSize() / sizeof(Ch)),
                     true);
        } else if (x.IsArray() || x.IsObject()) {
            if (x.IsArray())
                d.StartArray();
            else
                d.StartObject();
            if (!frames.push_back(frame{&x, 0})) failed = true;
        } else if (x.IsNumber()) {
            if (x.IsUint64())
                d.Uint64(x.GetUint64());
            else if (x.IsInt64())
                d.Int64(x.GetInt64());
            else
                d.Double(x.GetDouble());
        } else if (x.IsBool()) {
            d.Bool(x.GetBool());
        } else {
            d.Null();
        }
    };
    auto generate = [&](Document& d) {
        emit(d, narrow);
        while (!failed && !frames.empty()) {
            frame& f = frames.back();
            const NarrowValue& c = *f.v;
            const std::size_t n = c.IsArray() ? c.Size() : c.MemberCount();
            if (f.next == n) {
                if (c.IsArray())
                    d.EndArray(static_cast<RAPIDJSON_NAMESPACE::SizeType>(n));
                else
                    d.EndObject(static_cast<RAPIDJSON_NAMESPACE::SizeType>(n));
                frames.pop_back();
                continue;
            }
            const std::size_t k = f.next++;
            if (c.IsArray()) {
                emit(d, c[static_cast<RAPIDJSON_NAMESPACE::SizeType>(k)]);
            } else {
                const auto& m = members(c).begin()[k];
                transcode(m.name);
                d.Key(buffer.GetString(),
                      static_cast<RAPIDJSON_NAMESPACE::SizeType>(buffer.GetSize() / sizeof(Ch)),
                      true);
                emit(d, m.value);
            }
        }
        return !failed;
    };
    doc.Populate(generate);
    if (failed) return {errc::out_of_memory, 0};
    return {};
}

template <class Document>
inline parse_error parse_json_text(std::basic_string_view<typename Document::Ch> text,
                                   Document& doc, std::size_t max_depth,
                                   errc syntax_error) noexcept {
    using Encoding = typename Document::EncodingType;
    using Ch = typename Document::Ch;
    constexpr text_encoding enc = encoding_of<Encoding>::value;
    parse_error err;
    if (max_depth > hard_max_depth) max_depth = hard_max_depth;
    err.code = scan_json_text<enc>(text.data(), text.size(), max_depth, &err.offset);
    if (err.code == errc::invalid_json) err.code = syntax_error;
    if (err.code != errc::success) {
        if (err.code == errc::nesting_too_deep && syntax_error == errc::invalid_document)
            err.code = errc::document_too_deep;
        return err;
    }
    if constexpr (sizeof(Ch) > 1) {
        return parse_wide_json_text(text, doc, max_depth, syntax_error);
    } else {
        bounded_stream<Ch> stream(text.data(), text.size());
        RAPIDJSON_NAMESPACE::GenericReader<Encoding, Encoding> reader;
        bool too_big = false;
        auto generator = [&](Document& d) {
            exact_handler<Document> handler(d);
            const bool ok = !reader
                                 .template Parse<RAPIDJSON_NAMESPACE::kParseIterativeFlag |
                                                 RAPIDJSON_NAMESPACE::kParseNumbersAsStringsFlag>(
                                     stream, handler)
                                 .IsError();
            too_big = handler.too_big;
            return ok;
        };
        doc.Populate(generator);
        if (reader.HasParseError()) {
            err.offset = reader.GetErrorOffset();
            err.code = syntax_error;
            err.detail = too_big
                             ? "a number is too large for a double"
                             : RAPIDJSON_NAMESPACE::GetParseError_En(reader.GetParseErrorCode());
        }
        return err;
    }
}

}  // namespace detail
}  // namespace relpatch

#endif
