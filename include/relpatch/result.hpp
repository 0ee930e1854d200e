#ifndef RELPATCH_RESULT_HPP
#define RELPATCH_RESULT_HPP

/// @file
/// relpatch::result: what every entry point reports.

#include <relpatch/error.hpp>

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>

namespace relpatch {

namespace detail {
struct result_access;
}

/// What apply_patch (and parse_document) report. It owns no heap memory: the failing pointer
/// is kept as a truncated UTF-8 copy in a fixed buffer, so a result can be returned from the hot
/// path for free. Only relpatch fills one in.
///
/// Members take constant time and never throw, except message() and append_json_string().
class [[nodiscard]] result {
public:
    /// "No operation" (op_index()) and "no offset" (offset()).
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    /// The most bytes of the failing pointer kept for path().
    static constexpr std::size_t max_path_bytes = 120;

    /// Success. The path buffer is left uninitialized (path_size_ says how much of it is
    /// valid): a result is made on every call of the hot path.
    result() noexcept {}
    /// A result carrying `code` and the index of the operation at fault (npos for none), with
    /// no path, offset or detail: what a wrapper or a test can build itself.
    explicit result(errc code, std::size_t op_index = npos) noexcept
        : code_(code), op_index_(op_index) {}

    /// True when the patch was applied (or the document parsed).
    explicit operator bool() const noexcept { return code_ == errc::success; }
    /// The error, or errc::success.
    errc code() const noexcept { return code_; }
    /// code() as a std::error_code in error_category(); compares equal to its family
    /// (`r.error_code() == condition::over_limit`).
    std::error_code error_code() const noexcept { return make_error_code(code_); }
    /// relpatch::http_status() of code(): 200 on success.
    int http_status(status_profile profile = status_profile::rfc5789) const noexcept {
        return relpatch::http_status(code_, profile);
    }

    /// Index of the failing operation, or npos when the failure is not one operation's (invalid
    /// JSON, a patch that is not an array, too many operations).
    std::size_t op_index() const noexcept { return op_index_; }
    /// Whether op_index() names an operation.
    bool has_op_index() const noexcept { return op_index_ != npos; }

    /// Offset in code units of a syntax or encoding error in the patch text or document text,
    /// or npos.
    std::size_t offset() const noexcept { return offset_; }

    /// True when the patch modified the document: its serialization differs from before. An
    /// operation that writes a value identical to the one already there (false over false, but
    /// not 1.0 over 1), moves a location onto itself, or only tests, modifies nothing; a patch of
    /// replaces and tests (every release patch is one) is judged by its net effect, so setting a
    /// flag and setting it back, or replacing a container and putting an identical one back, is
    /// no change (should max_work run out while containers are compared, the answer is true).
    /// Other operations that exactly cancel each other (add then remove the same member) still
    /// report a change.
    bool changed() const noexcept { return changed_; }

    /// The pointer the failure is about, as UTF-8 (possibly truncated, see path_truncated()).
    std::string_view path() const noexcept { return std::string_view(path_, path_size_); }
    /// True when the pointer was longer than max_path_bytes and path() holds its start (cut at a
    /// character boundary).
    bool path_truncated() const noexcept { return path_truncated_; }
    /// True when path() is the operation's "from" rather than its "path".
    bool path_is_from() const noexcept { return path_is_from_; }
    /// A static sentence that adds to the error's message, or nullptr.
    const char* detail() const noexcept { return detail_; }

    /// `operation 0 (path "/phase/0/complete"): path not allowed by policy: did you mean ...`.
    /// The path is written as a JSON string (quotes, backslashes and control characters
    /// escaped), so it cannot be confused with the rest of the message or forge a log line.
    /// @par Complexity
    /// Linear in the size of path().
    /// @par Exception Safety
    /// Strong: throws std::bad_alloc when memory runs out.
    std::string message() const {
        std::string out;
        out.reserve(64 + 6 * path_size_);
        if (has_op_index()) {
            out += "operation ";
            out += std::to_string(op_index_);
            if (has_path_) {
                out += path_is_from_ ? " (from " : " (path ";
                append_json_string(out, path());
                if (path_truncated_) out += "...";
                out += ")";
            }
            out += ": ";
        }
        out += errc_message(code_);
        if (offset_ != npos) {
            out += " at offset ";
            out += std::to_string(offset_);
        }
        if (detail_ != nullptr && code_ != errc::success) {
            out += ": ";
            out += detail_;
        }
        return out;
    }

    /// Appends `text` (UTF-8) to `out` as a JSON string literal, quotes included: `"` and `\`
    /// are escaped with a backslash, control characters and DEL as `\\u00XX`; other bytes are
    /// copied as they are.
    /// @par Complexity
    /// Linear in the size of `text`.
    /// @par Exception Safety
    /// Basic: throws std::bad_alloc when memory runs out, leaving part of the literal in `out`.
    static void append_json_string(std::string& out, std::string_view text) {
        static const char hex[] = "0123456789abcdef";
        out += '"';
        for (const char ch : text) {
            const auto c = static_cast<unsigned char>(ch);
            if (c == '"' || c == '\\') {
                out += '\\';
                out += ch;
            } else if (c < 0x20 || c == 0x7F) {
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 15];
            } else {
                out += ch;
            }
        }
        out += '"';
    }

private:
    friend struct detail::result_access;

    result& set_changed(bool changed) noexcept {
        changed_ = changed;
        return *this;
    }
    result& set_detail(const char* detail) noexcept {
        detail_ = detail;
        return *this;
    }
    result& set_offset(std::size_t offset) noexcept {
        offset_ = offset;
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

    errc code_ = errc::success;
    std::size_t op_index_ = npos;
    std::size_t offset_ = npos;
    const char* detail_ = nullptr;
    std::size_t path_size_ = 0;
    bool changed_ = false;
    bool has_path_ = false;
    bool path_is_from_ = false;
    bool path_truncated_ = false;
    char path_[max_path_bytes];
};

/// The body a server sends with a refusal: under status_profile::release_api the release API's
/// own `{"code":"invalid_request","message":"..."}`; otherwise
/// `{"code":"<errc name>","message":"...","op":N|null,"status":S}`.
/// @par Complexity
/// Linear in the size of the message.
/// @par Exception Safety
/// Strong: throws std::bad_alloc when memory runs out.
inline std::string error_body(const result& r, status_profile profile = status_profile::rfc5789) {
    std::string out = "{\"code\":";
    if (profile == status_profile::release_api)
        out += r.http_status(profile) == 400 ? "\"invalid_request\"" : "\"internal_error\"";
    else
        result::append_json_string(out, errc_name(r.code()));
    out += ",\"message\":";
    result::append_json_string(out, r.message());
    if (profile != status_profile::release_api) {
        out += ",\"op\":";
        out += r.has_op_index() ? std::to_string(r.op_index()) : std::string("null");
        out += ",\"status\":";
        out += std::to_string(r.http_status(profile));
    }
    out += '}';
    return out;
}

namespace detail {

// The library's access to result's setters.
struct result_access {
    static result& changed(result& r, bool c) noexcept { return r.set_changed(c); }
    static result& detail(result& r, const char* d) noexcept { return r.set_detail(d); }
    static result& offset(result& r, std::size_t o) noexcept { return r.set_offset(o); }
    static result& path(result& r, std::string_view utf8, bool is_from,
                        bool truncated = false) noexcept {
        return r.set_path(utf8, is_from, truncated);
    }
};

}  // namespace detail

}  // namespace relpatch

#endif
