#ifndef RELPATCH_PATCH_HPP
#define RELPATCH_PATCH_HPP

// apply_patch: RFC 6902 JSON Patch on a RapidJSON document, checked against a policy and
// applied atomically.

#include <relpatch/error.hpp>
#include <relpatch/limits.hpp>
#include <relpatch/operation.hpp>
#include <relpatch/pointer.hpp>
#include <relpatch/policy.hpp>
#include <relpatch/result.hpp>
#include <relpatch/detail/engine.hpp>
#include <relpatch/detail/fast_patch.hpp>
#include <relpatch/detail/text_scan.hpp>
#include <relpatch/detail/value.hpp>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

namespace relpatch {
namespace detail {

template <class V>
inline result failure_at(errc code, std::size_t op_index, const char* detail,
                         const error_site<typename V::Ch>& where) noexcept {
    result r(code, op_index);
    result_access::detail(r, detail);
    if (where.known) {
        constexpr text_encoding enc = encoding_of<typename V::EncodingType>::value;
        char buffer[result::max_path_bytes];
        bool truncated = false;
        const auto text = where.text;
        const std::size_t n =
            to_utf8<enc>(text.data(), text.size(), buffer, sizeof buffer, truncated);
        result_access::path(r, std::string_view(buffer, n), where.is_from, truncated);
    }
    return r;
}

template <class V>
inline result failure(errc code, std::size_t op_index, const char* detail = nullptr,
                      const basic_pointer<V>* where = nullptr, bool is_from = false) noexcept {
    error_site<typename V::Ch> site;
    if (where != nullptr) site = {where->text(), is_from, true};
    return failure_at<V>(code, op_index, detail, site);
}

// The allocator a parsed patch lives in (general path only): a MemoryPoolAllocator starts on a
// stack buffer, so a short patch's values need no heap block of their own (RapidJSON's parse
// stack still allocates); other allocators are default-constructed.
template <class Allocator>
struct patch_allocator {
    Allocator allocator;
};
template <class Base>
struct patch_allocator<RAPIDJSON_NAMESPACE::MemoryPoolAllocator<Base>> {
    alignas(std::max_align_t) char buffer[2048];
    RAPIDJSON_NAMESPACE::MemoryPoolAllocator<Base> allocator{buffer, sizeof buffer};
};

template <class Policy, class V>
constexpr bool check_policy() noexcept {
    static_assert(is_policy<Policy, V>::value,
                  "relpatch: Policy must provide `static constexpr bool accepts_envelope` and "
                  "`template <class Value> static relpatch::verdict check(const "
                  "relpatch::basic_operation<Value>&, const Value&) noexcept` (see "
                  "relpatch/policy.hpp)");
    return true;
}

template <class Policy, class V, class Allocator>
inline result check_and_apply(V& doc, const basic_patch_view<V>& view, Allocator& alloc,
                              const limits& value_limits) noexcept;

// Operations from fast_scanner: fills `out` (whose values live in `values`, strings pointing
// into the patch text) and returns true only when every operation decodes cleanly, so that
// the general path would find exactly these operations.
template <class V>
inline bool decode_fast(const fast_op* in, std::size_t count, const limits& lim,
                        fast_storage<basic_operation<V>, V>& storage) noexcept {
    if (count > lim.max_operations || lim.max_depth < 2) return false;
    for (std::size_t i = 0; i < count; ++i) {
        const fast_op& f = in[i];
        basic_operation<V>& op = *::new (static_cast<void*>(storage.ops() + i)) basic_operation<V>();
        if (!f.has_op || !f.has_path) return false;
        if (fast_scanner::name_equals(f.op, "replace")) op.op = op_type::replace;
        else if (fast_scanner::name_equals(f.op, "add")) op.op = op_type::add;
        else if (fast_scanner::name_equals(f.op, "test")) op.op = op_type::test;
        else if (fast_scanner::name_equals(f.op, "remove")) op.op = op_type::remove;
        else return false;  // move, copy (need "from") and unknown ops
        if (basic_pointer<V>::parse(f.path, op.path, lim.max_pointer_length) != errc::success)
            return false;
        op.from = basic_pointer<V>();
        op.value = nullptr;
        if (op.has_value()) {
            V* value = nullptr;
            switch (f.value) {
            case fast_value::absent: return false;
            case fast_value::false_value:
                value = ::new (static_cast<void*>(storage.value(i))) V(false);
                break;
            case fast_value::true_value:
                value = ::new (static_cast<void*>(storage.value(i))) V(true);
                break;
            case fast_value::null_value:
                value = ::new (static_cast<void*>(storage.value(i))) V();
                break;
            case fast_value::string:
                // A constant-string reference into the patch text: the engine deep-copies it.
                value = ::new (static_cast<void*>(storage.value(i))) V(RAPIDJSON_NAMESPACE::StringRef(
                    f.text.data(), static_cast<RAPIDJSON_NAMESPACE::SizeType>(f.text.size())));
                break;
            }
            op.value = value;
        }
    }
    return true;
}

// Finds the operations array: the patch itself, or the "patch" of an envelope {"comment",
// "patch"} where Policy accepts one. `wrapping` is how many levels of nesting surround an
// operation's members (2, or 3 in an envelope).
template <class Policy, class V>
inline result unwrap(const V& patch, const limits& lim, const V*& ops, const V*& comment,
                     std::size_t& wrapping) noexcept {
    constexpr std::size_t none = result::npos;
    ops = &patch;
    comment = nullptr;
    wrapping = 2;
    if (patch.IsObject()) {
        if (!Policy::accepts_envelope)
            return failure<V>(errc::patch_not_array, none, "this policy takes a bare array");
        const V* inner = nullptr;
        const V* note = nullptr;
        for (const auto& m : members(patch)) {
            const V** slot = name_is(m.name, "patch")     ? &inner
                             : name_is(m.name, "comment") ? &note
                                                          : nullptr;
            if (slot == nullptr) continue;
            if (*slot != nullptr)
                return failure<V>(errc::duplicate_member, none,
                                  slot == &inner ? "\"patch\" appears twice in the envelope"
                                                 : "\"comment\" appears twice in the envelope");
            *slot = &m.value;
        }
        if (inner == nullptr)
            return failure<V>(errc::missing_member, none, "the envelope has no \"patch\"");
        if (note != nullptr && !note->IsString())
            return failure<V>(errc::invalid_member_type, none, "\"comment\" must be a string");
        comment = note;
        ops = inner;
        wrapping = 3;
    }
    if (!ops->IsArray()) return failure<V>(errc::patch_not_array, none);
    if (ops->Size() > lim.max_operations) return failure<V>(errc::too_many_operations, none);
    return result();
}

// Every operation must be well formed before any is checked against the policy.
template <class V>
inline result decode_all(const V& ops, const limits& lim) noexcept {
    basic_operation<V> op;
    for (std::size_t i = 0; i < ops.Size(); ++i) {
        const char* detail = nullptr;
        error_site<typename V::Ch> site;
        const errc e = decode_operation(ops[static_cast<RAPIDJSON_NAMESPACE::SizeType>(i)], lim,
                                        op, detail, site);
        if (e != errc::success) return failure_at<V>(e, i, detail, site);
    }
    return result();
}

// The whole algorithm once the patch is a DOM.
template <class Policy, bool depth_checked, class V, class Allocator>
inline result apply_dom(V& doc, const V& patch, Allocator& alloc, const limits& lim,
                        const V** comment) noexcept {
    if constexpr (!depth_checked) {
        // The same bound the text's scan applies, over the whole patch, so that both entry
        // points agree (and relpatch's recursion over values stays bounded).
        std::size_t unlimited = std::numeric_limits<std::size_t>::max();
        if (measure(patch, lim.max_depth, unlimited) != errc::success)
            return failure<V>(errc::nesting_too_deep, result::npos);
    }
    const V* ops = nullptr;
    const V* note = nullptr;
    std::size_t wrapping = 0;
    result r = unwrap<Policy>(patch, lim, ops, note, wrapping);
    if (comment != nullptr) *comment = note;
    if (!r) return r;
    limits value_limits = lim;
    value_limits.max_depth = lim.max_depth > wrapping ? lim.max_depth - wrapping : 0;
    r = decode_all(*ops, lim);
    if (!r) return r;
    return check_and_apply<Policy>(doc, basic_patch_view<V>(*ops, lim), alloc, value_limits);
}

// Checks well-formed operations against the policy, then applies them with an undo log.
template <class Policy, class V, class Allocator>
inline result check_and_apply(V& doc, const basic_patch_view<V>& view, Allocator& alloc,
                              const limits& value_limits) noexcept {
    constexpr std::size_t none = result::npos;
    const std::size_t count = view.size();
    basic_operation<V> op;
    const void* targets[max_fast_ops];  // the policy's lookups, for the first operations
    std::size_t log_entries = 0;        // undo entries: one per op, two per move, none per test
    for (std::size_t i = 0; i < count; ++i) {
        op = view[i];
        const verdict v = Policy::check(op, static_cast<const V&>(doc));
        if (!v)
            return failure<V>(v.code, i, v.detail, v.at_from ? &op.from : &op.path, v.at_from);
        if (i < max_fast_ops) targets[i] = v.target;
        log_entries += op.op == op_type::move ? 2 : op.op == op_type::test ? 0 : 1;
    }
    if constexpr (has_check_patch<Policy, V>::value) {
        const verdict v = Policy::check_patch(view, static_cast<const V&>(doc));
        if (!v) {
            const std::size_t at = v.op_index < count ? v.op_index : none;
            if (at == none) return failure<V>(v.code, none, v.detail);
            op = view[at];
            return failure<V>(v.code, at, v.detail, v.at_from ? &op.from : &op.path, v.at_from);
        }
    }

    engine<V, Allocator> eng(doc, alloc, value_limits);
    if (!eng.reserve(log_entries))
        return failure<V>(errc::growth_limit_exceeded, none, "out of memory for the undo log");
    for (std::size_t i = 0; i < count; ++i) {
        op = view[i];
        bool at_from = false;
        const errc e = eng.apply(op, at_from, i < max_fast_ops ? targets[i] : nullptr);
        if (e != errc::success) {
            eng.rollback();
            return failure<V>(e, i, nullptr, at_from ? &op.from : &op.path, at_from);
        }
    }
    result r;
    result_access::changed(r, eng.changed());
    return r;
}

}  // namespace detail

// Applies the JSON Patch `patch_text` to `doc`, if Policy allows every operation in it.
//
// On success the result tests true and `doc` holds the patched document. On any error the
// result carries the errc, the failing operation's index and pointer, and `doc` is exactly as it
// was. When the patch is an envelope {"comment": "...", "patch": [...]} (release policies only)
// and `comment` is not null, *comment receives the comment (empty when there is none).
//
// @par Complexity
// Linear in the patch text, plus for each operation the cost of resolving its pointers (linear
// in the members of each object on the way) and of the values it copies or compares.
// @par Exception Safety
// No-throw. Memory exhaustion inside RapidJSON or std::basic_string terminates, as in any
// noexcept function.
template <class Policy = release_policy, class Encoding, class Allocator, class StackAllocator>
[[nodiscard]] inline result apply_patch(
    RAPIDJSON_NAMESPACE::GenericDocument<Encoding, Allocator, StackAllocator>& doc,
    std::basic_string_view<typename Encoding::Ch> patch_text, const limits& lim = limits(),
    std::basic_string<typename Encoding::Ch>* comment = nullptr) noexcept {
    using V = RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>;
    static_assert(detail::check_policy<Policy, V>());
    constexpr detail::text_encoding enc = detail::encoding_of<Encoding>::value;

    if constexpr (enc == detail::text_encoding::utf8 &&
                  std::is_same<typename Encoding::Ch, char>::value) {
        // The common release patch needs no DOM (see detail/fast_patch.hpp).
        detail::fast_op scanned[detail::max_fast_ops];
        std::size_t count = 0;
        detail::fast_storage<basic_operation<V>, V> storage;
        if (detail::fast_scanner(patch_text.data(), patch_text.size()).scan(scanned, count) &&
            detail::decode_fast<V>(scanned, count, lim, storage)) {
            if (comment != nullptr) comment->clear();
            limits value_limits = lim;
            value_limits.max_depth = lim.max_depth - 2;
            return detail::check_and_apply<Policy>(static_cast<V&>(doc),
                                                   basic_patch_view<V>(storage.ops(), count),
                                                   doc.GetAllocator(), value_limits);
        }
    }

    const errc scanned =
        detail::scan_json_text<enc>(patch_text.data(), patch_text.size(), lim.max_depth);
    if (scanned != errc::success) return detail::failure<V>(scanned, result::npos);

    detail::patch_allocator<Allocator> storage;
    RAPIDJSON_NAMESPACE::GenericDocument<Encoding, Allocator, StackAllocator> patch(
        &storage.allocator);
    detail::bounded_stream<typename Encoding::Ch> stream(patch_text.data(), patch_text.size());
    // Iterative: no recursion however deep the text. Numbers are read with RapidJSON's default
    // precision, as documents usually are, so "test" sees the same doubles; (1.1.0's
    // kParseFullPrecisionFlag also runs clz(0) on integers beyond 2^64, which UBSan reports).
    patch.template ParseStream<RAPIDJSON_NAMESPACE::kParseIterativeFlag, Encoding>(stream);
    if (patch.HasParseError())
        return detail::failure<V>(errc::invalid_json, result::npos,
                                  RAPIDJSON_NAMESPACE::GetParseError_En(patch.GetParseError()));

    const V* note = nullptr;
    result r = detail::apply_dom<Policy, true>(static_cast<V&>(doc), static_cast<const V&>(patch),
                                               doc.GetAllocator(), lim, &note);
    if (comment != nullptr) {
        if (note != nullptr)
            comment->assign(note->GetString(), note->GetStringLength());
        else
            comment->clear();
    }
    return r;
}

// The same with a patch already parsed into `patch` (same value type as `doc`). `alloc` is the
// allocator of `doc`'s document; values from the patch are deep-copied into it. When the patch
// is an envelope, *comment (if not null) points to its "comment" string, or is null.
template <class Policy = release_policy, class Encoding, class Allocator>
[[nodiscard]] inline result apply_patch(
    RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>& doc,
    const RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>& patch, Allocator& alloc,
    const limits& lim = limits(),
    const RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>** comment = nullptr) noexcept {
    using V = RAPIDJSON_NAMESPACE::GenericValue<Encoding, Allocator>;
    static_assert(detail::check_policy<Policy, V>());
    if (comment != nullptr) *comment = nullptr;
    return detail::apply_dom<Policy, false>(doc, patch, alloc, lim, comment);
}

}  // namespace relpatch

#endif
