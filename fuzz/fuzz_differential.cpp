// relpatch (rfc6902_policy) against nlohmann::json::patch on the same patch and document.
// Input: patch text, NUL, document text. Invariant: both accept or both refuse, and accepted
// results are the same JSON value; except on the deviations listed in fuzz/README.md, which
// are detected here and skipped, never papered over:
//   D1 nlohmann's number equality (int vs float vs unsigned) in "test";
//   D2 nlohmann's "add" into a null parent (it makes the null an object);
//   D3 nlohmann's "add" into a scalar parent (JSON_ASSERT(false) in nlohmann);
//   D4 duplicate member names (nlohmann keeps the last, relpatch keeps all);
//   D5 relpatch's limits (nlohmann has none);
//   D6 text only one of the two parsers accepts (numbers out of double range, and the like).

#include "fuzz_common.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace {

bool contains_number(const rapidjson::Value& v) {
    if (v.IsNumber()) return true;
    if (v.IsArray()) {
        for (const auto& e : v.GetArray())
            if (contains_number(e)) return true;
    } else if (v.IsObject()) {
        for (const auto& m : relpatch::detail::members(v))
            if (contains_number(m.value)) return true;
    }
    return false;
}

bool has_numeric_test(const rapidjson::Value& patch) {
    if (!patch.IsArray()) return false;
    for (const auto& op : patch.GetArray()) {
        const rapidjson::Value* o = relpatch_fuzz::find_member(op, "op");
        const rapidjson::Value* v = relpatch_fuzz::find_member(op, "value");
        if (o != nullptr && o->IsString() && relpatch::detail::name_is(*o, "test") && v != nullptr &&
            contains_number(*v))
            return true;
    }
    return false;
}

bool is_limit(relpatch::errc e) {
    return e == relpatch::errc::too_many_operations || e == relpatch::errc::pointer_too_long ||
           e == relpatch::errc::nesting_too_deep || e == relpatch::errc::growth_limit_exceeded;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const relpatch_fuzz::split_input in = relpatch_fuzz::split(data, size);
    rapidjson::Document doc;
    rapidjson::Document patch;
    if (!relpatch_fuzz::parse_document(in.document, doc) ||
        !relpatch_fuzz::parse_document(in.patch, patch))
        return 0;
    if (relpatch_fuzz::has_duplicate_names(doc) || relpatch_fuzz::has_duplicate_names(patch))
        return 0;  // D4

    // nlohmann reads what RapidJSON parsed, re-serialized (shortest round-trip form): the two
    // libraries' number parsers may disagree in the last bit on long decimals, and that is not
    // what this harness compares.
    rapidjson::Document original;
    original.CopyFrom(doc, original.GetAllocator());
    const std::string doc_text = relpatch_fuzz::serialize(doc);
    const std::string patch_text = relpatch_fuzz::serialize(patch);
    nlohmann::json n_doc = nlohmann::json::parse(in.document.begin(), in.document.end(), nullptr, false);
    nlohmann::json n_patch = nlohmann::json::parse(in.patch.begin(), in.patch.end(), nullptr, false);
    if (n_doc.is_discarded() || n_patch.is_discarded()) return 0;  // D6
    n_doc = nlohmann::json::parse(doc_text, nullptr, false);
    n_patch = nlohmann::json::parse(patch_text, nullptr, false);
    if (n_doc.is_discarded() || n_patch.is_discarded()) return 0;  // D6

    // A small growth limit: a patch that copies a subtree into itself again and again is refused
    // by relpatch (D5) instead of being handed to nlohmann, which has no such limit.
    relpatch::limits lim;
    lim.max_added_bytes = 1 << 16;
    const relpatch::result r = relpatch::apply_patch<relpatch::rfc6902_policy>(doc, in.patch, lim);
    if (is_limit(r.code())) return 0;  // D5
    // nlohmann applies operations one by one before it finds a malformed one, so a refused
    // patch whose well-formed prefix would exceed relpatch's limits could exhaust memory there.
    if (!r && r.has_op_index() && r.op_index() > 0 && patch.IsArray()) {
        rapidjson::Document prefix(rapidjson::kArrayType);
        for (rapidjson::SizeType i = 0; i < r.op_index() && i < patch.Size(); ++i)
            prefix.PushBack(rapidjson::Value(patch[i], prefix.GetAllocator()), prefix.GetAllocator());
        rapidjson::Document scratch;
        scratch.CopyFrom(original, scratch.GetAllocator());
        if (is_limit(relpatch::apply_patch<relpatch::rfc6902_policy>(scratch, prefix,
                                                                     scratch.GetAllocator(), lim)
                         .code()))
            return 0;  // D5
    }
    if (r.code() == relpatch::errc::not_a_container) return 0;  // D2, D3: nlohmann may assert
    if (has_numeric_test(patch)) return 0;  // D1

    bool n_ok = true;
    nlohmann::json n_result;
    try {
        n_result = n_doc.patch(n_patch);
    } catch (const nlohmann::json::exception&) {
        n_ok = false;
    }
    if (static_cast<bool>(r) != n_ok) {
        std::fprintf(stderr, "relpatch: %s\nnlohmann: %s\n", r.message().c_str(),
                     n_ok ? "applied" : "refused");
    }
    FUZZ_CHECK(static_cast<bool>(r) == n_ok);
    if (n_ok) {
        const std::string ours = relpatch_fuzz::serialize(doc);
        const nlohmann::json ours_n = nlohmann::json::parse(ours, nullptr, false);
        FUZZ_CHECK(!ours_n.is_discarded());
        FUZZ_CHECK(ours_n == n_result);
    }
    return 0;
}
