#ifndef RELPATCH_ERROR_HPP
#define RELPATCH_ERROR_HPP

/// @file
/// One error enum for everything relpatch can refuse; one table gives each code its name,
/// message, HTTP status and family (error condition); std::error_code integration.

#include <cstddef>
#include <new>
#include <string>
#include <system_error>

namespace relpatch {

/// Everything relpatch can refuse. The values are std::error_code values: existing ones keep
/// their numbers, new ones go at the end. An errc converts to std::error_code (see
/// make_error_code()); errc_name(), errc_message(), http_status() and family() read one table.
enum class errc {
    success = 0,  ///< no error: the patch was applied (or the document parsed)

    // The patch text or patch value is malformed: nothing about the document is needed to say so.
    invalid_json = 1,      ///< the patch text is not JSON
    invalid_encoding,      ///< the text is not valid in the document's encoding
    patch_not_array,       ///< the patch is neither an array nor an accepted envelope
    operation_not_object,  ///< an element of the patch array is not an object
    missing_member,        ///< "op", "path", "from" or "value" is missing where needed
    duplicate_member,      ///< an operation (or envelope) names the same member twice
    invalid_member_type,   ///< "op", "path", "from" or "comment" is not a string
    unknown_op,            ///< "op" is not one of the six RFC 6902 operations
    invalid_pointer,       ///< "path" or "from" is not an RFC 6901 JSON Pointer

    // Limits against hostile input (see relpatch::limits).
    too_many_operations,    ///< more than limits::max_operations
    pointer_too_long,       ///< a pointer longer than limits::max_pointer_length
    nesting_too_deep,       ///< the patch nests deeper than limits::max_depth
    growth_limit_exceeded,  ///< the document would take more than limits::max_added_bytes

    // The patch is well formed but does not fit this document.
    path_not_found,       ///< a location the op reads, or the parent of one it writes, is missing
    not_a_container,      ///< a pointer goes through a string, number, boolean or null
    invalid_index,        ///< an array index that is not canonical ("01", "+1", "x", "~0")
    index_out_of_range,   ///< an array index past the end (or "-" where the op needs an element)
    cannot_remove_root,   ///< "remove" of "" would leave no document
    move_into_own_child,  ///< "move" from a location into one of its children
    test_failed,          ///< a "test" op found a different value

    // The patch is well formed but the policy refuses it.
    op_not_allowed,           ///< the policy refuses the op
    path_not_allowed,         ///< the policy refuses the location
    value_type_not_allowed,   ///< the policy refuses the value's type
    target_type_not_allowed,  ///< the location holds a value of a type the policy protects
    phase_order_violation,    ///< ordered_release_policy: phases complete out of order

    // Added in 0.2.
    work_limit_exceeded,  ///< the patch would cost more than limits::max_work
    document_too_deep,    ///< the document would nest deeper than limits::max_document_depth
    patch_too_large,      ///< the patch is larger than limits::max_patch_bytes
    out_of_memory,        ///< memory ran out before anything changed
    invalid_document,     ///< the stored document is not valid JSON (parse_document)
};

/// Families of errc, for callers that answer by kind (`r.error_code() == condition::over_limit`).
enum class condition {
    malformed_patch = 1,  ///< the patch is not a well-formed JSON Patch
    over_limit,           ///< the patch asks for more than relpatch::limits allows
    does_not_apply,       ///< the patch does not fit this document
    refused_by_policy,    ///< the policy does not allow what the patch does
    document_error,       ///< the stored document is unusable (invalid, or memory ran out)
};

/// Which HTTP statuses http_status() answers with.
enum class status_profile {
    /// RFC 5789 section 2.2: 400 malformed, 413 request over the size limits, 409 failed test or
    /// phase order (the document's current state), 422 otherwise, 500 invalid stored document.
    rfc5789,
    /// Servers that mirror the release API itself: 400 for every refused patch, 500 for an
    /// invalid stored document or exhausted memory.
    release_api,
};

namespace detail {

struct errc_row {
    errc code;
    const char* name;
    const char* message;
    int status;  // under status_profile::rfc5789
    condition family;
};

// One row per errc, in enum order (checked below).
inline constexpr errc_row errc_table[] = {
    {errc::success, "success", "success", 200, condition{}},
    {errc::invalid_json, "invalid_json", "patch is not valid JSON", 400,
     condition::malformed_patch},
    {errc::invalid_encoding, "invalid_encoding", "text is not validly encoded", 400,
     condition::malformed_patch},
    {errc::patch_not_array, "patch_not_array", "patch must be a JSON array of operations", 400,
     condition::malformed_patch},
    {errc::operation_not_object, "operation_not_object", "operation must be a JSON object", 400,
     condition::malformed_patch},
    {errc::missing_member, "missing_member", "operation lacks a member its op requires", 400,
     condition::malformed_patch},
    {errc::duplicate_member, "duplicate_member", "member name appears twice in one object", 400,
     condition::malformed_patch},
    {errc::invalid_member_type, "invalid_member_type", "member has the wrong JSON type", 400,
     condition::malformed_patch},
    {errc::unknown_op, "unknown_op",
     "unknown op (expected add, remove, replace, move, copy or test)", 400,
     condition::malformed_patch},
    {errc::invalid_pointer, "invalid_pointer", "not a valid JSON Pointer (RFC 6901)", 400,
     condition::malformed_patch},
    {errc::too_many_operations, "too_many_operations", "patch has more operations than allowed",
     413, condition::over_limit},
    {errc::pointer_too_long, "pointer_too_long", "JSON Pointer is longer than allowed", 413,
     condition::over_limit},
    {errc::nesting_too_deep, "nesting_too_deep", "value is nested deeper than allowed", 413,
     condition::over_limit},
    {errc::growth_limit_exceeded, "growth_limit_exceeded",
     "patch would add more data to the document than allowed", 422, condition::over_limit},
    {errc::path_not_found, "path_not_found", "location does not exist in the document", 422,
     condition::does_not_apply},
    {errc::not_a_container, "not_a_container",
     "pointer goes through a value that is not an object or array", 422, condition::does_not_apply},
    {errc::invalid_index, "invalid_index", "array index is not a canonical non-negative integer",
     422, condition::does_not_apply},
    {errc::index_out_of_range, "index_out_of_range", "array index is out of range", 422,
     condition::does_not_apply},
    {errc::cannot_remove_root, "cannot_remove_root", "the whole document cannot be removed", 422,
     condition::does_not_apply},
    {errc::move_into_own_child, "move_into_own_child",
     "a location cannot be moved into one of its children", 422, condition::does_not_apply},
    {errc::test_failed, "test_failed", "test failed: value differs", 409,
     condition::does_not_apply},
    {errc::op_not_allowed, "op_not_allowed", "op not allowed by policy", 422,
     condition::refused_by_policy},
    {errc::path_not_allowed, "path_not_allowed", "path not allowed by policy", 422,
     condition::refused_by_policy},
    {errc::value_type_not_allowed, "value_type_not_allowed", "value type not allowed by policy",
     422, condition::refused_by_policy},
    {errc::target_type_not_allowed, "target_type_not_allowed",
     "target value type not allowed by policy", 422, condition::refused_by_policy},
    {errc::phase_order_violation, "phase_order_violation", "phases must be completed in order", 409,
     condition::refused_by_policy},
    {errc::work_limit_exceeded, "work_limit_exceeded", "patch would cost more work than allowed",
     422, condition::over_limit},
    {errc::document_too_deep, "document_too_deep", "document would be nested deeper than allowed",
     422, condition::over_limit},
    {errc::patch_too_large, "patch_too_large", "patch is larger than allowed", 413,
     condition::over_limit},
    {errc::out_of_memory, "out_of_memory", "out of memory", 500, condition::document_error},
    {errc::invalid_document, "invalid_document", "the stored document is not valid JSON", 500,
     condition::document_error},
};

inline constexpr std::size_t errc_count = sizeof(errc_table) / sizeof(errc_table[0]);

constexpr bool errc_table_in_order() noexcept {
    for (std::size_t i = 0; i < errc_count; ++i)
        if (static_cast<std::size_t>(errc_table[i].code) != i) return false;
    return true;
}
static_assert(errc_table_in_order(), "relpatch: errc_table must list every errc in enum order");
static_assert(errc_table[errc_count - 1].code == errc::invalid_document,
              "relpatch: a new errc needs its row in errc_table");

inline const errc_row* find_row(errc e) noexcept {
    const auto i = static_cast<std::size_t>(e);
    return i < errc_count ? &errc_table[i] : nullptr;
}

}  // namespace detail

/// The code's name as written in the enum ("path_not_found"), or "unknown_error".
/// @par Complexity
/// Constant.
/// @par Exception Safety
/// No-throw. The string is static.
inline const char* errc_name(errc e) noexcept {
    const detail::errc_row* row = detail::find_row(e);
    return row != nullptr ? row->name : "unknown_error";
}

/// A one-line English description of the code, or "unknown error".
/// @par Complexity
/// Constant.
/// @par Exception Safety
/// No-throw. The string is static.
inline const char* errc_message(errc e) noexcept {
    const detail::errc_row* row = detail::find_row(e);
    return row != nullptr ? row->message : "unknown error";
}

/// The HTTP status a server should answer with: 200 on success, 500 for a value outside the
/// enum; see status_profile.
/// @par Complexity
/// Constant.
/// @par Exception Safety
/// No-throw.
inline int http_status(errc e, status_profile profile = status_profile::rfc5789) noexcept {
    const detail::errc_row* row = detail::find_row(e);
    if (row == nullptr) return 500;
    if (profile == status_profile::release_api && row->status != 200 && row->status != 500)
        return 400;
    return row->status;
}

/// The family `e` belongs to (a value-initialized condition for success, or a value outside the
/// enum).
/// @par Complexity
/// Constant.
/// @par Exception Safety
/// No-throw.
inline condition family(errc e) noexcept {
    const detail::errc_row* row = detail::find_row(e);
    return row != nullptr ? row->family : condition{};
}

namespace detail {

// A header-only library cannot give these classes an out-of-line virtual function: their vtables
// are emitted in each translation unit and merged by the linker (what clang's -Wweak-vtables
// warns about), which is harmless.
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wweak-vtables"
#endif

class error_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "relpatch"; }
    std::string message(int ev) const override { return errc_message(static_cast<errc>(ev)); }
    std::error_condition default_error_condition(int ev) const noexcept override;
};

class condition_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "relpatch.condition"; }
    std::string message(int ev) const override {
        switch (static_cast<condition>(ev)) {
        case condition::malformed_patch: return "the patch is malformed";
        case condition::over_limit: return "the patch is over a limit";
        case condition::does_not_apply: return "the patch does not apply to this document";
        case condition::refused_by_policy: return "the policy refuses the patch";
        case condition::document_error: return "the document cannot be used";
        }
        return "success";
    }
};

#if defined(__clang__)
#pragma clang diagnostic pop
#endif

// The one instance of a category, built in static storage on first use and never destroyed:
// error codes may be compared and printed from other static destructors, so the category must
// outlive them (and it needs no exit-time destructor).
template <class Category>
inline const Category& category_instance() noexcept {
    alignas(Category) static unsigned char storage[sizeof(Category)];
    static const Category* const instance = ::new (static_cast<void*>(storage)) Category();
    return *instance;
}

}  // namespace detail

/// The category of relpatch::errc: one object for the whole program (an inline function holding
/// a function-local static), so error_code comparisons work across translation units. Its
/// name() is "relpatch", its message() errc_message(), and its default_error_condition() maps
/// each code to its family(), so `ec == condition::over_limit` works.
/// @par Complexity
/// Constant.
/// @par Exception Safety
/// No-throw.
inline const std::error_category& error_category() noexcept {
    return detail::category_instance<detail::error_category_impl>();
}

/// The category of relpatch::condition ("relpatch.condition").
/// @par Complexity
/// Constant.
/// @par Exception Safety
/// No-throw.
inline const std::error_category& condition_category() noexcept {
    return detail::category_instance<detail::condition_category_impl>();
}

/// `e` as a std::error_code in error_category(); found by argument-dependent lookup, so
/// `std::error_code ec = errc::test_failed;` works.
/// @par Complexity
/// Constant.
/// @par Exception Safety
/// No-throw.
inline std::error_code make_error_code(errc e) noexcept {
    return std::error_code(static_cast<int>(e), error_category());
}

/// `c` as a std::error_condition in condition_category(), for comparisons with error codes.
/// @par Complexity
/// Constant.
/// @par Exception Safety
/// No-throw.
inline std::error_condition make_error_condition(condition c) noexcept {
    return std::error_condition(static_cast<int>(c), condition_category());
}

inline std::error_condition detail::error_category_impl::default_error_condition(
    int ev) const noexcept {
    const condition c = family(static_cast<errc>(ev));
    if (c == condition{}) return std::error_condition(ev, *this);
    return make_error_condition(c);
}

}  // namespace relpatch

namespace std {
/// Makes relpatch::errc implicitly convertible to std::error_code.
template <>
struct is_error_code_enum<relpatch::errc> : true_type {};
/// Makes relpatch::condition comparable with std::error_code.
template <>
struct is_error_condition_enum<relpatch::condition> : true_type {};
}  // namespace std

#endif
