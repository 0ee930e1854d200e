// apply_patch_to_text and its peers on stored release documents as text: 1, 10, 100 and 1000
// phases of bench_common.hpp's release document, patched at the last phase, in two layouts:
// indented by two spaces like examples/release.json (compact:0), and compact, with no whitespace
// at all (compact:1), as the table measured it. Every case starts from the stored text and
// ends with the patched (or copied) text in a std::string that already has the capacity.
// Counters: bytes/s of document text, allocs/op (see tests/allocation_counter.hpp).

#include "allocation_counter.hpp"
#include "bench_common.hpp"

#include <relpatch/relpatch.hpp>

#include <benchmark/benchmark.h>
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#ifdef RELPATCH_BENCH_HAVE_NLOHMANN
#include <nlohmann/json.hpp>
#endif
#ifdef RELPATCH_BENCH_HAVE_SIMDJSON
#include <simdjson.h>
#endif

#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace {

using relpatch_bench::complete_patch;

using relpatch_bench::check;

// Every case runs on 1, 10, 100 and 1000 phases, indented and compact.
void layout_args(benchmark::internal::Benchmark* b) {
    for (int n : {1, 10, 100, 1000})
        for (int compact : {0, 1}) b->Args({n, compact});
    b->ArgNames({"phases", "compact"});
}

bool compact(const benchmark::State& state) { return state.range(1) != 0; }

// The release document as examples/release.json lays it out, or compact.
std::string stored_document(int phases, bool compact) {
    if (compact) return relpatch_bench::release_document(phases);
    rapidjson::Document d;
    d.Parse(relpatch_bench::release_document(phases).c_str());
    rapidjson::StringBuffer sb;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(sb);
    w.SetIndent(' ', 2);
    d.Accept(w);
    return std::string(sb.GetString(), sb.GetSize()) + "\n";
}

// relpatch_bench::measure, with the document's bytes as the throughput.
template <class F>
void measure(benchmark::State& state, const std::string& doc, F&& body) {
    relpatch_bench::measure(state, body);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(doc.size()));
}

std::string complete_member(bool value, bool compact) {
    return std::string(compact ? "\"complete\":" : "\"complete\": ") + (value ? "true" : "false");
}

// Checks that `out` is `doc` with the last phase's "complete" set to true.
bool patched(const std::string& doc, const std::string& out, bool compact) {
    const std::size_t at = doc.rfind(complete_member(false, compact));
    const std::string now = complete_member(true, compact);
    return at != std::string::npos && out.size() + 1 == doc.size() &&
           out.compare(0, at, doc, 0, at) == 0 && out.compare(at, now.size(), now) == 0 &&
           out.compare(at + now.size(), std::string::npos, doc, at + now.size() + 1,
                       std::string::npos) == 0;
}

// apply_patch_to_text under release_policy: validate, find, edit, copy.
template <class Policy, bool Simd>
void BM_text(benchmark::State& state) {
    const int phases = static_cast<int>(state.range(0));
    std::string doc = stored_document(phases, compact(state));
    if (std::is_same<Policy, relpatch::ordered_release_policy>::value) {
        // Every phase but the last complete, so that completing the last one is in order.
        const std::string incomplete = complete_member(false, compact(state));
        for (int i = 0; i + 1 < phases; ++i)
            doc.replace(doc.find(incomplete), incomplete.size(),
                        complete_member(true, compact(state)));
    }
    const std::string patch = complete_patch(phases - 1);
    std::string out;
    out.reserve(doc.size() + 64);
    bool ok = true;
    measure(state, doc, [&] {
        const relpatch::result r = relpatch::detail::patch_text<Policy, Simd>(
            doc, patch, out, relpatch::limits(), nullptr);
        ok = ok && r && r.changed();
        benchmark::DoNotOptimize(out.data());
    });
    check(state, ok && patched(doc, out, compact(state)));
}
void BM_text_release(benchmark::State& s) {
    BM_text<relpatch::release_policy, relpatch::detail::simd_default>(s);
}
void BM_text_ordered(benchmark::State& s) {
    BM_text<relpatch::ordered_release_policy, relpatch::detail::simd_default>(s);
}
void BM_text_rfc6902(benchmark::State& s) {
    BM_text<relpatch::rfc6902_policy, relpatch::detail::simd_default>(s);
}
void BM_text_release_portable(benchmark::State& s) { BM_text<relpatch::release_policy, false>(s); }

// A DOM round trip: `parse(text, doc)`, apply_patch, rapidjson::Writer.
template <class Parse>
void dom_round_trip(benchmark::State& state, Parse&& parse) {
    const int phases = static_cast<int>(state.range(0));
    const std::string doc = stored_document(phases, compact(state));
    const std::string patch = complete_patch(phases - 1);
    rapidjson::StringBuffer sb(nullptr, doc.size() + 64);
    bool ok = true;
    measure(state, doc, [&] {
        rapidjson::Document d;
        ok = ok && parse(doc, d) && relpatch::apply_patch(d, patch);
        sb.Clear();
        rapidjson::Writer<rapidjson::StringBuffer> w(sb);
        d.Accept(w);
        benchmark::DoNotOptimize(sb.GetString());
    });
    check(state, ok);
}

// Through parse_document (exact numbers, relpatch's reader).
void BM_dom_round_trip(benchmark::State& state) {
    dom_round_trip(state, [](const std::string& text, rapidjson::Document& d) {
        return static_cast<bool>(relpatch::parse_document(std::string_view(text), d));
    });
}

// The round trip the issue measured as "relpatch today": RapidJSON's own Document::Parse (its
// default precision), apply_patch, rapidjson::Writer.
void BM_rapidjson_round_trip(benchmark::State& state) {
    dom_round_trip(state, [](const std::string& text, rapidjson::Document& d) {
        d.Parse(text.data(), text.size());
        return !d.HasParseError();
    });
}

// RapidJSON's SAX Reader validating the text (UTF-8 included) with a handler that does
// nothing, then a copy: what checking a stored text and passing it on costs at least.
void BM_rapidjson_validate_copy(benchmark::State& state) {
    const std::string doc = stored_document(static_cast<int>(state.range(0)), compact(state));
    std::string out;
    out.reserve(doc.size() + 64);
    bool ok = true;
    measure(state, doc, [&] {
        rapidjson::Reader reader;
        rapidjson::BaseReaderHandler<> handler;
        rapidjson::StringStream in(doc.c_str());
        ok = ok && !reader.Parse<rapidjson::kParseValidateEncodingFlag>(in, handler).IsError();
        out.assign(doc);
        benchmark::DoNotOptimize(out.data());
    });
    check(state, ok);
}

// The floor: copying the text.
void BM_memcpy(benchmark::State& state) {
    const std::string doc = stored_document(static_cast<int>(state.range(0)), compact(state));
    std::string out;
    out.reserve(doc.size() + 64);
    measure(state, doc, [&] {
        out.assign(doc);
        benchmark::DoNotOptimize(out.data());
    });
}

#ifdef RELPATCH_BENCH_HAVE_NLOHMANN
// Peer: nlohmann::json parse, patch_inplace, dump.
void BM_nlohmann_round_trip(benchmark::State& state) {
    const int phases = static_cast<int>(state.range(0));
    const std::string doc = stored_document(phases, compact(state));
    const std::string patch = complete_patch(phases - 1);
    std::string out;
    measure(state, doc, [&] {
        nlohmann::json d = nlohmann::json::parse(doc);
        d.patch_inplace(nlohmann::json::parse(patch));
        out = d.dump();
        benchmark::DoNotOptimize(out.data());
    });
    check(state, out.find("\"complete\":true") != std::string::npos);
}
BENCHMARK(BM_nlohmann_round_trip)->Apply(layout_args);
#endif

#ifdef RELPATCH_BENCH_HAVE_SIMDJSON
// Reference: simdjson's DOM parser (reused, so its buffers are allocated once) validating the
// text, then a copy. Not a patch: simdjson does not write JSON back.
void BM_simdjson_validate_copy(benchmark::State& state) {
    const std::string doc = stored_document(static_cast<int>(state.range(0)), compact(state));
    const simdjson::padded_string padded(doc);
    simdjson::dom::parser parser;
    std::string out;
    out.reserve(doc.size() + 64);
    bool ok = true;
    measure(state, doc, [&] {
        simdjson::dom::element root;
        ok = ok && parser.parse(padded).get(root) == simdjson::SUCCESS;
        out.assign(doc);
        benchmark::DoNotOptimize(out.data());
    });
    check(state, ok);
}
BENCHMARK(BM_simdjson_validate_copy)->Apply(layout_args);
#endif

BENCHMARK(BM_text_release)->Apply(layout_args);
BENCHMARK(BM_text_ordered)->Apply(layout_args);
BENCHMARK(BM_text_rfc6902)->Apply(layout_args);
BENCHMARK(BM_text_release_portable)->Apply(layout_args);
BENCHMARK(BM_dom_round_trip)->Apply(layout_args);
BENCHMARK(BM_rapidjson_round_trip)->Apply(layout_args);
BENCHMARK(BM_rapidjson_validate_copy)->Apply(layout_args);
BENCHMARK(BM_memcpy)->Apply(layout_args);

}  // namespace

BENCHMARK_MAIN();
