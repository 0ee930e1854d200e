#ifndef RELPATCH_TEXT_PATCH_HPP
#define RELPATCH_TEXT_PATCH_HPP

/// @file
/// apply_patch_to_text: patch a stored JSON document as text, without building it as a DOM,
/// validating all of it and changing only the bytes of the values the patch writes.

#include <relpatch/limits.hpp>
#include <relpatch/policy.hpp>
#include <relpatch/result.hpp>
#include <relpatch/detail/json_validate.hpp>
#include <relpatch/detail/text_edit.hpp>

#include <string>
#include <string_view>

namespace relpatch {

/// Applies the JSON Patch `patch_text` to the UTF-8 JSON document `document_text` and writes the
/// patched document to `out`, giving the answer `parse_document` followed by
/// `apply_patch<Policy>` gives on a rapidjson::Document: the same decision, errc, op_index(),
/// path() and changed() (see below), and an output that parses to the same value.
///
/// - Validating: the whole document is checked as parse_document checks it (RFC 8259 strictly,
///   valid UTF-8, nesting within `lim.max_document_depth`, numbers within the double range; a
///   UTF-8 byte order mark is allowed), including the members the patch never reads. An invalid
///   document is refused with parse_document's errc (`invalid_document`, `invalid_encoding` or
///   `document_too_deep`) and offset(), before anything about the patch is reported.
/// - Format-preserving: on success `out` is `document_text` with the bytes of each value the
///   patch replaces changed into the new value exactly as the patch text spells it (`true` /
///   `false` for release patches; `1.0E+2` stays `1.0E+2`). Whitespace, member order, escapes,
///   number spellings, line endings and the byte order mark are kept byte for byte.
///   `changed()` is true exactly when `out` differs from `document_text`.
/// - Without a DOM: release_policy and ordered_release_policy patches (every patch those
///   policies accept or refuse), and rfc6902_policy patches made only of "replace" and "test",
///   are answered from one scan of the document (memory: a few kilobytes on the stack; none
///   from the heap when `out` has the capacity, for documents of up to 2048 phases under
///   ordered_release_policy and of any size otherwise).
/// - Other patches (add, remove, move, copy), other policies, and rfc6902 patches whose ops
///   read or write inside a value an earlier op replaced, take the DOM path: parse_document,
///   apply_patch<Policy>, and rapidjson::Writer's compact text after the document's byte order
///   mark. That output is not format-preserving (when the patch changes nothing, `out` is a
///   copy of `document_text`).
/// - Limits apply as on the DOM path (patch size, operations, pointer length, patch and document
///   depth, max_added_bytes). `max_work` is charged for the same comparisons and measurements,
///   but lookups the scan does are counted differently: within a few units per operation of the
///   limit the two paths may disagree.
/// - `comment`, when not null, is cleared, then receives the envelope's "comment" (release
///   policies: `{"comment": "...", "patch": [...]}`), as apply_patch reports it, once the
///   document is known to be valid. Neither text may view `*comment`.
///
/// On any refusal `out` is left as it was. `document_text` and `patch_text` may view `out`
/// itself (`apply_patch_to_text(stored, patch, stored)`): the result is then built aside and
/// swapped in, which allocates.
///
/// @par Complexity
/// Linear in the document and the patch, plus for each object that holds a location the patch
/// names the comparison of its member names with the patch's tokens, plus what "test" compares.
/// No recursion.
/// @par Exception Safety
/// No-throw. Memory exhaustion while growing `out` is reported as `out_of_memory` where the
/// build has exceptions; otherwise, and inside RapidJSON's allocators on the DOM path, it
/// terminates, as in any noexcept function.
template <class Policy = release_policy>
[[nodiscard]] inline result apply_patch_to_text(std::string_view document_text,
                                                std::string_view patch_text, std::string& out,
                                                const limits& lim = limits(),
                                                std::string* comment = nullptr) noexcept {
    return detail::patch_text<Policy, detail::simd_default>(document_text, patch_text, out, lim,
                                                            comment);
}

}  // namespace relpatch

#endif
