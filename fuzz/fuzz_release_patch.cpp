// apply_patch under release_policy and ordered_release_policy. Input: patch text, NUL, document
// text. Invariants: a refused patch leaves the serialization byte-identical; an applied one
// changes nothing but phases' "complete" booleans, reports changed() exactly when one of them
// flipped, and applying it again succeeds without changing anything.

#include "fuzz_common.hpp"
#include "fuzz_mutator.hpp"

RELPATCH_FUZZ_MUTATOR(false, false, true)

namespace {

// The original with every phase's boolean "complete" taken from `patched`.
void copy_completes(rapidjson::Document& original, const rapidjson::Value& patched) {
    rapidjson::Value* a = relpatch_fuzz::find_member(original, "phases");
    const rapidjson::Value* b = relpatch_fuzz::find_member(patched, "phases");
    if (a == nullptr || b == nullptr) return;
    if (!a->IsArray() || !b->IsArray() || a->Size() != b->Size()) return;
    for (rapidjson::SizeType i = 0; i < a->Size(); ++i) {
        rapidjson::Value* ca = relpatch_fuzz::find_member((*a)[i], "complete");
        const rapidjson::Value* cb = relpatch_fuzz::find_member((*b)[i], "complete");
        if (ca != nullptr && cb != nullptr && ca->IsBool() && cb->IsBool())
            ca->SetBool(cb->GetBool());
    }
}

template <class Policy>
void check(std::string_view patch, const rapidjson::Document& original) {
    rapidjson::Document doc;
    doc.CopyFrom(original, doc.GetAllocator());
    const std::string before = relpatch_fuzz::serialize(doc);
    const relpatch::result r = relpatch::apply_patch<Policy>(doc, patch);
    relpatch_fuzz::stats::get().outcome(r);
    const std::string after = relpatch_fuzz::serialize(doc);
    (void)r.message();
    if (!r) {
        FUZZ_CHECK(after == before);
        FUZZ_CHECK(!r.changed());
        FUZZ_CHECK(relpatch::http_status(r.code()) >= 400);
        return;
    }
    rapidjson::Document expected;
    expected.CopyFrom(original, expected.GetAllocator());
    copy_completes(expected, doc);
    FUZZ_CHECK(relpatch_fuzz::serialize(expected) == after);
    FUZZ_CHECK(r.changed() == (after != before));

    const relpatch::result again = relpatch::apply_patch<Policy>(doc, patch);
    FUZZ_CHECK(again);
    FUZZ_CHECK(!again.changed());
    FUZZ_CHECK(relpatch_fuzz::serialize(doc) == after);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    relpatch_fuzz::stats::get().input();
    const relpatch_fuzz::split_input in = relpatch_fuzz::split(data, size);
    rapidjson::Document original;
    if (!relpatch_fuzz::parse_document(in.document, original)) {
        original.SetObject();  // still exercise the patch parser against an empty release
    }
    check<relpatch::release_policy>(in.patch, original);
    check<relpatch::ordered_release_policy>(in.patch, original);
    return 0;
}
