// relpatch::diff against nlohmann::json::diff on the release documents of release_bench.cpp
// (1, 10, 100 and 1000 phases), where `to` is `from` with one phase marked complete (the
// middle one). Both documents are parsed once; each iteration computes the patch (a new patch
// value every time). The text cases include parsing both texts and writing the patch.
// Counter allocs/op: heap allocations per iteration (see tests/allocation_counter.hpp).

#include "bench_common.hpp"

#include <relpatch/relpatch.hpp>

#include <benchmark/benchmark.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#ifdef RELPATCH_BENCH_HAVE_NLOHMANN
#include <nlohmann/json.hpp>
#endif

#include <string>

namespace {

using relpatch_bench::check;
using relpatch_bench::measure;
using relpatch_bench::phase_args;
using relpatch_bench::release_document;

// The release document with `phases` phases, and the same with the middle phase complete.
struct pair_texts {
    std::string from;
    std::string to;
};
pair_texts texts(int phases) {
    pair_texts t;
    t.from = release_document(phases);
    rapidjson::Document doc;
    (void)relpatch::parse_document(std::string_view(t.from), doc);
    doc["phases"][static_cast<rapidjson::SizeType>(phases / 2)]["complete"].SetBool(true);
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    doc.Accept(w);
    t.to.assign(sb.GetString(), sb.GetSize());
    return t;
}

// relpatch::diff under Policy with the given layout, on parsed documents.
template <class Policy, relpatch::diff_strategy strategy>
void BM_relpatch_diff(benchmark::State& state) {
    const pair_texts t = texts(static_cast<int>(state.range(0)));
    rapidjson::Document from;
    rapidjson::Document to;
    check(state, relpatch::parse_document(std::string_view(t.from), from) &&
                     relpatch::parse_document(std::string_view(t.to), to));
    relpatch::diff_options opt;
    opt.strategy = strategy;
    bool ok = true;
    measure(state, [&] {
        rapidjson::Document patch;
        ok = ok && relpatch::diff<Policy>(from, to, patch, opt) && patch.Size() == 1;
        benchmark::DoNotOptimize(patch);
    });
    check(state, ok);
}

// relpatch::diff_text: both texts parsed, the patch written as text.
void BM_relpatch_diff_text(benchmark::State& state) {
    const pair_texts t = texts(static_cast<int>(state.range(0)));
    bool ok = true;
    std::string patch;
    measure(state, [&] {
        ok = ok && relpatch::diff_text<relpatch::release_policy>(t.from, t.to, patch);
        benchmark::DoNotOptimize(patch);
    });
    check(state, ok && patch == R"([{"op":"replace","path":"/phases/)" +
                                    std::to_string(state.range(0) / 2) +
                                    R"(/complete","value":true}])");
}

#ifdef RELPATCH_BENCH_HAVE_NLOHMANN
void BM_nlohmann_diff(benchmark::State& state) {
    const pair_texts t = texts(static_cast<int>(state.range(0)));
    const nlohmann::json from = nlohmann::json::parse(t.from);
    const nlohmann::json to = nlohmann::json::parse(t.to);
    bool ok = true;
    measure(state, [&] {
        const nlohmann::json patch = nlohmann::json::diff(from, to);
        ok = ok && patch.size() == 1;
        benchmark::DoNotOptimize(patch);
    });
    check(state, ok);
}

void BM_nlohmann_diff_text(benchmark::State& state) {
    const pair_texts t = texts(static_cast<int>(state.range(0)));
    bool ok = true;
    std::string patch;
    measure(state, [&] {
        patch =
            nlohmann::json::diff(nlohmann::json::parse(t.from), nlohmann::json::parse(t.to)).dump();
        benchmark::DoNotOptimize(patch);
    });
    check(state, ok && patch.size() > 2);
}
#endif

}  // namespace

BENCHMARK_TEMPLATE(BM_relpatch_diff, relpatch::rfc6902_policy, relpatch::diff_strategy::compact)
    ->Apply(phase_args);
BENCHMARK_TEMPLATE(BM_relpatch_diff, relpatch::release_policy, relpatch::diff_strategy::automatic)
    ->Apply(phase_args);
BENCHMARK(BM_relpatch_diff_text)->Apply(phase_args);
#ifdef RELPATCH_BENCH_HAVE_NLOHMANN
BENCHMARK(BM_nlohmann_diff)->Apply(phase_args);
BENCHMARK(BM_nlohmann_diff_text)->Apply(phase_args);
#endif

BENCHMARK_MAIN();
