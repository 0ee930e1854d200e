#ifndef RELPATCH_DETAIL_DIFF_PATCH_HPP
#define RELPATCH_DETAIL_DIFF_PATCH_HPP

// From the operations the walk found to a JSON Patch value: the limits apply_patch would
// enforce on it (checked first, so that a patch diff returns is one apply_patch accepts), the
// value itself (built through RapidJSON's document builder, so every array and object gets
// exactly its size), and the policy's verdict on it.

#include <relpatch/error.hpp>
#include <relpatch/limits.hpp>
#include <relpatch/operation.hpp>
#include <relpatch/policy.hpp>
#include <relpatch/pointer.hpp>
#include <relpatch/result.hpp>
#include <relpatch/detail/apply.hpp>
#include <relpatch/detail/decode.hpp>
#include <relpatch/detail/diff_nodes.hpp>
#include <relpatch/detail/diff_walk.hpp>
#include <relpatch/detail/value.hpp>

#include <rapidjson/document.h>

#include <cstddef>
#include <string_view>
#include <type_traits>

namespace relpatch {
namespace detail {

// A failure about the pointer `text` of operation `op_index`.
template <class V>
inline result failure_at_text(errc code, std::size_t op_index, const char* detail,
                              std::basic_string_view<typename V::Ch> text, bool is_from) noexcept {
    basic_pointer<V> where;
    if (basic_pointer<V>::parse(text, where) != errc::success)
        return failure<V>(code, op_index, detail);
    return failure<V>(code, op_index, detail, &where, is_from);
}

// Checks the operations against what apply_patch with `lim` accepts: their number, the length
// of their pointers, the nesting of their values within the patch and within the document.
template <class V>
inline result check_limits(const differ<V>& d, const limits& lim, work_meter& work) noexcept {
    const auto& ops = d.ops();
    if (ops.size() > lim.max_operations)
        return failure<V>(errc::too_many_operations, result::npos,
                          "the difference takes more operations than limits::max_operations");
    const std::size_t max_depth = lim.max_depth < hard_max_depth ? lim.max_depth : hard_max_depth;
    const std::size_t max_document_depth =
        lim.max_document_depth < hard_max_depth ? lim.max_document_depth : hard_max_depth;
    for (std::size_t i = 0; i < ops.size(); ++i) {
        const diff_op<V>& op = ops[i];
        const auto path = d.text(op.path, op.path_size);
        if (op.path_size > lim.max_pointer_length)
            return failure_at_text<V>(errc::pointer_too_long, i, nullptr, path, false);
        if (op.from_size > lim.max_pointer_length)
            return failure_at_text<V>(errc::pointer_too_long, i, nullptr,
                                      d.text(op.from, op.from_size), true);
        if (op.value == nullptr) continue;
        value_size size;
        const errc e = measure(*op.value, static_cast<std::size_t>(-1),
                               static_cast<std::size_t>(-1), work, size);
        if (e != errc::success) return failure<V>(e, result::npos);
        // The patch array and the operation object hold the value.
        if (size.depth + 2 > max_depth)
            return failure_at_text<V>(
                errc::nesting_too_deep, i,
                "a value of the difference nests deeper than limits::max_depth", path, false);
        std::size_t tokens = 0;
        for (const auto c : path)
            if (c == typename V::Ch('/')) ++tokens;
        if (op.op != op_type::test && tokens + size.depth > max_document_depth)
            return failure_at_text<V>(errc::document_too_deep, i, nullptr, path, false);
    }
    return result();
}

// The words of a patch in code units of Ch, in static storage.
template <class Ch>
struct ascii_words {
    static constexpr Ch op[] = {Ch('o'), Ch('p'), Ch()};
    static constexpr Ch path[] = {Ch('p'), Ch('a'), Ch('t'), Ch('h'), Ch()};
    static constexpr Ch from[] = {Ch('f'), Ch('r'), Ch('o'), Ch('m'), Ch()};
    static constexpr Ch value[] = {Ch('v'), Ch('a'), Ch('l'), Ch('u'), Ch('e'), Ch()};
    static constexpr Ch add[] = {Ch('a'), Ch('d'), Ch('d'), Ch()};
    static constexpr Ch remove[] = {Ch('r'), Ch('e'), Ch('m'), Ch('o'), Ch('v'), Ch('e'), Ch()};
    static constexpr Ch replace[] = {Ch('r'), Ch('e'), Ch('p'), Ch('l'),
                                     Ch('a'), Ch('c'), Ch('e'), Ch()};
    static constexpr Ch move[] = {Ch('m'), Ch('o'), Ch('v'), Ch('e'), Ch()};
    static constexpr Ch copy[] = {Ch('c'), Ch('o'), Ch('p'), Ch('y'), Ch()};
    static constexpr Ch test[] = {Ch('t'), Ch('e'), Ch('s'), Ch('t'), Ch()};
    // In op_type order (checked by op_table_in_order()).
    static constexpr const Ch* op_names[] = {add, remove, replace, move, copy, test};
    static_assert(sizeof(op_names) / sizeof(op_names[0]) == op_count, "one name per op_type");

    static constexpr RAPIDJSON_NAMESPACE::SizeType length(const Ch* word) noexcept {
        RAPIDJSON_NAMESPACE::SizeType n = 0;
        while (word[n] != Ch()) ++n;
        return n;
    }
};

// Builds the patch array for `d`'s operations into `out`, in `alloc`.
template <class V, class Allocator>
inline errc build_patch(const differ<V>& d, V& out, Allocator& alloc) noexcept {
    using Ch = typename V::Ch;
    using Builder = value_builder<V, Allocator>;
    pod_vector<walk_frame<V>> frames;  // reused, with its storage, by every value
    bool out_of_memory = false;

    // Member names and op names are constant strings in static storage: nothing to allocate,
    // and no copy into a short string (where g++ -O3 warns, wrongly, inside RapidJSON).
    const auto key = [](Builder& b, const Ch* word) noexcept {
        b.Key(word, ascii_words<Ch>::length(word), false);
    };
    const auto string = [](Builder& b, std::basic_string_view<Ch> text) noexcept {
        static const Ch empty[1] = {Ch()};  // RapidJSON asserts on a null string, even empty
        b.String(text.empty() ? empty : text.data(),
                 static_cast<RAPIDJSON_NAMESPACE::SizeType>(text.size()), true);
    };
    const auto generate = [&](Builder& b) noexcept {
        const auto& ops = d.ops();
        b.StartArray();
        for (std::size_t i = 0; i < ops.size() && !out_of_memory; ++i) {
            const diff_op<V>& op = ops[i];
            b.StartObject();
            key(b, ascii_words<Ch>::op);
            const Ch* name = ascii_words<Ch>::op_names[static_cast<std::size_t>(op.op)];
            b.String(name, ascii_words<Ch>::length(name), false);
            std::size_t members_count = 2;
            if (row_of(op.op).needs_from) {
                key(b, ascii_words<Ch>::from);
                string(b, d.text(op.from, op.from_size));
                ++members_count;
            }
            key(b, ascii_words<Ch>::path);
            string(b, d.text(op.path, op.path_size));
            if (op.value != nullptr) {
                key(b, ascii_words<Ch>::value);
                if (!emit_value(b, *op.value, frames)) out_of_memory = true;
                ++members_count;
            }
            b.EndObject(static_cast<RAPIDJSON_NAMESPACE::SizeType>(members_count));
        }
        b.EndArray(static_cast<RAPIDJSON_NAMESPACE::SizeType>(ops.size()));
        return !out_of_memory;
    };
    return build_value(out, alloc, generate);
}

// Proposes the patch to the policy, as apply_patch would: check() for each operation on
// `from`, then check_patch() if the policy has one.
template <class V, class Policy>
inline result policy_verdict(const V& patch, const V& from, const limits& lim,
                             const Policy& policy) noexcept {
    operation_list<V> ops;
    result r = decode_operations(patch, lim, ops);
    if (!r) return r;
    for (std::size_t i = 0; i < ops.size(); ++i) {
        const verdict v = policy.check(ops[i], from);
        if (!v)
            return failure<V>(v.code(), i, v.detail(), v.at_from() ? &ops[i].from : &ops[i].path,
                              v.at_from());
    }
    if constexpr (has_check_patch<Policy, V>::value) {
        const patch_verdict v =
            policy.check_patch(basic_patch_view<V>(ops.data(), ops.size()), from);
        if (!v) {
            const std::size_t at = v.op_index() < ops.size() ? v.op_index() : result::npos;
            if (at == result::npos) return failure<V>(v.code(), at, v.detail());
            return failure<V>(v.code(), at, v.detail(), v.at_from() ? &ops[at].from : &ops[at].path,
                              v.at_from());
        }
    }
    return result();
}

}  // namespace detail
}  // namespace relpatch

#endif
