#ifndef RELPATCH_DETAIL_TEXT_SCAN_HPP
#define RELPATCH_DETAIL_TEXT_SCAN_HPP

// JSON text (a patch or a document) before it is parsed: encoding validation, nesting depth,
// the escapes RapidJSON's writer and encodings cannot take.

#include <relpatch/error.hpp>

#include <rapidjson/encodings.h>

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace relpatch {
namespace detail {

enum class text_encoding { ascii, utf8, utf16, utf32 };

template <class Encoding>
struct encoding_of {
    static_assert(
        sizeof(Encoding) == 0,
        "relpatch: the document's Encoding must be RapidJSON's UTF8, UTF16, UTF32 or ASCII");
};
template <class C>
struct encoding_of<RAPIDJSON_NAMESPACE::UTF8<C>> {
    static constexpr text_encoding value = text_encoding::utf8;
};
template <class C>
struct encoding_of<RAPIDJSON_NAMESPACE::UTF16<C>> {
    static constexpr text_encoding value = text_encoding::utf16;
};
template <class C>
struct encoding_of<RAPIDJSON_NAMESPACE::UTF32<C>> {
    static constexpr text_encoding value = text_encoding::utf32;
};
template <class C>
struct encoding_of<RAPIDJSON_NAMESPACE::ASCII<C>> {
    static constexpr text_encoding value = text_encoding::ascii;
};

// Reads one code point starting at text[i]; advances i. Returns false on an invalid sequence.
template <text_encoding E, class Ch>
inline bool next_code_point(const Ch* text, std::size_t size, std::size_t& i,
                            std::uint32_t& cp) noexcept {
    using U = std::make_unsigned_t<Ch>;
    const std::uint32_t u0 = static_cast<U>(text[i]);
    if constexpr (E == text_encoding::ascii) {
        cp = u0;
        ++i;
        return u0 < 0x80;
    } else if constexpr (E == text_encoding::utf8) {
        if (u0 < 0x80) {
            cp = u0;
            ++i;
            return true;
        }
        std::size_t len;
        std::uint32_t min;
        if (u0 >= 0xC2 && u0 <= 0xDF) {
            len = 2;
            min = 0x80;
            cp = u0 & 0x1F;
        } else if (u0 >= 0xE0 && u0 <= 0xEF) {
            len = 3;
            min = 0x800;
            cp = u0 & 0x0F;
        } else if (u0 >= 0xF0 && u0 <= 0xF4) {
            len = 4;
            min = 0x10000;
            cp = u0 & 0x07;
        } else {
            return false;
        }
        if (size - i < len) return false;
        for (std::size_t k = 1; k < len; ++k) {
            const std::uint32_t u = static_cast<U>(text[i + k]);
            if ((u & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (u & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += len;
        return true;
    } else if constexpr (E == text_encoding::utf16) {
        if (u0 > 0xFFFF || (u0 >= 0xDC00 && u0 <= 0xDFFF)) return false;
        if (u0 >= 0xD800 && u0 <= 0xDBFF) {
            if (size - i < 2) return false;
            const std::uint32_t u1 = static_cast<U>(text[i + 1]);
            if (u1 < 0xDC00 || u1 > 0xDFFF) return false;
            cp = 0x10000 + ((u0 - 0xD800) << 10) + (u1 - 0xDC00);
            i += 2;
            return true;
        }
        cp = u0;
        ++i;
        return true;
    } else {
        cp = u0;
        ++i;
        return u0 <= 0x10FFFF && !(u0 >= 0xD800 && u0 <= 0xDFFF);
    }
}

inline int hex_value(std::uint32_t c) noexcept {
    if (c >= '0' && c <= '9') return static_cast<int>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<int>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<int>(c - 'A' + 10);
    return -1;
}

// Reads "\uXXXX" at text[i] (i at the backslash). Returns the 16-bit value, or -1.
template <class Ch>
inline long read_u_escape(const Ch* text, std::size_t size, std::size_t i) noexcept {
    using U = std::make_unsigned_t<Ch>;
    if (size - i < 6 || static_cast<U>(text[i]) != '\\' || static_cast<U>(text[i + 1]) != 'u')
        return -1;
    long v = 0;
    for (std::size_t k = 2; k < 6; ++k) {
        const int h = hex_value(static_cast<U>(text[i + k]));
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
}

// Writes code point `cp` (at most 0x10FFFF) as UTF-8 at `out`, which has room for 4 bytes.
// Returns the number of bytes written.
inline std::size_t encode_utf8(std::uint32_t cp, char* out) noexcept {
    if (cp < 0x80) {
        out[0] = static_cast<char>(cp);
        return 1;
    }
    if (cp < 0x800) {
        out[0] = static_cast<char>(0xC0 | (cp >> 6));
        out[1] = static_cast<char>(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = static_cast<char>(0xE0 | (cp >> 12));
        out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out[2] = static_cast<char>(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = static_cast<char>(0xF0 | (cp >> 18));
    out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[3] = static_cast<char>(0x80 | (cp & 0x3F));
    return 4;
}

// One pass over JSON text, before parsing. It finds the errors that take precedence over syntax
// errors, each with an errc of its own:
// - text that is not valid in the document's encoding (invalid_encoding), and for an ASCII
//   document a "\u" escape above 0x7F, which RapidJSON's ASCII encoding would assert on;
// - a raw NUL (not JSON anywhere; invalid_json);
// - a "\uDCxx" escape without a high surrogate before it (invalid_encoding: it has no UTF-8 or
//   UTF-16 form);
// - arrays and objects nested deeper than max_depth (nesting_too_deep), before anything is built.
// Anything else that is not JSON is left to the parser (json_scanner) to report. `offset`, when
// not null, receives the position of the refused code unit. One pass, no recursion: O(size).
template <text_encoding E, class Ch>
inline errc scan_json_text(const Ch* text, std::size_t size, std::size_t max_depth,
                           std::size_t* offset = nullptr) noexcept {
    using U = std::make_unsigned_t<Ch>;
    std::size_t depth = 0;
    bool in_string = false;
    std::size_t i = 0;
    const auto refuse = [&](errc e) noexcept {
        if (offset != nullptr) *offset = i;
        return e;
    };
    while (i < size) {
        const std::uint32_t c = static_cast<U>(text[i]);
        if (c >= 0x80) {
            std::uint32_t cp;
            if (!next_code_point<E>(text, size, i, cp)) return refuse(errc::invalid_encoding);
            continue;
        }
        if (c == 0) return refuse(errc::invalid_json);
        if (in_string) {
            if (c == '"') {
                in_string = false;
            } else if (c == '\\') {
                const long v = read_u_escape(text, size, i);
                if (v >= 0xDC00 && v <= 0xDFFF) return refuse(errc::invalid_encoding);
                if (E == text_encoding::ascii && v >= 0x80) return refuse(errc::invalid_encoding);
                if (v >= 0xD800 && v <= 0xDBFF) {
                    const long low = read_u_escape(text, size, i + 6);
                    if (low >= 0xDC00 && low <= 0xDFFF) {
                        i += 12;
                        continue;
                    }
                    // An unpaired high surrogate: the parser reports it as a syntax error.
                }
                if (v < 0 && i + 1 < size && static_cast<U>(text[i + 1]) < 0x80) {
                    i += 2;  // a one-character escape such as \" or \\ (or an invalid one)
                    continue;
                }
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) return refuse(errc::nesting_too_deep);
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
        ++i;
    }
    return errc::success;
}

// Converts document text to UTF-8 for error reports, replacing what cannot be decoded by U+FFFD
// and stopping before `capacity` bytes. Returns the bytes written; sets `truncated`.
template <text_encoding E, class Ch>
inline std::size_t to_utf8(const Ch* text, std::size_t size, char* out, std::size_t capacity,
                           bool& truncated) noexcept {
    std::size_t n = 0;
    std::size_t i = 0;
    truncated = false;
    while (i < size) {
        std::uint32_t cp;
        const std::size_t before = i;
        if (!next_code_point<E>(text, size, i, cp)) {
            cp = 0xFFFD;
            i = before + 1;
        }
        char buf[4];
        const std::size_t len = encode_utf8(cp, buf);
        if (capacity - n < len) {
            truncated = true;
            break;
        }
        for (std::size_t k = 0; k < len; ++k) out[n++] = buf[k];
    }
    return n;
}

}  // namespace detail
}  // namespace relpatch

#endif
