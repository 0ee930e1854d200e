#ifndef RELPATCH_BENCH_COMMON_HPP
#define RELPATCH_BENCH_COMMON_HPP

// What the release benchmarks share: realistic release documents, the phase counts they run
// at, and the allocs/op counter (a binary including this compiles tests/allocation_counter.cpp
// and links with its --wrap options; see tests/allocation_counter.hpp).

#include "allocation_counter.hpp"

#include <benchmark/benchmark.h>

#include <string>

namespace relpatch_bench {

// A release document with `phases` phases shaped like the API's (ids, dates, audiences with
// environments and configurations); every phase incomplete.
inline std::string release_document(int phases) {
    std::string s =
        R"({"name":"Example release pipeline","releasePipelineKey":"example-release-pipeline",)"
        R"("releasePipelineDescription":"Our release pipeline for typical testing and deployment","phases":[)";
    for (int i = 0; i < phases; ++i) {
        const std::string n = std::to_string(i);
        if (i != 0) s += ",";
        s +=
            R"({"_id":"1234a56b7c89d012345e)" + n + R"(","_name":"Phase )" + n +
            R"(","complete":false,"_creationDate":1684262711507,"_audiences":[{"_id":"1234a56b7c89d012345e68)" +
            n + R"(","name":"Phase )" + n +
            R"(","_links":{},"environment":{"_links":{"self":{"href":"/api/v2/projects/my-project/environments/env)" +
            n + R"(","type":"application/json"}},"key":"env)" + n +
            R"(","name":"Env","color":"F5A623"},"configuration":{"releaseStrategy":"monitoredRelease","requireApproval":true,)"
            R"("notifyMemberIds":["1234a56b7c89d012345e678f"],"notifyTeamKeys":["example-reviewer-team"],)"
            R"("releaseGuardianConfiguration":{"monitoringWindowMilliseconds":60000,"rolloutWeight":50,)"
            R"("rollbackOnRegression":true,"randomizationUnit":"user"}},"segmentKeys":["segment-key-123abc"],)"
            R"("status":"active","_ruleIds":[]}],"status":"Started","started":true,"_startedDate":1684262711601,"configuration":{}})";
    }
    return s + R"(],"_version":1,"_links":{},"_releaseVariationId":"string"})";
}

inline std::string complete_patch(int phase, bool value = true) {
    return R"([{"op":"replace","path":"/phases/)" + std::to_string(phase) +
           R"(/complete","value":)" + (value ? "true" : "false") + "}]";
}

// Every case runs on release documents of 1, 10, 100 and 1000 phases.
inline void phase_args(benchmark::internal::Benchmark* b) {
    for (int n : {1, 10, 100, 1000}) b->Arg(n);
}

// Runs `body` once per iteration, counting its heap allocations into counter allocs/op.
template <class F>
void measure(benchmark::State& state, F&& body) {
    relpatch_test_allocations = 0;
    relpatch_test_counting = true;
    for (auto _ : state) body();
    relpatch_test_counting = false;
    state.counters["allocs/op"] = benchmark::Counter(static_cast<double>(relpatch_test_allocations),
                                                     benchmark::Counter::kAvgIterations);
}

// Marks the case failed when an outcome was not the expected one.
inline void check(benchmark::State& state, bool ok) {
    if (!ok) state.SkipWithError("unexpected outcome");
}

}  // namespace relpatch_bench

#endif
