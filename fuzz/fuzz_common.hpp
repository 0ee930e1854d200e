#ifndef RELPATCH_FUZZ_COMMON_HPP
#define RELPATCH_FUZZ_COMMON_HPP

// Helpers shared by the harnesses: splitting one input into patch and document, parsing a
// document the way a careful service would, serializing, and failing loudly.

#include <relpatch/relpatch.hpp>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#define FUZZ_CHECK(cond)                                                                  \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            std::fprintf(stderr, "invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            std::abort();                                                                 \
        }                                                                                 \
    } while (0)

namespace relpatch_fuzz {

// Patch text before the first NUL byte, document text after it (empty when there is no NUL).
struct split_input {
    std::string_view patch;
    std::string_view document;
};

inline split_input split(const std::uint8_t* data, std::size_t size) {
    const std::string_view all(reinterpret_cast<const char*>(data), size);
    const std::size_t nul = all.find('\0');
    if (nul == std::string_view::npos) return {all, std::string_view()};
    return {all.substr(0, nul), all.substr(nul + 1)};
}

// Parses a document the way relpatch::parse_document does (encoding, nesting, exact numbers).
inline bool parse_document(std::string_view text, rapidjson::Document& doc,
                           std::size_t max_depth = 256) {
    relpatch::limits lim;
    lim.max_document_depth = max_depth;
    return static_cast<bool>(relpatch::parse_document(text, doc, lim));
}

template <class V>
std::string serialize(const V& v) {
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    v.Accept(w);
    return std::string(sb.GetString(), sb.GetSize());
}

// Whether any object in `v` has two members with the same name (parsers disagree on those).
inline bool has_duplicate_names(const rapidjson::Value& v) {
    if (v.IsArray()) {
        for (const auto& e : v.GetArray())
            if (has_duplicate_names(e)) return true;
    } else if (v.IsObject()) {
        const auto members = relpatch::detail::members(v);
        for (auto a = members.begin(); a != members.end(); ++a) {
            for (auto b = members.begin(); b != a; ++b)
                if (relpatch::detail::strings_equal(a->name, b->name)) return true;
            if (has_duplicate_names(a->value)) return true;
        }
    }
    return false;
}

// The first member named `name` of object `v`, or nullptr. (No member-iterator comparisons:
// they are ambiguous under C++20 in RapidJSON 1.1.0.)
template <class V>
auto* find_member(V& v, const char* name) {
    using member = relpatch::detail::member_t<V>;
    member* found = nullptr;
    if (v.IsObject())
        for (auto& m : relpatch::detail::members(v))
            if (found == nullptr && relpatch::detail::name_is(m.name, name)) found = &m;
    return found ? &found->value : nullptr;
}

// RFC 6901 escaping of one decoded token.
inline std::string escape_token(const char* s, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        if (s[i] == '~')
            out += "~0";
        else if (s[i] == '/')
            out += "~1";
        else
            out += s[i];
    }
    return out;
}

}  // namespace relpatch_fuzz

#endif
