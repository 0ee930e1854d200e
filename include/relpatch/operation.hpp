#ifndef RELPATCH_OPERATION_HPP
#define RELPATCH_OPERATION_HPP

// One decoded RFC 6902 operation, and a view of a whole patch's operations: what policies see.

#include <relpatch/error.hpp>
#include <relpatch/limits.hpp>
#include <relpatch/pointer.hpp>
#include <relpatch/detail/members.hpp>

#include <cstddef>
#include <string_view>

namespace relpatch {

enum class op_type { add, remove, replace, move, copy, test };

inline const char* op_name(op_type op) noexcept {
    switch (op) {
    case op_type::add: return "add";
    case op_type::remove: return "remove";
    case op_type::replace: return "replace";
    case op_type::move: return "move";
    case op_type::copy: return "copy";
    case op_type::test: return "test";
    }
    return "?";
}

// Members an op does not use are not decoded: `from` is set only for move and copy, `value`
// only for add, replace and test. Pointers view the patch's strings.
template <class ValueType>
struct basic_operation {
    op_type op = op_type::test;
    basic_pointer<ValueType> path;
    basic_pointer<ValueType> from;
    const ValueType* value = nullptr;

    bool has_from() const noexcept { return op == op_type::move || op == op_type::copy; }
    bool has_value() const noexcept {
        return op == op_type::add || op == op_type::replace || op == op_type::test;
    }
};

namespace detail {

template <class Ch>
inline bool name_is(const Ch* s, std::size_t n, std::string_view literal) noexcept {
    if (n != literal.size()) return false;
    for (std::size_t i = 0; i < n; ++i)
        if (s[i] != static_cast<Ch>(literal[i])) return false;
    return true;
}

template <class V>
inline bool name_is(const V& name, std::string_view literal) noexcept {
    return name_is(name.GetString(), name.GetStringLength(), literal);
}

// What a decoding error is about: the raw text of the op's "path" or "from" (even when it is
// not a valid pointer), or nothing.
template <class Ch>
struct error_site {
    std::basic_string_view<Ch> text;
    bool is_from = false;
    bool known = false;
};

// The pointer in member value `member` ("path" or "from"): present, a string, RFC 6901.
// An invalid pointer's text is kept in `site` for the error report.
template <class V>
inline errc decode_pointer(const V* member, const char* missing, const char* not_string,
                           const limits& lim, basic_pointer<V>& out, const char*& detail,
                           error_site<typename V::Ch>& site) noexcept {
    if (member == nullptr) {
        detail = missing;
        return errc::missing_member;
    }
    if (!member->IsString()) {
        detail = not_string;
        return errc::invalid_member_type;
    }
    const std::basic_string_view<typename V::Ch> text(member->GetString(),
                                                      member->GetStringLength());
    const errc e = basic_pointer<V>::parse(text, out, lim.max_pointer_length);
    if (e != errc::success) site = {text, false, true};
    return e;
}

// Decodes operation object `obj`. On error, `detail` says which member is wrong and `site`
// which pointer text, if any, the error is about.
template <class V>
inline errc decode_operation(const V& obj, const limits& lim, basic_operation<V>& out,
                             const char*& detail,
                             error_site<typename V::Ch>& site) noexcept {
    site = error_site<typename V::Ch>();
    if (!obj.IsObject()) return errc::operation_not_object;
    const V* op = nullptr;
    const V* path = nullptr;
    const V* from = nullptr;
    const V* value = nullptr;
    for (const auto& m : members(obj)) {
        const V** slot = name_is(m.name, "op")      ? &op
                         : name_is(m.name, "path")  ? &path
                         : name_is(m.name, "from")  ? &from
                         : name_is(m.name, "value") ? &value
                                                    : nullptr;
        if (slot == nullptr) continue;  // RFC 6902 section 4: other members are ignored
        if (*slot != nullptr) {
            detail = slot == &op ? "\"op\" appears twice" : slot == &path ? "\"path\" appears twice"
                     : slot == &from ? "\"from\" appears twice" : "\"value\" appears twice";
            return errc::duplicate_member;
        }
        *slot = &m.value;
    }
    if (op == nullptr) {
        detail = "\"op\" is missing";
        return errc::missing_member;
    }
    if (!op->IsString()) {
        detail = "\"op\" must be a string";
        return errc::invalid_member_type;
    }
    static constexpr op_type ops[] = {op_type::add,  op_type::remove, op_type::replace,
                                      op_type::move, op_type::copy,   op_type::test};
    bool known = false;
    for (op_type t : ops) {
        if (name_is(*op, op_name(t))) {
            out.op = t;
            known = true;
        }
    }
    if (!known) return errc::unknown_op;

    errc e = decode_pointer(path, "\"path\" is missing", "\"path\" must be a string", lim,
                            out.path, detail, site);
    if (e != errc::success) return e;

    out.from = basic_pointer<V>();
    if (out.has_from()) {
        e = decode_pointer(from, "\"from\" is missing", "\"from\" must be a string", lim,
                           out.from, detail, site);
        if (e != errc::success) {
            site.is_from = true;
            return e;
        }
    }

    out.value = nullptr;
    if (out.has_value()) {
        if (value == nullptr) {
            detail = "\"value\" is missing";
            site = {out.path.text(), false, true};
            return errc::missing_member;
        }
        out.value = value;
    }
    return errc::success;
}

}  // namespace detail

// The operations of a patch that passed decoding: either a parsed patch array, decoded again on
// each access (a few comparisons, and no storage needed), or operations already decoded.
template <class ValueType>
class basic_patch_view {
public:
    basic_patch_view(const ValueType& operations, const limits& lim) noexcept
        : dom_(&operations), limits_(&lim), size_(operations.Size()) {}
    basic_patch_view(const basic_operation<ValueType>* operations, std::size_t count) noexcept
        : decoded_(operations), size_(count) {}

    std::size_t size() const noexcept { return size_; }
    basic_operation<ValueType> operator[](std::size_t i) const noexcept {
        if (decoded_ != nullptr) return decoded_[i];
        basic_operation<ValueType> op;
        const char* detail = nullptr;
        detail::error_site<typename ValueType::Ch> site;
        (void)detail::decode_operation((*dom_)[static_cast<RAPIDJSON_NAMESPACE::SizeType>(i)],
                                       *limits_, op, detail, site);
        return op;
    }

private:
    const ValueType* dom_ = nullptr;
    const limits* limits_ = nullptr;
    const basic_operation<ValueType>* decoded_ = nullptr;
    std::size_t size_;
};

}  // namespace relpatch

#endif
