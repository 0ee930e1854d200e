#ifndef RELPATCH_DETAIL_ENGINE_HPP
#define RELPATCH_DETAIL_ENGINE_HPP

// Applies decoded operations to a document with an undo log, so that a failing operation rolls
// back every earlier one. The log holds what an operation displaced (a replaced value, a removed
// member with its name and position) and re-resolves pointers when undoing, because a later
// operation may have reallocated the containers an earlier one touched. The engine rolls back in
// its destructor unless commit() was called, so no early return can leave a patch half applied.
//
// Bounds, per patch (see relpatch::limits):
// - stack: nothing here recurses (value algorithms use heap frames, see value.hpp);
// - document depth: add, copy, move and replace refuse to place a value where the document would
//   nest deeper than max_document_depth;
// - memory: every byte the document's allocator takes (copied values, new member names, the
//   growth of a full array or object) is charged to max_added_bytes before it is taken;
// - time: member lookups, shifts, comparisons and copies are charged to max_work; undoing an
//   operation costs what applying it did.

#include <relpatch/error.hpp>
#include <relpatch/limits.hpp>
#include <relpatch/operation.hpp>
#include <relpatch/pointer.hpp>
#include <relpatch/detail/config.hpp>
#include <relpatch/detail/small_vector.hpp>
#include <relpatch/detail/value.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

namespace relpatch {
namespace detail {

// The first member of `object` whose name is the `size` code units at `wanted`, charging one
// unit per member looked at (and the bytes compared when the lengths match): a member is
// compared only when its length is `size`, and then with memcmp.
template <class V>
inline member_t<V>* find_decoded(V& object, const typename V::Ch* wanted, std::size_t size,
                                 work_meter& work, errc& e) noexcept {
    using Ch = typename V::Ch;
    std::size_t units = 0;
    member_t<V>* found = nullptr;
    for (auto& m : members(object)) {
        const std::size_t n = m.name.GetStringLength();
        ++units;
        if (n != size) continue;
        units += n * sizeof(Ch) / work_meter::bytes_per_unit;
        if (n == 0 || std::memcmp(m.name.GetString(), wanted, n * sizeof(Ch)) == 0) {
            found = &m;
            break;
        }
    }
    e = work.charge(units) ? errc::success : errc::work_limit_exceeded;
    return found;
}

// find_member() for a token with escapes: decoded once into a buffer (the heap past 64 code
// units). Only this case builds the buffer: a token without escapes is compared as it is.
template <class V>
inline member_t<V>* find_escaped(V& object, const typename basic_pointer<V>::token& t,
                                 std::size_t size, work_meter& work, errc& e) noexcept {
    using Ch = typename V::Ch;
    small_vector<Ch, 64> decoded;
    if (!decoded.reserve(size + 1)) {
        e = errc::out_of_memory;
        return nullptr;
    }
    for (std::size_t i = 0; i < size; ++i) decoded.emplace_back(Ch());
    t.decode(decoded.data());
    return find_decoded(object, decoded.data(), size, work, e);
}

// The first member of `object` named `t`, charging `work` one unit per member looked at (and the
// bytes compared when the lengths match). The token is decoded once, and only when it has
// escapes. Errors (in `e`): work_limit_exceeded, out_of_memory.
template <class V>
inline member_t<V>* find_member(V& object, const typename basic_pointer<V>::token& t,
                                work_meter& work, errc& e) noexcept {
    const auto escaped = t.escaped();
    if (escaped.find(typename V::Ch('~')) != escaped.npos)
        return find_escaped(object, t, t.decoded_size(), work, e);
    return find_decoded(object, escaped.data(), escaped.size(), work, e);
}

// basic_pointer::resolve, charging `work` as the engine does: find_member() for each member,
// one unit for each array index.
template <class V>
inline errc resolve_metered(V& root, const basic_pointer<V>& p, work_meter& work,
                            V*& out) noexcept {
    V* cur = &root;
    for (const auto t : p) {
        if (cur->IsObject()) {
            errc e = errc::success;
            member_t<V>* m = find_member(*cur, t, work, e);
            if (e != errc::success) return e;
            if (m == nullptr) return errc::path_not_found;
            cur = &m->value;
        } else if (cur->IsArray()) {
            if (!work.charge(1)) return errc::work_limit_exceeded;
            std::size_t index = 0;
            const errc e = t.to_index(cur->Size(), false, index);
            if (e != errc::success) return e;
            cur = &(*cur)[static_cast<RAPIDJSON_NAMESPACE::SizeType>(index)];
        } else {
            return errc::not_a_container;
        }
    }
    out = cur;
    return errc::success;
}

template <class V>
struct undo_entry {
    enum kind_type {
        root_replaced,
        value_replaced,
        member_added,
        element_inserted,
        member_removed,
        element_removed
    };

    undo_entry(kind_type k, basic_pointer<V> p, std::size_t pos = 0) noexcept
        : kind(k), path(p), position(pos) {}
    undo_entry(undo_entry&& other) noexcept
        : kind(other.kind), path(other.path), position(other.position), slot(other.slot),
          value_in_carry(other.value_in_carry), has_moved(other.has_moved) {
        name.Swap(other.name);
        value.Swap(other.value);
        moved.Swap(other.moved);
    }
    undo_entry(const undo_entry&) = delete;
    undo_entry& operator=(const undo_entry&) = delete;
    undo_entry& operator=(undo_entry&&) = delete;
    ~undo_entry() = default;

    kind_type kind;
    basic_pointer<V> path;        // the location written
    std::size_t position;         // member position or array index
    V* slot = nullptr;            // value_replaced: where; valid while no container has changed
    bool value_in_carry = false;  // a move's removed value travelled on to its add
    V name;
    V value;
    V moved;  // a copy of what a move put in an ancestor's place, for the inverse
    bool has_moved = false;
};

template <class V, class Allocator>
class engine {
public:
    using pointer_type = basic_pointer<V>;
    using token = typename pointer_type::token;
    using entry = undo_entry<V>;

    // `document_allocator` owns `document`; new values and member names are created in
    // `value_allocator` (the same, or a scratch allocator while a patch is staged).
    // `bytes` is what the document's allocator may still take (limits::max_added_bytes, less
    // what a trial run already took).
    engine(V& document, Allocator& document_allocator, Allocator& value_allocator,
           const limits& lim, work_meter& work, std::size_t bytes) noexcept
        : doc_(document), doc_alloc_(document_allocator), value_alloc_(value_allocator),
          work_(work), bytes_left_(bytes),
          max_depth_(std::min(lim.max_document_depth, hard_max_depth)) {}
    engine(const engine&) = delete;
    engine& operator=(const engine&) = delete;
    ~engine() {
        if (!committed_) rollback();
    }

    // Room in the undo log for the operations in `ops` (see op_table); call once before
    // applying. False when memory runs out, before anything changed.
    bool reserve(basic_patch_view<V> ops) noexcept {
        std::size_t entries = 0;
        for (const auto& op : ops) entries += row_of(op.op).undo_entries;
        return log_.reserve(entries);
    }

    // Applies `op`; on error sets `at_from` when the error is about op.from. `known`, if not
    // null, is the value op.path named in the document before the patch (a built-in policy's
    // lookup).
    errc apply(const basic_operation<V>& op, bool& at_from, const V* known = nullptr) noexcept {
        at_from = false;
        if (!row_of(op.op).keeps_layout) layout_stable_ = false;
        switch (op.op) {
        case op_type::add: {
            V value;
            const errc e = copy_in(*op.value, op.path, value);
            return e != errc::success ? e : add(op.path, value);
        }
        case op_type::remove: {
            V removed;
            return remove(op.path, removed, false);
        }
        case op_type::replace: return replace(op.path, *op.value, known);
        case op_type::move: return move(op.from, op.path, at_from);
        case op_type::copy: {
            V* source = nullptr;
            errc e = resolve(op.from, source);
            if (e != errc::success) {
                at_from = true;
                return e;
            }
            V value;
            e = copy_in(*source, op.path, value);
            if (e == errc::success) return add(op.path, value);
            at_from = true;  // what is copied is too large or too deep
            return e;
        }
        case op_type::test: break;
        }
        V* target = nullptr;
        errc e = resolve(op.path, target);
        if (e != errc::success) return e;
        bool same = false;
        e = compare(static_cast<const V&>(*target), *op.value, compare_mode::rfc, work_, same);
        if (e != errc::success) return e;
        return same ? errc::success : errc::test_failed;
    }

    // Keeps what invert() needs that the undo log alone does not hold (a copy of what a move put
    // where something was, or in an ancestor's place), in `alloc` (the inverse's allocator, so a
    // refused patch leaves nothing of it in the document's). Call before the first apply().
    void record_inverse(Allocator& alloc) noexcept { inverse_alloc_ = &alloc; }

    // Keeps what was applied: the destructor will not roll it back.
    void commit() noexcept { committed_ = true; }

    // Undoes every applied operation, newest first. Costs what applying them did.
    void rollback() noexcept {
        while (!log_.empty()) {
            undo(log_.back());
            log_.pop_back();
        }
        carry_.SetNull();
        changed_ = false;
    }

    // Whether the applied operations modified the document's serialization. A patch of replaces
    // (and tests) is judged by its net effect: setting a flag and setting it back, or taking a
    // container away and putting an identical one back, is no change. A patch that adds,
    // removes, moves or copies counts each such operation as a change. Non-const: judging
    // replaced containers swaps values in the undo log and back (see containers_changed).
    bool changed() noexcept {
        if (!changed_) return false;
        if (!net_effect_applies()) return !replaces_only() || containers_changed();
        bool differs = false;
        const bool ok = for_each_location([&](const entry& e) noexcept {
            // Only scalars were replaced, so no container moved and the slots are still valid.
            differs = differs || !scalars_identical(*e.slot, e.value);
        });
        return !ok || differs;
    }

    // Writes into `out` (a document, which owns its allocator) the patch that undoes what was
    // applied: applied to the patched document it gives back the original, and its paths are
    // exactly the locations the patch changed. Built from the undo log, newest first; a patch
    // of scalar replaces gets one replace per location whose value really changed (so the
    // release policies' inverse holds only release operations, one per phase that changed).
    // The inverse is a patch like any other and must be one `lim` accepts: at most
    // max_operations operations, pointers within max_pointer_length, values nesting within
    // max_depth - 2, and values and paths within max_patch_bytes; else patch_too_large. The copies
    // are charged to the work budget. Call after the last apply(), before commit(). Errors:
    // patch_too_large, work_limit_exceeded, out_of_memory.
    template <class Document>
    errc invert(Document& out, const limits& lim) noexcept {
        const std::size_t value_depth = std::min(lim.max_depth, hard_max_depth);
        using Ch = typename V::Ch;
        using OutValue = typename Document::ValueType;
        using string = std::basic_string<Ch>;
        auto& a = out.GetAllocator();
        out.SetArray();
        std::size_t bytes_left = lim.max_patch_bytes;
        const auto text = [&](const string& s) noexcept {
            return OutValue(s.data(), static_cast<RAPIDJSON_NAMESPACE::SizeType>(s.size()), a);
        };
        const auto ascii = [&](const char* word) noexcept {
            string s;
            while (*word != 0) s += static_cast<Ch>(*word++);
            return s;
        };
        const auto emit = [&](const char* op, const string& path, const string* from,
                              const V* value) noexcept -> errc {
            const std::size_t longest = std::max(path.size(), from != nullptr ? from->size() : 0);
            const std::size_t path_bytes =
                (path.size() + (from != nullptr ? from->size() : 0)) * sizeof(Ch);
            if (out.Size() >= lim.max_operations || longest > lim.max_pointer_length ||
                path_bytes > bytes_left)
                return errc::patch_too_large;
            bytes_left -= path_bytes;
            OutValue op_object(RAPIDJSON_NAMESPACE::kObjectType);
            op_object.AddMember(text(ascii("op")), text(ascii(op)), a);
            if (from != nullptr) op_object.AddMember(text(ascii("from")), text(*from), a);
            op_object.AddMember(text(ascii("path")), text(path), a);
            if (value != nullptr) {
                value_size size;
                errc e =
                    measure(*value, value_depth > 2 ? value_depth - 2 : 0, bytes_left, work_, size);
                if (e == errc::growth_limit_exceeded || e == errc::nesting_too_deep)
                    e = errc::patch_too_large;
                if (e != errc::success) return e;
                bytes_left -= size.bytes;
                OutValue copy;
                e = deep_copy(copy, *value, a);
                if (e != errc::success) return e;
                op_object.AddMember(text(ascii("value")), copy, a);
            }
            out.PushBack(op_object, a);
            return errc::success;
        };
        // The location an entry wrote, with "-" and indices resolved to the index used.
        const auto where = [&](const entry& e) noexcept {
            if (e.kind != entry::element_inserted && e.kind != entry::element_removed)
                return string(e.path.text());
            string s(e.path.parent().text());
            s += Ch('/');
            const std::string digits = std::to_string(e.position);
            for (const char c : digits) s += static_cast<Ch>(c);
            return s;
        };

        if (net_effect_applies()) {
            // One replace per location whose final value differs, in the order first written.
            errc r = errc::success;
            if (!for_each_location([&](const entry& e) noexcept {
                    if (r == errc::success && !scalars_identical(*e.slot, e.value))
                        r = emit("replace", where(e), nullptr, &e.value);
                }))
                return errc::out_of_memory;
            return r;
        }
        for (std::size_t i = log_.size(); i-- > 0;) {
            const entry& e = log_[i];
            errc r = errc::success;
            if (i > 0 && log_[i - 1].value_in_carry) {
                // The add of a move: move the value back, then restore what it replaced.
                const entry& removal = log_[i - 1];
                if (e.has_moved) {
                    // Take the moved value out of the ancestor's place (restoring what was
                    // there), then add the kept copy back where it came from.
                    const bool replaced =
                        e.kind == entry::value_replaced || e.kind == entry::root_replaced;
                    r = replaced ? emit("replace", where(e), nullptr, &e.value)
                                 : emit("remove", where(e), nullptr, nullptr);
                    if (r == errc::success) r = emit("add", where(removal), nullptr, &e.moved);
                } else {
                    const string back = where(removal);
                    const string from =
                        e.kind == entry::value_replaced ? string(e.path.text()) : where(e);
                    r = emit("move", back, &from, nullptr);
                    if (r == errc::success && e.kind == entry::value_replaced)
                        r = emit("add", from, nullptr, &e.value);
                }
                --i;
            } else {
                switch (e.kind) {
                case entry::root_replaced:
                case entry::value_replaced: r = emit("replace", where(e), nullptr, &e.value); break;
                case entry::member_added:
                case entry::element_inserted: r = emit("remove", where(e), nullptr, nullptr); break;
                case entry::member_removed:
                case entry::element_removed: r = emit("add", where(e), nullptr, &e.value); break;
                }
            }
            if (r != errc::success) return r;
        }
        return errc::success;
    }

private:
    // Calls f(entry) once per location written, with the location's first entry (which holds
    // its original value), in the order the locations were first written: the entries are
    // sorted by path, then by order, in O(n log n). False when memory runs out.
    template <class F>
    bool for_each_location(F f) const noexcept {
        if (log_.size() <= inline_ops) {  // few entries: a quadratic look is cheaper than a sort
            for (std::size_t i = 0; i < log_.size(); ++i) {
                bool first = true;
                for (std::size_t j = 0; j < i && first; ++j) first = log_[j].path != log_[i].path;
                if (first) f(log_[i]);
            }
            return true;
        }
        small_vector<std::uint32_t, inline_ops> order;
        if (!order.reserve(log_.size())) return false;
        for (std::size_t i = 0; i < log_.size(); ++i)
            order.emplace_back(static_cast<std::uint32_t>(i));
        const auto by_path = [this](std::uint32_t a, std::uint32_t b) noexcept {
            const auto x = log_[a].path.text();
            const auto y = log_[b].path.text();
            return x != y ? x < y : a < b;
        };
        std::sort(order.begin(), order.end(), by_path);
        std::size_t firsts = 0;
        for (std::size_t k = 0; k < order.size(); ++k)
            if (k == 0 || log_[order[k - 1]].path != log_[order[k]].path)
                order[firsts++] = order[k];
        std::sort(order.begin(), order.begin() + firsts);
        for (std::size_t k = 0; k < firsts; ++k) f(log_[order[k]]);
        return true;
    }

    bool replaces_only() const noexcept {
        for (std::size_t i = 0; i < log_.size(); ++i)
            if (log_[i].kind != entry::value_replaced && log_[i].kind != entry::root_replaced)
                return false;
        return true;
    }

    // Whether path `inner` names a location inside the one `outer` names (a proper descendant).
    template <class View>
    static bool inside(const View& inner, const View& outer) noexcept {
        return inner.size() > outer.size() && inner[outer.size()] == '/' &&
               inner.compare(0, outer.size(), outer) == 0;
    }

    // changed() for a patch of replaces that replaced containers. Replaces move no container, so
    // every slot stays valid in the state it was taken in, and only the "top" locations (those
    // inside no other written location) can differ: the document is unchanged exactly when each
    // top location's final value is identical to its original one. That original is the value
    // its first entry holds, once the entries written inside it before that entry are undone in
    // it (their slots point into it: the replace moved the value whole); they are undone newest
    // first, the comparison made, and they are redone oldest first, so the log ends as it was.
    // Time: O(entries^2) path comparisons plus the value comparisons, all charged to the work
    // budget; when that runs out the answer is "changed" (a spare write, never a lost one).
    bool containers_changed() noexcept {
        const std::size_t n = log_.size();
        for (std::size_t t = 0; t < n; ++t) {
            const auto top = log_[t].path.text();
            bool first_and_top = true;
            for (std::size_t j = 0; j < n && first_and_top; ++j) {
                const auto other = log_[j].path.text();
                if (!work_.charge(1 + std::min(top.size(), other.size()) / 32)) return true;
                first_and_top = !(j < t && other == top) && !inside(top, other);
            }
            if (!first_and_top) continue;
            const auto swap_inner = [&](std::size_t k) noexcept {
                if (inside(log_[k].path.text(), top)) log_[k].slot->Swap(log_[k].value);
            };
            for (std::size_t k = t; k-- > 0;) swap_inner(k);
            bool same = false;
            const errc e =
                compare(static_cast<const V&>(*log_[t].slot), static_cast<const V&>(log_[t].value),
                        compare_mode::identical, work_, same);
            for (std::size_t k = 0; k < t; ++k) swap_inner(k);
            if (e != errc::success || !same) return true;
        }
        return false;
    }

    // Whether every entry replaced a scalar by a scalar, so that the slots are still valid and
    // each location can be judged by its first and final value.
    bool net_effect_applies() const noexcept {
        for (std::size_t i = 0; i < log_.size(); ++i) {
            const entry& e = log_[i];
            if ((e.kind != entry::value_replaced && e.kind != entry::root_replaced) ||
                e.value.IsObject() || e.value.IsArray())
                return false;
        }
        for (std::size_t i = 0; i < log_.size(); ++i)
            if (log_[i].slot->IsObject() || log_[i].slot->IsArray()) return false;
        return true;
    }

    // The depth a value placed at `path` starts at: one level per token.
    static std::size_t depth_of(const pointer_type& path) noexcept { return path.token_count(); }

    // find_member() and resolve_metered(), charged to this patch's work budget.
    member_t<V>* find(V& object, const token& t, errc& e) noexcept {
        return find_member(object, t, work_, e);
    }
    errc resolve(const pointer_type& p, V*& out) noexcept {
        return resolve_metered(doc_, p, work_, out);
    }

    // Takes `bytes` from the allocation budget.
    errc spend(std::size_t bytes) noexcept {
        if (bytes > bytes_left_) return errc::growth_limit_exceeded;
        bytes_left_ -= bytes;
        return work_.charge_bytes(bytes) ? errc::success : errc::work_limit_exceeded;
    }

    // A copy of `in` in the inverse's allocator, charged to the work budget only (the document's
    // allocator takes nothing).
    errc copy_for_inverse(const V& in, V& out) noexcept {
        value_size size;
        const errc e = measure(in, hard_max_depth, static_cast<std::size_t>(-1), work_, size);
        if (e != errc::success) return e;
        if (!work_.charge_bytes(size.bytes)) return errc::work_limit_exceeded;
        return deep_copy(out, in, *inverse_alloc_);
    }

    // Checks that `in`, placed at depth `at`, keeps the document within max_document_depth and
    // the budgets, then copies it into the value allocator.
    errc copy_in(const V& in, const pointer_type& path, V& out) noexcept {
        if (!in.IsArray() && !in.IsObject()) {
            // A scalar goes where a value or a parent already is: the document gets no deeper.
            const std::size_t bytes = in.IsString() ? string_bytes<V>(in.GetStringLength()) : 0;
            const errc e = bytes != 0 ? spend(bytes) : errc::success;
            return e != errc::success ? e : deep_copy(out, in, value_alloc_);
        }
        const std::size_t at = depth_of(path);
        if (at > max_depth_) return errc::document_too_deep;
        value_size size;
        errc e = measure(in, max_depth_ - at, bytes_left_, work_, size);
        if (e == errc::nesting_too_deep) return errc::document_too_deep;
        if (e == errc::success) e = spend(size.bytes);
        if (e != errc::success) return e;
        return deep_copy(out, in, value_alloc_);
    }

    // Constructs the entry in place (the log has room: see reserve()).
    template <class... Args>
    void log(Args&&... args) noexcept {
        RELPATCH_ASSERT(log_.size() < log_.capacity());
        log_.emplace_back(std::forward<Args>(args)...);
    }

    // Puts `value` (moved from) at `path`: RFC 6902 section 4.1.
    errc add(const pointer_type& path, V& value) noexcept {
        if (path.is_root()) return swap_in(path, doc_, value, entry::root_replaced);
        V* parent = nullptr;
        errc e = resolve(path.parent(), parent);
        if (e != errc::success) return e;
        const token last = path.back();
        if (parent->IsObject()) {
            member_t<V>* it = find(*parent, last, e);
            if (e != errc::success) return e;
            if (it != nullptr) return swap_in(path, it->value, value, entry::value_replaced);
            e = spend(growth_bytes(*parent) + string_bytes<V>(last.decoded_size()));
            if (e != errc::success) return e;
            V name;
            set_name(name, last);
            log(entry::member_added, path);
            insert_member(*parent, parent->MemberCount(), name, value, doc_alloc_);
        } else if (parent->IsArray()) {
            std::size_t index = 0;
            e = last.to_index(parent->Size(), true, index);
            if (e != errc::success) return e;
            e = spend(growth_bytes(*parent));
            if (e == errc::success && !work_.charge(parent->Size() - index))
                e = errc::work_limit_exceeded;
            if (e != errc::success) return e;
            log(entry::element_inserted, path, index);
            insert_element(*parent, index, value, doc_alloc_);
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
        errc e = resolve(path.parent(), parent);
        if (e != errc::success) return e;
        const token last = path.back();
        if (parent->IsObject()) {
            member_t<V>* it = find(*parent, last, e);
            if (e != errc::success) return e;
            if (it == nullptr) return errc::path_not_found;
            const auto position = static_cast<std::size_t>(it - members(*parent).begin());
            if (!work_.charge(parent->MemberCount() - position)) return errc::work_limit_exceeded;
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
            if (!work_.charge(parent->Size() - index)) return errc::work_limit_exceeded;
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
        if (target == nullptr) e = resolve(path, target);
        if (e != errc::success) return e;
        V value;
        e = copy_in(patch_value, path, value);
        if (e != errc::success) return e;
        if (target->IsObject() || target->IsArray() || value.IsObject() || value.IsArray())
            layout_stable_ = false;
        return swap_in(path, *target, value,
                       path.is_root() ? entry::root_replaced : entry::value_replaced);
    }

    // RFC 6902 section 4.4: remove from `from`, then add at `path`.
    errc move(const pointer_type& from, const pointer_type& path, bool& at_from) noexcept {
        if (from.is_proper_prefix_of(path)) return errc::move_into_own_child;
        V* source = nullptr;
        errc e = resolve(from, source);
        if (e != errc::success) {
            at_from = true;
            return e;
        }
        if (from == path) return errc::success;  // a no-op, but "from" must exist
        // Moving a value deeper than it was can make the document deeper than allowed.
        const std::size_t at = depth_of(path);
        if (at > depth_of(from)) {
            if (at > max_depth_) return errc::document_too_deep;
            value_size size;
            e = measure(static_cast<const V&>(*source), max_depth_ - at,
                        static_cast<std::size_t>(-1), work_, size);
            if (e == errc::nesting_too_deep) return errc::document_too_deep;
            if (e != errc::success) return e;
        }
        V value;
        e = remove(from, value, true);
        if (e != errc::success) {
            at_from = true;
            return e;
        }
        e = add(path, value);
        if (e != errc::success) {
            carry_.Swap(value);  // the remove's undo takes it back
            return e;
        }
        // A move that replaced a value, or went up into an ancestor's place, cannot be reversed
        // by a move alone (the replaced value would land at shifted indices; the reverse "from"
        // would be a proper prefix of its "path"): the inverse restores the place and re-adds a
        // copy of the moved value, taken now.
        entry& added = log_.back();
        if (inverse_alloc_ != nullptr &&
            (added.kind == entry::value_replaced || added.kind == entry::root_replaced ||
             path.is_proper_prefix_of(from))) {
            V* now = nullptr;
            e = resolve(path, now);
            RELPATCH_ASSERT(e == errc::success);
            if (e == errc::success) e = copy_for_inverse(*now, added.moved);
            if (e != errc::success) return e;
            added.has_moved = true;
        }
        return errc::success;
    }

    // Exchanges `slot` (at `path`) with `value`, logging the old value.
    errc swap_in(const pointer_type& path, V& slot, V& value,
                 typename entry::kind_type kind) noexcept {
        bool same = false;
        if (!slot.IsArray() && !slot.IsObject() && !value.IsArray() && !value.IsObject()) {
            same = scalars_identical(slot, value);
        } else {
            const errc e = compare(static_cast<const V&>(slot), static_cast<const V&>(value),
                                   compare_mode::identical, work_, same);
            if (e != errc::success) return e;
        }
        log(kind, path);
        log_.back().slot = &slot;
        slot.Swap(value);
        log_.back().value.Swap(value);
        changed_ = changed_ || !same;
        return errc::success;
    }

    void set_name(V& name, const token& t) noexcept {
        const auto escaped = t.escaped();
        const auto size = static_cast<RAPIDJSON_NAMESPACE::SizeType>(t.decoded_size());
        // Allocate `size` code units, then decode into them (decoding only shortens).
        name.SetString(escaped.data(), size, value_alloc_);
        if (size != escaped.size()) t.decode(const_cast<typename V::Ch*>(name.GetString()));
    }

    V* resolve_for_undo(const pointer_type& p) noexcept {
        V* out = nullptr;
        const errc e = p.resolve(doc_, out);
        // Each entry restores the state the entry before it left, so this always resolves.
        RELPATCH_ASSERT(e == errc::success);
        return e == errc::success ? out : nullptr;
    }

    void undo(entry& u) noexcept {
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
        case entry::member_added: {
            V* parent = resolve_for_undo(u.path.parent());
            RELPATCH_ASSERT(parent == nullptr || (parent->IsObject() && parent->MemberCount() > 0));
            if (parent != nullptr && parent->IsObject() && parent->MemberCount() > 0) {
                const auto last = parent->MemberCount() - 1;
                carry_.SetNull();
                carry_.Swap(members(*parent).begin()[last].value);
                parent->EraseMember(parent->MemberBegin() + static_cast<std::ptrdiff_t>(last));
            }
            break;
        }
        case entry::element_inserted: {
            V* parent = resolve_for_undo(u.path.parent());
            RELPATCH_ASSERT(parent == nullptr ||
                            (parent->IsArray() && u.position < parent->Size()));
            if (parent != nullptr && parent->IsArray() && u.position < parent->Size()) {
                const auto i = static_cast<RAPIDJSON_NAMESPACE::SizeType>(u.position);
                carry_.SetNull();
                carry_.Swap((*parent)[i]);
                parent->Erase(parent->Begin() + i);
            }
            break;
        }
        case entry::member_removed: {
            V* parent = resolve_for_undo(u.path.parent());
            RELPATCH_ASSERT(parent == nullptr || parent->IsObject());
            if (parent != nullptr && parent->IsObject())
                insert_member(*parent, u.position, u.name, u.value_in_carry ? carry_ : u.value,
                              doc_alloc_);
            break;
        }
        case entry::element_removed: {
            V* parent = resolve_for_undo(u.path.parent());
            RELPATCH_ASSERT(parent == nullptr || parent->IsArray());
            if (parent != nullptr && parent->IsArray())
                insert_element(*parent, u.position, u.value_in_carry ? carry_ : u.value,
                               doc_alloc_);
            break;
        }
        }
    }

    V& doc_;
    Allocator& doc_alloc_;
    Allocator& value_alloc_;
    work_meter& work_;
    std::size_t bytes_left_;
    std::size_t max_depth_;
    bool committed_ = false;
    Allocator* inverse_alloc_ = nullptr;  // set by record_inverse()
    bool changed_ = false;
    bool layout_stable_ = true;  // no container has moved or been replaced yet
    V carry_;                    // a value on its way from one undo step to the next (see move)
    small_vector<entry, inline_ops> log_;
};

// A patch of replaces that put null, booleans or numbers where scalars are, applied without an
// engine: no undo log to reserve, fill and tear down, which is most of what such a patch costs.
// It does what engine::apply() does for each operation (the same lookups, charged to `work` the
// same way), keeping the displaced values on the stack, so it succeeds exactly when the engine
// would, with the same document and the same changed() (`changed`: the net effect per location).
// At the first operation that is anything else (another op, a string or container value, a
// container target, any error) it puts back what it replaced, newest first, and returns false:
// the caller then restores `work` and runs the engine, which gives the exact answer.
template <class V, class Allocator>
inline bool replace_scalars(V& doc, basic_patch_view<V> ops, Allocator& alloc, work_meter& work,
                            bool& changed) noexcept {
    if (ops.size() > inline_ops) return false;
    alignas(V) unsigned char storage[inline_ops * sizeof(V)];
    V* old[inline_ops];  // what operation i displaced, made in storage by placement new
    V* slots[inline_ops];
    std::size_t done = 0;
    bool any = false;  // engine::changed_: some operation put a different value
    for (; done < ops.size(); ++done) {
        const basic_operation<V>& op = ops[done];
        if (op.op != op_type::replace) break;  // remove/test: op.value may be null
        const V& value = *op.value;
        if (value.IsString() || value.IsArray() || value.IsObject()) break;
        V* target = nullptr;
        if (resolve_metered(doc, op.path, work, target) != errc::success || target->IsArray() ||
            target->IsObject())
            break;
        V* const kept = ::new (static_cast<void*>(storage + done * sizeof(V))) V();
        if (deep_copy(*kept, value, alloc) != errc::success) {
            kept->~V();
            break;
        }
        any =
            any || !scalars_identical(static_cast<const V&>(*target), static_cast<const V&>(*kept));
        target->Swap(*kept);
        old[done] = kept;
        slots[done] = target;
    }
    const bool applied = done == ops.size();
    bool differs = false;
    for (std::size_t i = 0; applied && any && i < done; ++i) {
        // engine::changed(): each location's first displaced value against its final one.
        bool first = true;
        for (std::size_t j = 0; j < i && first; ++j) first = ops[j].path != ops[i].path;
        differs = differs || (first && !scalars_identical(static_cast<const V&>(*slots[i]),
                                                          static_cast<const V&>(*old[i])));
    }
    for (std::size_t i = done; i-- > 0;) {
        if (!applied) slots[i]->Swap(*old[i]);
        old[i]->~V();
    }
    changed = any && differs;
    return applied;
}

}  // namespace detail
}  // namespace relpatch

#endif
