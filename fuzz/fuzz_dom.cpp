// apply_patch's parsed-patch (DOM) entry point when the patch lives inside the document it
// patches: apply_patch(doc, doc["ops"], alloc). Input: patch text, NUL, document text. The host
// document is the input document with an "ops" member holding the patch (or, when the document
// is not an object or already has "ops", {"doc": document, "ops": patch}); operations may read
// and write "/ops/..." and so change, move or delete the patch while it is being applied.
// Invariant: the result (code, op index, changed(), comment) and the document are exactly those
// of applying a separate copy of the patch, under rfc6902_policy and release_policy; a refused
// patch leaves the document byte-identical.
//
// The check runs with MemoryPoolAllocator documents and with CrtAllocator documents, where
// reading a patch that has moved is a use-after-free AddressSanitizer reports (the engine before
// 0fe6cd8 read each operation from the patch as it applied it: both kinds of failure are in this
// harness's regression seeds).

#include "fuzz_common.hpp"
#include "fuzz_mutator.hpp"

#include <string>

RELPATCH_FUZZ_MUTATOR(false, false, true)

namespace {

// A document whose allocator frees: a stale pointer into a freed patch is then a
// use-after-free that AddressSanitizer reports, not a silent read of pool memory.
using crt_document = rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::CrtAllocator>;

relpatch::limits harness_limits() {
    relpatch::limits lim;
    lim.max_added_bytes = 1 << 16;
    lim.max_work = 1 << 20;
    return lim;
}

template <class V>
std::string comment_text(const V* comment) {
    return comment != nullptr && comment->IsString()
               ? std::string(comment->GetString(), comment->GetStringLength())
               : std::string("(none)");
}

template <class Policy, class Document>
void check(const rapidjson::Document& original) {
    using value_t = typename Document::ValueType;
    Document host;
    host.CopyFrom(original, host.GetAllocator());
    const relpatch::limits lim = harness_limits();
    const std::string before = relpatch_fuzz::serialize(host);

    Document separate;
    separate.CopyFrom(host, separate.GetAllocator());
    Document patch_copy;
    patch_copy.CopyFrom(*relpatch_fuzz::find_member(host, "ops"), patch_copy.GetAllocator());
    const value_t* comment_a = nullptr;
    const relpatch::result a = relpatch::apply_patch<Policy>(
        separate, patch_copy, separate.GetAllocator(), lim, &comment_a);
    relpatch_fuzz::stats::get().outcome(a);
    const std::string after_a = relpatch_fuzz::serialize(separate);
    if (!a) {
        FUZZ_CHECK(after_a == before);
        FUZZ_CHECK(!a.changed());
    }

    Document aliased;
    aliased.CopyFrom(host, aliased.GetAllocator());
    const value_t* comment_b = nullptr;
    const relpatch::result b =
        relpatch::apply_patch<Policy>(aliased, *relpatch_fuzz::find_member(aliased, "ops"),
                                      aliased.GetAllocator(), lim, &comment_b);
    // Read the comment before anything else touches the document.
    const std::string comment_b_text = comment_text(comment_b);
    const std::string after_b = relpatch_fuzz::serialize(aliased);
    const bool same = a.code() == b.code() && a.op_index() == b.op_index() &&
                      a.changed() == b.changed() && after_a == after_b &&
                      comment_text(comment_a) == comment_b_text;
    if (!same)
        std::fprintf(stderr, "copy:    %s\naliased: %s\n%s\n%s\n", a.message().c_str(),
                     b.message().c_str(), after_a.c_str(), after_b.c_str());
    FUZZ_CHECK(same);
    if (!b) {
        FUZZ_CHECK(after_b == before);
        FUZZ_CHECK(!b.changed());
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    relpatch_fuzz::stats::get().input();
    const relpatch_fuzz::split_input in = relpatch_fuzz::split(data, size);
    rapidjson::Document doc;
    if (!relpatch_fuzz::parse_document(in.document, doc)) doc.SetObject();
    rapidjson::Document patch;
    if (!relpatch_fuzz::parse_document(in.patch, patch, 64)) return 0;

    rapidjson::Document host;
    auto& a = host.GetAllocator();
    if (doc.IsObject() && relpatch_fuzz::find_member(doc, "ops") == nullptr) {
        host.CopyFrom(doc, a);
    } else {
        host.SetObject();
        host.AddMember("doc", rapidjson::Value(doc, a), a);
    }
    host.AddMember("ops", rapidjson::Value(patch, a), a);

    check<relpatch::rfc6902_policy, rapidjson::Document>(host);
    check<relpatch::release_policy, rapidjson::Document>(host);
    check<relpatch::rfc6902_policy, crt_document>(host);
    return 0;
}
