// relpatch [--policy release|ordered-release|rfc6902] [--pretty | --compact] [--in-place]
//          [--inverse FILE] [--check] [--] DOC PATCH
//
// Applies PATCH to DOC (either may be "-" for standard input) and prints the patched document,
// or with --in-place rewrites DOC; with --check only says whether it would apply. Exit status:
// 0 applied (or would apply); 1 the patch was refused (a JSON error object on stderr); 2 usage or
// I/O error, including a DOC that is not JSON.
//
// By default DOC is patched as text (relpatch::apply_patch_to_text): the output is DOC byte for
// byte except the values the patch replaces, so a file kept in version control changes by a word.
// rfc6902 patches that add, remove, move or copy (or replace inside a value replaced before) are
// applied by the library on a DOM and come back as compact text, to which the CLI gives back the
// whitespace DOC ended with (its final newline). --pretty and
// --compact reformat on purpose: DOC is parsed (relpatch::parse_document), patched with
// apply_patch, and written by RapidJSON's PrettyWriter or Writer.
//
// Memory: the text path holds DOC's text and the output (about twice DOC's size). The reformatting
// path releases DOC's text once it is parsed and streams the output through a small buffer: DOC's
// size plus its DOM at the peak. --inverse runs the DOM path first for its undo log, and frees the
// DOM before the text path runs.

#include "cli_common.hpp"
#include "diff_command.hpp"

#include <relpatch/relpatch.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

using relpatch_cli::exit_refused;
using relpatch_cli::exit_usage;
using relpatch_cli::named;
using relpatch_cli::read_all;
using relpatch_cli::read_path;
using relpatch_cli::write_all;
using relpatch_cli::write_document;

// Documents nest deeper than patches may, but RapidJSON's Writer recurses once per level.
constexpr std::size_t max_document_depth = relpatch::hard_max_depth;
// PrettyWriter indents each line by two spaces per level, so output grows with the square of the
// depth (a 20 KB document nested 10,000 deep would print 200 MB). With --pretty, DOC may nest at
// most this deep, before and after the patch.
constexpr std::size_t max_pretty_depth = 100;

const char usage_text[] =
    "usage: relpatch [--policy release|ordered-release|rfc6902] [--pretty | --compact]\n"
    "                [--in-place] [--inverse FILE] [--check] [--] DOC PATCH\n"
    "  DOC, PATCH   file paths, or - for standard input (not both); a leading UTF-8 byte\n"
    "               order mark is allowed in either, and DOC's is kept in the output\n"
    "  --policy     which operations are allowed (default: release)\n"
    "  --pretty     reformat: indent the output by 2 spaces per level\n"
    "  --compact    reformat: the output on one line, without spaces\n"
    "  --in-place   rewrite DOC atomically instead of printing it: DOC must be a regular file\n"
    "               (symlinks are followed); its owner and mode are kept; concurrent runs on one\n"
    "               DOC take turns (flock); DOC is left untouched when the patch changes nothing\n"
    "  --inverse F  also write to F the patch that undoes this one (F = - for standard output,\n"
    "               with --in-place); written only when the patch applied\n"
    "  --check      validate DOC and PATCH against the policy and write nothing: exit 0 if the\n"
    "               patch would apply, 1 if refused; not with --pretty, --compact, --in-place or\n"
    "               --inverse\n"
    "  --           end of options\n"
    "Without --pretty or --compact, DOC comes back as written, byte for byte, except the values\n"
    "the patch replaces; rfc6902 patches that add, remove, move or copy give compact output\n"
    "(with the newline DOC ended with).\n"
    "DOC may nest at most 10000 levels deep, 100 with --pretty, before and after the patch.\n"
    "Each option may be given once. Exit status: 0 applied, 1 patch refused (a JSON error on\n"
    "stderr), 2 usage or I/O error, or DOC is not a JSON document.\n";

int usage(const std::string& problem) {
    std::fprintf(stderr, "relpatch: %s\n%s", problem.c_str(), usage_text);
    return exit_usage;
}

// Prints "relpatch: <what>: <strerror(errno)>" and returns exit_usage.
int io_error(const std::string& what) {
    const int e = errno;
    std::fprintf(stderr, "relpatch: %s: %s\n", what.c_str(), std::strerror(e));
    return exit_usage;
}

// Prints "relpatch: <message>" and returns exit_usage.
int fatal(const std::string& message) {
    std::fprintf(stderr, "relpatch: %s\n", message.c_str());
    return exit_usage;
}

struct options {
    std::string policy = "release";
    bool pretty = false;   // --pretty: reformat through the DOM, indented
    bool compact = false;  // --compact: reformat through the DOM, on one line
    bool in_place = false;
    bool check = false;        // --check: decide, write nothing
    std::string inverse_path;  // --inverse FILE: where the inverse patch goes, or empty
    std::string doc_path;
    std::string patch_path;
};

// Parses the command line into `opt`. Returns -1 to go on, or the exit status to stop with
// (0 after --help). Options come before "--"; each may be given once, so a script that says
// "--policy release" and later "--policy rfc6902" learns of the conflict instead of getting the
// last one.
int parse_arguments(int argc, char** argv, options& opt) {
    bool seen_policy = false, options_ended = false;
    std::string_view paths[2];
    int npaths = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const bool is_option = !options_ended && arg.size() > 1 && arg[0] == '-';
        if (!is_option) {
            if (npaths == 2) return usage("too many arguments");
            paths[npaths++] = arg;
        } else if (arg == "--") {
            options_ended = true;
        } else if (arg == "--help" || arg == "-h") {
            std::fputs(usage_text, stdout);
            return 0;
        } else if (arg == "--pretty" || arg == "--compact" || arg == "--in-place" ||
                   arg == "--check") {
            bool& flag = arg == "--pretty"    ? opt.pretty
                         : arg == "--compact" ? opt.compact
                         : arg == "--check"   ? opt.check
                                              : opt.in_place;
            if (flag) return usage(std::string(arg) + " given twice");
            flag = true;
        } else if (arg == "--inverse" || arg.substr(0, 10) == "--inverse=") {
            if (!opt.inverse_path.empty()) return usage("--inverse given twice");
            if (arg == "--inverse" && ++i == argc) return usage("--inverse needs a FILE");
            opt.inverse_path =
                arg == "--inverse" ? std::string(argv[i]) : std::string(arg.substr(10));
            if (opt.inverse_path.empty()) return usage("--inverse needs a FILE");
        } else if (arg == "--policy" || arg.substr(0, 9) == "--policy=") {
            if (seen_policy) return usage("--policy given twice");
            seen_policy = true;
            if (arg == "--policy" && ++i == argc) return usage("--policy needs a value");
            opt.policy = arg == "--policy" ? std::string(argv[i]) : std::string(arg.substr(9));
        } else {
            return usage("unknown option " + std::string(arg));
        }
    }
    if (npaths != 2) return usage("DOC and PATCH are required");
    if (opt.policy != "release" && opt.policy != "ordered-release" && opt.policy != "rfc6902")
        return usage("unknown policy " + opt.policy);
    opt.doc_path = paths[0];
    opt.patch_path = paths[1];
    if (opt.doc_path == "-" && opt.patch_path == "-")
        return usage("DOC and PATCH cannot both be -");
    if (opt.pretty && opt.compact) return usage("--pretty and --compact exclude each other");
    if (opt.check && (opt.pretty || opt.compact || opt.in_place || !opt.inverse_path.empty()))
        return usage(
            "--check writes nothing: it cannot be combined with --pretty, --compact, --in-place or "
            "--inverse");
    if (opt.in_place && opt.doc_path == "-") return usage("--in-place needs a DOC file");
    if (opt.inverse_path == "-" && !opt.in_place)
        return usage("--inverse - writes to standard output, which only --in-place leaves free");
    return -1;
}

bool starts_with_bom(std::string_view text) { return text.substr(0, 3) == "\xEF\xBB\xBF"; }

// DOC when rewritten in place: its resolved path, and an open descriptor on it that holds an
// exclusive flock for as long as the process runs.
struct locked_file {
    std::string path;  // absolute, no symlinks
    int fd = -1;
    struct stat st;
};

bool same_file(const struct stat& a, const struct stat& b) {
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// Resolves `doc_path`, checks it names a regular file, opens it and locks it. The lock is on
// the document's inode, which the rename at the end replaces: a run that waited for the lock
// may find the path now names a newer file, so it checks and starts again on that one. Runs
// therefore see each other's writes, and no lock file is left beside the document.
int lock_document(const std::string& doc_path, locked_file& out) {
    const std::string doc = named("DOC", doc_path);
    const auto cannot_read = [&] { return io_error("cannot read " + doc); };
    const auto not_regular = [&] {
        return fatal(doc + " is not a regular file; --in-place rewrites only regular files");
    };
    char* resolved = ::realpath(doc_path.c_str(), nullptr);
    if (resolved == nullptr) {
        struct stat link;  // e.g. /dev/stdin on a pipe: a symlink to "pipe:[1234]"
        if (errno == ENOENT && ::lstat(doc_path.c_str(), &link) == 0 && S_ISLNK(link.st_mode))
            return fatal(doc + " is a symlink that leads to no file");
        return cannot_read();
    }
    out.path = resolved;
    std::free(resolved);
    for (;;) {
        struct stat current;
        if (::stat(out.path.c_str(), &current) != 0) return cannot_read();
        // Checked before opening: opening a FIFO or a device can block or have effects.
        if (!S_ISREG(current.st_mode)) return not_regular();
        // O_NONBLOCK and O_NOFOLLOW: if the path was swapped for a FIFO or a symlink since, fail
        // rather than block or follow.
        const int flags = O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC;
        out.fd = ::open(out.path.c_str(), flags);
        if (out.fd < 0 || ::fstat(out.fd, &out.st) != 0) return cannot_read();
        if (!S_ISREG(out.st.st_mode)) return not_regular();
        while (::flock(out.fd, LOCK_EX) != 0)
            if (errno != EINTR) return io_error("cannot lock " + doc);
        if (::stat(out.path.c_str(), &current) == 0 && same_file(current, out.st)) return -1;
        ::close(out.fd);  // another run replaced the file while we waited: lock the new one
        out.fd = -1;
    }
}

std::string directory_of(const std::string& absolute_path) {
    const std::size_t slash = absolute_path.rfind('/');
    return slash == 0 ? std::string("/") : absolute_path.substr(0, slash);
}

// Gives the temporary file `fd` the owner, group and permission bits of `original`. The owner
// first: chown clears set-user-ID and set-group-ID bits.
bool copy_ownership(int fd, const struct stat& original) {
    struct stat tmp;
    if (::fstat(fd, &tmp) != 0) return false;
    if ((tmp.st_uid != original.st_uid || tmp.st_gid != original.st_gid) &&
        ::fchown(fd, original.st_uid, original.st_gid) != 0)
        return false;
    return ::fchmod(fd, original.st_mode & 07777) == 0;
}

// Flushes a directory's entries (the rename) to disk.
bool sync_directory(const std::string& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool ok = ::fsync(fd) == 0;
    const int e = errno;
    ::close(fd);
    errno = e;
    return ok;
}

// Writes the document to a temporary file in DOC's directory with DOC's owner and mode, flushes
// it to disk, renames it over DOC and flushes the directory: readers see the old document or the
// new one, never a partial one, and after a crash the disk holds one of them. The temporary
// name does not derive from DOC's, so it fits whatever DOC's name length. `write(fd)` writes the
// new document and returns false with errno set on failure.
template <class Write>
int replace_document(const locked_file& doc, const std::string& doc_path, Write&& write) {
    const std::string target = named("DOC", doc_path);
    const std::string dir = directory_of(doc.path);
    std::string tmp = (dir == "/" ? std::string() : dir) + "/.relpatch-XXXXXX";
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0)
        return io_error("cannot create a temporary file in " + dir + " to rewrite " + target);
    std::string failed;
    int error = 0;
    const auto fail = [&](std::string what) {
        failed = std::move(what);
        error = errno;
    };
    if (!copy_ownership(fd, doc.st))
        fail("cannot give the new " + target + " its owner (uid " + std::to_string(doc.st.st_uid) +
             ", gid " + std::to_string(doc.st.st_gid) + ") and mode");
    else if (!write(fd) || ::fsync(fd) != 0)
        fail("cannot write the new " + target + " to " + tmp);
    if (::close(fd) != 0 && failed.empty()) fail("cannot write the new " + target + " to " + tmp);
    if (failed.empty() && std::rename(tmp.c_str(), doc.path.c_str()) != 0)
        fail("cannot replace " + target);
    if (!failed.empty()) {
        ::unlink(tmp.c_str());
        errno = error;
        return io_error(failed);
    }
    if (!sync_directory(dir))
        return io_error(target + " was replaced, but its directory could not be flushed to disk");
    return 0;
}

// Explains why DOC could not be parsed, naming it DOC, with the byte offset in the file.
int report_invalid_document(const relpatch::result& parsed, const std::string& doc_path,
                            std::size_t max_depth) {
    std::string message =
        relpatch_cli::invalid_document_message(parsed, named("DOC", doc_path), max_depth);
    if (parsed.code() == relpatch::errc::document_too_deep && max_depth == max_pretty_depth)
        message += ", the most --pretty indents; leave out --pretty";
    return fatal(message);
}

// The refusal as a JSON object on stderr; `relpatch` has always left out "path".
void report_refusal(const relpatch::result& r) { relpatch_cli::report_refusal(r, false); }

// True when `root` nests more than `limit` arrays and objects deep (`root` is at depth 1).
// Iterative, and stops at the first value too deep.
bool nests_deeper_than(const rapidjson::Value& root, std::size_t limit) {
    // Each open container with the index of its next child.
    std::vector<std::pair<const rapidjson::Value*, rapidjson::SizeType>> open;
    const auto enter = [&](const rapidjson::Value& v) {
        if (v.IsArray() || v.IsObject()) open.emplace_back(&v, 0);
        return open.size() > limit;
    };
    if (enter(root)) return true;
    while (!open.empty()) {
        const rapidjson::Value& v = *open.back().first;
        const rapidjson::SizeType i = open.back().second++;
        if (i == (v.IsArray() ? v.Size() : v.MemberCount())) {
            open.pop_back();
        } else if (enter(v.IsArray() ? v[i] : v.MemberBegin()[i].value)) {
            return true;
        }
    }
    return false;
}

relpatch::result apply(const std::string& policy, rapidjson::Document& doc, std::string_view patch,
                       const relpatch::limits& lim, rapidjson::Document* inverse) {
    if (policy == "rfc6902")
        return relpatch::apply_patch<relpatch::rfc6902_policy>(doc, patch, lim, nullptr, inverse);
    if (policy == "ordered-release")
        return relpatch::apply_patch<relpatch::ordered_release_policy>(doc, patch, lim, nullptr,
                                                                       inverse);
    return relpatch::apply_patch<relpatch::release_policy>(doc, patch, lim, nullptr, inverse);
}

relpatch::result apply_to_text(const std::string& policy, std::string_view doc,
                               std::string_view patch, std::string& out,
                               const relpatch::limits& lim) {
    if (policy == "rfc6902")
        return relpatch::apply_patch_to_text<relpatch::rfc6902_policy>(doc, patch, out, lim);
    if (policy == "ordered-release")
        return relpatch::apply_patch_to_text<relpatch::ordered_release_policy>(doc, patch, out,
                                                                               lim);
    return relpatch::apply_patch_to_text<relpatch::release_policy>(doc, patch, out, lim);
}

// Writes the inverse patch (compact, one line) to `path`, or to standard output for "-".
int write_inverse(const std::string& path, const rapidjson::Document& inverse) {
    const int fd = path == "-"
                       ? STDOUT_FILENO
                       : ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) return io_error("cannot write the inverse patch to " + path);
    const bool ok = write_document(fd, inverse, false, false);
    if ((fd != STDOUT_FILENO && ::close(fd) != 0) || !ok)
        return io_error("cannot write the inverse patch to " + path);
    return 0;
}

// The whitespace `text` ends with ("\n", "\r\n", ...).
std::string_view trailing_whitespace(std::string_view text) {
    const std::size_t end = text.find_last_not_of(" \t\r\n");
    return end == std::string_view::npos ? text : text.substr(end + 1);
}

bool is_document_error(relpatch::errc e) {
    return e == relpatch::errc::invalid_document || e == relpatch::errc::invalid_encoding ||
           e == relpatch::errc::document_too_deep;
}

// --pretty and --compact: parse DOC, apply the patch to the DOM, write it anew.
int run_reformatting(const options& opt, const locked_file& locked, std::string& doc_text,
                     std::string_view patch) {
    // Exact numbers, bounded depth, checked encoding, BOM skipped: see relpatch::parse_document.
    relpatch::limits lim;
    lim.max_document_depth = opt.pretty ? max_pretty_depth : max_document_depth;
    rapidjson::Document doc;
    const relpatch::result parsed = relpatch::parse_document(std::string_view(doc_text), doc, lim);
    if (!parsed) return report_invalid_document(parsed, opt.doc_path, lim.max_document_depth);
    const bool bom = starts_with_bom(doc_text);
    std::string().swap(doc_text);  // the DOM holds copies of everything; give the memory back

    rapidjson::Document inverse;
    const relpatch::result r =
        apply(opt.policy, doc, patch, lim, opt.inverse_path.empty() ? nullptr : &inverse);
    // The depth bound holds after the patch too (the size of --pretty output and the Writer's
    // recursion depend on it). Checked here on the patched document, so that it does not depend
    // on which operations the library's limits::max_document_depth covers; a walk of the DOM
    // costs little next to writing it.
    if (r && r.changed() && nests_deeper_than(doc, lim.max_document_depth)) {
        report_refusal(relpatch::result(relpatch::errc::document_too_deep));
        return exit_refused;
    }
    if (!r) {
        report_refusal(r);
        return exit_refused;
    }
    // The inverse is written once the document is: it describes a change that happened.
    if (opt.in_place) {
        if (r.changed()) {
            const int status = replace_document(locked, opt.doc_path, [&](int fd) {
                return write_document(fd, doc, opt.pretty, bom);
            });
            if (status != 0) return status;
        }  // else nothing to write: DOC keeps its bytes, inode and mtime
    } else if (!write_document(STDOUT_FILENO, doc, opt.pretty, bom)) {
        return io_error("cannot write standard output");
    }
    return opt.inverse_path.empty() ? 0 : write_inverse(opt.inverse_path, inverse);
}

// The default: patch DOC's text, keeping everything the patch does not replace as written.
int run_text(const options& opt, const locked_file& locked, std::string& doc_text,
             std::string_view patch) {
    relpatch::limits lim;
    lim.max_document_depth = max_document_depth;

    // The text path keeps no undo log: the inverse comes from the DOM path, run first and freed
    // before the text path needs its memory. Both give the same decision (apply_patch_to_text's
    // contract); should they ever differ, nothing is written.
    rapidjson::Document inverse;
    if (!opt.inverse_path.empty()) {
        rapidjson::Document doc;
        const relpatch::result parsed =
            relpatch::parse_document(std::string_view(doc_text), doc, lim);
        if (!parsed) return report_invalid_document(parsed, opt.doc_path, lim.max_document_depth);
        const relpatch::result r = apply(opt.policy, doc, patch, lim, &inverse);
        if (!r) {
            report_refusal(r);
            return exit_refused;
        }
    }

    std::string out;
    const relpatch::result r = apply_to_text(opt.policy, doc_text, patch, out, lim);
    if (!r) {
        // invalid_encoding and document_too_deep may be about the patch too. An invalid DOC is
        // reported before anything about the patch, so patching DOC with an empty patch tells.
        if (is_document_error(r.code())) {
            std::string scratch;
            const relpatch::result alone = apply_to_text(opt.policy, doc_text, "[]", scratch, lim);
            if (!alone && is_document_error(alone.code()))
                return report_invalid_document(alone, opt.doc_path, max_document_depth);
        }
        report_refusal(r);
        return exit_refused;
    }
    // A patch the library applied on a DOM comes back as compact text: give it back the
    // newline (or other whitespace) DOC ended with. The text path's output already ends so.
    const std::string_view tail = trailing_whitespace(doc_text);
    if (!tail.empty() && trailing_whitespace(out) != tail) out.append(tail);
    std::string().swap(doc_text);
    // DOC stays within max_document_depth after the patch: apply_patch_to_text refuses with
    // document_too_deep otherwise (lim above), as the DOM path does.
    if (opt.check) return 0;
    const auto write_out = [&](int fd) { return write_all(fd, out.data(), out.size()); };
    if (opt.in_place) {
        if (r.changed()) {
            const int status = replace_document(locked, opt.doc_path, write_out);
            if (status != 0) return status;
        }  // else nothing to write: DOC keeps its bytes, inode and mtime
    } else if (!write_out(STDOUT_FILENO)) {
        return io_error("cannot write standard output");
    }
    return opt.inverse_path.empty() ? 0 : write_inverse(opt.inverse_path, inverse);
}

}  // namespace

int main(int argc, char** argv) {
    // `relpatch diff [--policy ...] FROM TO` (tools/diff_command.cpp).
    if (argc > 1 && std::string_view(argv[1]) == "diff")
        return run_diff_command(argc - 1, argv + 1);
    options opt;
    if (const int status = parse_arguments(argc, argv, opt); status >= 0) return status;

    // PATCH first: reading it (perhaps from a slow pipe) must not happen while DOC is locked.
    std::string patch_text;
    if (!read_path(opt.patch_path, patch_text))
        return io_error("cannot read " + named("PATCH", opt.patch_path));
    std::string_view patch(patch_text);
    if (starts_with_bom(patch)) patch.remove_prefix(3);  // as parse_document does for DOC

    locked_file locked;
    std::string doc_text;
    if (opt.in_place) {
        if (const int status = lock_document(opt.doc_path, locked); status >= 0) return status;
        if (!read_all(locked.fd, doc_text))
            return io_error("cannot read " + named("DOC", opt.doc_path));
    } else if (!read_path(opt.doc_path, doc_text)) {
        return io_error("cannot read " + named("DOC", opt.doc_path));
    }
    return opt.pretty || opt.compact ? run_reformatting(opt, locked, doc_text, patch)
                                     : run_text(opt, locked, doc_text, patch);
}
