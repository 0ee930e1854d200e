#ifndef RELPATCH_DETAIL_APPLY_HPP
#define RELPATCH_DETAIL_APPLY_HPP

// Orchestration once the operations are decoded: the policy pass (every operation, then the
// cross-operation check), then the engine. For allocators that never free (RapidJSON's
// MemoryPoolAllocator), a patch that creates values is first applied with its values in a
// scratch allocator and rolled back, so that a refused patch leaves nothing in the document's
// allocator but container growth (charged to limits::max_added_bytes); only a patch known to
// succeed is applied for real.

#include <relpatch/error.hpp>
#include <relpatch/limits.hpp>
#include <relpatch/operation.hpp>
#include <relpatch/policy.hpp>
#include <relpatch/result.hpp>
#include <relpatch/detail/config.hpp>
#include <relpatch/detail/decode.hpp>
#include <relpatch/detail/engine.hpp>
#include <relpatch/detail/value.hpp>

#include <cstddef>
#include <new>
#include <type_traits>

namespace relpatch {
namespace detail {

template <class Policy, class V>
constexpr bool check_policy() noexcept {
    static_assert(is_policy<Policy, V>::value,
                  "relpatch: Policy must provide `static constexpr bool accepts_envelope` and "
                  "`template <class Value> relpatch::verdict check(const "
                  "relpatch::basic_operation<Value>&, const Value&) const noexcept` (derive from "
                  "relpatch::policy_base for the defaults; see relpatch/policy.hpp)");
    static_assert(!names_check_patch<Policy>::value || has_check_patch<Policy, V>::value,
                  "relpatch: Policy::check_patch has the wrong signature: expected `template "
                  "<class Value> relpatch::patch_verdict check_patch(const "
                  "relpatch::basic_patch_view<Value>&, const Value&) const noexcept`");
    return true;
}

// The built-in release policies: their lookup is reused by the engine.
template <class Policy>
constexpr bool is_release_policy = std::is_same<Policy, release_policy>::value ||
                                   std::is_same<Policy, ordered_release_policy>::value;

// Room for a T that is constructed only when asked for (std::optional cannot hold a RapidJSON
// value: its copy assignment takes a non-const reference).
template <class T>
class lazy {
public:
    lazy() noexcept = default;
    lazy(const lazy&) = delete;
    lazy& operator=(const lazy&) = delete;
    ~lazy() {
        if (object_ != nullptr) object_->~T();
    }
    T& emplace() noexcept {
        object_ = ::new (static_cast<void*>(storage_)) T();
        return *object_;
    }
    T& operator*() noexcept { return *object_; }

private:
    alignas(T) unsigned char storage_[sizeof(T)];
    T* object_ = nullptr;
};

// Bytes a pool allocator has handed out (0 for allocators that do not say).
template <class Allocator>
inline std::size_t pool_size(const Allocator&) noexcept {
    return 0;
}
template <class Base>
inline std::size_t pool_size(const RAPIDJSON_NAMESPACE::MemoryPoolAllocator<Base>& pool) noexcept {
    return pool.Size();
}

// Whether applying `op` creates values in the document's allocator.
template <class V>
inline bool creates_values(const basic_operation<V>& op) noexcept {
    switch (op.op) {
    case op_type::add:
    case op_type::copy: return true;
    case op_type::replace:
        return op.value->IsString() || op.value->IsArray() || op.value->IsObject();
    case op_type::move: return true;  // adding to an object creates the member's name
    case op_type::remove:
    case op_type::test: return false;
    }
    return false;
}

// Applies every operation with an engine whose new values live in `value_alloc`. With
// `commit`, keeps the result; otherwise rolls it back (a trial run).
// With `inverse` (a document, or void for none), also writes the inverse patch into it.
// The inverse is built in a document of its own and handed over only when the patch applies.
// `bytes` is what the document's allocator may still take.
template <class V, class Allocator, class Inverse = void>
inline result run_engine(V& doc, basic_patch_view<V> ops, Allocator& doc_alloc,
                         Allocator& value_alloc, const limits& lim, work_meter& work,
                         std::size_t bytes, const V* const* targets, bool commit,
                         Inverse* inverse = nullptr) noexcept {
    // Made only when asked for: a document allocates its allocator, and the release hot path
    // allocates nothing.
    using Built = std::conditional_t<std::is_void<Inverse>::value, V, Inverse>;
    lazy<Built> built;
    engine<V, Allocator> eng(doc, doc_alloc, value_alloc, lim, work, bytes);
    if (!eng.reserve(ops))
        return failure<V>(errc::out_of_memory, result::npos, "out of memory for the undo log");
    if constexpr (!std::is_void<Inverse>::value) {
        if (inverse != nullptr) eng.record_inverse(built.emplace().GetAllocator());
    }
    for (std::size_t i = 0; i < ops.size(); ++i) {
        const basic_operation<V>& op = ops[i];
        bool at_from = false;
        const errc e =
            eng.apply(op, at_from, targets != nullptr && i < inline_ops ? targets[i] : nullptr);
        if (e != errc::success)  // the engine's destructor rolls back
            return failure<V>(e, i, nullptr, at_from ? &op.from : &op.path, at_from);
    }
    if constexpr (!std::is_void<Inverse>::value) {
        if (inverse != nullptr) {
            const errc e = eng.invert(*built, lim);
            if (e != errc::success)
                return failure<V>(e, result::npos,
                                  "the inverse patch would be over the limits of a patch");
        }
    }
    result r;
    result_access::changed(r, eng.changed());
    if (commit) {
        eng.commit();
        if constexpr (!std::is_void<Inverse>::value) {
            if (inverse != nullptr) inverse->Swap(*built);
        }
    }
    return r;
}

// Checks decoded operations against the policy, then applies them atomically; with `inverse`,
// also writes the inverse patch into it.
template <class V, class Allocator, class Policy, class Inverse = void>
inline result check_and_apply(V& doc, basic_patch_view<V> ops, Allocator& alloc, const limits& lim,
                              const Policy& policy, Inverse* inverse = nullptr) noexcept {
    constexpr std::size_t none = result::npos;
    work_meter work(lim.max_work);
    // The release policies' lookups: set for every operation before the engine reads one.
    const V* targets[inline_ops];
    bool stage = false;
    for (std::size_t i = 0; i < ops.size(); ++i) {
        const basic_operation<V>& op = ops[i];
        verdict v;
        if constexpr (is_release_policy<Policy>) {
            release_lookup<V> found;
            v = release_check(op, static_cast<const V&>(doc), found);
            if (!work.charge(found.work)) return failure<V>(errc::work_limit_exceeded, i);
            if (i < inline_ops) targets[i] = found.complete;
        } else {
            v = policy.check(op, static_cast<const V&>(doc));
        }
        if (!v)
            return failure<V>(v.code(), i, v.detail(), v.at_from() ? &op.from : &op.path,
                              v.at_from());
        stage = stage || creates_values(op);
    }
    if constexpr (has_check_patch<Policy, V>::value) {
        const patch_verdict v = policy.check_patch(ops, static_cast<const V&>(doc));
        if (!v) {
            const std::size_t at = v.op_index() < ops.size() ? v.op_index() : none;
            if (at == none) return failure<V>(v.code(), none, v.detail());
            return failure<V>(v.code(), at, v.detail(), v.at_from() ? &ops[at].from : &ops[at].path,
                              v.at_from());
        }
    }

    if constexpr (is_release_policy<Policy>) {
        // Every operation replaces an existing boolean by a boolean (the policy found each one):
        // nothing can fail any more, so the booleans are set directly, without an undo log.
        // changed() compares each location's final value with its value before the patch.
        if (inverse == nullptr && ops.size() <= inline_ops) {
            bool before[inline_ops];
            for (std::size_t i = 0; i < ops.size(); ++i) before[i] = targets[i]->IsTrue();
            for (std::size_t i = 0; i < ops.size(); ++i)
                const_cast<V*>(targets[i])->SetBool(ops[i].value->IsTrue());
            bool changed = false;
            for (std::size_t i = 0; i < ops.size(); ++i)
                changed = changed || targets[i]->IsTrue() != before[i];
            result r;
            result_access::changed(r, changed);
            return r;
        }
    }
    if constexpr (!is_release_policy<Policy>) {
        if (inverse == nullptr && !stage) {
            // The common RFC 6902 patch, a few replaces of flags or numbers, needs no undo log.
            const work_meter before = work;
            bool changed = false;
            if (replace_scalars(doc, ops, alloc, work, changed)) {
                result r;
                result_access::changed(r, changed);
                return r;
            }
            work = before;  // the engine starts over and charges the same lookups
        }
    }
    if constexpr (!Allocator::kNeedFree && std::is_default_constructible<Allocator>::value) {
        if (stage) {
            // The trial (inverse included, so that a patch whose inverse is over the limits is
            // refused here) and the real run share the work budget, and the real run may take
            // only what the trial's container growth left of max_added_bytes: together they
            // stay within both limits.
            Allocator scratch;
            const std::size_t before = pool_size(alloc);
            const result trial = run_engine<V, Allocator>(
                doc, ops, alloc, scratch, lim, work, lim.max_added_bytes, nullptr, false, inverse);
            if (!trial) return trial;
            const std::size_t grown = pool_size(alloc) - before;
            const std::size_t left = grown < lim.max_added_bytes ? lim.max_added_bytes - grown : 0;
            return run_engine<V, Allocator>(doc, ops, alloc, alloc, lim, work, left, nullptr, true,
                                            inverse);
        }
    }
    return run_engine<V, Allocator>(doc, ops, alloc, alloc, lim, work, lim.max_added_bytes,
                                    is_release_policy<Policy> && !stage ? targets : nullptr, true,
                                    inverse);
}

}  // namespace detail
}  // namespace relpatch

#endif
