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
enum class op_type { add, remove, replace, move, copy, test };

namespace detail {

// One row per operation: everything about an op that is not how the engine applies it.
struct op_row {
    op_type op;
    const char* name;
    bool needs_from;       // reads a "from" pointer
    bool needs_value;      // carries a "value"
    unsigned undo_entries; // entries in the undo log when applied
    bool keeps_layout;     // never moves a container (replace is judged by its values)
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
inline const char* op_name(op_type op) noexcept {
    const auto i = static_cast<std::size_t>(op);
    return i < detail::op_count ? detail::op_table[i].name : "?";
}

/// One operation of a patch that decoded cleanly. `from` is set only for move and copy, `value`
/// only for add, replace and test. Pointers and the value live in storage the engine owns for
/// the duration of the call (a private copy of the patch), never in the document.
template <class ValueType>
struct basic_operation {
    op_type op = op_type::test;
    basic_pointer<ValueType> path;
    basic_pointer<ValueType> from;
    const ValueType* value = nullptr;

    bool has_from() const noexcept { return detail::row_of(op).needs_from; }
    bool has_value() const noexcept { return detail::row_of(op).needs_value; }
};

/// The operations of a patch, decoded once: a plain span over contiguous storage.
template <class ValueType>
class basic_patch_view {
public:
    using operation = basic_operation<ValueType>;

    constexpr basic_patch_view() noexcept = default;
    constexpr basic_patch_view(const operation* data, std::size_t size) noexcept
        : data_(data), size_(size) {}

    const operation* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    const operation* begin() const noexcept { return data_; }
    const operation* end() const noexcept { return data_ + size_; }
    const operation& operator[](std::size_t i) const noexcept { return data_[i]; }

private:
    const operation* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace relpatch

#endif
