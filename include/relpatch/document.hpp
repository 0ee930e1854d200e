#ifndef RELPATCH_DOCUMENT_HPP
#define RELPATCH_DOCUMENT_HPP

/// @file
/// parse_document: read a stored document safely and exactly, ready for apply_patch.

#include <relpatch/error.hpp>
#include <relpatch/limits.hpp>
#include <relpatch/result.hpp>
#include <relpatch/detail/parse.hpp>

#include <rapidjson/document.h>

#include <string_view>

namespace relpatch {

/// Parses the JSON text `text` into `doc`, the way relpatch parses patches:
/// - the text must be valid in the document's encoding (an ASCII document refuses `\\u`
///   escapes above 0x7F), hold no NUL, and be RFC 8259 JSON; a leading UTF-8 byte order mark
///   is skipped;
/// - nesting is bounded by `lim.max_document_depth` (taken as at most hard_max_depth) and
///   checked before anything is built, so the document is safe for RapidJSON's recursive
///   destructor and Writer;
/// - numbers are exact: an integer that fits int64 or uint64 stays an integer, every other
///   number is the correctly rounded double (`-0` is -0.0), and a number beyond the double range
///   is refused. Documents parsed this way compare with patch values exactly in "test".
///
/// On error `doc` keeps its previous value and the result carries `invalid_document` (not JSON,
/// with offset()), `invalid_encoding`, `document_too_deep` or `out_of_memory`.
///
/// @par Complexity
/// Linear in the size of the text; no recursion.
/// @par Exception Safety
/// No-throw. relpatch's own buffers report `out_of_memory`; inside RapidJSON, exhausted memory is
/// not recoverable (RapidJSON does not check for a null allocation, and an allocator that
/// throws terminates the program, the function being noexcept).
template <class Encoding, class Allocator, class StackAllocator>
[[nodiscard]] inline result parse_document(
    std::basic_string_view<typename Encoding::Ch> text,
    RAPIDJSON_NAMESPACE::GenericDocument<Encoding, Allocator, StackAllocator>& doc,
    const limits& lim = limits()) noexcept {
    using Ch = typename Encoding::Ch;
    std::size_t skipped = 0;
    if constexpr (sizeof(Ch) == 1) {
        if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
            static_cast<unsigned char>(text[1]) == 0xBB &&
            static_cast<unsigned char>(text[2]) == 0xBF)
            skipped = 3;
    }
    const detail::parse_error e = detail::parse_json_text(
        text.substr(skipped), doc, lim.max_document_depth, errc::invalid_document);
    result r(e.code);
    if (e.code != errc::success) {
        detail::result_access::offset(r, e.offset + skipped);
        detail::result_access::detail(r, e.detail);
    }
    return r;
}

}  // namespace relpatch

#endif
