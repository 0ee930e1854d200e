#ifndef RELPATCH_ERROR_HPP
#define RELPATCH_ERROR_HPP

// One error enum for everything relpatch can refuse, its messages, its HTTP status and its
// std::error_code integration.

#include <string>
#include <system_error>

namespace relpatch {

enum class errc {
    success = 0,

    // The patch text or patch value is malformed: nothing about the document is needed to say so.
    invalid_json = 1,          // the patch text is not JSON
    invalid_encoding,          // the patch text is not valid UTF-8 / UTF-16 / UTF-32
    patch_not_array,           // the patch is neither an array nor an accepted envelope
    operation_not_object,      // an element of the patch array is not an object
    missing_member,            // "op", "path", "from" or "value" is missing where the op needs it
    duplicate_member,          // an operation (or envelope) names the same member twice
    invalid_member_type,       // "op", "path", "from" or "comment" is not a string
    unknown_op,                // "op" is not one of the six RFC 6902 operations
    invalid_pointer,           // "path" or "from" is not an RFC 6901 JSON Pointer

    // Limits against hostile input (see relpatch::limits).
    too_many_operations,
    pointer_too_long,
    nesting_too_deep,
    growth_limit_exceeded,     // add/copy would add more than limits::max_added_bytes

    // The patch is well formed but does not fit this document.
    path_not_found,            // a location the op reads, or the parent of one it writes, is missing
    not_a_container,           // a pointer goes through a string, number, boolean or null
    invalid_index,             // an array index that is not canonical ("01", "+1", "x", "~0")
    index_out_of_range,        // an array index past the end (or "-" where the op needs an element)
    cannot_remove_root,        // "remove" of "" would leave no document
    move_into_own_child,       // "move" from a location into one of its children
    test_failed,               // a "test" op found a different value

    // The patch is well formed but the policy refuses it.
    op_not_allowed,
    path_not_allowed,
    value_type_not_allowed,
    target_type_not_allowed,   // the location holds a value of a type the policy protects
    phase_order_violation,     // ordered_release_policy: phases complete out of order
};

inline const char* errc_name(errc e) noexcept {
    switch (e) {
    case errc::success: return "success";
    case errc::invalid_json: return "invalid_json";
    case errc::invalid_encoding: return "invalid_encoding";
    case errc::patch_not_array: return "patch_not_array";
    case errc::operation_not_object: return "operation_not_object";
    case errc::missing_member: return "missing_member";
    case errc::duplicate_member: return "duplicate_member";
    case errc::invalid_member_type: return "invalid_member_type";
    case errc::unknown_op: return "unknown_op";
    case errc::invalid_pointer: return "invalid_pointer";
    case errc::too_many_operations: return "too_many_operations";
    case errc::pointer_too_long: return "pointer_too_long";
    case errc::nesting_too_deep: return "nesting_too_deep";
    case errc::growth_limit_exceeded: return "growth_limit_exceeded";
    case errc::path_not_found: return "path_not_found";
    case errc::not_a_container: return "not_a_container";
    case errc::invalid_index: return "invalid_index";
    case errc::index_out_of_range: return "index_out_of_range";
    case errc::cannot_remove_root: return "cannot_remove_root";
    case errc::move_into_own_child: return "move_into_own_child";
    case errc::test_failed: return "test_failed";
    case errc::op_not_allowed: return "op_not_allowed";
    case errc::path_not_allowed: return "path_not_allowed";
    case errc::value_type_not_allowed: return "value_type_not_allowed";
    case errc::target_type_not_allowed: return "target_type_not_allowed";
    case errc::phase_order_violation: return "phase_order_violation";
    }
    return "unknown_error";
}

inline const char* errc_message(errc e) noexcept {
    switch (e) {
    case errc::success: return "success";
    case errc::invalid_json: return "patch is not valid JSON";
    case errc::invalid_encoding: return "patch text is not validly encoded";
    case errc::patch_not_array: return "patch must be a JSON array of operations";
    case errc::operation_not_object: return "operation must be a JSON object";
    case errc::missing_member: return "operation lacks a member its op requires";
    case errc::duplicate_member: return "member name appears twice in one object";
    case errc::invalid_member_type: return "member has the wrong JSON type";
    case errc::unknown_op: return "unknown op (expected add, remove, replace, move, copy or test)";
    case errc::invalid_pointer: return "not a valid JSON Pointer (RFC 6901)";
    case errc::too_many_operations: return "patch has more operations than allowed";
    case errc::pointer_too_long: return "JSON Pointer is longer than allowed";
    case errc::nesting_too_deep: return "value is nested deeper than allowed";
    case errc::growth_limit_exceeded: return "patch would add more data to the document than allowed";
    case errc::path_not_found: return "location does not exist in the document";
    case errc::not_a_container: return "pointer goes through a value that is not an object or array";
    case errc::invalid_index: return "array index is not a canonical non-negative integer";
    case errc::index_out_of_range: return "array index is out of range";
    case errc::cannot_remove_root: return "the whole document cannot be removed";
    case errc::move_into_own_child: return "a location cannot be moved into one of its children";
    case errc::test_failed: return "test failed: value differs";
    case errc::op_not_allowed: return "op not allowed by policy";
    case errc::path_not_allowed: return "path not allowed by policy";
    case errc::value_type_not_allowed: return "value type not allowed by policy";
    case errc::target_type_not_allowed: return "target value type not allowed by policy";
    case errc::phase_order_violation: return "phases must be completed in order";
    }
    return "unknown error";
}

// What a REST server should answer (RFC 5789 section 2.2): 400 for a malformed patch, 413 for
// a patch over the request-size limits, 422 for a well-formed patch that cannot be applied to
// this document, 409 when it fails because of the document's current state (a failed test,
// phases out of order), 200 on success.
inline int http_status(errc e) noexcept {
    switch (e) {
    case errc::success: return 200;
    case errc::invalid_json:
    case errc::invalid_encoding:
    case errc::patch_not_array:
    case errc::operation_not_object:
    case errc::missing_member:
    case errc::duplicate_member:
    case errc::invalid_member_type:
    case errc::unknown_op:
    case errc::invalid_pointer: return 400;
    case errc::too_many_operations:
    case errc::pointer_too_long:
    case errc::nesting_too_deep: return 413;
    case errc::test_failed:
    case errc::phase_order_violation: return 409;
    case errc::growth_limit_exceeded:
    case errc::path_not_found:
    case errc::not_a_container:
    case errc::invalid_index:
    case errc::index_out_of_range:
    case errc::cannot_remove_root:
    case errc::move_into_own_child:
    case errc::op_not_allowed:
    case errc::path_not_allowed:
    case errc::value_type_not_allowed:
    case errc::target_type_not_allowed: return 422;
    }
    return 500;
}

namespace detail {

class error_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "relpatch"; }
    std::string message(int ev) const override { return errc_message(static_cast<errc>(ev)); }
};

}  // namespace detail

// Inline function with a function-local static: one category object for the whole program, so
// error_code comparisons work across translation units.
inline const std::error_category& error_category() noexcept {
    static const detail::error_category_impl instance;
    return instance;
}

inline std::error_code make_error_code(errc e) noexcept {
    return std::error_code(static_cast<int>(e), error_category());
}

}  // namespace relpatch

namespace std {
template <>
struct is_error_code_enum<relpatch::errc> : true_type {};
}  // namespace std

#endif
