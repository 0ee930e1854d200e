#ifndef RELPATCH_DIFF_HPP
#define RELPATCH_DIFF_HPP

/// @file
/// diff: the JSON Patch that turns one document into another, checked against a policy, so that
/// a client can compute the patch it sends (`diff<release_policy>(stored, edited, patch)` gives
/// exactly the release API's replaces of /phases/N/complete, or says why it cannot).

#include <relpatch/error.hpp>
#include <relpatch/limits.hpp>
#include <relpatch/policy.hpp>
#include <relpatch/result.hpp>
#include <relpatch/document.hpp>
#include <relpatch/detail/apply.hpp>
#include <relpatch/detail/decode.hpp>
#include <relpatch/detail/diff_patch.hpp>
#include <relpatch/detail/diff_walk.hpp>
#include <relpatch/detail/value.hpp>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>

namespace relpatch {

/// How diff lays out the patch.
enum class diff_strategy {
    /// compact under rfc6902_policy; in_place under the release policies; under any other
    /// policy compact, then in_place when the policy refuses the compact patch.
    automatic,
    /// Few operations: array elements aligned by a longest common subsequence (so an insert is
    /// one "add", not a replace of every later element), removed and added elements or members
    /// of equal value turned into one "move", and a container replaced whole when the
    /// operations inside it would take more bytes than the replace.
    compact,
    /// Every change at the deepest location both documents share: objects by member name,
    /// arrays index by index (the surplus removed from the end, the rest appended), a value
    /// replaced only where its type or scalar value changes, no "move". The patch a policy
    /// that lets values be replaced but not the document's shape can accept.
    in_place,
};

/// Options for diff.
struct diff_options {
    /// Byte-exact: applying the patch gives a document that serializes exactly as `to` does.
    /// Numbers are compared by spelling (1 and 1.0 differ, as do 0.0 and -0.0) and member order
    /// counts (members out of order are removed and added again at the end). Otherwise the
    /// result equals `to` under RFC 6902 equality.
    bool exact = false;
    /// A "test" of the current value before each "replace", "remove" and "move" (of the moved
    /// value, at "from"), as fast-json-patch's invertible patches do: the patch then fails
    /// with test_failed (409) if the document changed at those locations since it was diffed.
    /// The release policies accept only "replace": with them this option is refused
    /// (op_not_allowed), whatever the documents. A policy of your own is asked about each test
    /// like any other operation.
    bool emit_tests = false;
    /// How the patch is laid out (see diff_strategy).
    diff_strategy strategy = diff_strategy::automatic;
    /// The alignment of two arrays gives up, and elements are compared index by index, past
    /// this many removed and inserted elements in one array (it costs O(D^2) memory and
    /// O((N + M) D) time for D of them), or when it would cost more than its share of
    /// limits::max_work.
    std::size_t max_edit_distance = 1000;
};

namespace detail {

// One attempt with a given layout: the walk, the limits, the patch, the policy.
template <class Policy, class V, class Allocator>
inline result diff_attempt(const V& from, const V& to, V& patch_out, Allocator& alloc,
                           const Policy& policy, const diff_options& opt, const limits& lim,
                           diff_layout layout, bool measure_patch, work_meter& work) noexcept {
    diff_config cfg;
    cfg.mode = opt.exact ? compare_mode::identical : compare_mode::rfc;
    cfg.tests = opt.emit_tests;
    cfg.layout = layout;
    cfg.max_edit_distance = opt.max_edit_distance;
    differ<V> walk(cfg, work);
    const errc e = walk.run(from, to);
    if (e != errc::success) return failure<V>(e, result::npos);
    result r = check_limits(walk, lim, work);
    if (!r) return r;
    V patch;
    if (build_patch(walk, patch, alloc) != errc::success)
        return failure<V>(errc::out_of_memory, result::npos);
    if (measure_patch) {
        // What apply_patch checks first on a patch given as a value.
        value_size size;
        errc m = measure(static_cast<const V&>(patch),
                         lim.max_depth < hard_max_depth ? lim.max_depth : hard_max_depth,
                         lim.max_patch_bytes, work, size);
        if (m == errc::growth_limit_exceeded) m = errc::patch_too_large;
        if (m != errc::success) return failure<V>(m, result::npos);
    }
    if constexpr (!std::is_same<Policy, rfc6902_policy>::value) {
        r = policy_verdict(static_cast<const V&>(patch), from, lim, policy);
        if (!r) return r;
    }
    result_access::changed(r, patch.Size() != 0);
    patch_out.Swap(patch);
    return r;
}

template <class Policy, class V, class Allocator>
inline result diff_value(const V& from, const V& to, V& patch_out, Allocator& alloc,
                         const Policy& policy, const diff_options& opt, const limits& lim,
                         bool measure_patch) noexcept {
    static_assert(check_policy<Policy, V>());
    if constexpr (is_release_policy<Policy>) {
        if (opt.emit_tests)
            return failure<V>(errc::op_not_allowed, result::npos,
                              "the release policies accept only \"replace\": emit_tests cannot be "
                              "used with them");
    }
    work_meter work(lim.max_work);
    diff_strategy strategy = opt.strategy;
    if (strategy == diff_strategy::automatic && is_release_policy<Policy>)
        strategy = diff_strategy::in_place;
    const diff_layout first =
        strategy == diff_strategy::in_place ? diff_layout::in_place : diff_layout::compact;
    const result r =
        diff_attempt(from, to, patch_out, alloc, policy, opt, lim, first, measure_patch, work);
    if (r || strategy != diff_strategy::automatic || std::is_same<Policy, rfc6902_policy>::value ||
        family(r.code()) != condition::refused_by_policy)
        return r;
    // A policy of one's own refused the compact patch: try the one that changes values where
    // they are, and report its refusal if it is refused too.
    const result again = diff_attempt(from, to, patch_out, alloc, policy, opt, lim,
                                      diff_layout::in_place, measure_patch, work);
    return again || family(again.code()) == condition::refused_by_policy ? again : r;
}

}  // namespace detail

/// Computes a JSON Patch that turns `from` into `to`, and stores it in `patch_out` (an array
/// of operations allocated in `alloc`) if `policy` accepts it.
///
/// - Correct: apply_patch<rfc6902_policy>(from, patch_out) gives a document equal to `to`
///   under RFC 6902 equality, or serializing exactly as `to` with diff_options::exact.
/// - Within `lim`: the patch has at most max_operations operations, pointers of at most
///   max_pointer_length code units, values that fit max_depth in the patch and
///   max_document_depth where they are put, and is at most max_patch_bytes as apply_patch
///   measures it; otherwise the result is too_many_operations, pointer_too_long,
///   nesting_too_deep, document_too_deep or patch_too_large. (Whether it fits max_added_bytes
///   depends on the document's allocator and is left to apply_patch.) The work is bounded by
///   max_work (work_limit_exceeded).
/// - Policy-aware: every operation is proposed to `policy` (check() on `from`, then
///   check_patch()), as apply_patch would. If it refuses one, diff fails with the policy's
///   errc, the operation's index in the patch it would have returned, and its pointer as
///   path(): where `to` differs in a way the policy cannot express. Under release_policy a
///   patch holds only replaces of /phases/N/complete, in phase order.
/// - Pointers escape "~" and "/" (RFC 6901). Member names are matched exactly; an object with
///   a name twice (which a pointer cannot tell apart) is replaced whole.
///
/// On failure `patch_out` is unchanged (values may still have been allocated in `alloc`).
/// result::changed() is true when the patch is not empty.
///
/// @par Complexity
/// Linear in the size of both documents, plus for each array that differs O((N + M) D) for D
/// elements inserted or removed (bounded by diff_options::max_edit_distance), plus the sorts
/// of object members by name. No recursion: any depth.
/// @par Exception Safety
/// No-throw. Memory exhaustion inside RapidJSON's allocators terminates, as in any noexcept
/// function.
template <class Policy, class Encoding, class Allocator,
          class = std::enable_if_t<
              is_policy<Policy, RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>>::value>>
[[nodiscard]] inline result diff(const RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>& from,
                                 const RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>& to,
                                 RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>& patch_out,
                                 Allocator& alloc, const Policy& policy,
                                 const diff_options& opt = diff_options(),
                                 const limits& lim = limits()) noexcept {
    return detail::diff_value(from, to, patch_out, alloc, policy, opt, lim, true);
}

/// The same with the policy given as a type (default rfc6902_policy).
template <class Policy = rfc6902_policy, class Encoding, class Allocator>
[[nodiscard]] inline result diff(const RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>& from,
                                 const RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>& to,
                                 RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>& patch_out,
                                 Allocator& alloc, const diff_options& opt = diff_options(),
                                 const limits& lim = limits()) noexcept {
    return detail::diff_value(from, to, patch_out, alloc, Policy{}, opt, lim, true);
}

/// The same, storing the patch in the document `patch_out` (its allocator).
template <class Policy = rfc6902_policy, class Encoding, class Allocator, class StackAllocator>
[[nodiscard]] inline result diff(
    const RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>& from,
    const RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>& to,
    RAPIDJSON_NAMESPACE::GenericDocument<Encoding, Allocator, StackAllocator>& patch_out,
    const diff_options& opt = diff_options(), const limits& lim = limits()) noexcept {
    using V = RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>;
    return detail::diff_value(from, to, static_cast<V&>(patch_out), patch_out.GetAllocator(),
                              Policy{}, opt, lim, true);
}

/// diff on JSON texts: both are parsed with parse_document (exact numbers, bounded nesting:
/// `lim.max_document_depth`), and the patch is written to `patch_out` as compact JSON text,
/// refused with patch_too_large when longer than `lim.max_patch_bytes`. A text that does not
/// parse gives parse_document's result; `from_text` is parsed first (parse them yourself to
/// tell which one failed).
///
/// @par Exception Safety
/// Strong: `patch_out` changes only on success. Throws what std::string throws (bad_alloc).
template <class Policy = rfc6902_policy>
[[nodiscard]] inline result diff_text(std::string_view from_text, std::string_view to_text,
                                      std::string& patch_out,
                                      const diff_options& opt = diff_options(),
                                      const limits& lim = limits()) {
    RAPIDJSON_NAMESPACE::Document from;
    result r = parse_document(from_text, from, lim);
    if (!r) return r;
    RAPIDJSON_NAMESPACE::Document to;
    r = parse_document(to_text, to, lim);
    if (!r) return r;
    RAPIDJSON_NAMESPACE::Document patch;
    r = detail::diff_value(static_cast<const RAPIDJSON_NAMESPACE::Value&>(from),
                           static_cast<const RAPIDJSON_NAMESPACE::Value&>(to),
                           static_cast<RAPIDJSON_NAMESPACE::Value&>(patch), patch.GetAllocator(),
                           Policy{}, opt, lim, false);
    if (!r) return r;
    RAPIDJSON_NAMESPACE::StringBuffer text;
    RAPIDJSON_NAMESPACE::Writer<RAPIDJSON_NAMESPACE::StringBuffer> writer(text);
    patch.Accept(writer);
    if (text.GetSize() > lim.max_patch_bytes) {
        result too_large(errc::patch_too_large);
        detail::result_access::detail(too_large,
                                      "the patch text is longer than limits::max_patch_bytes");
        return too_large;
    }
    patch_out.assign(text.GetString(), text.GetSize());
    return r;
}

}  // namespace relpatch

#endif
