// relpatch_diff_compare CORPUS: for each line of CORPUS (a JSON array [from, to]), prints the
// operations and bytes (compact JSON) of relpatch::diff's patch and of nlohmann::json::diff's,
// after checking that each patch turns `from` into `to` (RFC 6902 equality, applied by
// relpatch). Driven by bench/diff_corpus.py, which adds python-json-patch and the table.

#include <relpatch/relpatch.hpp>

#include <nlohmann/json.hpp>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace {

std::string serialize(const rapidjson::Value& v) {
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    v.Accept(w);
    return std::string(sb.GetString(), sb.GetSize());
}

// Applies `patch` (text) to `from` and compares with `to`.
bool gives(const rapidjson::Value& from, const std::string& patch, const rapidjson::Value& to) {
    rapidjson::Document doc;
    doc.CopyFrom(from, doc.GetAllocator());
    relpatch::limits lim;
    lim.max_operations = 1 << 20;
    if (!relpatch::apply_patch<relpatch::rfc6902_policy>(doc, patch, lim)) return false;
    relpatch::detail::work_meter work(static_cast<std::size_t>(-1));
    bool same = false;
    return relpatch::detail::compare(static_cast<const rapidjson::Value&>(doc), to,
                                     relpatch::detail::compare_mode::rfc, work,
                                     same) == relpatch::errc::success &&
           same;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: relpatch_diff_compare CORPUS.jsonl\n");
        return 2;
    }
    std::ifstream in(argv[1]);
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        rapidjson::Document pair;
        if (!relpatch::parse_document(std::string_view(line), pair) || !pair.IsArray() ||
            pair.Size() != 2) {
            std::fprintf(stderr, "line %zu: not a [from, to] pair\n", number);
            return 1;
        }
        rapidjson::Document patch;
        relpatch::limits lim;
        lim.max_operations = 1 << 20;
        const relpatch::result r = relpatch::diff(pair[0], pair[1], patch, {}, lim);
        if (!r) {
            std::fprintf(stderr, "line %zu: %s\n", number, r.message().c_str());
            return 1;
        }
        const std::string ours = serialize(patch);
        if (!gives(pair[0], ours, pair[1])) {
            std::fprintf(stderr, "line %zu: relpatch's patch is wrong: %s\n", number, ours.c_str());
            return 1;
        }

        const nlohmann::json both = nlohmann::json::parse(line);
        const std::string theirs = nlohmann::json::diff(both[0], both[1]).dump();
        if (!gives(pair[0], theirs, pair[1])) {
            std::fprintf(stderr, "line %zu: nlohmann's patch is wrong: %s\n", number,
                         theirs.c_str());
            return 1;
        }
        std::printf("%u %zu %zu %zu\n", patch.Size(), ours.size(),
                    nlohmann::json::parse(theirs).size(), theirs.size());
    }
    return 0;
}
