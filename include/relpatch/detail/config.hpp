#ifndef RELPATCH_DETAIL_CONFIG_HPP
#define RELPATCH_DETAIL_CONFIG_HPP

// Build-time configuration shared by every header.

#include <rapidjson/rapidjson.h>

#include <cstddef>

// RELPATCH_ASSERT checks the library's own preconditions and invariants (never input: bad input
// gets an errc). It defaults to RAPIDJSON_ASSERT, so a program that already overrides RapidJSON's
// assertions overrides relpatch's the same way; define it before including relpatch to change it.
#ifndef RELPATCH_ASSERT
#define RELPATCH_ASSERT(x) RAPIDJSON_ASSERT(x)
#endif

// RapidJSON master's optional member index (RAPIDJSON_USE_MEMBERSMAP) keeps a map beside each
// object's member array. relpatch inserts, erases and reorders members in that array directly
// (RapidJSON 1.1.0 has no order-preserving insert), which would leave the map pointing at the
// wrong members. Refuse the configuration rather than corrupt documents.
#if defined(RAPIDJSON_USE_MEMBERSMAP) && RAPIDJSON_USE_MEMBERSMAP
#error "relpatch does not support RAPIDJSON_USE_MEMBERSMAP=1: it edits member arrays directly"
#endif

// The scanner's inner steps, inlined into its one loop so that its state stays in registers; and
// the rare step it keeps out of that loop.
#if defined(__GNUC__) || defined(__clang__)
#define RELPATCH_DETAIL_ALWAYS_INLINE inline __attribute__((always_inline))
#define RELPATCH_DETAIL_NOINLINE __attribute__((noinline))
#elif defined(_MSC_VER)
#define RELPATCH_DETAIL_ALWAYS_INLINE __forceinline
#define RELPATCH_DETAIL_NOINLINE __declspec(noinline)
#else
#define RELPATCH_DETAIL_ALWAYS_INLINE inline
#define RELPATCH_DETAIL_NOINLINE
#endif

namespace relpatch {
namespace detail {

// T, in a context that takes no part in template argument deduction, so that an optional
// out-parameter can be given as nullptr (std::type_identity_t in C++20).
template <class T>
struct non_deduced {
    using type = T;
};
template <class T>
using non_deduced_t = typename non_deduced<T>::type;

// Operations a patch may have before the decoded patch and the undo log need the heap; also
// the most the release fast path reads.
constexpr std::size_t inline_ops = 16;

}  // namespace detail
}  // namespace relpatch

#endif
