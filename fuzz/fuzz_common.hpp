#ifndef RELPATCH_FUZZ_COMMON_HPP
#define RELPATCH_FUZZ_COMMON_HPP

// Helpers shared by the harnesses: splitting one input into patch and document, parsing a
// document the way a careful service would, serializing, walking values, counting outcomes,
// and failing loudly. Only relpatch's public API is used: the harnesses must keep working
// whatever relpatch's internals become.

#include <relpatch/relpatch.hpp>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#define FUZZ_CHECK(cond)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            std::fprintf(stderr, "invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            std::abort();                                                                      \
        }                                                                                      \
    } while (0)

namespace relpatch_fuzz {

// Patch text before the first NUL byte, document text after it (empty when there is no NUL),
// and, for harnesses that take them, parameter bytes after a second NUL.
struct split_input {
    std::string_view patch;
    std::string_view document;
    std::string_view params;
};

inline split_input split(const std::uint8_t* data, std::size_t size, bool with_params = false) {
    const std::string_view all(reinterpret_cast<const char*>(data), size);
    split_input out;
    const std::size_t nul = all.find('\0');
    if (nul == std::string_view::npos) {
        out.patch = all;
        return out;
    }
    out.patch = all.substr(0, nul);
    out.document = all.substr(nul + 1);
    if (with_params) {
        const std::size_t second = out.document.find('\0');
        if (second != std::string_view::npos) {
            out.params = out.document.substr(second + 1);
            out.document = out.document.substr(0, second);
        }
    }
    return out;
}

// Parses a document the way relpatch::parse_document does (encoding, nesting, exact numbers).
template <class Document>
bool parse_document(std::basic_string_view<typename Document::Ch> text, Document& doc,
                    std::size_t max_depth = 256) {
    relpatch::limits lim;
    lim.max_document_depth = max_depth;
    return static_cast<bool>(relpatch::parse_document(text, doc, lim));
}
inline bool parse_document(std::string_view text, rapidjson::Document& doc,
                           std::size_t max_depth = 256) {
    return parse_document<rapidjson::Document>(text, doc, max_depth);
}

// UTF-8 text of any value (transcoded from the value's encoding).
template <class V>
std::string serialize(const V& v) {
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer, typename V::EncodingType, rapidjson::UTF8<>> w(sb);
    v.Accept(w);
    return std::string(sb.GetString(), sb.GetSize());
}

// The GenericValue type of a value or document, keeping const: helpers take documents too.
template <class V>
using value_type = std::conditional_t<
    std::is_const<V>::value,
    const rapidjson::GenericValue<typename V::EncodingType, typename V::AllocatorType>,
    rapidjson::GenericValue<typename V::EncodingType, typename V::AllocatorType>>;

// An object's members as a pointer range (no member-iterator comparisons: they are
// ambiguous under C++20 in RapidJSON 1.1.0). Precondition: v.IsObject().
template <class V>
struct member_range {
    using member = std::remove_reference_t<decltype(*std::declval<V&>().MemberBegin())>;
    member* first;
    member* last;
    member* begin() const { return first; }
    member* end() const { return last; }
    std::size_t size() const { return static_cast<std::size_t>(last - first); }
};
template <class V>
member_range<V> members(V& v) {
    auto* first = v.MemberBegin().operator->();
    return {first, first + v.MemberCount()};
}

template <class V>
bool same_string(const V& a, const V& b) {
    return a.GetStringLength() == b.GetStringLength() &&
           (a.GetStringLength() == 0 ||
            std::memcmp(a.GetString(), b.GetString(),
                        a.GetStringLength() * sizeof(typename V::Ch)) == 0);
}

// Whether string value `v` is the ASCII text `s`.
template <class V>
bool string_is(const V& v, const char* s) {
    if (!v.IsString()) return false;
    const std::size_t n = std::strlen(s);
    if (v.GetStringLength() != n) return false;
    for (std::size_t i = 0; i < n; ++i)
        if (static_cast<std::uint32_t>(v.GetString()[i]) != static_cast<unsigned char>(s[i]))
            return false;
    return true;
}

// Every value of `root`, parents before children, without recursion.
template <class D, class F>
void for_each_value(D& root, F&& f) {
    using V = value_type<D>;
    std::vector<V*> stack{&root};
    while (!stack.empty()) {
        V* v = stack.back();
        stack.pop_back();
        f(*v);
        if (v->IsArray()) {
            for (auto e = v->Begin(); e != v->End(); ++e) stack.push_back(&*e);
        } else if (v->IsObject()) {
            for (auto& m : members(*v)) stack.push_back(&m.value);
        }
    }
}

// Containers from the root to the deepest value ({"a":{"b":[]}} is 3, a scalar 0), without
// recursion.
template <class D>
std::size_t depth(const D& root) {
    using V = value_type<D>;
    std::size_t deepest = 0;
    std::vector<std::pair<const V*, std::size_t>> stack{{&root, 0}};
    while (!stack.empty()) {
        const auto [v, d] = stack.back();
        stack.pop_back();
        if (!v->IsArray() && !v->IsObject()) continue;
        if (d + 1 > deepest) deepest = d + 1;
        if (v->IsArray()) {
            for (auto e = v->Begin(); e != v->End(); ++e) stack.push_back({&*e, d + 1});
        } else {
            for (const auto& m : members(*v)) stack.push_back({&m.value, d + 1});
        }
    }
    return deepest;
}

// Whether any object in `v` has two members with the same name (parsers disagree on those).
template <class D>
bool has_duplicate_names(const D& root) {
    using V = value_type<const D>;
    bool found = false;
    for_each_value(root, [&](const V& v) {
        if (found || !v.IsObject()) return;
        const auto ms = members(v);
        for (auto a = ms.begin(); a != ms.end() && !found; ++a)
            for (auto b = ms.begin(); b != a && !found; ++b)
                if (same_string(a->name, b->name)) found = true;
    });
    return found;
}

// Whether `a` and `b` are equal as RFC 6902's "test" compares them, asked through the public API:
// a "test" of `a`'s root against `b`, whose value is lent to the patch (moved in and back, so
// nothing is copied) and comes back unchanged.
inline bool rfc_equal(rapidjson::Document& a, rapidjson::Document& b) {
    auto& alloc = a.GetAllocator();
    rapidjson::Value ops(rapidjson::kArrayType);
    rapidjson::Value op(rapidjson::kObjectType);
    op.AddMember("op", "test", alloc);
    op.AddMember("path", "", alloc);
    op.AddMember("value", static_cast<rapidjson::Value&>(b), alloc);  // b is now null
    ops.PushBack(op, alloc);
    relpatch::limits lim;
    lim.max_depth = relpatch::hard_max_depth;
    lim.max_document_depth = relpatch::hard_max_depth;
    lim.max_patch_bytes = std::size_t{1} << 30;
    lim.max_work = static_cast<std::size_t>(-1);
    const relpatch::result r = relpatch::apply_patch<relpatch::rfc6902_policy>(
        static_cast<rapidjson::Value&>(a), ops, alloc, lim);
    static_cast<rapidjson::Value&>(b) = ops[0].MemberBegin()[2].value;  // moved back
    FUZZ_CHECK(r.code() == relpatch::errc::success || r.code() == relpatch::errc::test_failed);
    return r.code() == relpatch::errc::success;
}

// The first member named `name` of object `v`, or nullptr.
template <class D>
auto* find_member(D& v, const char* name) {
    value_type<D>* found = nullptr;
    if (v.IsObject())
        for (auto& m : members(v))
            if (found == nullptr && string_is(m.name, name)) found = &m.value;
    return found;
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

inline bool over_limit(const relpatch::result& r) {
    return std::error_code(r.code()) == relpatch::condition::over_limit;
}

// Whether the patch got past parsing and decoding into the engine (applied, or refused by the
// policy, by the document, or by a limit met while applying).
inline bool reached_engine(const relpatch::result& r) {
    if (r) return true;
    const std::error_code e(r.code());
    return e == relpatch::condition::does_not_apply ||
           e == relpatch::condition::refused_by_policy ||
           r.code() == relpatch::errc::growth_limit_exceeded ||
           r.code() == relpatch::errc::work_limit_exceeded ||
           r.code() == relpatch::errc::document_too_deep;
}

// Outcome counters, printed at exit when RELPATCH_FUZZ_STATS is set in the environment: how
// many inputs reached the engine (to judge mutators) and why inputs were skipped.
class stats {
public:
    static stats& get() {
        static stats* instance = [] {
            auto* s = new stats;
            if (std::getenv("RELPATCH_FUZZ_STATS") != nullptr) std::atexit(&stats::print);
            return s;
        }();
        return *instance;
    }
    void input() { ++inputs_; }
    void outcome(const relpatch::result& r) {
        ++results_;
        if (reached_engine(r)) ++engine_;
    }
    // `reason` must be a string literal.
    void skipped(const char* reason) {
        for (auto& c : skips_)
            if (std::strcmp(c.first, reason) == 0) {
                ++c.second;
                return;
            }
        skips_.emplace_back(reason, 1);
    }

private:
    static void print() {
        const stats& s = get();
        std::fprintf(stderr, "stats: inputs %lu, results %lu, reached the engine %lu (%.1f%%)\n",
                     s.inputs_, s.results_, s.engine_,
                     s.results_
                         ? 100.0 * static_cast<double>(s.engine_) / static_cast<double>(s.results_)
                         : 0.0);
        for (const auto& c : s.skips_)
            std::fprintf(stderr, "stats: skipped (%s) %lu\n", c.first, c.second);
    }
    unsigned long inputs_ = 0;
    unsigned long results_ = 0;
    unsigned long engine_ = 0;
    std::vector<std::pair<const char*, unsigned long>> skips_;
};

}  // namespace relpatch_fuzz

#endif
