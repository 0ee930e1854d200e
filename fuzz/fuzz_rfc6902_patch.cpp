// apply_patch under rfc6902_policy, through both entry points. Input: patch text, NUL,
// document text. Invariants: a refused patch leaves the serialization byte-identical, and both
// entry points agree; after an applied patch, a patch of "test" operations taken from the
// result (the whole document, and each member or element) succeeds on the result.

#include "fuzz_common.hpp"
#include "fuzz_mutator.hpp"

#include <string>

RELPATCH_FUZZ_MUTATOR(false, false, false)

namespace {

void add_test(rapidjson::Document& patch, const std::string& path, const rapidjson::Value& value) {
    auto& a = patch.GetAllocator();
    rapidjson::Value op(rapidjson::kObjectType);
    op.AddMember("op", "test", a);
    op.AddMember(
        "path", rapidjson::Value(path.data(), static_cast<rapidjson::SizeType>(path.size()), a), a);
    op.AddMember("value", rapidjson::Value(value, a), a);
    patch.PushBack(op, a);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    relpatch_fuzz::stats::get().input();
    const relpatch_fuzz::split_input in = relpatch_fuzz::split(data, size);
    rapidjson::Document doc;
    if (!relpatch_fuzz::parse_document(in.document, doc)) doc.SetObject();
    const std::string before = relpatch_fuzz::serialize(doc);
    rapidjson::Document
        doc2;  // a copy, not a re-parse: RapidJSON's number parsing may not round-trip
    doc2.CopyFrom(doc, doc2.GetAllocator());

    relpatch::limits lim;
    lim.max_added_bytes = 1 << 20;  // keep runs fast; the limit path is exercised all the same
    lim.max_work = 1 << 20;
    const relpatch::result r = relpatch::apply_patch<relpatch::rfc6902_policy>(doc, in.patch, lim);
    relpatch_fuzz::stats::get().outcome(r);
    (void)r.message();

    // The parsed-patch entry point must agree (when the text is JSON that the scan accepts).
    rapidjson::Document patch_dom;
    const bool parsed = relpatch_fuzz::parse_document(in.patch, patch_dom, lim.max_depth);
    if (parsed) {
        const relpatch::result r2 = relpatch::apply_patch<relpatch::rfc6902_policy>(
            doc2, patch_dom, doc2.GetAllocator(), lim);
        FUZZ_CHECK(r2.code() == r.code());
        FUZZ_CHECK(r2.op_index() == r.op_index());
        FUZZ_CHECK(relpatch_fuzz::serialize(doc2) == relpatch_fuzz::serialize(doc));
    }

    if (!r) {
        FUZZ_CHECK(relpatch_fuzz::serialize(doc) == before);
        FUZZ_CHECK(!r.changed());
        return 0;
    }

    rapidjson::Document tests(rapidjson::kArrayType);
    add_test(tests, "", doc);
    if (doc.IsObject()) {
        const auto members = relpatch_fuzz::members(doc);
        for (auto m = members.begin(); m != members.end(); ++m) {
            bool first = true;  // a pointer names the first of duplicate members
            for (auto n = members.begin(); n != m; ++n)
                if (relpatch_fuzz::same_string(m->name, n->name)) first = false;
            if (first)
                add_test(tests,
                         "/" + relpatch_fuzz::escape_token(m->name.GetString(),
                                                           m->name.GetStringLength()),
                         m->value);
        }
    } else if (doc.IsArray()) {
        for (rapidjson::SizeType i = 0; i < doc.Size(); ++i)
            add_test(tests, "/" + std::to_string(i), doc[i]);
    }
    relpatch::limits unbounded;
    unbounded.max_depth = 1u << 20;
    unbounded.max_operations = 1u << 20;
    unbounded.max_pointer_length = 1u << 20;
    const std::string result_text = relpatch_fuzz::serialize(doc);
    const relpatch::result t =
        relpatch::apply_patch<relpatch::rfc6902_policy>(doc, tests, doc.GetAllocator(), unbounded);
    FUZZ_CHECK(t);
    FUZZ_CHECK(!t.changed());
    FUZZ_CHECK(relpatch_fuzz::serialize(doc) == result_text);
    return 0;
}
