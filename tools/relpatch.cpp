// relpatch [--policy release|ordered-release|rfc6902] [--pretty] [--in-place] DOC PATCH
//
// Applies PATCH to DOC (either may be "-" for standard input) and prints the patched document.
// Exit status: 0 applied; 1 the patch was refused (a JSON error object on stderr); 2 usage or
// I/O error, including a DOC that is not JSON.

#include <relpatch/relpatch.hpp>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

constexpr int exit_refused = 1;
constexpr int exit_usage = 2;

// Documents nest deeper than patches may, but serializing is recursive in RapidJSON.
constexpr std::size_t max_document_depth = 10000;

const char usage_text[] =
    "usage: relpatch [--policy release|ordered-release|rfc6902] [--pretty] [--in-place] DOC PATCH\n"
    "  DOC, PATCH   file paths, or - for standard input (not both)\n"
    "  --policy     which operations are allowed (default: release)\n"
    "  --pretty     indent the output\n"
    "  --in-place   rewrite DOC atomically instead of printing it\n";

int usage(const char* problem) {
    std::fprintf(stderr, "relpatch: %s\n%s", problem, usage_text);
    return exit_usage;
}

bool read_all(const std::string& path, std::string& out) {
    FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
    if (f == nullptr) return false;
    char buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    const bool ok = !std::ferror(f);
    if (f != stdin) std::fclose(f);
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

// Writes to a temporary file beside `path`, flushes it to disk, then renames it over `path`:
// readers see the old document or the new one, never a partial one.
bool replace_file(const std::string& path, const std::string& content) {
    std::string tmp = path + ".relpatch-XXXXXX";
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0) return false;
    struct stat original;
    bool ok = ::stat(path.c_str(), &original) == 0 && ::fchmod(fd, original.st_mode & 07777) == 0;
    ok = ok && write_all(fd, content.data(), content.size()) && ::fsync(fd) == 0;
    ok = (::close(fd) == 0) && ok;
    if (ok) ok = std::rename(tmp.c_str(), path.c_str()) == 0;
    if (!ok) std::remove(tmp.c_str());
    return ok;
}

std::string serialize(const rapidjson::Document& doc, bool pretty) {
    rapidjson::StringBuffer sb;
    if (pretty) {
        rapidjson::PrettyWriter<rapidjson::StringBuffer> w(sb);
        w.SetIndent(' ', 2);
        doc.Accept(w);
    } else {
        rapidjson::Writer<rapidjson::StringBuffer> w(sb);
        doc.Accept(w);
    }
    return std::string(sb.GetString(), sb.GetSize()) + "\n";
}

void report_refusal(const relpatch::result& r) {
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
    w.Key("message");
    const std::string message = r.message();
    w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
    w.Key("status");
    w.Int(r.http_status());
    w.EndObject();
    std::fprintf(stderr, "%s\n", sb.GetString());
}

template <class Policy>
relpatch::result apply(rapidjson::Document& doc, const std::string& patch) {
    return relpatch::apply_patch<Policy>(doc, patch);
}

}  // namespace

int main(int argc, char** argv) {
    std::string policy = "release";
    bool pretty = false;
    bool in_place = false;
    const char* paths[2] = {nullptr, nullptr};
    int npaths = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::fputs(usage_text, stdout);
            return 0;
        } else if (arg == "--pretty") {
            pretty = true;
        } else if (arg == "--in-place") {
            in_place = true;
        } else if (arg == "--policy") {
            if (++i == argc) return usage("--policy needs a value");
            policy = argv[i];
        } else if (arg.substr(0, 9) == "--policy=") {
            policy = std::string(arg.substr(9));
        } else if (arg.size() > 1 && arg[0] == '-' && arg != "-") {
            return usage(("unknown option " + std::string(arg)).c_str());
        } else {
            if (npaths == 2) return usage("too many arguments");
            paths[npaths++] = argv[i];
        }
    }
    if (npaths != 2) return usage("DOC and PATCH are required");
    if (policy != "release" && policy != "ordered-release" && policy != "rfc6902")
        return usage(("unknown policy " + policy).c_str());
    const std::string doc_path = paths[0];
    const std::string patch_path = paths[1];
    if (doc_path == "-" && patch_path == "-") return usage("DOC and PATCH cannot both be -");
    if (in_place && doc_path == "-") return usage("--in-place needs a DOC file");

    std::string doc_text, patch_text;
    if (!read_all(doc_path, doc_text)) {
        std::fprintf(stderr, "relpatch: cannot read %s: %s\n", doc_path.c_str(), std::strerror(errno));
        return exit_usage;
    }
    if (!read_all(patch_path, patch_text)) {
        std::fprintf(stderr, "relpatch: cannot read %s: %s\n", patch_path.c_str(), std::strerror(errno));
        return exit_usage;
    }

    // Exact numbers, bounded depth, checked encoding: see relpatch::parse_document.
    rapidjson::Document doc;
    relpatch::limits doc_limits;
    doc_limits.max_document_depth = max_document_depth;
    const relpatch::result parsed = relpatch::parse_document(std::string_view(doc_text), doc, doc_limits);
    if (!parsed) {
        std::fprintf(stderr, "relpatch: %s is not a JSON document: %s\n", doc_path.c_str(),
                     parsed.message().c_str());
        return exit_usage;
    }

    const relpatch::result r = policy == "rfc6902"           ? apply<relpatch::rfc6902_policy>(doc, patch_text)
                               : policy == "ordered-release" ? apply<relpatch::ordered_release_policy>(doc, patch_text)
                                                             : apply<relpatch::release_policy>(doc, patch_text);
    if (!r) {
        report_refusal(r);
        return exit_refused;
    }

    const std::string out = serialize(doc, pretty);
    if (in_place) {
        if (!replace_file(doc_path, out)) {
            std::fprintf(stderr, "relpatch: cannot rewrite %s: %s\n", doc_path.c_str(), std::strerror(errno));
            return exit_usage;
        }
        return 0;
    }
    if (!write_all(STDOUT_FILENO, out.data(), out.size())) {
        std::fprintf(stderr, "relpatch: cannot write output: %s\n", std::strerror(errno));
        return exit_usage;
    }
    return 0;
}
