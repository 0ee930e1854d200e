#ifndef RELPATCH_DETAIL_PARSE_HPP
#define RELPATCH_DETAIL_PARSE_HPP

// Parsing JSON text (a patch or a document) into a RapidJSON document safely and exactly:
// scanned first (encoding, NULs, depth: see text_scan.hpp), then read by the text path's own
// validating scanner (json_validate.hpp) with a sink that builds the document, numbers converted
// by number.hpp. RapidJSON's reader is not used: it refuses numbers that fit a double (0e400),
// and sharing one reader with apply_patch_to_text makes the two paths agree on every text.

#include <relpatch/error.hpp>
#include <relpatch/limits.hpp>
#include <relpatch/detail/json_validate.hpp>
#include <relpatch/detail/number.hpp>
#include <relpatch/detail/small_vector.hpp>
#include <relpatch/detail/text_scan.hpp>

#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace relpatch {
namespace detail {

// What parse_json_text found wrong.
struct parse_error {
    errc code = errc::success;
    std::size_t offset = 0;
    const char* detail = nullptr;
};

// A json_scanner sink that builds what it is told into a GenericDocument (through the
// document's SAX handler interface, which keeps the values on the document's own stack). Strings
// are decoded from escapes and transcoded to the document's encoding; numbers are exact. Its
// stack of open containers is as deep as the text nests (bounded by the scan's max_depth).
template <class Document>
class document_builder {
public:
    static constexpr bool active = true;
    using Encoding = typename Document::EncodingType;
    using Ch = typename Document::Ch;
    using SizeType = RAPIDJSON_NAMESPACE::SizeType;

    explicit document_builder(Document& d) noexcept : d_(d) {}

    bool open(bool is_array) noexcept {
        counted();
        if (!open_.push_back(container{0, is_array})) return false;
        return is_array ? d_.StartArray() : d_.StartObject();
    }
    bool close(bool is_array) noexcept {
        const SizeType n = open_.back().count;
        open_.pop_back();
        return is_array ? d_.EndArray(n) : d_.EndObject(n);
    }
    bool key(const char* name, std::size_t n, bool escaped) noexcept {
        ++open_.back().count;
        return string(name, n, escaped, true);
    }
    bool scalar(json_kind kind, const char* first, const char* last, bool escaped) noexcept {
        counted();
        const auto n = static_cast<std::size_t>(last - first);
        switch (kind) {
        case json_kind::string: return string(first + 1, n - 2, escaped, false);
        case json_kind::number: return exact_number(first, n, d_);
        case json_kind::true_value: return d_.Bool(true);
        case json_kind::false_value: return d_.Bool(false);
        case json_kind::null_value:
        case json_kind::none:  // the scanner's other kinds never reach scalar()
        case json_kind::array:
        case json_kind::object: break;
        }
        return d_.Null();
    }

private:
    struct container {
        SizeType count;  // elements, or members, so far
        bool is_array;
    };

    void counted() noexcept {
        if (!open_.empty() && open_.back().is_array) ++open_.back().count;
    }

    // A string or member name: [s, s + n) as the text spells it.
    bool string(const char* s, std::size_t n, bool escaped, bool is_key) noexcept {
        if (escaped) {
            if (!utf8_.reserve(n)) return false;
            n = decode_json_string(s, n, utf8_.data());
            s = utf8_.data();
        }
        const Ch* out;
        std::size_t length;
        if constexpr (sizeof(Ch) == 1) {  // UTF-8, or ASCII (which the scan kept below 0x80)
            out = reinterpret_cast<const Ch*>(s);
            length = n;
        } else {
            // UTF-16 or UTF-32: no more code units than UTF-8 bytes.
            wide_.clear();
            if (!wide_.reserve(n)) return false;
            wide_stream os{wide_};
            for (std::size_t i = 0; i < n;) {
                std::uint32_t cp = 0;
                (void)next_code_point<text_encoding::utf8>(s, n, i, cp);
                Encoding::Encode(os, static_cast<unsigned>(cp));
            }
            out = wide_.data();
            length = wide_.size();
        }
        if (length > static_cast<SizeType>(-1)) return false;  // RapidJSON's lengths are 32-bit
        const auto len = static_cast<SizeType>(length);
        return is_key ? d_.Key(out, len, true) : d_.String(out, len, true);
    }

    // The output stream RapidJSON's Encode writes to; wide_ has room for everything.
    struct wide_stream {
        typedef typename Document::Ch Ch;
        small_vector<Ch, 128>& v;
        void Put(Ch c) noexcept { v.emplace_back(c); }
    };

    Document& d_;
    small_vector<container, 32> open_;
    small_vector<char, 256> utf8_;
    small_vector<Ch, 128> wide_;
};

// Builds `doc` from UTF-8 text that scan_json_text accepted (for `Document`'s encoding).
template <class Document>
inline parse_error build_document(const char* text, std::size_t size, Document& doc,
                                  std::size_t max_depth, errc syntax_error) noexcept {
    document_builder<Document> builder(doc);
    json_scanner<simd_default, document_builder<Document>> scanner(builder);
    scan_status status = scan_status::valid;
    auto generator = [&](Document&) {
        status = scanner.scan(text, size, max_depth, false);
        return status == scan_status::valid;
    };
    doc.Populate(generator);
    parse_error err;
    if (status == scan_status::invalid) {
        err.code = syntax_error;
        err.offset = scanner.error_offset();
        err.detail = scanner.error_reason();
    } else if (status == scan_status::out_of_memory) {
        err.code = errc::out_of_memory;
    }
    return err;
}

// UTF-16 and UTF-32 text (already scanned, so validly encoded) is read as UTF-8: the scanner
// reads UTF-8 only. Costs one more copy of the text; errors are reported at offsets in the
// caller's code units.
template <class Document>
inline parse_error parse_wide_json_text(std::basic_string_view<typename Document::Ch> text,
                                        Document& doc, std::size_t max_depth,
                                        errc syntax_error) noexcept {
    using Encoding = typename Document::EncodingType;
    constexpr text_encoding enc = encoding_of<Encoding>::value;
    small_vector<char, 256> utf8;
    // At least a byte per code unit (exactly that for ASCII text); more grows as a vector does.
    if (!utf8.reserve(text.size())) return {errc::out_of_memory, 0, nullptr};
    for (std::size_t i = 0; i < text.size();) {
        std::uint32_t cp = 0;
        if (!next_code_point<enc>(text.data(), text.size(), i, cp))
            return {errc::invalid_encoding, i, nullptr};
        char unit[4];
        const std::size_t n = encode_utf8(cp, unit);
        for (std::size_t k = 0; k < n; ++k)
            if (!utf8.push_back(unit[k])) return {errc::out_of_memory, 0, nullptr};
    }
    parse_error err = build_document(utf8.data(), utf8.size(), doc, max_depth, syntax_error);
    if (err.code != errc::success && err.code != errc::out_of_memory) {
        // Report the offset in the caller's code units: as many code points in.
        std::size_t points = 0;
        for (std::size_t b = 0; b < err.offset && b < utf8.size(); ++b)
            if ((static_cast<unsigned char>(utf8[b]) & 0xC0) != 0x80) ++points;
        std::size_t i = 0;
        for (std::uint32_t cp = 0; points > 0 && i < text.size(); --points)
            (void)next_code_point<enc>(text.data(), text.size(), i, cp);
        err.offset = i;
    }
    return err;
}

// Parses `text` into `doc` (whose previous value is replaced only on success): scanned first,
// then read and built in one pass. `syntax_error` is the code for text that is not JSON
// (invalid_json for patches, invalid_document for documents). Time O(size); stack O(1) (no
// recursion); heap: the document, plus a stack of open containers O(depth), plus for wide text
// a UTF-8 copy of it.
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
    if constexpr (sizeof(Ch) > 1)
        return parse_wide_json_text(text, doc, max_depth, syntax_error);
    else
        return build_document(reinterpret_cast<const char*>(text.data()), text.size(), doc,
                              max_depth, syntax_error);
}

}  // namespace detail
}  // namespace relpatch

#endif
