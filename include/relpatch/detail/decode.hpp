#ifndef RELPATCH_DETAIL_DECODE_HPP
#define RELPATCH_DETAIL_DECODE_HPP

// From patch text or a patch value to decoded operations, once: parse_patch_text() (scan,
// exact iterative parse), unwrap() (the {"comment", "patch"} envelope), decode_operations()
// (every operation into a basic_operation, before any is checked or applied), decode_fast() (the
// release fast path's operations), and the failure reports they share.

#include <relpatch/error.hpp>
#include <relpatch/limits.hpp>
#include <relpatch/operation.hpp>
#include <relpatch/pointer.hpp>
#include <relpatch/result.hpp>
#include <relpatch/detail/config.hpp>
#include <relpatch/detail/fast_patch.hpp>
#include <relpatch/detail/members.hpp>
#include <relpatch/detail/parse.hpp>
#include <relpatch/detail/small_vector.hpp>
#include <relpatch/detail/text_scan.hpp>

#include <rapidjson/document.h>

#include <cstddef>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>

namespace relpatch {
namespace detail {

// What a decoding error is about: the raw text of the op's "path" or "from" (even when it is
// not a valid pointer), or nothing.
template <class Ch>
struct error_site {
    std::basic_string_view<Ch> text;
    bool is_from = false;
    bool known = false;
};

template <class V>
inline result failure_at(errc code, std::size_t op_index, const char* detail,
                         const error_site<typename V::Ch>& where) noexcept {
    result r(code, op_index);
    result_access::detail(r, detail);
    if (where.known) {
        constexpr text_encoding enc = encoding_of<typename V::EncodingType>::value;
        using unit = std::make_unsigned_t<typename V::Ch>;
        char buffer[result::max_path_bytes];
        bool truncated = false;
        const auto text = where.text;
        // ASCII code units are their own UTF-8, in every encoding: copied as they are, and only
        // what follows the first other unit is converted.
        const std::size_t ascii = text.size() < sizeof buffer ? text.size() : sizeof buffer;
        std::size_t n = 0;
        while (n < ascii && static_cast<unit>(text[n]) < 0x80u) {
            buffer[n] = static_cast<char>(text[n]);
            ++n;
        }
        if (n < text.size())
            n += to_utf8<enc>(text.data() + n, text.size() - n, buffer + n, sizeof buffer - n,
                              truncated);
        result_access::path(r, std::string_view(buffer, n), where.is_from, truncated);
    }
    return r;
}

template <class V>
inline result failure(errc code, std::size_t op_index, const char* detail = nullptr,
                      const basic_pointer<V>* where = nullptr, bool is_from = false) noexcept {
    error_site<typename V::Ch> site;
    if (where != nullptr) site = {where->text(), is_from, true};
    return failure_at<V>(code, op_index, detail, site);
}

template <class Ch>
inline bool decode_op_row(const Ch* s, std::size_t n, const op_row& row, op_type& out) noexcept {
    if (!equals_ascii(s, n, row.name)) return false;
    out = row.op;
    return true;
}

template <class Ch, std::size_t... Row>
inline bool decode_op_name(const Ch* s, std::size_t n, op_type& out,
                           std::index_sequence<Row...>) noexcept {
    // Unrolled, so that each row's name is a constant the comparison is compiled against.
    return (decode_op_row(s, n, op_table[Row], out) || ...);
}

// The operation named by the `n` code units at `s`, from op_table.
template <class Ch>
inline bool decode_op_name(const Ch* s, std::size_t n, op_type& out) noexcept {
    return decode_op_name(s, n, out, std::make_index_sequence<op_count>());
}

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
                             const char*& detail, error_site<typename V::Ch>& site) noexcept {
    site = error_site<typename V::Ch>();
    if (!obj.IsObject()) return errc::operation_not_object;
    static constexpr const char* names[] = {"op", "path", "from", "value"};
    const V* found[4] = {nullptr, nullptr, nullptr, nullptr};
    for (const auto& m : members(obj)) {
        for (std::size_t k = 0; k < 4; ++k) {
            if (!equals_ascii(m.name.GetString(), m.name.GetStringLength(), names[k])) continue;
            if (found[k] != nullptr) {
                static constexpr const char* twice[] = {
                    "\"op\" appears twice", "\"path\" appears twice", "\"from\" appears twice",
                    "\"value\" appears twice"};
                detail = twice[k];
                return errc::duplicate_member;
            }
            found[k] = &m.value;
        }
        // RFC 6902 section 4: other members are ignored.
    }
    const V* op = found[0];
    if (op == nullptr) {
        detail = "\"op\" is missing";
        return errc::missing_member;
    }
    if (!op->IsString()) {
        detail = "\"op\" must be a string";
        return errc::invalid_member_type;
    }
    if (!decode_op_name(op->GetString(), op->GetStringLength(), out.op)) return errc::unknown_op;

    errc e = decode_pointer(found[1], "\"path\" is missing", "\"path\" must be a string", lim,
                            out.path, detail, site);
    if (e != errc::success) return e;

    out.from = basic_pointer<V>();
    if (out.has_from()) {
        e = decode_pointer(found[2], "\"from\" is missing", "\"from\" must be a string", lim,
                           out.from, detail, site);
        if (e != errc::success) {
            site.is_from = true;
            return e;
        }
    }

    out.value = nullptr;
    if (out.has_value()) {
        if (found[3] == nullptr) {
            detail = "\"value\" is missing";
            site = {out.path.text(), false, true};
            return errc::missing_member;
        }
        out.value = found[3];
    }
    return errc::success;
}

// The allocator a parsed or copied patch lives in: a MemoryPoolAllocator starts on a stack
// buffer, so a short patch's values need no heap block of their own; other allocators are
// default-constructed.
template <class Allocator>
struct patch_allocator {
    Allocator allocator;
};
template <class Base>
struct patch_allocator<RAPIDJSON_NAMESPACE::MemoryPoolAllocator<Base>> {
    alignas(std::max_align_t) char buffer[2048];
    RAPIDJSON_NAMESPACE::MemoryPoolAllocator<Base> allocator{buffer, sizeof buffer};
};

// The operations array of a patch, and its envelope's comment.
template <class V>
struct envelope {
    const V* operations = nullptr;
    const V* comment = nullptr;
};

// Finds the operations array: the patch itself, or the "patch" of an envelope {"comment",
// "patch"} where the policy accepts one. The comment is reported even when a later check fails.
template <bool accepts_envelope, class V>
inline result unwrap(const V& patch, const limits& lim, envelope<V>& out) noexcept {
    constexpr std::size_t none = result::npos;
    out = envelope<V>();
    const V* ops = &patch;
    if (patch.IsObject()) {
        if (!accepts_envelope)
            return failure<V>(errc::patch_not_array, none, "this policy takes a bare array");
        const V* inner = nullptr;
        const V* note = nullptr;
        for (const auto& m : members(patch)) {
            const bool is_patch =
                equals_ascii(m.name.GetString(), m.name.GetStringLength(), "patch");
            if (!is_patch && !equals_ascii(m.name.GetString(), m.name.GetStringLength(), "comment"))
                continue;
            const V*& slot = is_patch ? inner : note;
            if (slot != nullptr)
                return failure<V>(errc::duplicate_member, none,
                                  is_patch ? "\"patch\" appears twice in the envelope"
                                           : "\"comment\" appears twice in the envelope");
            slot = &m.value;
        }
        if (note != nullptr && note->IsString()) out.comment = note;
        if (inner == nullptr)
            return failure<V>(errc::missing_member, none, "the envelope has no \"patch\"");
        if (note != nullptr && !note->IsString())
            return failure<V>(errc::invalid_member_type, none, "\"comment\" must be a string");
        ops = inner;
    }
    if (!ops->IsArray()) return failure<V>(errc::patch_not_array, none);
    if (ops->Size() > lim.max_operations) return failure<V>(errc::too_many_operations, none);
    out.operations = ops;
    return result();
}

template <class V>
using operation_list = small_vector<basic_operation<V>, inline_ops>;

// Decodes every operation of `ops` (an array within limits) into `out`, once: policies and the
// engine then read plain structs, and nothing is decoded again while the document changes.
template <class V>
inline result decode_operations(const V& ops, const limits& lim, operation_list<V>& out) noexcept {
    if (!out.reserve(ops.Size())) return failure<V>(errc::out_of_memory, result::npos);
    for (std::size_t i = 0; i < ops.Size(); ++i) {
        basic_operation<V> op;
        const char* detail = nullptr;
        error_site<typename V::Ch> site;
        const errc e = decode_operation(ops[static_cast<RAPIDJSON_NAMESPACE::SizeType>(i)], lim, op,
                                        detail, site);
        if (e != errc::success) return failure_at<V>(e, i, detail, site);
        out.emplace_back(op);
    }
    return result();
}

// Parses patch text into `patch` (whose allocator holds it): the size limit, the scan
// (encoding, NULs, nesting of the whole patch within max_depth), then the exact iterative parse.
template <class Document>
inline result parse_patch_text(std::basic_string_view<typename Document::Ch> text, Document& patch,
                               const limits& lim) noexcept {
    using V = typename Document::ValueType;
    if (text.size() > lim.max_patch_bytes / sizeof(typename Document::Ch))
        return failure<V>(errc::patch_too_large, result::npos);
    const parse_error e = parse_json_text(text, patch, lim.max_depth, errc::invalid_json);
    if (e.code == errc::success) return result();
    result r = failure<V>(e.code, result::npos, e.detail);
    result_access::offset(r, e.offset);
    return r;
}

// Operations from fast_scanner: fills `storage` (values built in it, strings pointing into the
// patch text) and returns true only when every operation decodes cleanly, so that the general
// path would find exactly these operations.
template <class V>
inline bool decode_fast(const fast_op* in, std::size_t count, const limits& lim,
                        fast_storage<basic_operation<V>, V>& storage) noexcept {
    if (count > lim.max_operations || lim.max_depth < 2) return false;
    for (std::size_t i = 0; i < count; ++i) {
        const fast_op& f = in[i];
        basic_operation<V>& op =
            *::new (static_cast<void*>(storage.ops() + i)) basic_operation<V>();
        if (!f.has_op || !f.has_path) return false;
        // move and copy need "from", which the scanner does not read.
        if (!decode_op_name(f.op.data(), f.op.size(), op.op) || op.has_from()) return false;
        if (basic_pointer<V>::parse(f.path, op.path, lim.max_pointer_length) != errc::success)
            return false;
        op.value = nullptr;
        if (op.has_value()) {
            V* value = nullptr;
            switch (f.value) {
            case fast_value::absent: return false;
            case fast_value::false_value:
                value = ::new (static_cast<void*>(storage.value(i))) V(false);
                break;
            case fast_value::true_value:
                value = ::new (static_cast<void*>(storage.value(i))) V(true);
                break;
            case fast_value::null_value:
                value = ::new (static_cast<void*>(storage.value(i))) V();
                break;
            case fast_value::string:
                // A constant-string reference into the patch text: the engine deep-copies it.
                value =
                    ::new (static_cast<void*>(storage.value(i))) V(RAPIDJSON_NAMESPACE::StringRef(
                        f.text.data(), static_cast<RAPIDJSON_NAMESPACE::SizeType>(f.text.size())));
                break;
            }
            op.value = value;
        }
    }
    return true;
}

}  // namespace detail
}  // namespace relpatch

#endif
