#ifndef RELPATCH_DETAIL_VALUE_HPP
#define RELPATCH_DETAIL_VALUE_HPP

// Value algorithms RapidJSON 1.1.0 lacks or gets wrong for JSON Patch: RFC 6902 equality,
// a bounded size and depth measure, a deep copy that never shares strings, and ordered inserts.

#include <relpatch/error.hpp>
#include <relpatch/detail/members.hpp>

#include <rapidjson/document.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace relpatch {
namespace detail {

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
inline bool numbers_equal(const V& a, const V& b) noexcept {
    const bool a_int = a.IsInt64() || a.IsUint64();
    const bool b_int = b.IsInt64() || b.IsUint64();
    if (a_int && b_int) {
        if (a.IsUint64() && b.IsUint64()) return a.GetUint64() == b.GetUint64();
        if (a.IsInt64() && b.IsInt64()) return a.GetInt64() == b.GetInt64();
        return false;  // one is negative, the other above INT64_MAX
    }
    if (!a_int && !b_int) return a.GetDouble() == b.GetDouble();
    const V& d = a_int ? b : a;
    const V& i = a_int ? a : b;
    return i.IsInt64() ? double_equals_int64(d.GetDouble(), i.GetInt64())
                       : double_equals_uint64(d.GetDouble(), i.GetUint64());
}

template <class V>
inline bool strings_equal(const V& a, const V& b) noexcept {
    const auto n = a.GetStringLength();
    return n == b.GetStringLength() &&
           (n == 0 || std::memcmp(a.GetString(), b.GetString(), n * sizeof(typename V::Ch)) == 0);
}

// RFC 6902 section 4.6 equality. Recursion follows the shallower of the two values; relpatch
// calls it only with a patch value whose depth is within limits::max_depth.
template <class V>
inline bool equal(const V& a, const V& b) noexcept {
    if (a.GetType() != b.GetType()) return false;
    switch (a.GetType()) {
    case RAPIDJSON_NAMESPACE::kNullType:
    case RAPIDJSON_NAMESPACE::kFalseType:
    case RAPIDJSON_NAMESPACE::kTrueType: return true;
    case RAPIDJSON_NAMESPACE::kNumberType: return numbers_equal(a, b);
    case RAPIDJSON_NAMESPACE::kStringType: return strings_equal(a, b);
    case RAPIDJSON_NAMESPACE::kArrayType: {
        if (a.Size() != b.Size()) return false;
        for (RAPIDJSON_NAMESPACE::SizeType k = 0; k < a.Size(); ++k)
            if (!equal(a[k], b[k])) return false;
        return true;
    }
    default: {  // kObjectType
        if (a.MemberCount() != b.MemberCount()) return false;
        const auto mine = members(a);
        const auto theirs = members(b);
        // Same names in the same order (the common case, and the only reading under which an
        // object with duplicate names equals itself): compare position by position.
        std::size_t k = 0;
        while (k < mine.size() && strings_equal(mine.begin()[k].name, theirs.begin()[k].name)) ++k;
        if (k == mine.size()) {
            for (k = 0; k < mine.size(); ++k)
                if (!equal(mine.begin()[k].value, theirs.begin()[k].value)) return false;
            return true;
        }
        for (const auto& m : mine) {
            auto n = theirs.begin();
            while (n != theirs.end() && !strings_equal(m.name, n->name)) ++n;
            if (n == theirs.end() || !equal(m.value, n->value)) return false;
        }
        return true;
    }
    }
}

// Checks that `v` nests no deeper than `depth_left` containers and that a copy of it fits in
// `bytes_left` (decremented by the estimate). The recursion is bounded by `depth_left`.
template <class V>
inline errc measure(const V& v, std::size_t depth_left, std::size_t& bytes_left) noexcept {
    std::size_t cost = sizeof(V);
    if (v.IsString()) cost += (v.GetStringLength() + 1u) * sizeof(typename V::Ch);
    if (cost > bytes_left) return errc::growth_limit_exceeded;
    bytes_left -= cost;
    if (v.IsArray()) {
        if (depth_left == 0) return errc::nesting_too_deep;
        for (auto e = v.Begin(); e != v.End(); ++e) {
            const errc r = measure(*e, depth_left - 1, bytes_left);
            if (r != errc::success) return r;
        }
    } else if (v.IsObject()) {
        if (depth_left == 0) return errc::nesting_too_deep;
        for (const auto& m : members(v)) {
            errc r = measure(m.name, depth_left - 1, bytes_left);
            if (r == errc::success) r = measure(m.value, depth_left - 1, bytes_left);
            if (r != errc::success) return r;
        }
    }
    return errc::success;
}

// Deep copy into `alloc`. Unlike GenericValue's copy constructor in 1.1.0, constant strings are
// copied too, so the result never points into the patch. Call only on a value measure() passed.
template <class V, class Allocator>
inline void deep_copy(V& out, const V& in, Allocator& alloc) noexcept {
    switch (in.GetType()) {
    case RAPIDJSON_NAMESPACE::kStringType:
        out.SetString(in.GetString(), in.GetStringLength(), alloc);
        break;
    case RAPIDJSON_NAMESPACE::kArrayType:
        out.SetArray();
        out.Reserve(in.Size(), alloc);
        for (auto e = in.Begin(); e != in.End(); ++e) {
            V copy;
            deep_copy(copy, *e, alloc);
            out.PushBack(copy, alloc);
        }
        break;
    case RAPIDJSON_NAMESPACE::kObjectType:
        out.SetObject();
        for (const auto& m : members(in)) {
            V name;
            V value;
            deep_copy(name, m.name, alloc);
            deep_copy(value, m.value, alloc);
            out.AddMember(name, value, alloc);
        }
        break;
    default:
        out.CopyFrom(in, alloc);  // a scalar: no storage to share
        break;
    }
}

// Inserts `value` (moved from) before position `pos` of `array`, keeping the order of the rest.
template <class V, class Allocator>
inline void insert_element(V& array, std::size_t pos, V& value, Allocator& alloc) noexcept {
    array.PushBack(value, alloc);
    for (auto k = static_cast<std::size_t>(array.Size()) - 1; k > pos; --k) {
        const auto i = static_cast<RAPIDJSON_NAMESPACE::SizeType>(k);
        array[i].Swap(array[i - 1]);
    }
}

// Inserts member (`name`, `value`) (both moved from) at position `pos` of `object`.
template <class V, class Allocator>
inline void insert_member(V& object, std::size_t pos, V& name, V& value,
                          Allocator& alloc) noexcept {
    object.AddMember(name, value, alloc);
    auto* m = members(object).begin();
    for (auto k = static_cast<std::size_t>(object.MemberCount()) - 1; k > pos; --k) {
        m[k].name.Swap(m[k - 1].name);
        m[k].value.Swap(m[k - 1].value);
    }
}

}  // namespace detail
}  // namespace relpatch

#endif
