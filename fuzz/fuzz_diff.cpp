// relpatch::diff: the patch it returns, applied to `from` under rfc6902_policy, gives `to`
// (RFC 6902 equality; byte for byte with diff_options::exact), and under release_policy it is
// a release patch the policy accepts; diff never crashes, and its work is bounded.
//
// Input: a flags byte, two depth bytes, then `from` text, NUL, `to` text. Both documents are
// wrapped in as many arrays as the depth bytes say (up to 4095), so that any depth is reached
// from short inputs; flags choose exact, tests, the strategy, a tiny edit distance, and one
// more array around `to`.

#include "fuzz_common.hpp"

#include <relpatch/relpatch.hpp>

#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

namespace {

// Limits that let every patch diff can return through apply_patch: only the work is bounded
// (by the harness's time budget).
relpatch::limits generous() {
    relpatch::limits lim;
    lim.max_operations = std::size_t{1} << 20;
    lim.max_pointer_length = std::size_t{1} << 24;
    lim.max_depth = relpatch::hard_max_depth;
    lim.max_document_depth = relpatch::hard_max_depth;
    lim.max_added_bytes = std::size_t{1} << 30;
    lim.max_patch_bytes = std::size_t{1} << 30;
    lim.max_work = std::size_t{1} << 22;
    return lim;
}

// Wraps `doc` in `depth` arrays.
void wrap(rapidjson::Document& doc, std::size_t depth) {
    for (std::size_t i = 0; i < depth; ++i) {
        rapidjson::Value inner;
        inner.Swap(doc);
        doc.SetArray();
        doc.PushBack(inner, doc.GetAllocator());
    }
}

bool same(const rapidjson::Value& a, const rapidjson::Value& b, bool exact) {
    relpatch::detail::work_meter work(static_cast<std::size_t>(-1));
    bool equal = false;
    const relpatch::errc e = relpatch::detail::compare(
        a, b,
        exact ? relpatch::detail::compare_mode::identical : relpatch::detail::compare_mode::rfc,
        work, equal);
    FUZZ_CHECK(e == relpatch::errc::success);
    return equal;
}

// A refusal diff may give with generous limits: a limit, or the policy.
bool acceptable_refusal(relpatch::errc e) {
    const relpatch::condition c = relpatch::family(e);
    return c == relpatch::condition::over_limit || c == relpatch::condition::refused_by_policy ||
           e == relpatch::errc::out_of_memory;
}

// `text` parsed and wrapped in `depth` arrays; false when it does not parse.
bool load(std::string_view text, std::size_t depth, rapidjson::Document& doc) {
    if (!relpatch_fuzz::parse_document(text, doc, 200)) return false;
    wrap(doc, depth);
    return true;
}

template <class Policy>
void check(std::string_view from_text, const rapidjson::Document& from,
           const rapidjson::Document& to, std::size_t depth, const relpatch::diff_options& opt) {
    const relpatch::limits lim = generous();
    rapidjson::Document patch;
    const relpatch::result r = relpatch::diff<Policy>(from, to, patch, opt, lim);
    if (!r) {
        FUZZ_CHECK(acceptable_refusal(r.code()));
        FUZZ_CHECK(patch.IsNull());  // untouched
        return;
    }
    FUZZ_CHECK(patch.IsArray());
    FUZZ_CHECK(r.changed() == (patch.Size() != 0));

    // A second copy of `from` (RapidJSON's CopyFrom recurses: parse again instead).
    rapidjson::Document applied;
    FUZZ_CHECK(load(from_text, depth, applied));
    relpatch::limits apply_lim = lim;
    apply_lim.max_work = static_cast<std::size_t>(-1);
    rapidjson::Document inverse;
    const relpatch::result a = relpatch::apply_patch<Policy>(applied, patch, applied.GetAllocator(),
                                                             apply_lim, nullptr, &inverse);
    if (!a && a.code() == relpatch::errc::patch_too_large) return;  // the inverse is over a limit
    if (!a) std::fprintf(stderr, "apply: %s\n", a.message().c_str());
    FUZZ_CHECK(a);
    FUZZ_CHECK(same(applied, to, opt.exact));
    FUZZ_CHECK(same(applied, to, false));

    // The inverse patch apply_patch returned takes `to` back to `from`.
    const relpatch::result back = relpatch::apply_patch<relpatch::rfc6902_policy>(
        applied, inverse, applied.GetAllocator(), apply_lim);
    if (!back) std::fprintf(stderr, "inverse: %s\n", back.message().c_str());
    FUZZ_CHECK(back);
    // RFC 6902 cannot recreate a member name given twice: no inverse patch restores such a
    // document.
    if (!relpatch_fuzz::has_duplicate_names(from)) FUZZ_CHECK(same(applied, from, false));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 3) return 0;
    const unsigned flags = data[0];
    const std::size_t depth = (std::size_t{data[1]} << 8 | data[2]) & 0xfff;
    const std::string_view rest(reinterpret_cast<const char*>(data + 3), size - 3);
    const std::size_t nul = rest.find('\0');
    if (nul == std::string_view::npos) return 0;

    const std::string_view from_text = rest.substr(0, nul);
    rapidjson::Document from;
    rapidjson::Document to;
    if (!load(from_text, depth, from) ||
        !load(rest.substr(nul + 1), depth + ((flags & 0x40) != 0 ? 1 : 0), to))
        return 0;

    relpatch::diff_options opt;
    opt.exact = (flags & 0x01) != 0;
    opt.emit_tests = (flags & 0x02) != 0;
    switch ((flags >> 2) & 3) {
    case 1: opt.strategy = relpatch::diff_strategy::compact; break;
    case 2: opt.strategy = relpatch::diff_strategy::in_place; break;
    default: opt.strategy = relpatch::diff_strategy::automatic; break;
    }
    if ((flags & 0x10) != 0) opt.max_edit_distance = 3;

    check<relpatch::rfc6902_policy>(from_text, from, to, depth, opt);
    if (!opt.emit_tests) check<relpatch::release_policy>(from_text, from, to, depth, opt);
    return 0;
}
