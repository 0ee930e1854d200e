#ifndef RELPATCH_DETAIL_MEMBERS_HPP
#define RELPATCH_DETAIL_MEMBERS_HPP

// An object's members as a plain pointer range. RapidJSON 1.1.0's GenericMemberIterator
// comparisons are ambiguous under C++20 (-Wambiguous-reversed-operator), so relpatch never
// compares member iterators.

#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

namespace relpatch {
namespace detail {

template <class V>
using member_t = std::remove_reference_t<decltype(*std::declval<V&>().MemberBegin())>;

template <class V>
struct member_span {
    member_t<V>* first;
    member_t<V>* last;
    member_t<V>* begin() const noexcept { return first; }
    member_t<V>* end() const noexcept { return last; }
    std::size_t size() const noexcept { return static_cast<std::size_t>(last - first); }
};

// Whether the `n` code units at `s` are the ASCII text `literal`: how relpatch compares member
// names, op names and keywords with fixed words.
template <class Ch>
constexpr bool equals_ascii(const Ch* s, std::size_t n, std::string_view literal) noexcept {
    if (n != literal.size()) return false;
    for (std::size_t i = 0; i < n; ++i)
        if (s[i] != static_cast<Ch>(literal[i])) return false;
    return true;
}

// Precondition: v.IsObject().
template <class V>
inline member_span<V> members(V& v) noexcept {
    member_t<V>* first = v.MemberBegin().operator->();
    return {first, first + v.MemberCount()};
}

}  // namespace detail
}  // namespace relpatch

#endif
