#ifndef RELPATCH_DETAIL_TEXT_VIEW_HPP
#define RELPATCH_DETAIL_TEXT_VIEW_HPP

// What the release policies read of a document, without a DOM: text_value models the part of
// RapidJSON's GenericValue interface that release_check() and ordered_release_policy's
// check_patch() use (types, an object's members as a contiguous range, an array's elements by
// index, booleans), so the library's own policy code runs unchanged on a document that exists
// only as text. Built from what json_scanner found:
// - the root: its type, and, when it is an object, its first member named "phases" if any;
// - "phases": its type and size, and each element by index: whether it is an object and the
//   type of its first member named "complete" (from the scan's trie for the phases a patch
//   names, or from the states it collected for every phase, for ordered_release_policy).
// An element is one of five shared constant values, so an array of a million phases costs a
// byte per phase (collected) or nothing (looked up), never a value per phase.

#include <relpatch/detail/config.hpp>
#include <relpatch/detail/json_validate.hpp>

#include <rapidjson/document.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace relpatch {
namespace detail {

struct text_member;
class element_table;

class text_value {
public:
    using Ch = char;
    using EncodingType = RAPIDJSON_NAMESPACE::UTF8<char>;
    using SizeType = RAPIDJSON_NAMESPACE::SizeType;

    class member_iterator {
    public:
        constexpr explicit member_iterator(const text_member* p) noexcept : p_(p) {}
        const text_member* operator->() const noexcept { return p_; }
        const text_member& operator*() const noexcept { return *p_; }

    private:
        const text_member* p_;
    };

    constexpr text_value() noexcept = default;
    constexpr explicit text_value(json_kind kind) noexcept : kind_(kind) {}
    static constexpr text_value object(const text_member* members, SizeType count) noexcept {
        text_value v(json_kind::object);
        v.members_ = members;
        v.size_ = count;
        return v;
    }
    static constexpr text_value array(const element_table* elements, SizeType size) noexcept {
        text_value v(json_kind::array);
        v.elements_ = elements;
        v.size_ = size;
        return v;
    }
    static constexpr text_value string(const char* s, SizeType n) noexcept {
        text_value v(json_kind::string);
        v.string_ = s;
        v.size_ = n;
        return v;
    }
    // The type of `v` (a value's contents are never needed).
    template <class V>
    static text_value type_of(const V& v) noexcept {
        if (v.IsNull()) return text_value(json_kind::null_value);
        if (v.IsFalse()) return text_value(json_kind::false_value);
        if (v.IsTrue()) return text_value(json_kind::true_value);
        if (v.IsString()) return text_value(json_kind::string);
        if (v.IsArray()) return text_value(json_kind::array);
        if (v.IsObject()) return text_value(json_kind::object);
        return text_value(json_kind::number);
    }

    bool IsNull() const noexcept { return kind_ == json_kind::null_value; }
    bool IsFalse() const noexcept { return kind_ == json_kind::false_value; }
    bool IsTrue() const noexcept { return kind_ == json_kind::true_value; }
    bool IsBool() const noexcept { return IsFalse() || IsTrue(); }
    bool IsNumber() const noexcept { return kind_ == json_kind::number; }
    bool IsString() const noexcept { return kind_ == json_kind::string; }
    bool IsArray() const noexcept { return kind_ == json_kind::array; }
    bool IsObject() const noexcept { return kind_ == json_kind::object; }
    bool GetBool() const noexcept { return IsTrue(); }

    SizeType Size() const noexcept { return size_; }
    const text_value& operator[](SizeType i) const noexcept;
    SizeType MemberCount() const noexcept { return size_; }
    member_iterator MemberBegin() const noexcept { return member_iterator(members_); }
    const Ch* GetString() const noexcept { return string_; }
    SizeType GetStringLength() const noexcept { return size_; }

private:
    json_kind kind_ = json_kind::null_value;
    SizeType size_ = 0;
    const text_member* members_ = nullptr;
    const element_table* elements_ = nullptr;
    const char* string_ = nullptr;
};

struct text_member {
    text_value name;
    text_value value;
};

// The collected member of a release document's phases.
inline constexpr std::string_view complete_name = "complete";

// A phase as the policies see it: not an object; an object without "complete"; with "complete"
// true, false, or of another type (a number stands for every other type).
inline constexpr text_member complete_members[3] = {
    {text_value::string("complete", 8), text_value(json_kind::true_value)},
    {text_value::string("complete", 8), text_value(json_kind::false_value)},
    {text_value::string("complete", 8), text_value(json_kind::number)},
};
inline constexpr text_value phase_values[5] = {
    text_value(json_kind::null_value),           text_value::object(nullptr, 0),
    text_value::object(&complete_members[0], 1), text_value::object(&complete_members[1], 1),
    text_value::object(&complete_members[2], 1),
};

// The shared value for an element state (see element_states).
inline const text_value& phase_value(unsigned char state) noexcept {
    if ((state & element_object) == 0) return phase_values[0];
    const auto member = static_cast<json_kind>(state & ~element_object);
    if (member == json_kind::none) return phase_values[1];
    if (member == json_kind::true_value) return phase_values[2];
    if (member == json_kind::false_value) return phase_values[3];
    return phase_values[4];
}

// The elements of "phases": from the states the scan collected for every element, or else
// looked up in the scan's trie, which holds the elements the patch names.
class element_table {
public:
    element_table(const target_set& targets, std::uint32_t array_node,
                  const element_states* collected) noexcept
        : targets_(targets), array_node_(array_node), collected_(collected) {}

    const text_value& at(std::size_t i) const noexcept {
        if (collected_ != nullptr) {
            RELPATCH_ASSERT(i < collected_->size());
            return phase_value(i < collected_->size() ? (*collected_)[i] : 0);
        }
        const target_node& n = targets_[array_node_];
        const target_set::indexed* first = targets_.index_table() + n.index_begin;
        const target_set::indexed* last = targets_.index_table() + n.index_end;
        const target_set::indexed* it = std::lower_bound(
            first, last, i,
            [](const target_set::indexed& e, std::size_t v) noexcept { return e.index < v; });
        // The policies only read elements the patch names, and the scan found each of them.
        RELPATCH_ASSERT(it != last && it->index == i);
        if (it == last || it->index != i) return phase_values[0];
        return phase_value(state_of(it->node));
    }

private:
    unsigned char state_of(std::uint32_t node) const noexcept {
        const target_node& n = targets_[node];
        if (n.kind != json_kind::object) return 0;
        for (std::uint32_t c = n.first_child; c != no_node; c = targets_[c].next_sibling)
            if (targets_[c].token == complete_name)
                return static_cast<unsigned char>(element_object |
                                                  static_cast<unsigned char>(targets_[c].kind));
        return element_object;
    }

    const target_set& targets_;
    std::uint32_t array_node_;
    const element_states* collected_;
};

inline const text_value& text_value::operator[](SizeType i) const noexcept {
    return elements_->at(i);
}

}  // namespace detail
}  // namespace relpatch

#endif
