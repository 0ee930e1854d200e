#ifndef RELPATCH_OPERATION_HPP
#define RELPATCH_OPERATION_HPP

/// @file
/// One decoded RFC 6902 operation, and the span of a whole patch's operations: what policies
/// and the engine see.

#include <relpatch/pointer.hpp>

#include <cstddef>
#include <string_view>

namespace relpatch {

/// The six RFC 6902 operations.
enum class op_type {
    add,      ///< section 4.1: insert a member or element, or replace an existing member's value
    remove,   ///< section 4.2: remove an existing member or element
    replace,  ///< section 4.3: replace an existing value
    move,     ///< section 4.4: remove from "from", then add at "path"
    copy,     ///< section 4.5: add a copy of the value at "from" at "path"
    test      ///< section 4.6: check that the value at "path" equals "value"
};

namespace detail {

// One row per operation: everything about an op that is not how the engine applies it.
struct op_row {
    op_type op;
    std::string_view name;  // a literal: name.data() is NUL-terminated
    bool needs_from;        // reads a "from" pointer
    bool needs_value;       // carries a "value"
    unsigned undo_entries;  // entries in the undo log when applied
    bool keeps_layout;      // never moves a container (replace is judged by its values)
};

inline constexpr op_row op_table[] = {
    {op_type::add, "add", false, true, 1, false},
    {op_type::remove, "remove", false, false, 1, false},
    {op_type::replace, "replace", false, true, 1, true},
    {op_type::move, "move", true, false, 2, false},
    {op_type::copy, "copy", true, false, 1, false},
    {op_type::test, "test", false, true, 0, true},
};
inline constexpr std::size_t op_count = sizeof(op_table) / sizeof(op_table[0]);

constexpr bool op_table_in_order() noexcept {
    for (std::size_t i = 0; i < op_count; ++i)
        if (static_cast<std::size_t>(op_table[i].op) != i) return false;
    return true;
}
static_assert(op_table_in_order(), "relpatch: op_table must list every op_type in enum order");

inline const op_row& row_of(op_type op) noexcept { return op_table[static_cast<std::size_t>(op)]; }

}  // namespace detail

/// The op's name as the patch spells it ("add"), or "?" for a value outside the enum.
/// @par Complexity
/// Constant.
/// @par Exception Safety
/// No-throw. The string is static.
inline const char* op_name(op_type op) noexcept {
    const auto i = static_cast<std::size_t>(op);
    return i < detail::op_count ? detail::op_table[i].name.data() : "?";
}

/// One operation of a patch that decoded cleanly. `from` is set only for move and copy, `value`
/// only for add, replace and test. Pointers and the value live in the patch (the caller's
/// text, relpatch's private copy of the patch, or a prepared patch), never in the document: a
/// policy may read them during the call, and keep nothing.
template <class ValueType>
struct basic_operation {
    /// Which operation.
    op_type op = op_type::test;
    /// The "path" member: where the operation writes (or, for test, reads).
    basic_pointer<ValueType> path;
    /// The "from" member of move and copy (what they read); the root pointer otherwise.
    basic_pointer<ValueType> from;
    /// The "value" member of add, replace and test; null otherwise.
    const ValueType* value = nullptr;

    /// Whether `op` reads a "from" (move, copy). Constant time, no-throw.
    bool has_from() const noexcept { return detail::row_of(op).needs_from; }
    /// Whether `op` carries a "value" (add, replace, test). Constant time, no-throw.
    bool has_value() const noexcept { return detail::row_of(op).needs_value; }
};

/// The operations of a patch, decoded once: a plain span over contiguous storage, in patch
/// order. It owns nothing. Every member takes constant time and never throws.
template <class ValueType>
class basic_patch_view {
public:
    /// The element type.
    using operation = basic_operation<ValueType>;

    /// An empty view.
    constexpr basic_patch_view() noexcept = default;
    /// Views the `size` operations at `data`.
    constexpr basic_patch_view(const operation* data, std::size_t size) noexcept
        : data_(data), size_(size) {}

    /// The first operation (null for a default-constructed view).
    const operation* data() const noexcept { return data_; }
    /// The number of operations.
    std::size_t size() const noexcept { return size_; }
    /// Whether the patch has no operation (`[]`).
    bool empty() const noexcept { return size_ == 0; }
    /// Iteration in patch order.
    const operation* begin() const noexcept { return data_; }
    /// The end of the iteration.
    const operation* end() const noexcept { return data_ + size_; }
    /// Operation `i`. Precondition: `i < size()`.
    const operation& operator[](std::size_t i) const noexcept { return data_[i]; }

private:
    const operation* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace relpatch

#endif
