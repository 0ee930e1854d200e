// The release hot path and its peers, on the same generated release documents (1, 10, 100 and
// 1000 phases) and the same patch text, documents updated in place where the API allows.
// Counter allocs/op: heap allocations per iteration (see tests/allocation_counter.hpp).

#include "bench_common.hpp"

#include <relpatch/relpatch.hpp>

#include <benchmark/benchmark.h>
#include <rapidjson/document.h>
#include <rapidjson/pointer.h>
#include <rapidjson/reader.h>

#ifdef RELPATCH_BENCH_HAVE_NLOHMANN
#include <nlohmann/json.hpp>
#endif

#include <cstring>
#include <string>
#include <string_view>

namespace {

using relpatch_bench::check;
using relpatch_bench::complete_patch;
using relpatch_bench::measure;
using relpatch_bench::phase_args;
using relpatch_bench::release_document;

rapidjson::Document parse_doc(int phases) {
    rapidjson::Document d;
    d.Parse(release_document(phases).c_str());
    return d;
}

// 1. Pointer parsing alone.
void BM_pointer_parse(benchmark::State& state) {
    const std::string text = "/phases/" + std::to_string(state.range(0) - 1) + "/complete";
    measure(state, [&] {
        relpatch::pointer p;
        benchmark::DoNotOptimize(relpatch::pointer::parse(text, p));
        std::size_t index = 0;
        auto t = p.begin();
        ++t;
        benchmark::DoNotOptimize((*t).to_index(static_cast<std::size_t>(-2), false, index));
        benchmark::DoNotOptimize(index);
    });
}

// 2. Patch text to a validated, prepared patch (no document).
void BM_prepare(benchmark::State& state) {
    const std::string patch = complete_patch(static_cast<int>(state.range(0)) - 1);
    measure(state, [&] {
        relpatch::prepared_patch<> p;
        benchmark::DoNotOptimize(relpatch::prepared_patch<>::prepare(patch, p).code());
    });
}

// 3. A prepared patch applied (policy checks and apply).
void BM_prepared_apply(benchmark::State& state) {
    rapidjson::Document doc = parse_doc(static_cast<int>(state.range(0)));
    relpatch::prepared_patch<> p;
    check(state, static_cast<bool>(relpatch::prepared_patch<>::prepare(
                     complete_patch(static_cast<int>(state.range(0)) - 1), p)));
    measure(state, [&] { benchmark::DoNotOptimize(p.apply(doc).code()); });
    check(state, static_cast<bool>(p.apply(doc)));
}

// 4. End to end under release_policy: text in, document updated in place.
void BM_relpatch_release(benchmark::State& state) {
    rapidjson::Document doc = parse_doc(static_cast<int>(state.range(0)));
    const std::string patch = complete_patch(static_cast<int>(state.range(0)) - 1);
    measure(state, [&] { benchmark::DoNotOptimize(relpatch::apply_patch(doc, patch).code()); });
    check(state, static_cast<bool>(relpatch::apply_patch(doc, patch)));
}

// 5. End to end under rfc6902_policy.
void BM_relpatch_rfc6902(benchmark::State& state) {
    rapidjson::Document doc = parse_doc(static_cast<int>(state.range(0)));
    const std::string patch = complete_patch(static_cast<int>(state.range(0)) - 1);
    measure(state, [&] {
        benchmark::DoNotOptimize(
            relpatch::apply_patch<relpatch::rfc6902_policy>(doc, patch).code());
    });
    check(state, static_cast<bool>(relpatch::apply_patch<relpatch::rfc6902_policy>(doc, patch)));
}

// 6. A 16-operation release patch.
void BM_relpatch_16ops(benchmark::State& state) {
    const int phases = static_cast<int>(state.range(0));
    rapidjson::Document doc = parse_doc(phases);
    std::string patch = "[";
    for (int i = 0; i < 16; ++i) {
        if (i != 0) patch += ",";
        patch += R"({"op":"replace","path":"/phases/)" + std::to_string((i * 7) % phases) +
                 R"(/complete","value":)" + (i % 2 ? "true" : "false") + "}";
    }
    patch += "]";
    measure(state, [&] { benchmark::DoNotOptimize(relpatch::apply_patch(doc, patch).code()); });
    check(state, static_cast<bool>(relpatch::apply_patch(doc, patch)));
}

// 7. A refused patch (the API's example of a forbidden change).
void BM_relpatch_rejected(benchmark::State& state) {
    rapidjson::Document doc = parse_doc(static_cast<int>(state.range(0)));
    const std::string patch = R"([{"op": "replace", "path": "/name", "value": "renamed"}])";
    measure(state, [&] { benchmark::DoNotOptimize(relpatch::apply_patch(doc, patch).code()); });
    check(state, relpatch::apply_patch(doc, patch).code() == relpatch::errc::path_not_allowed);
}

// Peer: RapidJSON's GenericPointer after parsing the patch with a rapidjson::Document.
void BM_rapidjson_pointer(benchmark::State& state) {
    rapidjson::Document doc = parse_doc(static_cast<int>(state.range(0)));
    const std::string patch = complete_patch(static_cast<int>(state.range(0)) - 1);
    bool ok = false;
    measure(state, [&] {
        rapidjson::Document p;
        p.Parse(patch.data(), patch.size());
        ok = false;
        if (p.HasParseError() || !p.IsArray() || p.Size() != 1 || !p[0].IsObject()) return;
        const rapidjson::Value& op = p[0];
        auto o = op.FindMember("op");
        auto path = op.FindMember("path");
        auto value = op.FindMember("value");
        if (o == op.MemberEnd() || path == op.MemberEnd() || value == op.MemberEnd() ||
            !o->value.IsString() || std::strcmp(o->value.GetString(), "replace") != 0 ||
            !path->value.IsString() || !value->value.IsBool())
            return;
        const rapidjson::Pointer ptr(path->value.GetString(), path->value.GetStringLength());
        if (!ptr.IsValid()) return;
        rapidjson::Value* target = ptr.Get(doc);
        if (target == nullptr || !target->IsBool()) return;
        target->SetBool(value->value.GetBool());
        ok = true;
    });
    check(state, ok);
}

// Reads "/phases/N/complete" by hand, for the floors below.
bool parse_release_path(const char* s, std::size_t n, rapidjson::SizeType& index) {
    constexpr std::string_view head = "/phases/", tail = "/complete";
    const std::string_view p(s, n);
    if (p.size() <= head.size() + tail.size() || p.substr(0, head.size()) != head ||
        p.substr(p.size() - tail.size()) != tail)
        return false;
    const std::string_view digits = p.substr(head.size(), p.size() - head.size() - tail.size());
    if (digits.size() > 9 || (digits.size() > 1 && digits[0] == '0')) return false;
    index = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return false;
        index = index * 10 + static_cast<rapidjson::SizeType>(c - '0');
    }
    return true;
}

bool set_complete(rapidjson::Document& doc, rapidjson::SizeType index, bool value) {
    auto phases = doc.FindMember("phases");
    if (phases == doc.MemberEnd() || !phases->value.IsArray() || index >= phases->value.Size())
        return false;
    rapidjson::Value& phase = phases->value[index];
    if (!phase.IsObject()) return false;
    auto complete = phase.FindMember("complete");
    if (complete == phase.MemberEnd() || !complete->value.IsBool()) return false;
    complete->value.SetBool(value);
    return true;
}

// Floor 1: the patch parsed with a DOM on stack-buffer allocators, then the lookups by hand.
void BM_floor_dom(benchmark::State& state) {
    rapidjson::Document doc = parse_doc(static_cast<int>(state.range(0)));
    const std::string patch = complete_patch(static_cast<int>(state.range(0)) - 1);
    using Pool = rapidjson::MemoryPoolAllocator<>;
    bool ok = false;
    measure(state, [&] {
        char value_buffer[1024];
        char stack_buffer[1024];
        Pool values(value_buffer, sizeof value_buffer);
        Pool stack(stack_buffer, sizeof stack_buffer);
        rapidjson::GenericDocument<rapidjson::UTF8<>, Pool, Pool> p(&values, 256, &stack);
        p.Parse(patch.data(), patch.size());
        ok = false;
        if (p.HasParseError() || !p.IsArray() || p.Size() != 1 || !p[0].IsObject()) return;
        const auto& op = p[0];
        auto o = op.FindMember("op");
        auto path = op.FindMember("path");
        auto value = op.FindMember("value");
        rapidjson::SizeType index = 0;
        if (o == op.MemberEnd() || path == op.MemberEnd() || value == op.MemberEnd() ||
            !o->value.IsString() || std::strcmp(o->value.GetString(), "replace") != 0 ||
            !path->value.IsString() || !value->value.IsBool() ||
            !parse_release_path(path->value.GetString(), path->value.GetStringLength(), index))
            return;
        ok = set_complete(doc, index, value->value.GetBool());
    });
    check(state, ok);
}

// Floor 2: the patch read with RapidJSON's SAX Reader and a small state machine.
struct release_handler : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, release_handler> {
    enum key_t { none, op, path, value } key = none;
    int depth = 0;
    int objects = 0;
    char op_text[16] = {};
    char path_text[64] = {};
    std::size_t path_size = 0;
    int bool_value = -1;
    bool op_ok = false;

    bool Default() { return false; }
    bool Bool(bool b) {
        if (key != value || bool_value >= 0) return false;
        bool_value = b;
        key = none;
        return true;
    }
    bool String(const char* s, rapidjson::SizeType n, bool) {
        if (key == op && n == 7 && std::memcmp(s, "replace", 7) == 0 && !op_ok) {
            op_ok = true;
        } else if (key == path && n < sizeof path_text && path_size == 0) {
            std::memcpy(path_text, s, n);
            path_size = n;
        } else {
            return false;
        }
        key = none;
        return true;
    }
    bool StartObject() { return ++depth == 2 && ++objects == 1; }
    bool Key(const char* s, rapidjson::SizeType n, bool) {
        const std::string_view k(s, n);
        key = k == "op" ? op : k == "path" ? path : k == "value" ? value : none;
        return key != none;
    }
    bool EndObject(rapidjson::SizeType) {
        --depth;
        return true;
    }
    bool StartArray() { return ++depth == 1; }
    bool EndArray(rapidjson::SizeType) {
        --depth;
        return true;
    }
};

void BM_floor_sax(benchmark::State& state) {
    rapidjson::Document doc = parse_doc(static_cast<int>(state.range(0)));
    const std::string patch = complete_patch(static_cast<int>(state.range(0)) - 1);
    using Pool = rapidjson::MemoryPoolAllocator<>;
    bool ok = false;
    measure(state, [&] {
        char stack_buffer[512];
        Pool stack(stack_buffer, sizeof stack_buffer);
        rapidjson::GenericReader<rapidjson::UTF8<>, rapidjson::UTF8<>, Pool> reader(&stack, 256);
        release_handler h;
        rapidjson::StringStream in(patch.c_str());
        ok = false;
        rapidjson::SizeType index = 0;
        if (!reader.Parse(in, h) || !h.op_ok || h.bool_value < 0 ||
            !parse_release_path(h.path_text, h.path_size, index))
            return;
        ok = set_complete(doc, index, h.bool_value == 1);
    });
    check(state, ok);
}

// The limit: accept only the exact canonical bytes of a one-op patch, then lookups and store.
void BM_limit_canonical_bytes(benchmark::State& state) {
    rapidjson::Document doc = parse_doc(static_cast<int>(state.range(0)));
    const std::string patch = complete_patch(static_cast<int>(state.range(0)) - 1);
    bool ok = false;
    measure(state, [&] {
        constexpr std::string_view head = R"([{"op":"replace","path":"/phases/)";
        constexpr std::string_view tail = R"(/complete","value":true}])";
        const std::string_view p(patch);
        ok = false;
        if (p.size() <= head.size() + tail.size() || p.substr(0, head.size()) != head ||
            p.substr(p.size() - tail.size()) != tail)
            return;
        rapidjson::SizeType index = 0;
        for (char c : p.substr(head.size(), p.size() - head.size() - tail.size())) {
            if (c < '0' || c > '9') return;
            index = index * 10 + static_cast<rapidjson::SizeType>(c - '0');
        }
        ok = set_complete(doc, index, true);
    });
    check(state, ok);
}

#ifdef RELPATCH_BENCH_HAVE_NLOHMANN
// Peer: nlohmann::json::patch_inplace, patch text parsed each time.
void BM_nlohmann_patch_inplace(benchmark::State& state) {
    nlohmann::json doc = nlohmann::json::parse(release_document(static_cast<int>(state.range(0))));
    const std::string patch = complete_patch(static_cast<int>(state.range(0)) - 1);
    measure(state, [&] { doc.patch_inplace(nlohmann::json::parse(patch)); });
    check(state, doc["phases"][static_cast<std::size_t>(state.range(0) - 1)]["complete"] == true);
}

// Peer: nlohmann::json::patch, which returns a patched copy.
void BM_nlohmann_patch(benchmark::State& state) {
    nlohmann::json doc = nlohmann::json::parse(release_document(static_cast<int>(state.range(0))));
    const std::string patch = complete_patch(static_cast<int>(state.range(0)) - 1);
    measure(state, [&] { doc = doc.patch(nlohmann::json::parse(patch)); });
    check(state, doc["phases"][static_cast<std::size_t>(state.range(0) - 1)]["complete"] == true);
}
BENCHMARK(BM_nlohmann_patch_inplace)->Apply(phase_args);
BENCHMARK(BM_nlohmann_patch)->Apply(phase_args);
#endif

BENCHMARK(BM_pointer_parse)->Apply(phase_args);
BENCHMARK(BM_prepare)->Apply(phase_args);
BENCHMARK(BM_prepared_apply)->Apply(phase_args);
BENCHMARK(BM_relpatch_release)->Apply(phase_args);
BENCHMARK(BM_relpatch_rfc6902)->Apply(phase_args);
BENCHMARK(BM_relpatch_16ops)->Apply(phase_args);
BENCHMARK(BM_relpatch_rejected)->Apply(phase_args);
BENCHMARK(BM_rapidjson_pointer)->Apply(phase_args);
BENCHMARK(BM_floor_dom)->Apply(phase_args);
BENCHMARK(BM_floor_sax)->Apply(phase_args);
BENCHMARK(BM_limit_canonical_bytes)->Apply(phase_args);

}  // namespace

BENCHMARK_MAIN();
