// The engine's resource bounds and bookkeeping, under rfc6902_policy through the text entry
// point, on documents that can nest thousands of levels deep. Input: patch text, NUL, document
// text, NUL, parameter bytes:
//   bytes 0-1: N < 4096: the document is wrapped in N arrays; every "^" in the patch text (the
//              first 8) stands for the pointer to the innermost of them ("/0" N - 1 times), so
//              patches can read and write at the bottom: "^/0" is the document, and moves and
//              copies between deep locations are short to write;
//   byte 2:    limits::max_document_depth: 1000, 16, 64, or N plus 0 to 7;
//   bytes 3-4: W < 8192: the innermost array holds W zeros after the document (wide arrays,
//              whose growth the allocator must account for).
// The harness's limits are small (64 KiB of growth, 2^20 units of work) so they are reached.
// Invariants, for every input:
//   - a refused patch leaves the serialization byte-identical and reports no change;
//   - the document's MemoryPoolAllocator grows by at most max_added_bytes plus one chunk
//     (64 KiB), whether the patch is applied or refused;
//   - after an applied patch, a document that was within max_document_depth still is;
//   - changed() false means the serialization is unchanged; for a patch of replace and test
//     operations only, changed() is exactly "the serialization differs" (or, when the work
//     budget ran out while judging it, true: then the same patch with unlimited work says false);
//   - numbers round-trip: the document after the patch (the original when it is refused),
//     written by RapidJSON's Writer and read again by parse_document, has bit-identical numbers.
//
#include "fuzz_common.hpp"
#include "fuzz_mutator.hpp"

#include <cstring>
#include <string>
#include <vector>

RELPATCH_FUZZ_MUTATOR(true, true, false)

namespace {

constexpr std::size_t chunk = 64 * 1024;  // MemoryPoolAllocator's default chunk capacity

// The numbers of `v` in document order, each as its kind and bits.
struct number {
    int kind;  // 0 double, 1 int64, 2 uint64 only
    std::uint64_t bits;
    bool operator==(const number& o) const { return kind == o.kind && bits == o.bits; }
};

std::vector<number> numbers(const rapidjson::Value& root) {
    std::vector<number> out;
    relpatch_fuzz::for_each_value(root, [&](const rapidjson::Value& v) {
        if (!v.IsNumber()) return;
        number n{};
        if (v.IsDouble()) {
            const double d = v.GetDouble();
            std::memcpy(&n.bits, &d, sizeof d);
        } else if (v.IsInt64()) {
            n.kind = 1;
            n.bits = static_cast<std::uint64_t>(v.GetInt64());
        } else {
            n.kind = 2;
            n.bits = v.GetUint64();
        }
        out.push_back(n);
    });
    return out;
}

// Writer, then parse_document: the same text and bit-identical numbers.
void check_round_trip(const rapidjson::Document& doc) {
    const std::string text = relpatch_fuzz::serialize(doc);
    rapidjson::Document again;
    FUZZ_CHECK(relpatch_fuzz::parse_document(text, again, relpatch::hard_max_depth));
    FUZZ_CHECK(relpatch_fuzz::serialize(again) == text);
    FUZZ_CHECK(numbers(again) == numbers(doc));
}

// Whether every operation of the patch is a replace or a test (and there is one at least).
bool only_replace_and_test(std::string_view patch_text) {
    rapidjson::Document patch;
    if (!relpatch_fuzz::parse_document(patch_text, patch, 64) || !patch.IsArray() || patch.Empty())
        return false;
    for (const auto& op : patch.GetArray()) {
        const rapidjson::Value* name = relpatch_fuzz::find_member(op, "op");
        if (name == nullptr || !(relpatch_fuzz::string_is(*name, "replace") ||
                                 relpatch_fuzz::string_is(*name, "test")))
            return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    relpatch_fuzz::stats& stats = relpatch_fuzz::stats::get();
    stats.input();
    const relpatch_fuzz::split_input in = relpatch_fuzz::split(data, size, true);
    const auto param = [&](std::size_t i) -> unsigned {
        return i < in.params.size() ? static_cast<unsigned char>(in.params[i]) : 0u;
    };
    const std::size_t wraps = ((param(0) << 8) | param(1)) % 4096;
    const std::size_t width = wraps == 0 ? 0 : ((param(3) << 8) | param(4)) % 8192;

    std::string text(wraps, '[');
    rapidjson::Document probe;
    if (relpatch_fuzz::parse_document(in.document, probe))
        text += in.document;
    else
        text += "{}";
    for (std::size_t i = 0; i < width; ++i) text += ",0";
    text.append(wraps, ']');
    rapidjson::Document doc;
    FUZZ_CHECK(relpatch_fuzz::parse_document(text, doc, relpatch::hard_max_depth));

    std::string innermost;
    for (std::size_t i = 1; i < wraps; ++i) innermost += "/0";
    std::string patch;
    std::size_t expanded = 0;
    for (const char c : in.patch) {
        if (c == '^' && expanded < 8) {
            patch += innermost;
            ++expanded;
        } else {
            patch += c;
        }
    }

    relpatch::limits lim;
    lim.max_added_bytes = 1 << 16;
    lim.max_work = 1 << 20;
    lim.max_pointer_length = 1 << 16;
    switch (param(2) % 4) {
    case 0: lim.max_document_depth = 1000; break;
    case 1: lim.max_document_depth = 16; break;
    case 2: lim.max_document_depth = 64; break;
    default: lim.max_document_depth = wraps + (param(2) >> 2) % 8; break;
    }
    if (lim.max_document_depth == 0) lim.max_document_depth = 1;

    const std::string before = relpatch_fuzz::serialize(doc);
    const std::size_t depth_before = relpatch_fuzz::depth(doc);
    const std::size_t size_before = doc.GetAllocator().Size();
    const relpatch::result r = relpatch::apply_patch<relpatch::rfc6902_policy>(doc, patch, lim);
    stats.outcome(r);
    (void)r.message();
    const std::size_t growth = doc.GetAllocator().Size() - size_before;
    const std::string after = relpatch_fuzz::serialize(doc);

    FUZZ_CHECK(growth <= lim.max_added_bytes + chunk);
    check_round_trip(doc);
    if (!r) {
        FUZZ_CHECK(after == before);
        FUZZ_CHECK(!r.changed());
        return 0;
    }
    if (depth_before <= lim.max_document_depth)
        FUZZ_CHECK(relpatch_fuzz::depth(doc) <= lim.max_document_depth);
    if (!r.changed()) FUZZ_CHECK(after == before);
    if (only_replace_and_test(patch) && r.changed() != (after != before)) {
        // Only allowed when judging ran out of work: changed() then answers "changed". The same
        // patch with unlimited work must answer "unchanged".
        FUZZ_CHECK(r.changed() && after == before);
        rapidjson::Document again;
        FUZZ_CHECK(relpatch_fuzz::parse_document(text, again, relpatch::hard_max_depth));
        relpatch::limits unlimited = lim;
        unlimited.max_work = static_cast<std::size_t>(-1);
        const relpatch::result u =
            relpatch::apply_patch<relpatch::rfc6902_policy>(again, patch, unlimited);
        FUZZ_CHECK(u && !u.changed());
        stats.skipped("changed() judged with the work left: conservative answer");
    }
    return 0;
}
