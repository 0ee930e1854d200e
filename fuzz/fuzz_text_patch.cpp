// apply_patch_to_text (the text path) against parse_document + apply_patch (the DOM path),
// under release_policy, ordered_release_policy and rfc6902_policy. Input: patch text, NUL,
// document text (both used as they are: an invalid document must be refused the same way).
// Invariants, with the SSE2 scanner and the portable one:
// - the same errc, op index and comment (and for an invalid document the same offset and
//   reason); on refusal `out` untouched and changed() false;
// - both scanners write the same bytes;
// - changed() is exactly "out differs from the document"; it equals the DOM path's changed()
//   except where the DOM path judges values and the text path bytes (a value written with
//   another spelling, a container put back), and then the DOM path's result has the original's
//   value; under the release policies always;
// - the output parses, to a value RFC-equal to (and serializing like) the DOM path's result;
// - format preservation: `out` is the document with the plan's edits made, and each edit's old
//   bytes are exactly the value at one of the patch's replace paths (the span replaced by a
//   marker parses to the original document with the marker there and nowhere else).
// The answers are compared through the public API (apply_patch_to_text; RFC equality as a
// "test" operation). relpatch::detail is read only for what has no public form by design: the
// portable scanner (RELPATCH_NO_SIMD selects it for a whole program) and the plan of edits.

#include "fuzz_common.hpp"

#include <relpatch/relpatch.hpp>

#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace {

using text_value = rapidjson::Value;

std::string write(const rapidjson::Value& v) { return relpatch_fuzz::serialize(v); }

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The "path" strings of the patch's "replace" operations (bare array or envelope).
std::vector<std::string> replace_paths(std::string_view patch) {
    std::vector<std::string> paths;
    rapidjson::Document p;
    if (!relpatch::parse_document(patch, p)) return paths;
    const rapidjson::Value* ops = &p;
    if (p.IsObject())
        for (auto& m : relpatch_fuzz::members(p))
            if (relpatch_fuzz::string_is(m.name, "patch")) {
                ops = &m.value;
                break;
            }
    if (!ops->IsArray()) return paths;
    for (const auto& op : ops->GetArray()) {
        const rapidjson::Value* o = relpatch_fuzz::find_member(op, "op");
        const rapidjson::Value* path = relpatch_fuzz::find_member(op, "path");
        if (o != nullptr && path != nullptr && relpatch_fuzz::string_is(*o, "replace") &&
            path->IsString())
            paths.emplace_back(path->GetString(), path->GetStringLength());
    }
    return paths;
}

// Each edit's old bytes are the value at one of `paths` (see the file comment).
void check_edits(std::string_view doc, const std::string& out,
                 const relpatch::detail::text_plan& plan, const std::vector<std::string>& paths,
                 const relpatch::limits& lim) {
    std::string rebuilt;
    std::size_t at = 0;
    for (std::size_t i = 0; i < plan.edits.size(); ++i) {
        const auto& e = plan.edits[i];
        FUZZ_CHECK(e.begin >= at && e.end >= e.begin && e.end <= doc.size());
        rebuilt.append(doc.substr(at, e.begin - at));
        rebuilt.append(e.text);
        at = e.end;
    }
    rebuilt.append(doc.substr(at));
    FUZZ_CHECK(rebuilt == out);

    rapidjson::Document original;
    FUZZ_CHECK(relpatch::parse_document(doc, original, lim));
    // Each check parses the document: a few edits are enough.
    for (std::size_t i = 0; i < plan.edits.size() && i < 4; ++i) {
        const auto& e = plan.edits[i];
        const std::string_view old = doc.substr(e.begin, e.end - e.begin);
        FUZZ_CHECK(!old.empty() && !is_ws(old.front()) && !is_ws(old.back()));
        std::string marked(doc);
        marked.replace(e.begin, e.end - e.begin, "\"\\u0000relpatch\\u0000marker\"");
        rapidjson::Document m;
        FUZZ_CHECK(relpatch::parse_document(std::string_view(marked), m, lim));
        bool located = false;
        for (const std::string& path : paths) {
            relpatch::pointer p;
            rapidjson::Value* v = nullptr;
            const rapidjson::Value* o = nullptr;
            if (relpatch::pointer::parse(path, p) != relpatch::errc::success ||
                p.resolve(static_cast<rapidjson::Value&>(m), v) != relpatch::errc::success)
                continue;
            if (!v->IsString() || v->GetStringLength() != 16 ||
                std::string_view(v->GetString(), 16) != std::string_view("\0relpatch\0marker", 16))
                continue;
            FUZZ_CHECK(p.resolve(static_cast<const rapidjson::Value&>(original), o) ==
                       relpatch::errc::success);
            v->CopyFrom(*o, m.GetAllocator());
            if (write(m) != write(original)) continue;  // a marker the document held already
            located = true;
            break;
        }
        FUZZ_CHECK(located);
    }
}

template <class Policy>
void check(std::string_view doc, std::string_view patch, const relpatch::limits& lim) {
    rapidjson::Document dom;
    rapidjson::Document before;
    std::string dom_comment;
    relpatch::result expected = relpatch::parse_document(doc, dom, lim);
    if (expected) {
        before.CopyFrom(dom, before.GetAllocator());
        expected = relpatch::apply_patch<Policy>(dom, patch, lim, &dom_comment);
    }
    relpatch_fuzz::stats::get().outcome(expected);

    std::string out = "\x01sentinel";
    std::string comment = "\x01";
    const relpatch::result got =
        relpatch::apply_patch_to_text<Policy>(doc, patch, out, lim, &comment);
    std::string portable_out = "\x01sentinel";
    const relpatch::result portable =
        relpatch::detail::patch_text<Policy, false>(doc, patch, portable_out, lim, nullptr);
    (void)got.message();

    FUZZ_CHECK(got.code() == expected.code());
    FUZZ_CHECK(got.op_index() == expected.op_index());
    FUZZ_CHECK(got.path() == expected.path());
    FUZZ_CHECK(comment == dom_comment);
    FUZZ_CHECK(portable.code() == got.code() && portable.op_index() == got.op_index());
    FUZZ_CHECK(portable.changed() == got.changed());
    FUZZ_CHECK(portable_out == out);
    if (expected.code() == relpatch::errc::invalid_encoding ||
        expected.code() == relpatch::errc::document_too_deep ||
        expected.code() == relpatch::errc::invalid_document) {
        FUZZ_CHECK(got.offset() == expected.offset());
        FUZZ_CHECK(std::string_view(got.detail() ? got.detail() : "") ==
                   std::string_view(expected.detail() ? expected.detail() : ""));
    }
    if (!got) {
        FUZZ_CHECK(out == "\x01sentinel");
        FUZZ_CHECK(!got.changed());
        return;
    }

    FUZZ_CHECK(got.changed() == (out != doc));
    rapidjson::Document parsed;
    FUZZ_CHECK(relpatch::parse_document(std::string_view(out), parsed, lim));
    FUZZ_CHECK(relpatch_fuzz::rfc_equal(parsed, dom));
    FUZZ_CHECK(write(parsed) == write(dom));
    if (got.changed() != expected.changed()) {
        FUZZ_CHECK((std::is_same<Policy, relpatch::rfc6902_policy>::value));
        FUZZ_CHECK(write(dom) == write(before));
    }

    relpatch::detail::text_plan plan;
    const relpatch::result planned =
        relpatch::detail::plan_text_patch<Policy, true>(doc, patch, lim, nullptr, plan);
    FUZZ_CHECK(planned.code() == got.code());
    if (!plan.fallback) check_edits(doc, out, plan, replace_paths(patch), lim);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    relpatch_fuzz::stats::get().input();
    const relpatch_fuzz::split_input in = relpatch_fuzz::split(data, size);
    // Depth within what RapidJSON's recursive Writer and comparisons take comfortably under
    // ASan; the second run reaches the document depth limit on small inputs.
    relpatch::limits lim;
    lim.max_document_depth = 200;
    relpatch::limits shallow;
    shallow.max_document_depth = 4;
    shallow.max_added_bytes = 64;
    check<relpatch::release_policy>(in.document, in.patch, lim);
    check<relpatch::ordered_release_policy>(in.document, in.patch, lim);
    check<relpatch::rfc6902_policy>(in.document, in.patch, lim);
    check<relpatch::rfc6902_policy>(in.document, in.patch, shallow);
    return 0;
}
