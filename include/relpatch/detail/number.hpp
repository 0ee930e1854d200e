#ifndef RELPATCH_DETAIL_NUMBER_HPP
#define RELPATCH_DETAIL_NUMBER_HPP

// JSON numbers, converted exactly and the same way everywhere (patches, documents, the text
// path's validator): std::from_chars, correctly rounded. RapidJSON's own conversion is off by an
// ulp on about one double in ten at its default precision, runs clz(0) in its full-precision
// mode, and its reader refuses some numbers that fit a double (0e400, or 1 followed by 400 zeros
// and e-100), so relpatch reads numbers itself.

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <system_error>

namespace relpatch {
namespace detail {

// Whether JSON number `s`, which from_chars found out of range, overflowed (true) or underflowed
// to zero (false): by the decimal exponent of its leading significant digit, >= 0 or < 0.
inline bool number_overflows(const char* s, std::size_t n) noexcept {
    std::size_t i = s[0] == '-' ? 1 : 0;
    long long magnitude = 0;
    bool seen = false;
    long long digits_before_point = 0;
    long long zeros_after_point = 0;
    bool after_point = false;
    for (; i < n && s[i] != 'e' && s[i] != 'E'; ++i) {
        if (s[i] == '.') {
            after_point = true;
            continue;
        }
        if (!seen && s[i] == '0') {
            if (after_point) ++zeros_after_point;
            continue;
        }
        if (!seen) seen = true;
        if (!after_point) ++digits_before_point;
    }
    if (!seen) return false;  // zero never overflows
    magnitude = digits_before_point > 0 ? digits_before_point - 1 : -(zeros_after_point + 1);
    long long exponent = 0;
    if (i < n) {
        ++i;
        bool negative = false;
        if (i < n && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
        // Saturates far above any position a digit can have in text that fits in memory (the
        // magnitude is bounded by the text's length), and below where the sum could overflow.
        constexpr long long saturated = 100000000000000000LL;  // 1e17
        for (; i < n; ++i)
            if (exponent < saturated) exponent = exponent * 10 + (s[i] - '0');
        if (negative) exponent = -exponent;
    }
    return magnitude + exponent >= 0;
}

// Converts the JSON number text `s` (valid grammar, already checked by the scanner) into
// `handler`'s value: an integer when it has no fraction or exponent and fits int64 or uint64
// ("-0" is the double -0.0, so its sign survives), else the correctly rounded double. False
// when the number is too large for a double.
template <class Handler>
inline bool exact_number(const char* s, std::size_t n, Handler& handler) noexcept {
    bool integral = true;
    for (std::size_t i = 0; i < n; ++i)
        if (s[i] == '.' || s[i] == 'e' || s[i] == 'E') integral = false;
    if (integral) {
        if (s[0] == '-') {
            std::int64_t v = 0;
            const auto r = std::from_chars(s, s + n, v);
            if (r.ec == std::errc() && r.ptr == s + n && v != 0) return handler.Int64(v);
        } else {
            std::uint64_t v = 0;
            const auto r = std::from_chars(s, s + n, v);
            if (r.ec == std::errc() && r.ptr == s + n) return handler.Uint64(v);
        }
    }
    double d = 0;
    const auto r = std::from_chars(s, s + n, d);
    if (r.ec == std::errc::result_out_of_range) {
        if (number_overflows(s, n)) return false;
        d = s[0] == '-' ? -0.0 : 0.0;
    } else if (r.ec != std::errc() || r.ptr != s + n) {
        return false;
    }
    return handler.Double(d);
}

// Whether the JSON number `s` fits a double, by exact_number's conversion.
inline bool number_fits(const char* s, std::size_t n) noexcept {
    struct probe {
        bool Int64(std::int64_t) noexcept { return true; }
        bool Uint64(std::uint64_t) noexcept { return true; }
        bool Double(double) noexcept { return true; }
    } p;
    return exact_number(s, n, p);
}

}  // namespace detail
}  // namespace relpatch

#endif
