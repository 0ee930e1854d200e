#ifndef RELPATCH_LIMITS_HPP
#define RELPATCH_LIMITS_HPP

#include <cstddef>

namespace relpatch {

// Bounds on what one patch may ask for, so that hostile input costs bounded time and memory.
// Pass your own to apply_patch to change them; every field is checked before anything changes.
struct limits {
    // Operations in one patch.
    std::size_t max_operations = 1024;
    // Code units in one "path" or "from" pointer.
    std::size_t max_pointer_length = 4096;
    // Nesting of arrays and objects in the patch, counting the patch array and the operation
    // objects (and the envelope): a "value" may nest max_depth - 2 levels (- 3 in an envelope),
    // and so may a subtree that "copy" duplicates. It also bounds the recursion of relpatch's
    // value comparison and copy, and of RapidJSON's destructor for CrtAllocator documents.
    std::size_t max_depth = 64;
    // Bytes that add, replace and copy may put into the document in one patch, estimated as the
    // size of the values and strings they create.
    std::size_t max_added_bytes = std::size_t{8} << 20;
};

}  // namespace relpatch

#endif
