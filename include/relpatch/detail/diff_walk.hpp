#ifndef RELPATCH_DETAIL_DIFF_WALK_HPP
#define RELPATCH_DETAIL_DIFF_WALK_HPP

// The walk that finds the operations turning one value into another. It never recurses: each
// pair of containers being compared is a frame on a heap stack, holding the list of things to
// do at that level ("items": operations to emit, and pairs of children to compare), which are
// done in order; a child pair that needs a closer look pushes its own frame.
//
// Two layouts:
// - compact: arrays aligned by a longest common subsequence (diff_align.hpp), removed and added
//   elements of equal value turned into moves, renamed members into moves, and a container
//   replaced whole when the operations inside it would serialize larger than the replace;
// - in_place: every change at the deepest location both values share (objects by member name,
//   arrays index by index), no move, a container replaced only when its type changes. This is
//   what a policy that only lets values be replaced (the release policies) can accept.
//
// Operation order. Inside an object, member operations never shift anything, so items follow
// the members of `from`, then the new members of `to`. Inside an array, compact layout first
// emits the inserts, removes and moves (each index as the array is at that point), then
// compares the kept elements at their final indices; in_place layout compares elements index
// by index first, then removes the surplus from the end or appends what is missing.
//
// Byte-exact mode (compare_mode::identical) also rebuilds member order: the members of `to`
// that follow its longest prefix already in `from`'s order are removed and re-added at the end.

#include <relpatch/error.hpp>
#include <relpatch/operation.hpp>
#include <relpatch/detail/diff_align.hpp>
#include <relpatch/detail/diff_nodes.hpp>
#include <relpatch/detail/members.hpp>
#include <relpatch/detail/value.hpp>

#include <rapidjson/document.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace relpatch {
namespace detail {

enum class diff_layout { compact, in_place };

struct diff_config {
    compare_mode mode = compare_mode::rfc;
    bool tests = false;
    diff_layout layout = diff_layout::compact;
    std::size_t max_edit_distance = 1000;
};

// One operation found, before it becomes JSON: pointers are ranges of the walk's arena, values
// point into `from` (test) or `to` (add, replace).
template <class V>
struct diff_op {
    op_type op;
    std::size_t path;
    std::size_t path_size;
    std::size_t from;  // move only
    std::size_t from_size;
    const V* value;  // add, replace, test
    // For fuse_moves(): an add's value (node of `to`), a remove's old value (node of `from`), and
    // whether the last token names a member.
    std::size_t value_id;
    const V* old;
    std::size_t old_id;
    bool member;
};

// The bytes an operation takes in JSON, roughly: {"op":"NAME","path":"P"} plus ,"from":"F" and
// ,"value":VALUE. Only compared with other estimates.
inline std::size_t op_bytes(op_type op, std::size_t pointer_units,
                            std::size_t value_bytes) noexcept {
    std::size_t n = 18 + std::strlen(op_name(op)) + pointer_units;
    if (row_of(op).needs_from) n += 10;
    if (row_of(op).needs_value) n += 9 + value_bytes;
    return n;
}

template <class V>
class differ {
public:
    using Ch = typename V::Ch;
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    differ(const diff_config& config, work_meter& work) noexcept : cfg_(config), work_(work) {}
    differ(const differ&) = delete;
    differ& operator=(const differ&) = delete;

    // Finds the operations that turn `from` into `to`. Errors: work_limit_exceeded,
    // out_of_memory. Time O(size of both) plus the alignments and the comparisons of subtrees
    // that turn out equal (each compared once); memory O(size of both) for the node tables.
    errc run(const V& from, const V& to) noexcept {
        // The in-place layout aligns nothing, so it starts by comparing pairs directly (as most
        // diffs do) instead of hashing both documents first: that costs less when, as in a
        // release document, most of the documents are equal and the differences are shallow.
        // A pair compared that way costs a walk down to its first difference, again at each
        // level below it: past a few levels the walk starts over with the tables, which bound
        // the whole to O(size). The operations found are the same either way.
        bool too_deep = false;
        errc e = walk(from, to, too_deep);
        if (e == errc::success && too_deep) {
            tables_ = true;
            frames_.clear();
            items_.clear();
            path_.clear();
            arena_.clear();
            ops_.clear();
            bytes_ = 0;
            e = walk(from, to, too_deep);
        }
        return e;
    }

    const pod_vector<diff_op<V>>& ops() const noexcept { return ops_; }
    std::basic_string_view<Ch> text(std::size_t offset, std::size_t size) const noexcept {
        return std::basic_string_view<Ch>(arena_.data() + offset, size);
    }

private:
    // Frames deeper than this make the in-place layout build the node tables (see run()).
    static constexpr std::size_t direct_depth = 32;

    // One walk; stops early with `too_deep` set when it should start over with the tables.
    errc walk(const V& from, const V& to, bool& too_deep) noexcept {
        too_deep = false;
        errc e = errc::success;
        if (tables_) e = nodes_a_.build(from, cfg_.mode, work_);
        if (tables_ && e == errc::success) e = nodes_b_.build(to, cfg_.mode, work_);
        if (e != errc::success) return e;
        e = compare_pair(from, to, 0, 0, false);
        while (e == errc::success && !frames_.empty()) {
            if (!tables_ && frames_.size() > direct_depth) {
                too_deep = true;
                return errc::success;
            }
            const std::size_t top = frames_.size() - 1;
            if (frames_[top].next == frames_[top].items_end) {
                e = finish_frame();
                continue;
            }
            const item it = items_[frames_[top].next++];
            path_.truncate(frames_[top].path_size);
            if (!work_.charge(1)) return errc::work_limit_exceeded;
            switch (it.kind) {
            case item_kind::pair:
                e = append_token(it.at);
                if (e == errc::success)
                    e = compare_pair(*it.a, *it.b, it.a_id, it.b_id, it.differs);
                break;
            case item_kind::add:
                e = append_token(it.at);
                if (e == errc::success) e = emit_here(op_type::add, it.b, node_b(it.b_id));
                if (e == errc::success) {
                    ops_.back().value_id = it.b_id;
                    ops_.back().member = !it.at.is_index;
                }
                break;
            case item_kind::remove:
                e = append_token(it.at);
                if (e == errc::success && cfg_.tests)
                    e = emit_here(op_type::test, it.a, node_a(it.a_id));
                if (e == errc::success) e = emit_here(op_type::remove, nullptr, nullptr);
                if (e == errc::success) {
                    ops_.back().old = it.a;
                    ops_.back().old_id = it.a_id;
                    ops_.back().member = !it.at.is_index;
                }
                break;
            case item_kind::move: e = emit_move(it, frames_[top].path_size); break;
            }
        }
        if (e == errc::success && cfg_.layout == diff_layout::compact && !cfg_.tests)
            e = fuse_moves();
        return e;
    }

    // A reference token: a member name (escaped when appended) or an array index.
    struct token {
        const Ch* name;
        std::size_t value;  // the name's length, or the index
        bool is_index;
    };
    static token name_token(const V& name) noexcept {
        return token{name.GetString(), name.GetStringLength(), false};
    }
    static token index_token(std::size_t i) noexcept { return token{nullptr, i, true}; }

    enum class item_kind : unsigned char { pair, add, remove, move };
    struct item {
        item_kind kind;
        bool differs;  // pair: already known to differ
        token at;
        token from;  // move: where the value is taken from
        const V* a;  // pair, remove, move: the value in `from`
        const V* b;  // pair, add: the value in `to`
        std::size_t a_id;
        std::size_t b_id;
    };
    item make_item(item_kind kind, token at, const V* a, std::size_t a_id, const V* b,
                   std::size_t b_id) noexcept {
        return item{kind, false, at, token{nullptr, 0, true}, a, b, a_id, b_id};
    }

    struct frame {
        const V* a;
        const V* b;
        std::size_t a_id;
        std::size_t b_id;
        std::size_t path_size;
        std::size_t items_begin;
        std::size_t next;
        std::size_t items_end;
        std::size_t ops_begin;
        std::size_t arena_begin;
        std::size_t bytes_begin;
    };

    // --- emitting ------------------------------------------------------------------------------

    errc append_token(const token& t) noexcept {
        if (!path_.push_back(Ch('/'))) return errc::out_of_memory;
        if (t.is_index) {
            char digits[24];
            std::size_t n = 0;
            std::size_t i = t.value;
            do {
                digits[n++] = static_cast<char>('0' + i % 10);
                i /= 10;
            } while (i != 0);
            while (n > 0)
                if (!path_.push_back(Ch(digits[--n]))) return errc::out_of_memory;
            return errc::success;
        }
        if (!work_.charge_bytes(t.value * sizeof(Ch))) return errc::work_limit_exceeded;
        if (!path_.reserve(path_.size() + 2 * t.value)) return errc::out_of_memory;
        for (std::size_t i = 0; i < t.value; ++i) {
            const Ch c = t.name[i];
            if (c == Ch('~')) {
                path_.push_back(Ch('~'));
                path_.push_back(Ch('0'));
            } else if (c == Ch('/')) {
                path_.push_back(Ch('~'));
                path_.push_back(Ch('1'));
            } else {
                path_.push_back(c);
            }
        }
        return errc::success;
    }

    // Copies the current path to the arena.
    errc save_path(std::size_t& offset) noexcept {
        offset = arena_.size();
        if (!work_.charge_bytes(path_.size() * sizeof(Ch))) return errc::work_limit_exceeded;
        return arena_.append(path_.data(), path_.size()) ? errc::success : errc::out_of_memory;
    }

    errc emit(op_type op, std::size_t path, std::size_t path_size, std::size_t from,
              std::size_t from_size, const V* value, const diff_node* node) noexcept {
        const diff_op<V> o{op, path, path_size, from, from_size, value, 0, nullptr, 0, false};
        if (!ops_.push_back(o)) return errc::out_of_memory;
        bytes_ +=
            op_bytes(op, path_size + from_size, node != nullptr ? std::size_t{node->bytes} : 0);
        return errc::success;
    }

    // Emits `op` at the current path.
    errc emit_here(op_type op, const V* value, const diff_node* node) noexcept {
        std::size_t at = 0;
        const errc e = save_path(at);
        return e != errc::success ? e : emit(op, at, path_.size(), 0, 0, value, node);
    }

    // Replaces the value at the current path (`a`) with `b`, after a test of `a` if asked.
    errc emit_replace(const V& a, std::size_t a_id, const V& b, std::size_t b_id) noexcept {
        std::size_t at = 0;
        errc e = save_path(at);
        if (e == errc::success && cfg_.tests)
            e = emit(op_type::test, at, path_.size(), 0, 0, &a, node_a(a_id));
        if (e == errc::success)
            e = emit(op_type::replace, at, path_.size(), 0, 0, &b, node_b(b_id));
        return e;
    }

    errc emit_move(const item& it, std::size_t parent_size) noexcept {
        std::size_t from = 0;
        std::size_t to = 0;
        errc e = append_token(it.from);
        if (e == errc::success) e = save_path(from);
        const std::size_t from_size = path_.size();
        if (e == errc::success && cfg_.tests)
            e = emit(op_type::test, from, from_size, 0, 0, it.a, node_a(it.a_id));
        path_.truncate(parent_size);
        if (e == errc::success) e = append_token(it.at);
        if (e == errc::success) e = save_path(to);
        if (e == errc::success)
            e = emit(op_type::move, to, path_.size(), from, from_size, nullptr, nullptr);
        return e;
    }

    // --- comparing -----------------------------------------------------------------------------

    // Whether `a` and `b` (nodes a_id and b_id) are equal: by hash when they differ there, else
    // by a full comparison (hashes can collide).
    errc equal(const V& a, std::size_t a_id, const V& b, std::size_t b_id, bool& same) noexcept {
        same = false;
        if (!tables_) return compare(a, b, cfg_.mode, work_, same);
        const diff_node& x = nodes_a_[a_id];
        const diff_node& y = nodes_b_[b_id];
        if (x.hash != y.hash || x.count != y.count) return errc::success;
        return compare(a, b, cfg_.mode, work_, same);
    }

    // Compares the pair at the current path: nothing when equal, a frame for two containers of
    // one kind, otherwise a replace.
    errc compare_pair(const V& a, const V& b, std::size_t a_id, std::size_t b_id,
                      bool known_to_differ) noexcept {
        if (!known_to_differ) {
            bool same = false;
            const errc e = equal(a, a_id, b, b_id, same);
            if (e != errc::success || same) return e;
        }
        if ((a.IsObject() && b.IsObject()) || (a.IsArray() && b.IsArray())) {
            bool pushed = false;
            const errc e = push_frame(a, b, a_id, b_id, pushed);
            if (e != errc::success || pushed) return e;
        }
        return emit_replace(a, a_id, b, b_id);
    }

    errc push_frame(const V& a, const V& b, std::size_t a_id, std::size_t b_id,
                    bool& pushed) noexcept {
        const frame f{&a,
                      &b,
                      a_id,
                      b_id,
                      path_.size(),
                      items_.size(),
                      items_.size(),
                      items_.size(),
                      ops_.size(),
                      arena_.size(),
                      bytes_};
        errc e =
            a.IsArray() ? array_items(a, b, a_id, b_id) : object_items(a, b, a_id, b_id, pushed);
        if (a.IsArray()) pushed = true;
        if (e != errc::success || !pushed) {
            items_.truncate(f.items_begin);
            return e;
        }
        if (!frames_.push_back(f)) return errc::out_of_memory;
        frames_.back().items_end = items_.size();
        return errc::success;
    }

    // Ends the top frame. In compact layout the container is replaced whole when that is
    // smaller than what was found inside it.
    errc finish_frame() noexcept {
        const frame f = frames_.back();
        errc e = errc::success;
        if (cfg_.layout == diff_layout::compact) {
            const diff_node& x = nodes_a_[f.a_id];
            const diff_node& y = nodes_b_[f.b_id];
            std::size_t whole = op_bytes(op_type::replace, f.path_size, std::size_t{y.bytes});
            if (cfg_.tests) whole += op_bytes(op_type::test, f.path_size, std::size_t{x.bytes});
            if (bytes_ - f.bytes_begin > whole) {
                ops_.truncate(f.ops_begin);
                arena_.truncate(f.arena_begin);
                bytes_ = f.bytes_begin;
                path_.truncate(f.path_size);
                e = emit_replace(*f.a, f.a_id, *f.b, f.b_id);
            }
        }
        items_.truncate(f.items_begin);
        frames_.pop_back();
        return e;
    }

    // The node of a value of `from` or `to`, or null without the tables.
    const diff_node* node_a(std::size_t id) const noexcept {
        return tables_ ? &nodes_a_[id] : nullptr;
    }
    const diff_node* node_b(std::size_t id) const noexcept {
        return tables_ ? &nodes_b_[id] : nullptr;
    }

    // The preorder ids of the children of `c` (node `id` of `nodes`); zeros without the tables.
    errc child_ids(const V& c, std::size_t id, const node_table<V>& nodes,
                   pod_vector<std::size_t>& out) noexcept {
        const std::size_t n = c.IsArray() ? c.Size() : c.MemberCount();
        if (!work_.charge(n)) return errc::work_limit_exceeded;
        if (!out.resize(n)) return errc::out_of_memory;
        if (!tables_) return errc::success;
        std::size_t next = id + 1;
        for (std::size_t i = 0; i < n; ++i) {
            out[i] = next;
            next += nodes[next].count;
        }
        return errc::success;
    }

    errc push_item(const item& it) noexcept {
        return items_.push_back(it) ? errc::success : errc::out_of_memory;
    }

    // A pair item for a[i] and b[j] at `at`, unless they are equal.
    errc pair_if_different(const V& x, std::size_t x_id, const V& y, std::size_t y_id,
                           token at) noexcept {
        bool same = false;
        errc e = equal(x, x_id, y, y_id, same);
        if (e != errc::success || same) return e;
        item it = make_item(item_kind::pair, at, &x, x_id, &y, y_id);
        it.differs = true;
        return push_item(it);
    }

    // Moves: each of `added` (indices of b) takes the first unused element of `removed`
    // (indices of a, a_state 0) of equal value, found by hash and confirmed by `same_value`.
    // Sets a_state[i] = 2 and b_move[j] = i. At most max_moves, and 8 candidates per element:
    // placing each move costs a scan, and candidates of one hash are almost always equal.
    template <class Equal>
    errc find_moves(const pod_vector<std::size_t>& removed, const pod_vector<std::uint64_t>& ha,
                    const pod_vector<std::size_t>& added, const pod_vector<std::uint64_t>& hb,
                    pod_vector<unsigned char>& a_state, pod_vector<std::size_t>& b_move,
                    std::size_t& moves, Equal same_value) noexcept {
        constexpr std::size_t max_moves = 1024;
        moves = 0;
        if (removed.empty() || added.empty()) return errc::success;
        struct keyed {
            std::uint64_t hash;
            std::size_t i;
        };
        pod_vector<keyed> sorted;
        if (!sorted.resize(removed.size())) return errc::out_of_memory;
        for (std::size_t k = 0; k < removed.size(); ++k)
            sorted[k] = keyed{ha[removed[k]], removed[k]};
        std::size_t log2 = 1;
        while ((std::size_t{1} << log2) < sorted.size()) ++log2;
        if (!work_.charge((sorted.size() + added.size()) * log2)) return errc::work_limit_exceeded;
        const auto less = [](const keyed& x, const keyed& y) noexcept {
            return x.hash != y.hash ? x.hash < y.hash : x.i < y.i;
        };
        std::sort(sorted.data(), sorted.data() + sorted.size(), less);
        const keyed* const first = sorted.data();
        const keyed* const end = first + sorted.size();
        for (std::size_t k = 0; k < added.size() && moves < max_moves; ++k) {
            const std::size_t j = added[k];
            const keyed* c = std::lower_bound(first, end, keyed{hb[j], 0}, less);
            for (std::size_t tries = 0; c != end && c->hash == hb[j] && tries < 8; ++c) {
                if (a_state[c->i] != 0) continue;
                ++tries;
                bool same = false;
                const errc e = same_value(c->i, j, same);
                if (e != errc::success) return e;
                if (!same) continue;
                a_state[c->i] = 2;
                b_move[j] = c->i;
                ++moves;
                break;
            }
        }
        return errc::success;
    }

    // Matches the members of objects `a` and `b` by name (sorting both: O(n log n)).
    // `duplicates` is set, and nothing matched, when either has a name twice.
    errc match_members(const V& a, const V& b, pod_vector<std::size_t>& a_match,
                       pod_vector<std::size_t>& b_match, bool& duplicates) noexcept {
        const auto ma = members(a);
        const auto mb = members(b);
        const std::size_t n = ma.size();
        const std::size_t m = mb.size();
        duplicates = false;
        a_match.clear();
        b_match.clear();
        pod_vector<std::size_t> sa;
        pod_vector<std::size_t> sb;
        if (!a_match.resize(n, npos) || !b_match.resize(m, npos) || !sa.resize(n) || !sb.resize(m))
            return errc::out_of_memory;
        for (std::size_t i = 0; i < n; ++i) sa[i] = i;
        for (std::size_t j = 0; j < m; ++j) sb[j] = j;
        std::size_t log2 = 1;
        while ((std::size_t{1} << log2) < n + m) ++log2;
        if (!work_.charge((n + m) * log2)) return errc::work_limit_exceeded;
        const auto by_name = [](auto list) noexcept {
            return [list](std::size_t x, std::size_t y) noexcept {
                return name_less(list.begin()[x].name, list.begin()[y].name);
            };
        };
        std::sort(sa.data(), sa.data() + n, by_name(ma));
        std::sort(sb.data(), sb.data() + m, by_name(mb));
        for (std::size_t k = 1; k < n && !duplicates; ++k)
            duplicates = strings_equal(ma.begin()[sa[k - 1]].name, ma.begin()[sa[k]].name);
        for (std::size_t k = 1; k < m && !duplicates; ++k)
            duplicates = strings_equal(mb.begin()[sb[k - 1]].name, mb.begin()[sb[k]].name);
        if (duplicates) return errc::success;
        for (std::size_t x = 0, y = 0; x < n && y < m;) {
            const auto& p = ma.begin()[sa[x]].name;
            const auto& q = mb.begin()[sb[y]].name;
            if (name_less(p, q)) {
                ++x;
            } else if (name_less(q, p)) {
                ++y;
            } else {
                a_match[sa[x]] = sb[y];
                b_match[sb[y]] = sa[x];
                ++x;
                ++y;
            }
        }
        return errc::success;
    }

    // The operations a diff that pairs array elements by index (nlohmann::json::diff's rule)
    // takes for `a` and `b`: 0 when equal (by hash), 1 for a scalar or type change, else the
    // sum over members or over elements by index, plus one per member or element removed or
    // added. The compact layout takes no more for any pair (see aligned_items), so this is an
    // upper bound of what the walk emits for it.
    errc pairwise_cost(const V& a, std::size_t a_id, const V& b, std::size_t b_id,
                       std::size_t& cost) noexcept {
        struct job {
            const V* a;
            const V* b;
            std::size_t a_id;
            std::size_t b_id;
        };
        pod_vector<job> jobs;
        pod_vector<std::size_t> ia;
        pod_vector<std::size_t> ib;
        pod_vector<std::size_t> a_match;
        pod_vector<std::size_t> b_match;
        cost = 0;
        if (!jobs.push_back(job{&a, &b, a_id, b_id})) return errc::out_of_memory;
        while (!jobs.empty()) {
            const job j = jobs.back();
            jobs.pop_back();
            if (!work_.charge(1)) return errc::work_limit_exceeded;
            const diff_node& x = nodes_a_[j.a_id];
            const diff_node& y = nodes_b_[j.b_id];
            if (x.hash == y.hash && x.count == y.count) continue;
            const bool arrays = j.a->IsArray() && j.b->IsArray();
            if (!arrays && !(j.a->IsObject() && j.b->IsObject())) {
                ++cost;
                continue;
            }
            errc e = child_ids(*j.a, j.a_id, nodes_a_, ia);
            if (e == errc::success) e = child_ids(*j.b, j.b_id, nodes_b_, ib);
            if (e != errc::success) return e;
            const std::size_t n = ia.size();
            const std::size_t m = ib.size();
            if (arrays) {
                using S = RAPIDJSON_NAMESPACE::SizeType;
                cost += n > m ? n - m : m - n;
                for (std::size_t i = 0; i < n && i < m; ++i)
                    if (!jobs.push_back(job{&(*j.a)[static_cast<S>(i)], &(*j.b)[static_cast<S>(i)],
                                            ia[i], ib[i]}))
                        return errc::out_of_memory;
                continue;
            }
            bool duplicates = false;
            e = match_members(*j.a, *j.b, a_match, b_match, duplicates);
            if (e != errc::success) return e;
            if (duplicates) {
                ++cost;
                continue;
            }
            for (std::size_t i = 0; i < n; ++i) {
                const std::size_t k = a_match[i];
                if (k == npos) {
                    ++cost;
                } else if (!jobs.push_back(job{&members(*j.a).begin()[i].value,
                                               &members(*j.b).begin()[k].value, ia[i], ib[k]})) {
                    return errc::out_of_memory;
                }
            }
            for (std::size_t k = 0; k < m; ++k)
                if (b_match[k] == npos) ++cost;
        }
        return errc::success;
    }

    // --- moves between containers --------------------------------------------------------------

    using view = std::basic_string_view<Ch>;

    // Whether `p` is `q` or one of its ancestors (a prefix ending at a token boundary).
    static bool ancestor_or_self(view p, view q) noexcept {
        return p.size() <= q.size() && q.substr(0, p.size()) == p &&
               (p.size() == q.size() || q[p.size()] == Ch('/'));
    }
    static view parent_of(view p) noexcept {
        const std::size_t slash = p.rfind(Ch('/'));
        return slash == view::npos ? view() : p.substr(0, slash);
    }

    // Whether operation `x`, between a remove of member `p` and the add it is fused with, leaves
    // `p` where it is and does not depend on it: it does not touch `p`, its ancestors or its
    // descendants, nor any container above `p`'s object (an array there could shift an index
    // on `p`'s path). Siblings in `p`'s object are fine: members do not shift.
    bool independent(const diff_op<V>& x, view p) const noexcept {
        const view parent = parent_of(p);
        const auto clear = [&](view q) noexcept {
            if (ancestor_or_self(q, p) || ancestor_or_self(p, q)) return false;
            const view above = parent_of(q);
            return above == parent || !ancestor_or_self(above, parent);
        };
        if (!clear(text(x.path, x.path_size))) return false;
        return !row_of(x.op).needs_from || clear(text(x.from, x.from_size));
    }

    // Fuses a remove of an object member and an add elsewhere of an equal value into one move
    // (the moves inside one array or one object are already found by the layout). The move
    // takes the place of the add: in between, the member stays (or is already gone), which is
    // safe when no operation in between depends on it or shifts its path (see independent()).
    // Removes from arrays are left alone: their absence shifts the indices of later operations.
    errc fuse_moves() noexcept {
        struct keyed {
            std::uint64_t hash;
            std::size_t op;
        };
        pod_vector<keyed> removes;
        for (std::size_t i = 0; i < ops_.size(); ++i) {
            const diff_op<V>& o = ops_[i];
            if (o.op == op_type::remove && o.member && o.old != nullptr &&
                !removes.push_back(keyed{nodes_a_[o.old_id].hash, i}))
                return errc::out_of_memory;
        }
        if (removes.empty()) return errc::success;
        const auto less = [](const keyed& x, const keyed& y) noexcept {
            return x.hash != y.hash ? x.hash < y.hash : x.op < y.op;
        };
        std::size_t log2 = 1;
        while ((std::size_t{1} << log2) < removes.size()) ++log2;
        if (!work_.charge((removes.size() + ops_.size()) * log2)) return errc::work_limit_exceeded;
        std::sort(removes.data(), removes.data() + removes.size(), less);
        const keyed* const first = removes.data();
        const keyed* const end = first + removes.size();

        pod_vector<unsigned char> gone;
        if (!gone.resize(ops_.size(), 0)) return errc::out_of_memory;
        bool fused = false;
        for (std::size_t k = 0; k < ops_.size(); ++k) {
            if (ops_[k].op != op_type::add) continue;
            const std::uint64_t h = nodes_b_[ops_[k].value_id].hash;
            for (const keyed* c = std::lower_bound(first, end, keyed{h, 0}, less);
                 c != end && c->hash == h; ++c) {
                const std::size_t i = c->op;
                if (gone[i] != 0 || ops_[i].op != op_type::remove) continue;
                const view p = text(ops_[i].path, ops_[i].path_size);
                const view q = text(ops_[k].path, ops_[k].path_size);
                if (ancestor_or_self(p, q)) continue;
                bool same = false;
                const errc e =
                    equal(*ops_[i].old, ops_[i].old_id, *ops_[k].value, ops_[k].value_id, same);
                if (e != errc::success) return e;
                if (!same) continue;
                // Remove first: the operations strictly between. Add first: the add itself too,
                // as the move takes its place (an add into an array above `p` shifts it).
                const std::size_t lo = i < k ? i + 1 : k;
                const std::size_t hi = i < k ? k : i;
                if (!work_.charge(hi - lo + 1)) return errc::work_limit_exceeded;
                bool ok = true;
                for (std::size_t x = lo; x < hi && ok; ++x)
                    ok = gone[x] != 0 || independent(ops_[x], p);
                if (!ok) continue;
                diff_op<V>& moved = ops_[k];
                moved.op = op_type::move;
                moved.from = ops_[i].path;
                moved.from_size = ops_[i].path_size;
                moved.value = nullptr;
                gone[i] = 1;
                fused = true;
                break;
            }
        }
        if (!fused) return errc::success;
        std::size_t kept = 0;
        for (std::size_t i = 0; i < ops_.size(); ++i)
            if (gone[i] == 0) ops_[kept++] = ops_[i];
        ops_.truncate(kept);
        return errc::success;
    }

    // --- arrays --------------------------------------------------------------------------------

    errc array_items(const V& a, const V& b, std::size_t a_id, std::size_t b_id) noexcept {
        pod_vector<std::size_t> ia;
        pod_vector<std::size_t> ib;
        errc e = child_ids(a, a_id, nodes_a_, ia);
        if (e == errc::success) e = child_ids(b, b_id, nodes_b_, ib);
        if (e != errc::success) return e;
        if (cfg_.layout == diff_layout::in_place) return index_items(a, b, ia, ib);

        const std::size_t n = ia.size();
        const std::size_t m = ib.size();
        pod_vector<std::uint64_t> ha;
        pod_vector<std::uint64_t> hb;
        if (!ha.resize(n) || !hb.resize(m)) return errc::out_of_memory;
        for (std::size_t i = 0; i < n; ++i) ha[i] = nodes_a_[ia[i]].hash;
        for (std::size_t j = 0; j < m; ++j) hb[j] = nodes_b_[ib[j]].hash;
        // The alignment may spend what the rest of the array costs several times over, but never
        // more than half of what is left.
        std::size_t budget = 16 * (n + m);
        if (budget < (std::size_t{1} << 20)) budget = std::size_t{1} << 20;
        if (budget > work_.left() / 2) budget = work_.left() / 2;
        pod_vector<kept_pair> keep;
        bool aligned = false;
        e = align(ha.data(), n, hb.data(), m, cfg_.max_edit_distance, budget, work_, keep, aligned);
        if (e != errc::success) return e;
        if (!aligned) return index_items(a, b, ia, ib);
        return aligned_items(a, b, ia, ib, ha, hb, keep);
    }

    // Element i against element i; then the surplus removed from the end, or the rest appended.
    errc index_items(const V& a, const V& b, const pod_vector<std::size_t>& ia,
                     const pod_vector<std::size_t>& ib) noexcept {
        const std::size_t n = ia.size();
        const std::size_t m = ib.size();
        const std::size_t common = n < m ? n : m;
        using S = RAPIDJSON_NAMESPACE::SizeType;
        for (std::size_t i = 0; i < common; ++i) {
            const errc e = pair_if_different(a[static_cast<S>(i)], ia[i], b[static_cast<S>(i)],
                                             ib[i], index_token(i));
            if (e != errc::success) return e;
        }
        for (std::size_t i = n; i-- > m;) {
            const errc e = push_item(make_item(item_kind::remove, index_token(i),
                                               &a[static_cast<S>(i)], ia[i], nullptr, 0));
            if (e != errc::success) return e;
        }
        for (std::size_t j = n; j < m; ++j) {
            const errc e = push_item(make_item(item_kind::add, index_token(j), nullptr, 0,
                                               &b[static_cast<S>(j)], ib[j]));
            if (e != errc::success) return e;
        }
        return errc::success;
    }

    // Compact layout from an alignment: in each gap between kept elements, removed and added
    // elements are paired in order (compared later, like kept ones); what is left unpaired is
    // removed or added, or moved when a removed and an added element are equal. Falls back to
    // index_items when pairing by index would take fewer operations.
    errc aligned_items(const V& a, const V& b, const pod_vector<std::size_t>& ia,
                       const pod_vector<std::size_t>& ib, const pod_vector<std::uint64_t>& ha,
                       const pod_vector<std::uint64_t>& hb,
                       const pod_vector<kept_pair>& keep) noexcept {
        using S = RAPIDJSON_NAMESPACE::SizeType;
        const std::size_t n = ia.size();
        const std::size_t m = ib.size();
        // b_from[j]: the element of a kept or paired with b[j]; b_move[j]: the element of a
        // moved to b[j]; a_move[i]: whether a[i] moves.
        pod_vector<std::size_t> b_from;
        pod_vector<std::size_t> b_move;
        pod_vector<unsigned char> a_state;  // 0 removed, 1 kept or paired, 2 moved, 3 gone
        if (!b_from.resize(m, npos) || !b_move.resize(m, npos) || !a_state.resize(n, 0))
            return errc::out_of_memory;
        if (!work_.charge(n + m)) return errc::work_limit_exceeded;
        errc e = errc::success;

        pod_vector<std::size_t> removed;  // unpaired elements of a
        pod_vector<std::size_t> added;    // unpaired elements of b
        std::size_t pi = 0;
        std::size_t pj = 0;
        for (std::size_t k = 0; k <= keep.size(); ++k) {
            const std::size_t ci = k < keep.size() ? keep[k].i : n;
            const std::size_t cj = k < keep.size() ? keep[k].j : m;
            const std::size_t dels = ci - pi;
            const std::size_t ins = cj - pj;
            const std::size_t both = dels < ins ? dels : ins;
            for (std::size_t t = 0; t < both; ++t) {
                b_from[pj + t] = pi + t;
                a_state[pi + t] = 1;
            }
            for (std::size_t t = both; t < dels; ++t)
                if (!removed.push_back(pi + t)) return errc::out_of_memory;
            for (std::size_t t = both; t < ins; ++t)
                if (!added.push_back(pj + t)) return errc::out_of_memory;
            if (k < keep.size()) {
                b_from[cj] = ci;
                a_state[ci] = 1;
                pi = ci + 1;
                pj = cj + 1;
            }
        }

        std::size_t moves = 0;
        e = find_moves(removed, ha, added, hb, a_state, b_move, moves,
                       [&](std::size_t i, std::size_t j, bool& same) noexcept {
                           return equal(a[static_cast<S>(i)], ia[i], b[static_cast<S>(j)], ib[j],
                                        same);
                       });
        if (e != errc::success) return e;

        // The alignment must never take more operations than pairing by index. Both are
        // bounded with pairwise_cost() (what pairing by index takes, here and below), over the
        // pairs where the two layouts differ: by induction the walk then emits no more for any
        // pair than nlohmann::json::diff does.
        std::size_t aligned_cost = removed.size() + added.size() - moves;
        std::size_t index_cost = n > m ? n - m : m - n;
        for (std::size_t j = 0; j < m; ++j) {
            const std::size_t i = b_from[j];
            if (i == npos || i == j) continue;
            std::size_t c = 0;
            e = pairwise_cost(a[static_cast<S>(i)], ia[i], b[static_cast<S>(j)], ib[j], c);
            if (e != errc::success) return e;
            aligned_cost += c;
        }
        for (std::size_t i = 0; i < n && i < m; ++i) {
            if (b_from[i] == i) continue;
            std::size_t c = 0;
            e = pairwise_cost(a[static_cast<S>(i)], ia[i], b[static_cast<S>(i)], ib[i], c);
            if (e != errc::success) return e;
            index_cost += c;
        }
        if (index_cost < aligned_cost) return index_items(a, b, ia, ib);

        // Inserts, removes and moves, each at the index it has when applied. The array is
        // rebuilt left to right: `p` is where b[j] goes; a[frontier...] are the elements not yet
        // reached. An element that moves right is left in place ("parked") when reached and moved
        // from there once its target comes; one that moves left is taken from ahead.
        // A parked element's index is where it was parked, less one for each element parked
        // before it that moved out after it was parked.
        struct parked_element {
            std::size_t i;
            std::size_t at;      // index when parked
            std::size_t parked;  // `events` then
            std::size_t out;     // `events` when moved out, or npos
        };
        pod_vector<parked_element> parked;
        std::size_t events = 0;
        std::size_t p = 0;
        std::size_t frontier = 0;
        const auto reach = [&](std::size_t limit) noexcept -> errc {
            for (; frontier < limit; ++frontier) {
                const std::size_t x = frontier;
                if (a_state[x] == 3) continue;
                if (a_state[x] == 2) {
                    if (!parked.push_back(parked_element{x, p, events++, npos}))
                        return errc::out_of_memory;
                    ++p;
                    continue;
                }
                const errc r = push_item(make_item(item_kind::remove, index_token(p),
                                                   &a[static_cast<S>(x)], ia[x], nullptr, 0));
                if (r != errc::success) return r;
            }
            return errc::success;
        };
        for (std::size_t j = 0; j < m; ++j) {
            if (b_from[j] != npos) {
                e = reach(b_from[j]);
                ++p;
                frontier = b_from[j] + 1;
            } else if (b_move[j] != npos) {
                const std::size_t i = b_move[j];
                item it = make_item(item_kind::move, index_token(p), &a[static_cast<S>(i)], ia[i],
                                    nullptr, 0);
                std::size_t q = 0;
                if (i < frontier) {
                    std::size_t k = 0;
                    while (parked[k].i != i) ++k;
                    std::size_t before = 0;
                    for (std::size_t w = 0; w < k; ++w)
                        if (parked[w].out != npos && parked[w].out > parked[k].parked) ++before;
                    if (!work_.charge(2 * k + 1)) return errc::work_limit_exceeded;
                    parked[k].out = events++;
                    q = parked[k].at - before;
                    it.at = index_token(p - 1);  // taken out from before p
                } else {
                    std::size_t present = 0;
                    for (std::size_t x = frontier; x < i; ++x)
                        if (a_state[x] != 3) ++present;
                    if (!work_.charge(i - frontier + 1)) return errc::work_limit_exceeded;
                    q = p + present;
                    a_state[i] = 3;
                    ++p;
                }
                it.from = index_token(q);
                if (q != it.at.value) e = push_item(it);
            } else {
                e = push_item(make_item(item_kind::add, index_token(p), nullptr, 0,
                                        &b[static_cast<S>(j)], ib[j]));
                ++p;
            }
            if (e != errc::success) return e;
        }
        e = reach(n);
        if (e != errc::success) return e;

        // The kept and paired elements, at their final indices.
        for (std::size_t j = 0; j < m; ++j) {
            if (b_from[j] == npos) continue;
            const std::size_t i = b_from[j];
            e = pair_if_different(a[static_cast<S>(i)], ia[i], b[static_cast<S>(j)], ib[j],
                                  index_token(j));
            if (e != errc::success) return e;
        }
        return errc::success;
    }

    // --- objects -------------------------------------------------------------------------------

    // Members of `a` matched with members of `b` by name. Leaves `pushed` false (the caller then
    // replaces the object whole) when either has a name twice: a pointer reaches only the first.
    errc object_items(const V& a, const V& b, std::size_t a_id, std::size_t b_id,
                      bool& pushed) noexcept {
        pushed = false;
        pod_vector<std::size_t> ia;
        pod_vector<std::size_t> ib;
        errc e = child_ids(a, a_id, nodes_a_, ia);
        if (e == errc::success) e = child_ids(b, b_id, nodes_b_, ib);
        if (e != errc::success) return e;
        const auto ma = members(a);
        const auto mb = members(b);
        const std::size_t n = ma.size();
        const std::size_t m = mb.size();

        // a_match[i]: the member of b with a[i]'s name; b_match[j] likewise.
        pod_vector<std::size_t> a_match;
        pod_vector<std::size_t> b_match;
        bool duplicates = false;
        e = match_members(a, b, a_match, b_match, duplicates);
        if (e != errc::success || duplicates) return e;

        // Renames: a removed and an added member of equal value become a move.
        pod_vector<std::size_t> b_move;     // the member of a moved to b[j]
        pod_vector<unsigned char> a_state;  // 0 removed, 1 kept, 2 moved
        if (!b_move.resize(m, npos) || !a_state.resize(n, 1)) return errc::out_of_memory;
        if (cfg_.layout == diff_layout::compact) {
            pod_vector<std::size_t> removed;
            pod_vector<std::size_t> added;
            pod_vector<std::uint64_t> ha;
            pod_vector<std::uint64_t> hb;
            if (!ha.resize(n) || !hb.resize(m)) return errc::out_of_memory;
            for (std::size_t i = 0; i < n; ++i) {
                ha[i] = nodes_a_[ia[i]].hash;
                if (a_match[i] != npos) continue;
                a_state[i] = 0;
                if (!removed.push_back(i)) return errc::out_of_memory;
            }
            for (std::size_t j = 0; j < m; ++j) {
                hb[j] = nodes_b_[ib[j]].hash;
                if (b_match[j] == npos && !added.push_back(j)) return errc::out_of_memory;
            }
            std::size_t moves = 0;
            e = find_moves(removed, ha, added, hb, a_state, b_move, moves,
                           [&](std::size_t i, std::size_t j, bool& same) noexcept {
                               return equal(ma.begin()[i].value, ia[i], mb.begin()[j].value, ib[j],
                                            same);
                           });
            if (e != errc::success) return e;
        }

        // Byte-exact: the members of b after its longest prefix already in a's order go last.
        std::size_t in_order = m;
        if (cfg_.mode == compare_mode::identical) {
            std::size_t last = 0;
            for (in_order = 0; in_order < m; ++in_order) {
                const std::size_t i = b_match[in_order];
                if (i == npos || (in_order > 0 && i <= last)) break;
                last = i;
            }
        }

        for (std::size_t i = 0; i < n; ++i) {
            const auto& x = ma.begin()[i];
            const std::size_t j = a_match[i];
            if (j != npos && j < in_order) {
                e = pair_if_different(x.value, ia[i], mb.begin()[j].value, ib[j],
                                      name_token(x.name));
            } else if (a_state[i] != 2) {
                e = push_item(
                    make_item(item_kind::remove, name_token(x.name), &x.value, ia[i], nullptr, 0));
            }
            if (e != errc::success) return e;
        }
        for (std::size_t j = 0; j < m; ++j) {
            if (b_match[j] != npos && j < in_order) continue;
            const auto& y = mb.begin()[j];
            if (b_move[j] != npos) {
                const std::size_t i = b_move[j];
                item it = make_item(item_kind::move, name_token(y.name), &ma.begin()[i].value,
                                    ia[i], nullptr, 0);
                it.from = name_token(ma.begin()[i].name);
                e = push_item(it);
            } else {
                e = push_item(
                    make_item(item_kind::add, name_token(y.name), nullptr, 0, &y.value, ib[j]));
            }
            if (e != errc::success) return e;
        }
        pushed = true;
        return errc::success;
    }

    // Code-unit order of two names.
    static bool name_less(const V& x, const V& y) noexcept {
        using U = std::make_unsigned_t<Ch>;
        const std::size_t n = x.GetStringLength();
        const std::size_t m = y.GetStringLength();
        const Ch* p = x.GetString();
        const Ch* q = y.GetString();
        for (std::size_t k = 0; k < n && k < m; ++k)
            if (p[k] != q[k]) return static_cast<U>(p[k]) < static_cast<U>(q[k]);
        return n < m;
    }

    diff_config cfg_;
    work_meter& work_;
    bool tables_ = cfg_.layout == diff_layout::compact;  // node tables: hashes, sizes
    node_table<V> nodes_a_;
    node_table<V> nodes_b_;
    pod_vector<frame> frames_;
    pod_vector<item> items_;
    pod_vector<Ch> path_;   // the pointer of the pair being looked at
    pod_vector<Ch> arena_;  // the pointers of the operations found
    pod_vector<diff_op<V>> ops_;
    std::size_t bytes_ = 0;  // op_bytes() of ops_, summed
};

}  // namespace detail
}  // namespace relpatch

#endif
