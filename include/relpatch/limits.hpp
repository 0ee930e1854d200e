#ifndef RELPATCH_LIMITS_HPP
#define RELPATCH_LIMITS_HPP

/// @file
/// Bounds on what one patch (or one parsed document) may cost, so that hostile input costs
/// bounded stack, time and memory.

#include <cstddef>

namespace relpatch {

/// No depth limit is ever taken above this, whatever `limits` says: RapidJSON's destructor (for
/// allocators that free) and its Writer recurse once per level, and this many levels fit in the
/// default thread stack of every platform relpatch supports, sanitizers included. relpatch's own
/// algorithms never recurse.
constexpr std::size_t hard_max_depth = 10000;

/// Bounds on what one patch may ask for. Pass your own to apply_patch to change them; every
/// field is checked before or while applying, and a patch over any of them is refused whole,
/// with the document unchanged.
struct limits {
    /// Operations in one patch (`too_many_operations`).
    std::size_t max_operations = 1024;
    /// Code units in one "path" or "from" pointer (`pointer_too_long`).
    std::size_t max_pointer_length = 4096;
    /// Nesting of arrays and objects in the patch, counting the patch array and the operation
    /// objects (and the envelope): a "value" may nest max_depth - 2 levels (- 3 in an
    /// envelope). Taken as at most hard_max_depth (`nesting_too_deep`).
    std::size_t max_depth = 64;
    /// How deep the document may become through add, copy, move and replace, counted in
    /// containers from the root (a value at "/a/b" inside `{"a":{"b":[]}}` is at depth 3); also
    /// the deepest document parse_document accepts. Taken as at most hard_max_depth
    /// (`document_too_deep`).
    std::size_t max_document_depth = 1000;
    /// Bytes the document's allocator may take in one patch: the values and member names
    /// add, replace and copy create, and the growth of the arrays and objects they are put into
    /// (`growth_limit_exceeded`). Exact for RapidJSON's allocators, up to their alignment.
    std::size_t max_added_bytes = std::size_t{8} << 20;
    /// Size of the patch: bytes of patch text, or, for a patch given as a DOM value, bytes of
    /// the private copy relpatch makes of it (`patch_too_large`).
    std::size_t max_patch_bytes = std::size_t{4} << 20;
    /// Work one patch may cost, in units of about one value visited, one element shifted or 32
    /// bytes compared or copied: member lookups, array shifts, comparisons in "test" and
    /// copies all count (`work_limit_exceeded`). The default bounds the worst case at about a
    /// second on a 2020s server core; a release patch costs a few units per operation.
    std::size_t max_work = std::size_t{1} << 28;
};

}  // namespace relpatch

#endif
