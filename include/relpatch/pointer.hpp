#ifndef RELPATCH_POINTER_HPP
#define RELPATCH_POINTER_HPP

/// @file
/// RFC 6901 JSON Pointer over RapidJSON values, without heap allocation: a basic_pointer is a
/// validated view of the pointer text, and its tokens are compared with member names still
/// escaped, decoding "~1" and "~0" on the fly.

#include <relpatch/error.hpp>
#include <relpatch/detail/members.hpp>

#include <rapidjson/document.h>

#include <cstddef>
#include <iterator>
#include <limits>
#include <string_view>

namespace relpatch {

/// An RFC 6901 JSON Pointer for documents of type `ValueType` (a RapidJSON GenericValue of any
/// encoding and allocator). It is a view of validated pointer text and owns nothing: keep the
/// text alive while the pointer is used. Make one with parse().
///
/// Unlike RapidJSON's GenericPointer it never allocates, refuses URI fragments ("#/a"), and
/// only finds values: it never creates, pads or changes the type of anything.
///
/// Members take constant time and never throw unless stated otherwise.
template <class ValueType>
class basic_pointer {
public:
    /// The RapidJSON value type the pointer resolves in.
    using value_type = ValueType;
    /// A code unit of the pointer text: the value type's.
    using Ch = typename ValueType::Ch;
    /// The type of the pointer text.
    using string_view_type = std::basic_string_view<Ch>;

    /// One reference token, as written in the pointer (escapes not yet decoded): a view into
    /// the pointer text.
    class token {
    public:
        /// The empty token "".
        constexpr token() noexcept = default;
        /// A token viewing `escaped`, which must be valid: every '~' followed by '0' or '1'.
        constexpr explicit token(string_view_type escaped) noexcept : escaped_(escaped) {}

        /// The token as written, escapes included ("a~1b").
        string_view_type escaped() const noexcept { return escaped_; }

        /// Length of the token once "~0" and "~1" are decoded. Linear in the token's length.
        std::size_t decoded_size() const noexcept {
            std::size_t n = escaped_.size();
            for (Ch c : escaped_)
                if (c == Ch('~')) --n;
            return n;
        }

        /// Writes the decoded token (decoded_size() code units) to `out`. Linear in the token's
        /// length.
        void decode(Ch* out) const noexcept {
            for (std::size_t i = 0; i < escaped_.size(); ++i) {
                Ch c = escaped_[i];
                if (c == Ch('~')) c = escaped_[++i] == Ch('0') ? Ch('~') : Ch('/');
                *out++ = c;
            }
        }

        /// Whether the decoded token equals the `size` code units at `s` (which may hold NULs),
        /// decoding on the fly. Linear in the token's length; a length mismatch is usually found
        /// at once.
        bool equals(const Ch* s, std::size_t size) const noexcept {
            return matches(size, [s](std::size_t j) noexcept { return s[j]; });
        }

        /// Whether the decoded token is the ASCII text `literal`. Linear in the token's length.
        bool equals_ascii(std::string_view literal) const noexcept {
            return matches(literal.size(), [literal](std::size_t j) noexcept {
                return static_cast<Ch>(literal[j]);
            });
        }

        /// Reads the token as an index into an array of `size` elements (RFC 6901 section 4:
        /// "0" or digits without a leading zero). With `for_insert`, "-" and `size` itself name
        /// the position after the last element, as add needs. On success sets `index`; errors:
        /// invalid_index (not a canonical number), index_out_of_range (past the end, too large
        /// for size_t, or "-" without `for_insert`). Linear in the token's length.
        errc to_index(std::size_t size, bool for_insert, std::size_t& index) const noexcept {
            if (escaped_.size() == 1 && escaped_[0] == Ch('-')) {
                if (!for_insert) return errc::index_out_of_range;
                index = size;
                return errc::success;
            }
            if (escaped_.empty() || (escaped_[0] == Ch('0') && escaped_.size() > 1))
                return errc::invalid_index;
            constexpr std::size_t max = std::numeric_limits<std::size_t>::max();
            std::size_t value = 0;
            bool overflow = false;
            for (Ch c : escaped_) {
                if (c < Ch('0') || c > Ch('9')) return errc::invalid_index;
                const auto digit = static_cast<std::size_t>(c - Ch('0'));
                if (value > (max - digit) / 10)
                    overflow = true;  // keep reading: a later non-digit is a syntax error
                else
                    value = value * 10 + digit;
            }
            if (overflow || value > size || (value == size && !for_insert))
                return errc::index_out_of_range;
            index = value;
            return errc::success;
        }

    private:
        // Compares the decoded token with the `size` code units at(0), at(1), ...
        template <class At>
        bool matches(std::size_t size, At at) const noexcept {
            // Decoding only shortens a token: when the lengths match there is nothing to decode
            // unless a '~' turns up, and most member names already differ in length.
            if (escaped_.size() < size) return false;
            if (escaped_.size() == size) {
                std::size_t i = 0;
                while (i < size && escaped_[i] == at(i) && escaped_[i] != Ch('~')) ++i;
                if (i == size) return true;
                if (escaped_[i] != Ch('~')) return false;
            }
            std::size_t j = 0;
            for (std::size_t i = 0; i < escaped_.size(); ++i, ++j) {
                Ch c = escaped_[i];
                if (c == Ch('~')) c = escaped_[++i] == Ch('0') ? Ch('~') : Ch('/');
                if (j == size || at(j) != c) return false;
            }
            return j == size;
        }

        string_view_type escaped_;
    };

    /// A forward iterator over the reference tokens, left to right; it yields tokens by value.
    /// Incrementing is linear in the length of the next token.
    class iterator {
    public:
        using iterator_category = std::forward_iterator_tag;  ///< a forward iterator
        using value_type = token;                             ///< what it yields
        using difference_type = std::ptrdiff_t;               ///< iterator distance
        using pointer = const token*;                         ///< unused: tokens are values
        using reference = token;                              ///< operator* returns a value

        /// A singular iterator.
        iterator() noexcept = default;
        /// The token whose '/' is at `pos` in `text` (`text.size()` for the end): what begin()
        /// and end() return.
        iterator(string_view_type text, std::size_t pos) noexcept
            : text_(text), pos_(pos), end_(end_of_token(text, pos)) {}

        /// The current token.
        token operator*() const noexcept {
            return token(string_view_type(text_.data() + pos_ + 1, end_ - pos_ - 1));
        }
        /// Moves to the next token.
        iterator& operator++() noexcept {
            pos_ = end_;
            end_ = end_of_token(text_, pos_);
            return *this;
        }
        /// Moves to the next token, returning the iterator as it was.
        iterator operator++(int) noexcept {
            iterator old = *this;
            ++*this;
            return old;
        }
        /// Whether two iterators over the same pointer are at the same token.
        friend bool operator==(const iterator& a, const iterator& b) noexcept {
            return a.pos_ == b.pos_;
        }
        /// Whether two iterators over the same pointer are at different tokens.
        friend bool operator!=(const iterator& a, const iterator& b) noexcept { return !(a == b); }

    private:
        // Tokens are short: a plain loop beats a call to memchr.
        static std::size_t end_of_token(string_view_type text, std::size_t pos) noexcept {
            if (pos >= text.size()) return text.size();
            std::size_t i = pos + 1;
            while (i < text.size() && text[i] != Ch('/')) ++i;
            return i;
        }
        string_view_type text_;
        std::size_t pos_ = 0;  // the '/' before the token (text_.size() at the end)
        std::size_t end_ = 0;  // where the token ends
    };

    /// The empty pointer "", which refers to the whole document.
    constexpr basic_pointer() noexcept = default;

    /// Validates `text` as a JSON Pointer. `out` then views `text`: keep the text alive while
    /// `out` is used. Errors, with `out` unchanged: pointer_too_long (more than `max_length` code
    /// units), invalid_pointer (no leading "/", or "~" not followed by "0" or "1"). Any code
    /// unit is allowed otherwise, NUL included.
    /// @par Complexity
    /// Linear in the size of `text`.
    /// @par Exception Safety
    /// No-throw.
    static errc parse(string_view_type text, basic_pointer& out,
                      std::size_t max_length = std::numeric_limits<std::size_t>::max()) noexcept {
        if (text.size() > max_length) return errc::pointer_too_long;
        if (!text.empty() && text[0] != Ch('/')) return errc::invalid_pointer;
        // Most pointers have no escape: find() (memchr for char) skips to each '~'.
        for (std::size_t i = text.find(Ch('~')); i != string_view_type::npos;
             i = text.find(Ch('~'), i + 2)) {
            if (i + 1 == text.size() || (text[i + 1] != Ch('0') && text[i + 1] != Ch('1')))
                return errc::invalid_pointer;
        }
        out.text_ = text;
        return errc::success;
    }

    /// The pointer text, escapes as written.
    string_view_type text() const noexcept { return text_; }
    /// Whether this is the empty pointer, the whole document.
    bool is_root() const noexcept { return text_.empty(); }

    /// The first reference token.
    iterator begin() const noexcept { return iterator(text_, 0); }
    /// Past the last reference token.
    iterator end() const noexcept { return iterator(text_, text_.size()); }
    /// The number of reference tokens (0 for the root). Linear in the text's length.
    std::size_t token_count() const noexcept {
        std::size_t n = 0;
        for (Ch c : text_)
            if (c == Ch('/')) ++n;
        return n;
    }

    /// The pointer without its last token (the root's parent is the root). Linear in the text's
    /// length.
    basic_pointer parent() const noexcept {
        basic_pointer p;
        const std::size_t slash = text_.rfind(Ch('/'));
        p.text_ = slash == string_view_type::npos ? string_view_type() : text_.substr(0, slash);
        return p;
    }
    /// The last token (the empty token for the root). Linear in the text's length.
    token back() const noexcept {
        const std::size_t slash = text_.rfind(Ch('/'));
        return slash == string_view_type::npos ? token() : token(text_.substr(slash + 1));
    }

    /// Whether `other` points strictly inside the location this pointer names. Escapes are
    /// canonical ("~0" and "~1" only), so comparing the texts at a token boundary is exact.
    /// Linear in the text's length.
    bool is_proper_prefix_of(const basic_pointer& other) const noexcept {
        return other.text_.size() > text_.size() && other.text_.substr(0, text_.size()) == text_ &&
               other.text_[text_.size()] == Ch('/');
    }

    /// Whether both pointers name the same location: their texts are equal (escapes are
    /// canonical). Linear in the text's length.
    friend bool operator==(const basic_pointer& a, const basic_pointer& b) noexcept {
        return a.text_ == b.text_;
    }
    /// Whether the pointers name different locations.
    friend bool operator!=(const basic_pointer& a, const basic_pointer& b) noexcept {
        return !(a == b);
    }

    /// Finds the value this pointer names in `root`, setting `out` to it. Errors, with `out`
    /// unchanged: path_not_found (no such member), not_a_container (a token applied to a
    /// scalar), invalid_index, index_out_of_range ("-" included). Where an object has a
    /// name twice, the first member wins.
    /// @par Complexity
    /// Linear in the pointer's length plus, for each object on the way, its number of members
    /// (each name compared in at most the token's length). No recursion, no allocation.
    /// @par Exception Safety
    /// No-throw.
    errc resolve(ValueType& root, ValueType*& out) const noexcept { return walk(root, out); }
    /// resolve() in a const document.
    errc resolve(const ValueType& root, const ValueType*& out) const noexcept {
        return walk(root, out);
    }

    /// The first member (RapidJSON's GenericMember) of `object` whose name equals the decoded
    /// `t`, or nullptr. Precondition: `object.IsObject()`. Linear in the number of members.
    template <class V>
    static detail::member_t<V>* find_member(V& object, const token& t) noexcept {
        for (auto& m : detail::members(object))
            if (t.equals(m.name.GetString(), m.name.GetStringLength())) return &m;
        return nullptr;
    }

private:
    template <class V>
    errc walk(V& root, V*& out) const noexcept {
        V* cur = &root;
        for (const token t : *this) {
            if (cur->IsObject()) {
                const auto it = find_member(*cur, t);
                if (it == nullptr) return errc::path_not_found;
                cur = &it->value;
            } else if (cur->IsArray()) {
                std::size_t index = 0;
                const errc e = t.to_index(cur->Size(), false, index);
                if (e != errc::success) return e;
                cur = &(*cur)[static_cast<RAPIDJSON_NAMESPACE::SizeType>(index)];
            } else {
                return errc::not_a_container;
            }
        }
        out = cur;
        return errc::success;
    }

    string_view_type text_;
};

/// A JSON Pointer for rapidjson::Value (UTF-8, MemoryPoolAllocator) and rapidjson::Document.
using pointer = basic_pointer<RAPIDJSON_NAMESPACE::Value>;

}  // namespace relpatch

#endif
