#ifndef RELPATCH_DETAIL_ENGINE_HPP
#define RELPATCH_DETAIL_ENGINE_HPP

// Applies decoded operations to a document with an undo log, so that a failing operation rolls
// back every earlier one. The log holds what an operation displaced (a replaced value, a removed
// member with its name and position) and re-resolves pointers when undoing, because a later
// operation may have reallocated the containers an earlier one touched.

#include <relpatch/error.hpp>
#include <relpatch/limits.hpp>
#include <relpatch/operation.hpp>
#include <relpatch/pointer.hpp>
#include <relpatch/detail/fast_patch.hpp>
#include <relpatch/detail/small_vector.hpp>
#include <relpatch/detail/value.hpp>

#include <cstddef>
#include <utility>

namespace relpatch {
namespace detail {

template <class V>
struct undo_entry {
    enum kind_type { root_replaced, value_replaced, member_added, element_inserted,
                     member_removed, element_removed };

    undo_entry(kind_type k, basic_pointer<V> p, std::size_t pos = 0) noexcept
        : kind(k), path(p), position(pos) {}
    undo_entry(undo_entry&& other) noexcept
        : kind(other.kind), path(other.path), position(other.position),
          slot(other.slot), value_in_carry(other.value_in_carry) {
        name.Swap(other.name);
        value.Swap(other.value);
    }

    kind_type kind;
    basic_pointer<V> path;  // the location written
    std::size_t position;   // member position or array index
    V* slot = nullptr;      // value_replaced: where; valid while no container has changed
    bool value_in_carry = false;  // a move's removed value travelled on to its add
    V name;
    V value;
};

template <class V, class Allocator>
class engine {
public:
    using pointer_type = basic_pointer<V>;
    using entry = undo_entry<V>;

    engine(V& document, Allocator& alloc, const limits& lim) noexcept
        : doc_(document), alloc_(alloc), bytes_left_(lim.max_added_bytes),
          max_depth_(lim.max_depth) {}
    engine(const engine&) = delete;
    engine& operator=(const engine&) = delete;

    // Whether the applied operations modified the document. When every operation was a replace
    // of a scalar by a scalar (as under the release policies), this is exact: a patch that sets a
    // flag and then sets it back reports no change. Otherwise it is per operation.
    // Room in the undo log for `entries` (each op needs one, move two, test none); call once
    // before applying. False when memory runs out, before anything changed.
    bool reserve(std::size_t entries) noexcept { return log_.reserve(entries); }

    bool changed() const noexcept {
        if (!changed_) return false;
        for (std::size_t i = 0; i < log_.size(); ++i) {
            const entry& e = log_[i];
            if (e.kind != entry::value_replaced || e.value.IsObject() || e.value.IsArray())
                return true;
        }
        for (std::size_t i = 0; i < log_.size(); ++i) {
            const entry& e = log_[i];
            bool first = true;  // the first entry for a path holds the original value
            for (std::size_t j = 0; j < i && first; ++j) first = log_[j].path != e.path;
            if (!first) continue;
            // Only scalars were replaced, so no container moved and the slots are still valid.
            const V* now = e.slot;
            if (now->IsObject() || now->IsArray() || !equal(*now, e.value)) return true;
        }
        return false;
    }

    // Applies `op`; on error sets `at_from` when the error is about op.from. `known`, if not
    // null, is the value op.path named in the document before the patch (a policy lookup).
    errc apply(const basic_operation<V>& op, bool& at_from, const void* known = nullptr) noexcept {
        at_from = false;
        if (op.op != op_type::replace && op.op != op_type::test) layout_stable_ = false;
        switch (op.op) {
        case op_type::add: {
            V value;
            const errc e = copy_in(*op.value, value);
            return e != errc::success ? e : add(op.path, value);
        }
        case op_type::remove: {
            V removed;
            return remove(op.path, removed, false);
        }
        case op_type::replace:
            return replace(op.path, *op.value, static_cast<const V*>(known));
        case op_type::move: return move(op.from, op.path, at_from);
        case op_type::copy: {
            const V* source = nullptr;
            errc e = op.from.resolve(static_cast<const V&>(doc_), source);
            if (e != errc::success) {
                at_from = true;
                return e;
            }
            V value;
            e = copy_in(*source, value);
            at_from = e != errc::success;
            return e != errc::success ? e : add(op.path, value);
        }
        case op_type::test: break;
        }
        const V* target = nullptr;
        const errc e = op.path.resolve(static_cast<const V&>(doc_), target);
        if (e != errc::success) return e;
        return equal(*target, *op.value) ? errc::success : errc::test_failed;
    }

    // Undoes every applied operation, newest first.
    void rollback() noexcept {
        while (!log_.empty()) {
            undo(log_.back());
            log_.pop_back();
        }
        changed_ = false;
    }

private:
    // Checks `in` against the limits and copies it into the document's allocator.
    errc copy_in(const V& in, V& out) noexcept {
        const errc e = measure(in, max_depth_, bytes_left_);
        if (e != errc::success) return e;
        deep_copy(out, in, alloc_);
        return errc::success;
    }

    // Constructs the entry in place (the log has room: see reserve()).
    template <class... Args>
    void log(Args&&... args) noexcept {
        log_.emplace_back(std::forward<Args>(args)...);
    }

    // Puts `value` (moved from) at `path`: RFC 6902 section 4.1.
    errc add(const pointer_type& path, V& value) noexcept {
        if (path.is_root()) return swap_in(path, doc_, value, entry::root_replaced);
        V* parent = nullptr;
        errc e = path.parent().resolve(doc_, parent);
        if (e != errc::success) return e;
        const auto last = path.back();
        if (parent->IsObject()) {
            const auto it = pointer_type::find_member(*parent, last);
            if (it != nullptr)
                return swap_in(path, it->value, value, entry::value_replaced);
            V name;
            set_name(name, last);
            log(entry::member_added, path);
            parent->AddMember(name, value, alloc_);
        } else if (parent->IsArray()) {
            std::size_t index = 0;
            e = last.to_index(parent->Size(), true, index);
            if (e != errc::success) return e;
            log(entry::element_inserted, path, index);
            insert_element(*parent, index, value, alloc_);
        } else {
            return errc::not_a_container;
        }
        changed_ = true;
        return errc::success;
    }

    // RFC 6902 section 4.2. The removed value goes to `removed`; with `for_move` the log entry
    // expects it back from the move's add on undo.
    errc remove(const pointer_type& path, V& removed, bool for_move) noexcept {
        if (path.is_root()) return errc::cannot_remove_root;
        V* parent = nullptr;
        errc e = path.parent().resolve(doc_, parent);
        if (e != errc::success) return e;
        const auto last = path.back();
        if (parent->IsObject()) {
            const auto it = pointer_type::find_member(*parent, last);
            if (it == nullptr) return errc::path_not_found;
            const auto position = static_cast<std::size_t>(it - members(*parent).begin());
            entry undo(entry::member_removed, path, position);
            undo.name.Swap(it->name);
            removed.Swap(it->value);
            if (!for_move) undo.value.Swap(removed);
            undo.value_in_carry = for_move;
            log(std::move(undo));
            parent->EraseMember(parent->MemberBegin() + static_cast<std::ptrdiff_t>(position));
        } else if (parent->IsArray()) {
            std::size_t index = 0;
            e = last.to_index(parent->Size(), false, index);
            if (e != errc::success) return e;
            const auto i = static_cast<RAPIDJSON_NAMESPACE::SizeType>(index);
            entry undo(entry::element_removed, path, index);
            removed.Swap((*parent)[i]);
            if (!for_move) undo.value.Swap(removed);
            undo.value_in_carry = for_move;
            log(std::move(undo));
            parent->Erase(parent->Begin() + i);
        } else {
            return errc::not_a_container;
        }
        changed_ = true;
        return errc::success;
    }

    // RFC 6902 section 4.3: the target must exist.
    // `known` is where the path pointed before the patch: still right while every earlier
    // operation only exchanged scalars, since then no container has moved or been replaced.
    errc replace(const pointer_type& path, const V& patch_value, const V* known) noexcept {
        V* target = layout_stable_ ? const_cast<V*>(known) : nullptr;
        errc e = errc::success;
        if (target == nullptr) e = path.resolve(doc_, target);
        if (e != errc::success) return e;
        V value;
        e = copy_in(patch_value, value);
        if (e != errc::success) return e;
        if (target->IsObject() || target->IsArray() || value.IsObject() || value.IsArray())
            layout_stable_ = false;
        return swap_in(path, *target, value,
                       path.is_root() ? entry::root_replaced : entry::value_replaced);
    }

    // RFC 6902 section 4.4: remove from `from`, then add at `path`.
    errc move(const pointer_type& from, const pointer_type& path, bool& at_from) noexcept {
        if (from == path) {  // a no-op, but "from" must exist
            const V* source = nullptr;
            at_from = true;
            return from.resolve(static_cast<const V&>(doc_), source);
        }
        if (from.is_proper_prefix_of(path)) return errc::move_into_own_child;
        V value;
        errc e = remove(from, value, true);
        if (e != errc::success) {
            at_from = true;
            return e;
        }
        e = add(path, value);
        if (e != errc::success) carry_.Swap(value);  // the remove's undo takes it back
        return e;
    }

    // Exchanges `slot` (at `path`) with `value`, logging the old value.
    errc swap_in(const pointer_type& path, V& slot, V& value,
                 typename entry::kind_type kind) noexcept {
        const bool same = equal(slot, value);
        log(kind, path);
        log_.back().slot = &slot;
        slot.Swap(value);
        log_.back().value.Swap(value);
        changed_ = changed_ || !same;
        return errc::success;
    }

    void set_name(V& name, const typename pointer_type::token& t) noexcept {
        const auto escaped = t.escaped();
        const auto size = static_cast<RAPIDJSON_NAMESPACE::SizeType>(t.decoded_size());
        if (size == escaped.size()) {
            name.SetString(escaped.data(), size, alloc_);
            return;
        }
        // The pointer is at most limits::max_pointer_length long; decode into the allocator.
        name.SetString(escaped.data(), size, alloc_);
        t.decode(const_cast<typename V::Ch*>(name.GetString()));
    }

    V* resolve_for_undo(const pointer_type& p) noexcept {
        V* out = nullptr;
        return p.resolve(doc_, out) == errc::success ? out : nullptr;
    }

    void undo(entry& u) noexcept {
        // Each entry restores the state the entry before it left, so these resolve.
        switch (u.kind) {
        case entry::root_replaced:
            doc_.Swap(u.value);
            carry_.Swap(u.value);
            break;
        case entry::value_replaced:
            if (V* target = resolve_for_undo(u.path)) {
                target->Swap(u.value);
                carry_.Swap(u.value);
            }
            break;
        case entry::member_added:
            if (V* parent = resolve_for_undo(u.path.parent()); parent && parent->IsObject() &&
                                                               parent->MemberCount() > 0) {
                const auto last = parent->MemberCount() - 1;
                carry_.SetNull();
                carry_.Swap(members(*parent).begin()[last].value);
                parent->EraseMember(parent->MemberBegin() + static_cast<std::ptrdiff_t>(last));
            }
            break;
        case entry::element_inserted:
            if (V* parent = resolve_for_undo(u.path.parent());
                parent && parent->IsArray() && u.position < parent->Size()) {
                const auto i = static_cast<RAPIDJSON_NAMESPACE::SizeType>(u.position);
                carry_.SetNull();
                carry_.Swap((*parent)[i]);
                parent->Erase(parent->Begin() + i);
            }
            break;
        case entry::member_removed:
            if (V* parent = resolve_for_undo(u.path.parent()); parent && parent->IsObject())
                insert_member(*parent, u.position, u.name, u.value_in_carry ? carry_ : u.value,
                              alloc_);
            break;
        case entry::element_removed:
            if (V* parent = resolve_for_undo(u.path.parent()); parent && parent->IsArray())
                insert_element(*parent, u.position, u.value_in_carry ? carry_ : u.value, alloc_);
            break;
        }
    }

    V& doc_;
    Allocator& alloc_;
    std::size_t bytes_left_;
    std::size_t max_depth_;
    bool changed_ = false;
    bool layout_stable_ = true;  // no container has moved or been replaced yet
    V carry_;  // a value on its way from one undo step to the next (see move)
    small_vector<entry, max_fast_ops> log_;
};

}  // namespace detail
}  // namespace relpatch

#endif
