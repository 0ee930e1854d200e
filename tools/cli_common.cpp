#include "cli_common.hpp"

#include <relpatch/error.hpp>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cerrno>
#include <cstdio>
#include <string_view>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace relpatch_cli {

namespace {

// A RapidJSON output stream writing through a fixed buffer to a file descriptor, so the
// serialized document is never held in memory whole. After a failed write it drops the rest;
// ok() and error() tell what happened.
class fd_stream {
public:
    using Ch = char;
    explicit fd_stream(int fd) noexcept : fd_(fd) {}
    fd_stream(const fd_stream&) = delete;
    fd_stream& operator=(const fd_stream&) = delete;

    void Put(char c) {
        if (size_ == sizeof buffer_) Flush();
        buffer_[size_++] = c;
    }
    void Flush() {
        if (error_ == 0 && !write_all(fd_, buffer_, size_)) error_ = errno != 0 ? errno : EIO;
        size_ = 0;
    }
    bool ok() const noexcept { return error_ == 0; }
    int error() const noexcept { return error_; }

private:
    int fd_;
    int error_ = 0;
    std::size_t size_ = 0;
    char buffer_[65536];
};

}  // namespace

std::string named(const char* role, const std::string& path) {
    return std::string(role) + " (" + path + ")";
}

bool read_all(int fd, std::string& out) {
    struct stat st;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        out.reserve(static_cast<std::size_t>(st.st_size));
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n == 0) return true;
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
}

bool read_path(const std::string& path, std::string& out) {
    if (path == "-") return read_all(STDIN_FILENO, out);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool ok = read_all(fd, out);
    const int e = errno;
    ::close(fd);
    errno = e;
    return ok;
}

bool write_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

bool write_document(int fd, const rapidjson::Document& doc, bool pretty, bool bom) {
    fd_stream out(fd);
    if (bom)
        for (const char c : std::string_view("\xEF\xBB\xBF")) out.Put(c);
    bool accepted;
    if (pretty) {
        rapidjson::PrettyWriter<fd_stream> w(out);
        w.SetIndent(' ', 2);
        accepted = doc.Accept(w);
    } else {
        rapidjson::Writer<fd_stream> w(out);
        accepted = doc.Accept(w);
    }
    out.Put('\n');
    out.Flush();
    if (!accepted && out.ok())
        errno = EINVAL;  // a NaN or infinity, which parsing never yields
    else
        errno = out.error();
    return accepted && out.ok();
}

std::string invalid_document_message(const relpatch::result& parsed, const std::string& name,
                                     std::size_t max_depth) {
    const std::string at = " at byte " + std::to_string(parsed.offset());
    switch (parsed.code()) {
    case relpatch::errc::document_too_deep:
        return name + " nests deeper than " + std::to_string(max_depth) + " levels" + at;
    case relpatch::errc::invalid_encoding: return name + " is not valid UTF-8" + at;
    case relpatch::errc::out_of_memory: return name + ": out of memory while parsing";
    default:
        const char* detail = parsed.detail();
        return name + " is not valid JSON" + at + (detail ? std::string(": ") + detail : "");
    }
}

void report_refusal(const relpatch::result& r, bool with_path) {
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    w.StartObject();
    w.Key("error");
    w.String(relpatch::errc_name(r.code()));
    w.Key("op");
    if (r.has_op_index())
        w.Uint64(r.op_index());
    else
        w.Null();
    if (with_path) {
        w.Key("path");
        if (r.has_op_index())
            w.String(r.path().data(), static_cast<rapidjson::SizeType>(r.path().size()));
        else
            w.Null();
    }
    w.Key("message");
    const std::string message = r.message();
    w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
    w.Key("status");
    w.Int(r.http_status());
    w.EndObject();
    std::fprintf(stderr, "%s\n", sb.GetString());
}

}  // namespace relpatch_cli
