// apply_patch under release_policy and ordered_release_policy. Input: patch text, NUL, document
// text. Invariants: a refused patch leaves the serialization byte-identical; an applied one
// changes nothing but phases' "complete" booleans, reports changed() exactly when one of them
// flipped, and applying it again succeeds without changing anything.

#include "fuzz_common.hpp"

namespace {

// The original with every phase's boolean "complete" taken from `patched`.
void copy_completes(rapidjson::Document& original, const rapidjson::Value& patched) {
    if (!original.IsObject() || !patched.IsObject()) return;
    auto a = original.FindMember("phases");
    auto b = patched.FindMember("phases");
    if (!(a != original.MemberEnd()) || !(b != patched.MemberEnd())) return;
    if (!a->value.IsArray() || !b->value.IsArray() || a->value.Size() != b->value.Size()) return;
    for (rapidjson::SizeType i = 0; i < a->value.Size(); ++i) {
        rapidjson::Value& pa = a->value[i];
        const rapidjson::Value& pb = b->value[i];
        if (!pa.IsObject() || !pb.IsObject()) continue;
        auto ca = pa.FindMember("complete");
        auto cb = pb.FindMember("complete");
        if (!(ca != pa.MemberEnd()) || !(cb != pb.MemberEnd())) continue;
        if (ca->value.IsBool() && cb->value.IsBool()) ca->value.SetBool(cb->value.GetBool());
    }
}

template <class Policy>
void check(std::string_view patch, const rapidjson::Document& original) {
    rapidjson::Document doc;
    doc.CopyFrom(original, doc.GetAllocator());
    const std::string before = relpatch_fuzz::serialize(doc);
    const relpatch::result r = relpatch::apply_patch<Policy>(doc, patch);
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
    const relpatch_fuzz::split_input in = relpatch_fuzz::split(data, size);
    rapidjson::Document original;
    if (!relpatch_fuzz::parse_document(in.document, original)) {
        original.SetObject();  // still exercise the patch parser against an empty release
    }
    check<relpatch::release_policy>(in.patch, original);
    check<relpatch::ordered_release_policy>(in.patch, original);
    return 0;
}
