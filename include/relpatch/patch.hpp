#ifndef RELPATCH_PATCH_HPP
#define RELPATCH_PATCH_HPP

/// @file
/// apply_patch: RFC 6902 JSON Patch on a RapidJSON document, checked against a policy and
/// applied atomically. Two entry points: patch text, or a patch already parsed into a value.
/// Each takes the policy as a type (default release_policy) or as an object.

#include <relpatch/error.hpp>
#include <relpatch/limits.hpp>
#include <relpatch/operation.hpp>
#include <relpatch/policy.hpp>
#include <relpatch/result.hpp>
#include <relpatch/detail/apply.hpp>
#include <relpatch/detail/decode.hpp>
#include <relpatch/detail/fast_patch.hpp>
#include <relpatch/detail/text_scan.hpp>
#include <relpatch/detail/value.hpp>

#include <rapidjson/document.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>

namespace relpatch {

/// Applies the JSON Patch `patch_text` to `doc`, if `policy` allows every operation in it.
///
/// On success the result tests true and `doc` holds the patched document. On any error the
/// result carries the errc, the failing operation's index and pointer (or the offset of a syntax
/// error), and `doc` is exactly as it was. When `comment` is not null it is cleared, then
/// receives the envelope's comment when the patch is {"comment": "...", "patch": [...]} (release
/// policies only), whatever happens after the envelope is read.
///
/// Numbers in the patch are read exactly (see parse_document); parse documents with
/// parse_document too, so that "test" compares like with like.
///
/// When `inverse` is not null and the patch applies, it receives the inverse patch: an array of
/// operations that, applied to the patched document with rfc6902_policy, gives back the original
/// (RFC 6902 equality; byte for byte except that a removed or moved member comes back last in
/// its object, and that documents with duplicate member names cannot be restored), and whose
/// paths are exactly the locations the patch changed. A patch of scalar replaces (every release
/// patch) gets one replace per location whose value really changed, so the inverse of a release
/// patch is itself a release patch, naming exactly the phases that changed. The inverse is a
/// patch like any other: if it would exceed `lim.max_patch_bytes` the patch is refused with
/// patch_too_large and the document is unchanged.
///
/// @par Complexity
/// Linear in the patch text, plus for each operation the cost of resolving its pointers (linear
/// in the members of each object on the way) and of the values it copies, compares or shifts;
/// all of it bounded by `lim.max_work`. No recursion.
/// @par Exception Safety
/// No-throw. relpatch's own buffers report `out_of_memory` with `doc` unchanged; inside
/// RapidJSON, or in `comment`'s std::basic_string, exhausted memory is not recoverable
/// (RapidJSON does not check for a null allocation, and a throwing allocator terminates the
/// program, the function being noexcept).
template <class Policy, class Encoding, class Allocator, class StackAllocator,
          class = std::enable_if_t<
              is_policy<Policy, RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>>::value>>
[[nodiscard]] inline result apply_patch(
    RAPIDJSON_NAMESPACE::GenericDocument<Encoding, Allocator, StackAllocator>& doc,
    std::basic_string_view<typename Encoding::Ch> patch_text, const Policy& policy,
    const limits& lim = limits(), std::basic_string<typename Encoding::Ch>* comment = nullptr,
    detail::non_deduced_t<
        RAPIDJSON_NAMESPACE::GenericDocument<Encoding, Allocator, StackAllocator>>* inverse =
        nullptr) noexcept {
    using V = RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>;
    static_assert(detail::check_policy<Policy, V>());
    constexpr detail::text_encoding enc = detail::encoding_of<Encoding>::value;
    if (comment != nullptr) comment->clear();

    if constexpr (enc == detail::text_encoding::utf8 &&
                  std::is_same<typename Encoding::Ch, char>::value) {
        // The common release patch needs no DOM (see detail/fast_patch.hpp).
        detail::fast_op scanned[detail::max_fast_ops];
        std::size_t count = 0;
        detail::fast_storage<basic_operation<V>, V> storage;
        if (patch_text.size() <= lim.max_patch_bytes &&
            detail::fast_scanner(patch_text.data(), patch_text.size()).scan(scanned, count) &&
            detail::decode_fast<V>(scanned, count, lim, storage))
            return detail::check_and_apply(static_cast<V&>(doc),
                                           basic_patch_view<V>(storage.ops(), count),
                                           doc.GetAllocator(), lim, policy, inverse);
    }

    detail::patch_allocator<Allocator> storage;
    RAPIDJSON_NAMESPACE::GenericDocument<Encoding, Allocator, RAPIDJSON_NAMESPACE::CrtAllocator>
        patch(&storage.allocator);
    result r = detail::parse_patch_text(patch_text, patch, lim);
    if (!r) return r;
    detail::envelope<V> env;
    r = detail::unwrap<Policy::accepts_envelope>(static_cast<const V&>(patch), lim, env);
    if (comment != nullptr && env.comment != nullptr)
        comment->assign(env.comment->GetString(), env.comment->GetStringLength());
    if (!r) return r;
    detail::operation_list<V> ops;
    r = detail::decode_operations(*env.operations, lim, ops);
    if (!r) return r;
    return detail::check_and_apply(static_cast<V&>(doc),
                                   basic_patch_view<V>(ops.data(), ops.size()), doc.GetAllocator(),
                                   lim, policy, inverse);
}

/// The same with the policy given as a type (default-constructed): `apply_patch(doc, text)`
/// applies a release patch.
/// @par Complexity
/// As above.
/// @par Exception Safety
/// As above.
template <class Policy = release_policy, class Encoding, class Allocator, class StackAllocator>
[[nodiscard]] inline result apply_patch(
    RAPIDJSON_NAMESPACE::GenericDocument<Encoding, Allocator, StackAllocator>& doc,
    std::basic_string_view<typename Encoding::Ch> patch_text, const limits& lim = limits(),
    std::basic_string<typename Encoding::Ch>* comment = nullptr,
    detail::non_deduced_t<
        RAPIDJSON_NAMESPACE::GenericDocument<Encoding, Allocator, StackAllocator>>* inverse =
        nullptr) noexcept {
    static_assert(
        detail::check_policy<Policy, RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>>());
    return apply_patch(doc, patch_text, Policy{}, lim, comment, inverse);
}

/// Applies `patch`, a patch already parsed into a value of `doc`'s type, to `doc`, whose
/// allocator is `alloc`. The patch is first copied into storage of relpatch's own (bounded by
/// `lim.max_patch_bytes` and `lim.max_depth`) and decoded from that copy, so a patch that lives
/// inside `doc` (`apply_patch(doc, doc["ops"], alloc)`) behaves exactly as a copy of it would.
/// When `comment` is not null it is set to the envelope's "comment" string in `patch`, or null.
///
/// @par Complexity
/// Linear in the size of the patch, plus what applying its operations costs (see above).
/// @par Exception Safety
/// No-throw, as above.
template <class Policy, class Encoding, class Allocator,
          class = std::enable_if_t<
              is_policy<Policy, RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>>::value>>
[[nodiscard]] inline result apply_patch(
    RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>& doc,
    const RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>& patch, Allocator& alloc,
    const Policy& policy, const limits& lim = limits(),
    const detail::non_deduced_t<RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>>** comment =
        nullptr,
    detail::non_deduced_t<RAPIDJSON_NAMESPACE::GenericDocument<Encoding, Allocator>>* inverse =
        nullptr) noexcept {
    using V = RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>;
    static_assert(detail::check_policy<Policy, V>());
    if (comment != nullptr) *comment = nullptr;

    // Bounded by max_patch_bytes (every array and object is charged its size when reached), so
    // measuring needs no work budget of its own.
    detail::work_meter unmetered(static_cast<std::size_t>(-1));
    detail::value_size size;
    errc e = detail::measure(patch, lim.max_depth < hard_max_depth ? lim.max_depth : hard_max_depth,
                             lim.max_patch_bytes, unmetered, size);
    if (e == errc::growth_limit_exceeded) e = errc::patch_too_large;
    if (e != errc::success) return detail::failure<V>(e, result::npos);

    // The comment is reported from the caller's patch, which the copy mirrors.
    detail::envelope<V> original;
    const result outer = detail::unwrap<Policy::accepts_envelope>(patch, lim, original);
    if (comment != nullptr) *comment = original.comment;
    if (!outer) return outer;
    detail::patch_allocator<Allocator> storage;
    V copy;
    e = detail::deep_copy(copy, patch, storage.allocator);
    if (e != errc::success) return detail::failure<V>(e, result::npos);

    detail::envelope<V> env;
    result r = detail::unwrap<Policy::accepts_envelope>(static_cast<const V&>(copy), lim, env);
    if (!r) return r;
    detail::operation_list<V> ops;
    r = detail::decode_operations(*env.operations, lim, ops);
    if (!r) return r;
    return detail::check_and_apply(doc, basic_patch_view<V>(ops.data(), ops.size()), alloc, lim,
                                   policy, inverse);
}

/// The same with the policy given as a type.
/// @par Complexity
/// As above.
/// @par Exception Safety
/// As above.
template <class Policy = release_policy, class Encoding, class Allocator>
[[nodiscard]] inline result apply_patch(
    RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>& doc,
    const RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>& patch, Allocator& alloc,
    const limits& lim = limits(),
    const detail::non_deduced_t<RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>>** comment =
        nullptr,
    detail::non_deduced_t<RAPIDJSON_NAMESPACE::GenericDocument<Encoding, Allocator>>* inverse =
        nullptr) noexcept {
    static_assert(
        detail::check_policy<Policy, RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>>());
    return apply_patch(doc, patch, alloc, Policy{}, lim, comment, inverse);
}

}  // namespace relpatch

#endif
