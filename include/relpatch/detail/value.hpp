#ifndef RELPATCH_DETAIL_VALUE_HPP
#define RELPATCH_DETAIL_VALUE_HPP

// Value algorithms RapidJSON 1.1.0 lacks or gets wrong for JSON Patch, none of them recursive
// (each walks with an explicit stack on the heap, so document depth never reaches the thread
// stack), each charging a work meter:
// - compare(): RFC 6902 equality ("test"), or identity of serialization (changed());
// - measure(): depth and the exact bytes a copy takes in a RapidJSON allocator;
// - emit_value() / deep_copy(): a value into a document builder, and a copy with exactly sized
//   arrays and objects that never shares strings;
// - insert_element() / insert_member(): order-preserving inserts at memmove speed.

#include <relpatch/error.hpp>
#include <relpatch/detail/config.hpp>
#include <relpatch/detail/members.hpp>
#include <relpatch/detail/small_vector.hpp>

#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace relpatch {
namespace detail {

// What one patch may still spend (limits::max_work). One unit is about one value visited, one
// element shifted, or bytes_per_unit bytes compared or copied.
class work_meter {
public:
    static constexpr std::size_t bytes_per_unit = 32;

    explicit work_meter(std::size_t budget) noexcept : left_(budget) {}
    // False, with the budget spent, when `units` is more than is left.
    bool charge(std::size_t units) noexcept {
        if (units > left_) {
            left_ = 0;
            return false;
        }
        left_ -= units;
        return true;
    }
    bool charge_bytes(std::size_t bytes) noexcept { return charge(1 + bytes / bytes_per_unit); }
    std::size_t left() const noexcept { return left_; }

private:
    std::size_t left_;
};

// --- numbers ---------------------------------------------------------------------------------

// Whether double `d` is exactly the integer `i` (no rounding: 2^53 + 1 != 2^53 as a double).
inline bool double_equals_int64(double d, std::int64_t i) noexcept {
    // [-2^63, 2^63) is exactly representable at both ends as doubles.
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return false;
    if (std::trunc(d) != d) return false;
    return static_cast<std::int64_t>(d) == i;
}
inline bool double_equals_uint64(double d, std::uint64_t u) noexcept {
    if (!(d >= 0.0 && d < 18446744073709551616.0)) return false;
    if (std::trunc(d) != d) return false;
    return static_cast<std::uint64_t>(d) == u;
}

template <class V>
inline bool is_integer(const V& v) noexcept {
    return v.IsInt64() || v.IsUint64();
}

// Integers compared exactly as integers (-1 never equals 2^64 - 1).
template <class V>
inline bool integers_equal(const V& a, const V& b) noexcept {
    if (a.IsUint64() && b.IsUint64()) return a.GetUint64() == b.GetUint64();
    if (a.IsInt64() && b.IsInt64()) return a.GetInt64() == b.GetInt64();
    return false;  // one is negative, the other above INT64_MAX
}

// RFC 6902: numbers are equal when their values are (1 equals 1.0).
template <class V>
inline bool numbers_equal(const V& a, const V& b) noexcept {
    const bool a_int = is_integer(a);
    const bool b_int = is_integer(b);
    if (a_int && b_int) return integers_equal(a, b);
    // Exact comparison is what RFC 6902 asks for: two doubles are the same number or not.
    if (!a_int && !b_int) return std::equal_to<double>()(a.GetDouble(), b.GetDouble());
    const V& d = a_int ? b : a;
    const V& i = a_int ? a : b;
    return i.IsInt64() ? double_equals_int64(d.GetDouble(), i.GetInt64())
                       : double_equals_uint64(d.GetDouble(), i.GetUint64());
}

// Whether RapidJSON's Writer spells both numbers the same: both integers of one value, or both
// doubles with the same bits (1 and 1.0 differ, so do 0.0 and -0.0).
template <class V>
inline bool numbers_identical(const V& a, const V& b) noexcept {
    const bool a_int = is_integer(a);
    if (a_int != is_integer(b)) return false;
    if (a_int) return integers_equal(a, b);
    const double x = a.GetDouble();
    const double y = b.GetDouble();
    return std::memcmp(&x, &y, sizeof x) == 0;
}

template <class V>
inline bool strings_equal(const V& a, const V& b) noexcept {
    const auto n = a.GetStringLength();
    return n == b.GetStringLength() &&
           (n == 0 || std::memcmp(a.GetString(), b.GetString(), n * sizeof(typename V::Ch)) == 0);
}

// Whether two scalars serialize the same.
template <class V>
inline bool scalars_identical(const V& a, const V& b) noexcept {
    if (a.GetType() != b.GetType()) return false;
    if (a.IsNumber()) return numbers_identical(a, b);
    if (a.IsString()) return strings_equal(a, b);
    return true;
}

// --- comparison --------------------------------------------------------------------------------

enum class compare_mode {
    rfc,       // RFC 6902 section 4.6: numbers by value, objects regardless of member order
    identical  // the same serialization: number spelling and member order count
};

// Orders members by name, then by position (members are contiguous), so that objects with
// duplicate names compare the same way from both sides.
template <class M>
struct member_order {
    bool operator()(const M* x, const M* y) const noexcept {
        const auto n = x->name.GetStringLength();
        const auto m = y->name.GetStringLength();
        const auto k = n < m ? n : m;
        using U =
            std::make_unsigned_t<typename std::remove_reference_t<decltype(*x->name.GetString())>>;
        const auto* a = x->name.GetString();
        const auto* b = y->name.GetString();
        for (std::size_t i = 0; i < k; ++i)
            if (a[i] != b[i]) return static_cast<U>(a[i]) < static_cast<U>(b[i]);
        if (n != m) return n < m;
        return x < y;
    }
};

// Compares `a` and `b`; `same` receives the answer. Objects whose names come in the same order
// compare position by position; otherwise both member lists are sorted by name (O(n log n)) and
// matched in that order, which is symmetric even with duplicate names. Errors:
// work_limit_exceeded, out_of_memory (nothing else: comparing changes nothing).
// Time: O(size of the smaller value) plus the sorts; memory: O(depth) frames plus the sorted
// member lists along the current path.
template <class V>
inline errc compare(const V& a, const V& b, compare_mode mode, work_meter& work,
                    bool& same) noexcept {
    using M = member_t<const V>;
    struct frame {
        const V* a;
        const V* b;
        std::size_t next;
        std::size_t size;
        const M** sorted;  // 2 * size members, pairwise matched, or null
    };
    struct frames_t : small_vector<frame, 16> {
        ~frames_t() {
            for (std::size_t i = 0; i < this->size(); ++i) std::free((*this)[i].sorted);
        }
    } frames;

    // Compares scalars at once; pushes a frame for two containers. False when they differ.
    const auto visit = [&](const V& x, const V& y, errc& e) noexcept -> bool {
        if (!work.charge(1)) {
            e = errc::work_limit_exceeded;
            return false;
        }
        if (x.GetType() != y.GetType()) return false;
        switch (x.GetType()) {
        case RAPIDJSON_NAMESPACE::kNullType:
        case RAPIDJSON_NAMESPACE::kFalseType:
        case RAPIDJSON_NAMESPACE::kTrueType: return true;
        case RAPIDJSON_NAMESPACE::kNumberType:
            return mode == compare_mode::rfc ? numbers_equal(x, y) : numbers_identical(x, y);
        case RAPIDJSON_NAMESPACE::kStringType:
            if (!work.charge_bytes(x.GetStringLength() * sizeof(typename V::Ch))) {
                e = errc::work_limit_exceeded;
                return false;
            }
            return strings_equal(x, y);
        case RAPIDJSON_NAMESPACE::kArrayType:
            if (x.Size() != y.Size()) return false;
            if (x.Size() == 0) return true;
            if (!frames.push_back(frame{&x, &y, 0, x.Size(), nullptr})) {
                e = errc::out_of_memory;
                return false;
            }
            return true;
        case RAPIDJSON_NAMESPACE::kObjectType: break;
        }
        const auto mine = members(x);
        const auto theirs = members(y);
        const std::size_t n = mine.size();
        if (n != theirs.size()) return false;
        if (n == 0) return true;
        std::size_t k = 0;
        while (k < n && strings_equal(mine.begin()[k].name, theirs.begin()[k].name)) ++k;
        if (!work.charge(k)) {
            e = errc::work_limit_exceeded;
            return false;
        }
        const M** sorted = nullptr;
        if (k != n) {
            if (mode == compare_mode::identical) return false;
            std::size_t log2 = 1;
            while ((std::size_t{1} << log2) < n) ++log2;
            if (!work.charge(2 * n * log2)) {
                e = errc::work_limit_exceeded;
                return false;
            }
            sorted = static_cast<const M**>(std::malloc(2 * n * sizeof(const M*)));
            if (sorted == nullptr) {
                e = errc::out_of_memory;
                return false;
            }
            const M** left = sorted;
            const M** right = sorted + n;
            for (std::size_t i = 0; i < n; ++i) {
                left[i] = mine.begin() + i;
                right[i] = theirs.begin() + i;
            }
            std::sort(left, left + n, member_order<M>());
            std::sort(right, right + n, member_order<M>());
            for (std::size_t i = 0; i < n; ++i) {
                if (!strings_equal(left[i]->name, right[i]->name)) {
                    std::free(sorted);
                    return false;
                }
            }
        }
        if (!frames.push_back(frame{&x, &y, 0, n, sorted})) {
            std::free(sorted);
            e = errc::out_of_memory;
            return false;
        }
        return true;
    };

    errc e = errc::success;
    same = visit(a, b, e);
    while (same && !frames.empty()) {
        frame& f = frames.back();
        if (f.next == f.size) {
            std::free(f.sorted);
            frames.pop_back();
            continue;
        }
        const std::size_t i = f.next++;
        const V* x;
        const V* y;
        if (f.a->IsArray()) {
            x = &(*f.a)[static_cast<RAPIDJSON_NAMESPACE::SizeType>(i)];
            y = &(*f.b)[static_cast<RAPIDJSON_NAMESPACE::SizeType>(i)];
        } else if (f.sorted != nullptr) {
            x = &f.sorted[i]->value;
            y = &f.sorted[f.size + i]->value;
        } else {
            x = &members(*f.a).begin()[i].value;
            y = &members(*f.b).begin()[i].value;
        }
        same = visit(*x, *y, e);
    }
    if (e != errc::success) same = false;
    return e;
}

// --- sizes -------------------------------------------------------------------------------------

// What RapidJSON's allocators hand out for `bytes` (MemoryPoolAllocator rounds up to 8).
constexpr std::size_t allocation_size(std::size_t bytes) noexcept {
    return (bytes + 7u) & ~std::size_t{7};
}

// Bytes a copy of a string of `length` code units allocates: none when it fits inside the value
// (RapidJSON's short-string optimization keeps up to sizeof(V) - 2 bytes of payload, one code
// unit of which holds the length), else the characters and a terminator.
template <class V>
constexpr std::size_t string_bytes(std::size_t length) noexcept {
    using Ch = typename V::Ch;
    constexpr std::size_t short_max = (sizeof(V) - 2) / sizeof(Ch) - 1;
    return length <= short_max ? 0 : allocation_size((length + 1) * sizeof(Ch));
}

template <class V>
constexpr std::size_t member_bytes() noexcept {
    return sizeof(member_t<V>);
}

// The capacity of an object's member array. RapidJSON 1.1.0 has no accessor for it; every
// RapidJSON release lays an object out as {SizeType size; SizeType capacity; Member* members}
// at the start of the value (checked against MemberCount() here, and by a unit test). When the
// check fails the object is taken as full, which only overcharges.
template <class V>
inline std::size_t member_capacity(const V& object) noexcept {
    using S = RAPIDJSON_NAMESPACE::SizeType;
    S size = 0;
    S capacity = 0;
    std::memcpy(&size, reinterpret_cast<const unsigned char*>(&object), sizeof size);
    std::memcpy(&capacity, reinterpret_cast<const unsigned char*>(&object) + sizeof size,
                sizeof capacity);
    if (size != object.MemberCount() || capacity < size) return object.MemberCount();
    return capacity;
}

// RapidJSON's growth rule for arrays and objects (PushBack, AddMember): 16, then half again.
constexpr std::size_t grown_capacity(std::size_t capacity) noexcept {
    return capacity == 0 ? 16 : capacity + (capacity + 1) / 2;
}

// Bytes the allocator takes when one more element or member is added to `container`: the new
// buffer when it is full, else nothing.
template <class V>
inline std::size_t growth_bytes(const V& container) noexcept {
    if (container.IsArray()) {
        const std::size_t cap = container.Capacity();
        return container.Size() < cap ? 0 : allocation_size(grown_capacity(cap) * sizeof(V));
    }
    const std::size_t cap = member_capacity(container);
    return container.MemberCount() < cap ? 0
                                         : allocation_size(grown_capacity(cap) * member_bytes<V>());
}

struct value_size {
    std::size_t depth = 0;  // containers on the deepest path: 0 for a scalar, 1 for [] or [1]
    std::size_t bytes = 0;  // what deep_copy allocates
};

// Measures `v`: its depth (refused past `max_depth` with nesting_too_deep) and the bytes a copy
// takes (refused past `max_bytes` with growth_limit_exceeded); charges one unit per value.
// Time O(size of v); memory O(depth) frames.
template <class V>
inline errc measure(const V& v, std::size_t max_depth, std::size_t max_bytes, work_meter& work,
                    value_size& out) noexcept {
    out = value_size();
    if (!v.IsArray() && !v.IsObject()) {  // the common case: no frames
        if (!work.charge(1)) return errc::work_limit_exceeded;
        out.bytes = v.IsString() ? string_bytes<V>(v.GetStringLength()) : 0;
        return out.bytes > max_bytes ? errc::growth_limit_exceeded : errc::success;
    }
    struct frame {
        const V* v;
        std::size_t next;
    };
    small_vector<frame, 16> frames;
    const auto visit = [&](const V& x) noexcept -> errc {
        if (!work.charge(1)) return errc::work_limit_exceeded;
        std::size_t bytes = 0;
        if (x.IsString()) {
            bytes = string_bytes<V>(x.GetStringLength());
        } else if (x.IsArray() || x.IsObject()) {
            if (frames.size() + 1 > max_depth) return errc::nesting_too_deep;
            const std::size_t n = x.IsArray() ? x.Size() : x.MemberCount();
            bytes = allocation_size(n * (x.IsArray() ? sizeof(V) : member_bytes<V>()));
            if (!frames.push_back(frame{&x, 0})) return errc::out_of_memory;
            if (frames.size() > out.depth) out.depth = frames.size();
        }
        if (bytes > max_bytes - out.bytes) return errc::growth_limit_exceeded;
        out.bytes += bytes;
        return errc::success;
    };
    errc e = visit(v);
    while (e == errc::success && !frames.empty()) {
        frame& f = frames.back();
        const V& c = *f.v;
        if (c.IsArray()) {
            if (f.next == c.Size()) {
                frames.pop_back();
                continue;
            }
            e = visit(c[static_cast<RAPIDJSON_NAMESPACE::SizeType>(f.next++)]);
        } else {
            if (f.next == c.MemberCount()) {
                frames.pop_back();
                continue;
            }
            const auto& m = members(c).begin()[f.next++];
            const std::size_t name = string_bytes<V>(m.name.GetStringLength());
            if (name > max_bytes - out.bytes) return errc::growth_limit_exceeded;
            out.bytes += name;
            e = visit(m.value);
        }
    }
    return e;
}

// --- copying -----------------------------------------------------------------------------------

// A value being walked without recursion: the value and the index of its next child.
template <class V>
struct walk_frame {
    const V* v;
    std::size_t next;
};

// Emits `in` into `b`, a RapidJSON handler (a document builder), without recursion: arrays and
// objects are walked on `frames`, a stack of walk_frame<V> (push_back() false when it cannot
// grow, back(), pop_back(), empty()). Strings, member names included, are always copied; numbers
// keep their representation. `frames` is empty on entry and left empty on success, so a caller
// may reuse it, and its storage, for the next value. False when `frames` cannot grow (out of
// memory); `b` then holds an unfinished value. Time O(size of in); memory O(depth) frames.
template <class V, class Handler, class Frames>
inline bool emit_value(Handler& b, const V& in, Frames& frames) noexcept {
    bool out_of_memory = false;
    const auto emit = [&](const V& x) noexcept {
        switch (x.GetType()) {
        case RAPIDJSON_NAMESPACE::kNullType: b.Null(); break;
        case RAPIDJSON_NAMESPACE::kFalseType: b.Bool(false); break;
        case RAPIDJSON_NAMESPACE::kTrueType: b.Bool(true); break;
        case RAPIDJSON_NAMESPACE::kStringType:
            b.String(x.GetString(), x.GetStringLength(), true);
            break;
        case RAPIDJSON_NAMESPACE::kNumberType:
            if (x.IsUint64())
                b.Uint64(x.GetUint64());
            else if (x.IsInt64())
                b.Int64(x.GetInt64());
            else
                b.Double(x.GetDouble());
            break;
        case RAPIDJSON_NAMESPACE::kArrayType:
            b.StartArray();
            if (!frames.push_back(walk_frame<V>{&x, 0})) out_of_memory = true;
            break;
        case RAPIDJSON_NAMESPACE::kObjectType:
            b.StartObject();
            if (!frames.push_back(walk_frame<V>{&x, 0})) out_of_memory = true;
            break;
        }
    };
    emit(in);
    while (!out_of_memory && !frames.empty()) {
        walk_frame<V>& f = frames.back();
        const V& c = *f.v;
        if (c.IsArray()) {
            if (f.next == c.Size()) {
                b.EndArray(c.Size());
                frames.pop_back();
                continue;
            }
            emit(c[static_cast<RAPIDJSON_NAMESPACE::SizeType>(f.next++)]);
        } else {
            if (f.next == c.MemberCount()) {
                b.EndObject(c.MemberCount());
                frames.pop_back();
                continue;
            }
            const auto& m = members(c).begin()[f.next++];
            b.Key(m.name.GetString(), m.name.GetStringLength(), true);
            emit(m.value);
        }
    }
    return !out_of_memory;
}

// RapidJSON's document builder for values of V allocated in `Allocator`: arrays and objects
// get exactly their size, as parsing gives them. Its stack is on the C heap.
template <class V, class Allocator>
using value_builder = RAPIDJSON_NAMESPACE::GenericDocument<typename V::EncodingType, Allocator,
                                                           RAPIDJSON_NAMESPACE::CrtAllocator>;

// Builds one value into `out`, in `alloc`: `generate(value_builder<V, Allocator>&)` makes the
// builder's calls for it and returns false when it ran out of memory (`out` is then untouched).
template <class V, class Allocator, class Generate>
inline errc build_value(V& out, Allocator& alloc, Generate&& generate) noexcept {
    bool ok = false;
    const auto populate = [&](value_builder<V, Allocator>& b) noexcept {
        ok = generate(b);
        return ok;
    };
    RAPIDJSON_NAMESPACE::CrtAllocator stack_allocator;
    value_builder<V, Allocator> builder(&alloc, 1024, &stack_allocator);
    builder.Populate(populate);
    if (!ok) return errc::out_of_memory;
    out.Swap(builder);
    return errc::success;
}

// Deep copy of `in` into `out`, allocated in `alloc`. Arrays and objects get exactly their size
// (built through RapidJSON's own document builder, as parsing does), strings are always copied
// (1.1.0's copy constructor shares constant strings, which would point into the patch), numbers
// keep their representation. Allocates exactly what measure() reports. Time O(size of in);
// memory O(depth) frames plus the builder's stack.
template <class V, class Allocator>
inline errc deep_copy(V& out, const V& in, Allocator& alloc) noexcept {
    if (!in.IsArray() && !in.IsObject()) {
        if (in.IsString())
            out.SetString(in.GetString(), in.GetStringLength(), alloc);
        else
            out.CopyFrom(in, alloc);  // a number, boolean or null: nothing to share
        return errc::success;
    }
    small_vector<walk_frame<V>, 16> frames;
    return build_value(out, alloc, [&](value_builder<V, Allocator>& b) noexcept {
        return emit_value(b, in, frames);
    });
}

// --- growing containers ------------------------------------------------------------------------

// RapidJSON 1.1.0's MemoryPoolAllocator::Realloc reads its current chunk without checking that
// there is one, so growing a container whose buffer came from elsewhere (a value copied into a
// scratch allocator, a document built by hand) crashes when the pool has never allocated. Give
// such a pool its first chunk before it grows anything (8 bytes of it are used).
template <class Allocator>
inline void ready_to_grow(Allocator&) noexcept {}
template <class Base>
inline void ready_to_grow(RAPIDJSON_NAMESPACE::MemoryPoolAllocator<Base>& pool) noexcept {
    if (pool.Capacity() == 0) (void)pool.Malloc(1);
}

// --- ordered inserts ---------------------------------------------------------------------------

// Moves the last of `count` objects at `base` to position `pos`, shifting the others up by one
// with a single memmove. RapidJSON values are relocatable: RapidJSON itself moves them with
// memcpy and memmove.
template <class T>
inline void rotate_last_to(T* base, std::size_t count, std::size_t pos) noexcept {
    if (pos + 1 >= count) return;
    alignas(T) unsigned char last[sizeof(T)];
    std::memcpy(last, static_cast<void*>(base + count - 1), sizeof(T));
    std::memmove(static_cast<void*>(base + pos + 1), static_cast<void*>(base + pos),
                 (count - 1 - pos) * sizeof(T));
    std::memcpy(static_cast<void*>(base + pos), last, sizeof(T));
}

// Inserts `value` (moved from) before position `pos` of `array`, keeping the order of the rest.
// Cost: one PushBack and one memmove of the elements after pos.
template <class V, class Allocator>
inline void insert_element(V& array, std::size_t pos, V& value, Allocator& alloc) noexcept {
    if (array.Size() == array.Capacity()) ready_to_grow(alloc);
    array.PushBack(value, alloc);
    rotate_last_to(&array[0], array.Size(), pos);
}

// Inserts member (`name`, `value`) (both moved from) at position `pos` of `object`.
template <class V, class Allocator>
inline void insert_member(V& object, std::size_t pos, V& name, V& value,
                          Allocator& alloc) noexcept {
    if (object.MemberCount() == member_capacity(object)) ready_to_grow(alloc);
    object.AddMember(name, value, alloc);
    rotate_last_to(members(object).begin(), object.MemberCount(), pos);
}

}  // namespace detail
}  // namespace relpatch

#endif
