// relpatch (rfc6902_policy) against nlohmann::json::patch on the same patch and document.
// Input: patch text, NUL, document text. Invariants: both accept or both refuse; when both
// refuse because an operation does not fit the document, they refuse the same operation; and
// accepted results are the same JSON value. The deviations listed in fuzz/README.md are
// detected and skipped, never papered over:
//   D1 nlohmann's number equality (int vs float vs unsigned) in "test";
//   D2 nlohmann's "add" into a null parent (it makes the null an object);
//   D3 nlohmann's "add" into a scalar parent (JSON_ASSERT(false), an abort without NDEBUG) and
//      "remove" below a scalar (a silent no-op);
//   D4 duplicate member names (nlohmann keeps the last, relpatch keeps all);
//   D5 relpatch's limits (nlohmann has none);
//   D6 text only one of the two parsers accepts (numbers out of double range, and the like);
//   D7 "move" from "" to "" (a no-op by RFC 6902's wording; nlohmann cannot remove the root).
//
// nlohmann is a peer, not an oracle: a harness must not crash or stall on its defects. Its
// JSON_ASSERTs sit in noexcept code, so they cannot be caught; instead nlohmann is driven one
// operation at a time, and each operation is screened against nlohmann's current document
// before nlohmann sees it (screen() below, after json.hpp's patch_inplace). An input with an
// operation nlohmann cannot judge is counted (RELPATCH_FUZZ_STATS) and skipped. nlohmann is
// also never asked to apply more operations than relpatch applied within its limits, so a
// patch that relpatch refuses for a limit never makes nlohmann build a huge document.

#include "fuzz_common.hpp"
#include "fuzz_mutator.hpp"

#include <nlohmann/json.hpp>

#include <string>

RELPATCH_FUZZ_MUTATOR(false, false, false)

namespace {

using njson = nlohmann::json;

bool contains_number(const njson& v) {
    if (v.is_number()) return true;
    if (v.is_structured())
        for (const auto& e : v)
            if (contains_number(e)) return true;
    return false;
}

// The value at `ptr` in `doc` (nlohmann's at(), which throws where RFC 6901 resolution fails),
// or nullptr.
const njson* resolve(const njson& doc, const njson::json_pointer& ptr) {
    try {
        return &doc.at(ptr);
    } catch (const njson::exception&) {
        return nullptr;
    }
}

// Whether nlohmann's operation_add would reach its JSON_ASSERT(false) (a scalar parent) or turn
// a null parent into an object: the parent of `path` exists and is not a container.
bool add_goes_through_scalar(const njson& doc, const njson::json_pointer& path) {
    if (path.empty()) return false;  // replaces the root
    const njson* parent = resolve(doc, path.parent_pointer());
    return parent != nullptr && !parent->is_structured();
}

// Why nlohmann cannot judge operation `op` on its document `doc` as it is now, or nullptr.
// Mirrors json.hpp's patch_inplace: an op nlohmann would refuse by throwing is fine.
const char* screen(const njson& doc, const njson& op) {
    if (!op.is_object()) return nullptr;
    const auto o = op.find("op");
    const auto p = op.find("path");
    if (o == op.end() || p == op.end() || !o->is_string() || !p->is_string()) return nullptr;
    const std::string& name = o->get_ref<const std::string&>();
    njson::json_pointer path;
    try {
        path = njson::json_pointer(p->get<std::string>());
    } catch (const njson::exception&) {
        return nullptr;
    }
    std::string from_text;
    njson::json_pointer from;
    const bool reads_from = name == "move" || name == "copy";
    if (reads_from) {
        const auto f = op.find("from");
        if (f == op.end() || !f->is_string()) return nullptr;
        from_text = f->get<std::string>();
        try {
            from = njson::json_pointer(from_text);
        } catch (const njson::exception&) {
            return nullptr;
        }
        if (resolve(doc, from) == nullptr) return nullptr;  // nlohmann throws first
    }

    if (name == "add") {
        if (op.find("value") == op.end()) return nullptr;
        if (add_goes_through_scalar(doc, path)) return "D2/D3 add below a scalar or null";
    } else if (name == "copy") {
        if (add_goes_through_scalar(doc, path)) return "D2/D3 add below a scalar or null";
    } else if (name == "remove") {
        if (!path.empty()) {
            const njson* parent = resolve(doc, path.parent_pointer());
            if (parent != nullptr && !parent->is_structured()) return "D3 remove below a scalar";
        }
    } else if (name == "move") {
        if (from.empty())
            return p->get_ref<const std::string&>().empty() ? "D7 move root to root" : nullptr;
        // nlohmann removes "from" first, then adds at "path" in what is left.
        njson after = doc;
        try {
            after.patch_inplace(njson::array({{{"op", "remove"}, {"path", from_text}}}));
        } catch (const njson::exception&) {
            return nullptr;
        }
        if (add_goes_through_scalar(after, path)) return "D2/D3 move below a scalar or null";
    } else if (name == "test") {
        const auto v = op.find("value");
        if (v != op.end() && contains_number(*v)) return "D1 number in test";
    }
    return nullptr;
}

relpatch::limits harness_limits() {
    relpatch::limits lim;
    lim.max_added_bytes = 1 << 16;
    lim.max_work = 1 << 20;
    return lim;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    relpatch_fuzz::stats& stats = relpatch_fuzz::stats::get();
    stats.input();
    const relpatch_fuzz::split_input in = relpatch_fuzz::split(data, size);
    rapidjson::Document doc;
    rapidjson::Document patch;
    if (!relpatch_fuzz::parse_document(in.document, doc) ||
        !relpatch_fuzz::parse_document(in.patch, patch))
        return 0;
    if (relpatch_fuzz::has_duplicate_names(doc) || relpatch_fuzz::has_duplicate_names(patch)) {
        stats.skipped("D4 duplicate names");
        return 0;
    }

    // nlohmann reads what RapidJSON parsed, re-serialized (shortest round-trip form): the two
    // libraries' number parsers may disagree in the last bit on long decimals, and that is not
    // what this harness compares.
    rapidjson::Document original;
    original.CopyFrom(doc, original.GetAllocator());
    njson n_doc = njson::parse(in.document.begin(), in.document.end(), nullptr, false);
    njson n_patch = njson::parse(in.patch.begin(), in.patch.end(), nullptr, false);
    if (n_doc.is_discarded() || n_patch.is_discarded()) {
        stats.skipped("D6 parsers disagree");
        return 0;
    }
    n_doc = njson::parse(relpatch_fuzz::serialize(doc), nullptr, false);
    n_patch = njson::parse(relpatch_fuzz::serialize(patch), nullptr, false);
    if (n_doc.is_discarded() || n_patch.is_discarded()) {
        stats.skipped("D6 parsers disagree");
        return 0;
    }

    // The parsed-patch entry point, with the patch nlohmann reads (fuzz_rfc6902_patch checks
    // that the text entry point agrees with it).
    const relpatch::limits lim = harness_limits();
    const relpatch::result r =
        relpatch::apply_patch<relpatch::rfc6902_policy>(doc, patch, doc.GetAllocator(), lim);
    stats.outcome(r);
    if (relpatch_fuzz::over_limit(r)) {
        stats.skipped("D5 relpatch limit");
        return 0;
    }
    // How many operations nlohmann may apply: all of them when relpatch applied the patch,
    // else those before the one relpatch refused, provided relpatch applies those within its
    // limits (nlohmann applies operations one by one before it meets a bad one).
    const std::size_t ops = n_patch.is_array() ? n_patch.size() : 0;
    const std::size_t stop = r ? ops : r.has_op_index() ? r.op_index() : 0;
    if (!r && stop > 0 && patch.IsArray()) {
        rapidjson::Document prefix(rapidjson::kArrayType);
        for (rapidjson::SizeType i = 0; i < stop && i < patch.Size(); ++i)
            prefix.PushBack(rapidjson::Value(patch[i], prefix.GetAllocator()),
                            prefix.GetAllocator());
        rapidjson::Document scratch;
        scratch.CopyFrom(original, scratch.GetAllocator());
        if (relpatch_fuzz::over_limit(relpatch::apply_patch<relpatch::rfc6902_policy>(
                scratch, prefix, scratch.GetAllocator(), lim))) {
            stats.skipped("D5 relpatch limit");
            return 0;
        }
    }

    bool n_ok = true;
    std::size_t n_failed_at = relpatch::result::npos;
    if (!n_patch.is_array()) {
        try {
            n_doc.patch_inplace(n_patch);  // throws at once: not an array
        } catch (const njson::exception&) {
            n_ok = false;
        }
    } else {
        for (std::size_t i = 0; i < ops && n_ok; ++i) {
            if (const char* why = screen(n_doc, n_patch[i])) {
                stats.skipped(why);
                return 0;
            }
            try {
                n_doc.patch_inplace(njson::array({n_patch[i]}));
            } catch (const njson::exception&) {
                n_ok = false;
                n_failed_at = i;
            }
            // nlohmann applied the operation relpatch refused: the verdicts differ already.
            if (n_ok && !r && i >= stop) break;
        }
    }

    if (static_cast<bool>(r) != n_ok)
        std::fprintf(stderr, "relpatch: %s\nnlohmann: %s\n", r.message().c_str(),
                     n_ok ? "applied" : "refused");
    FUZZ_CHECK(static_cast<bool>(r) == n_ok);
    if (!r && std::error_code(r.code()) == relpatch::condition::does_not_apply) {
        // Every operation before it was well formed and applied alike; both stop at this one.
        if (n_failed_at != r.op_index())
            std::fprintf(stderr, "relpatch: %s\nnlohmann refused operation %zu\n",
                         r.message().c_str(), n_failed_at);
        FUZZ_CHECK(n_failed_at == r.op_index());
    }
    if (n_ok) {
        const njson ours = njson::parse(relpatch_fuzz::serialize(doc), nullptr, false);
        FUZZ_CHECK(!ours.is_discarded());
        FUZZ_CHECK(ours == n_doc);
    }
    return 0;
}
