#ifndef RELPATCH_TOOLS_CLI_COMMON_HPP
#define RELPATCH_TOOLS_CLI_COMMON_HPP

// What `relpatch` (relpatch.cpp) and `relpatch diff` (diff_command.cpp) share: reading the files
// named on the command line, writing a document, and saying why a document or a patch was
// refused, in the same words for both.

#include <relpatch/result.hpp>

#include <rapidjson/document.h>

#include <cstddef>
#include <string>

namespace relpatch_cli {

constexpr int exit_refused = 1;
constexpr int exit_usage = 2;

// "DOC (path/to/doc.json)": every message about a file says which argument it was.
std::string named(const char* role, const std::string& path);

// Reads `fd` to its end into `out`. A regular file's size is reserved up front, so a large
// document costs its size once rather than the doubling growth of repeated appends. On failure
// errno is set.
bool read_all(int fd, std::string& out);

// Reads a path given on the command line ("-" is standard input). On failure errno is set.
bool read_path(const std::string& path, std::string& out);

// Writes all `size` bytes, retrying after signals. On failure errno is set.
bool write_all(int fd, const char* data, std::size_t size);

// Writes `doc` to `fd` through a fixed buffer (never whole in memory), indented by 2 spaces per
// level when `pretty`, preceded by a byte order mark when `bom` and followed by a newline. On
// failure errno is set.
bool write_document(int fd, const rapidjson::Document& doc, bool pretty, bool bom);

// Why relpatch::parse_document refused the document `name` (see named()), with the byte offset
// in the file: "DOC (d.json) is not valid JSON at byte 7: ...". `max_depth` is the
// limits::max_document_depth it was parsed with.
std::string invalid_document_message(const relpatch::result& parsed, const std::string& name,
                                     std::size_t max_depth);

// Prints {"error":"<errc name>","op":N|null,"message":"...","status":S} on stderr; with
// `with_path`, "path" (the refused operation's pointer, or null) after "op".
void report_refusal(const relpatch::result& r, bool with_path);

}  // namespace relpatch_cli

#endif
