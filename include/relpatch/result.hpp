#ifndef RELPATCH_RESULT_HPP
#define RELPATCH_RESULT_HPP

#include <relpatch/error.hpp>

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>

namespace relpatch {

// What apply_patch reports. It owns no heap memory: the failing pointer is kept as a truncated
// UTF-8 copy in a fixed buffer, so a result can be returned from the hot path for free.
class [[nodiscard]] result {
public:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_path_bytes = 120;

    // The path buffer is left uninitialized (path_size_ says how much of it is valid): a result
    // is made on every call of the hot path.
    result() noexcept {}
    explicit result(errc code, std::size_t op_index = npos) noexcept
        : code_(code), op_index_(op_index) {}

    // True when the patch was applied.
    explicit operator bool() const noexcept { return code_ == errc::success; }
    errc code() const noexcept { return code_; }
    std::error_code error_code() const noexcept { return make_error_code(code_); }
    int http_status() const noexcept { return relpatch::http_status(code_); }

    // Index of the failing operation, or npos when the failure is not one operation's (invalid
    // JSON, a patch that is not an array, too many operations).
    std::size_t op_index() const noexcept { return op_index_; }
    bool has_op_index() const noexcept { return op_index_ != npos; }

    // True when applying the patch modified the document. An operation that writes a value equal
    // to the one already there (replace false with false), moves a location onto itself, or only
    // tests, modifies nothing. A patch of scalar replaces (every release patch) is judged by its
    // net effect: setting a flag and setting it back is no change. Other operations that cancel
    // each other (add then remove) still count as modifications.
    bool changed() const noexcept { return changed_; }

    // The pointer the failure is about, as UTF-8 (possibly truncated, see path_truncated()).
    std::string_view path() const noexcept { return std::string_view(path_, path_size_); }
    bool path_truncated() const noexcept { return path_truncated_; }
    // True when path() is the operation's "from" rather than its "path".
    bool path_is_from() const noexcept { return path_is_from_; }
    // A static sentence that adds to the error's message, or nullptr.
    const char* detail() const noexcept { return detail_; }

    // "operation 0 (path \"/phase/0/complete\"): path not allowed by policy: did you mean ..."
    // Composed in a local buffer (every part is bounded), then copied into the string once.
    std::string message() const {
        char buffer[max_path_bytes + 400];
        std::size_t n = 0;
        const auto put = [&](const char* text, std::size_t size) noexcept {
            if (size > sizeof buffer - n) size = sizeof buffer - n;
            std::memcpy(buffer + n, text, size);
            n += size;
        };
        const auto puts = [&](const char* text) noexcept { put(text, std::strlen(text)); };
        if (has_op_index()) {
            char digits[24];
            std::size_t d = sizeof digits;
            std::size_t i = op_index_;
            do {
                digits[--d] = static_cast<char>('0' + i % 10);
                i /= 10;
            } while (i != 0);
            puts("operation ");
            put(digits + d, sizeof digits - d);
            if (has_path_) {
                puts(path_is_from_ ? " (from \"" : " (path \"");
                put(path_, path_size_);
                puts(path_truncated_ ? "...\")" : "\")");
            }
            puts(": ");
        }
        puts(errc_message(code_));
        if (detail_ != nullptr && code_ != errc::success) {
            puts(": ");
            puts(detail_);
        }
        return std::string(buffer, n);
    }

    // Used by the engine to fill in what went wrong.
    result& set_changed(bool changed) noexcept {
        changed_ = changed;
        return *this;
    }
    result& set_detail(const char* detail) noexcept {
        detail_ = detail;
        return *this;
    }
    // Stores up to max_path_bytes of `utf8`, cut at a character boundary.
    result& set_path(std::string_view utf8, bool is_from, bool truncated = false) noexcept {
        std::size_t n = utf8.size();
        if (n > max_path_bytes) {
            n = max_path_bytes;
            while (n > 0 && (static_cast<unsigned char>(utf8[n]) & 0xC0u) == 0x80u) --n;
            truncated = true;
        }
        std::memcpy(path_, utf8.data(), n);
        path_size_ = n;
        path_truncated_ = truncated;
        path_is_from_ = is_from;
        has_path_ = true;
        return *this;
    }

private:
    errc code_ = errc::success;
    std::size_t op_index_ = npos;
    const char* detail_ = nullptr;
    std::size_t path_size_ = 0;
    bool changed_ = false;
    bool has_path_ = false;
    bool path_is_from_ = false;
    bool path_truncated_ = false;
    char path_[max_path_bytes];
};

}  // namespace relpatch

#endif
