// Hostile patches at the default relpatch::limits: the hardening review's worst cases, with
// documents generated at run time. Each case measures the wall time of one apply_patch call,
// refused or not (the document is prepared outside the timed region); the issue's bound is
// "any patch within default limits on a document <= 16 MB finishes in <= 1 s".
// tests/hostile_test.cpp asserts the bounds in work units and bytes; this measures the time.
//
// Label: the result's errc name ("success" when applied). Counters: refused (0 or 1), op (the
// refused operation's index, -1 for none), cpu_ms (the apply's thread CPU time: on a shared
// machine, wall time minus the time the thread waited for a core; Google Benchmark's own CPU
// column also counts the untimed set-up), doc_MB and patch_KB (sizes of the texts).
// Run with --benchmark_repetitions=N: each repetition is one apply (see bench/README.md).

#include <relpatch/relpatch.hpp>

#include <benchmark/benchmark.h>
#include <rapidjson/document.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>

namespace {

using relpatch::errc;

rapidjson::Document parse(const std::string& text) {
    rapidjson::Document d;
    const relpatch::result r = relpatch::parse_document(text, d);
    if (!r) {
        std::fprintf(stderr, "hostile_bench: generated document does not parse: %s\n",
                     r.message().c_str());
        std::abort();
    }
    return d;
}

std::string nested_arrays(std::size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
}

std::string zeros(std::size_t n) {
    std::string s = "[";
    s.reserve(2 * n + 1);
    for (std::size_t i = 0; i < n; ++i) s += i == 0 ? "0" : ",0";
    return s + "]";
}

// {"k0":v0,"k1":v1,...}; values k (or all 0), in reverse order if asked.
std::string object_text(std::size_t n, bool reversed, bool zero_values) {
    std::string s = "{";
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t k = reversed ? n - 1 - i : i;
        if (i != 0) s += ',';
        s += "\"k" + std::to_string(k) + "\":" + (zero_values ? "0" : std::to_string(k));
    }
    return s + "}";
}

// `op` repeated n times, then `last` (if any), as a patch array.
std::string repeat(std::size_t n, const std::string& op, const std::string& last = "") {
    std::string s = "[";
    for (std::size_t i = 0; i < n; ++i) {
        if (i != 0) s += ',';
        s += op;
    }
    if (!last.empty()) s += (n != 0 ? "," : "") + last;
    return s + "]";
}

// A case: the document's text, its DOM (for cases whose apply leaves it as it was), the patch.
struct fixture {
    std::string doc_text;
    std::unique_ptr<rapidjson::Document> doc;
    std::string patch;
};

void report(benchmark::State& state, const fixture& f, const relpatch::result& r,
            double cpu_seconds) {
    state.SetLabel(relpatch::errc_name(r.code()));
    state.counters["cpu_ms"] =
        benchmark::Counter(cpu_seconds * 1e3, benchmark::Counter::kAvgIterations);
    state.counters["refused"] = r ? 0 : 1;
    state.counters["op"] = r.has_op_index() ? static_cast<double>(r.op_index()) : -1;
    state.counters["doc_MB"] = static_cast<double>(f.doc_text.size()) / 1e6;
    state.counters["patch_KB"] = static_cast<double>(f.patch.size()) / 1e3;
}

// Times one apply: wall time as the iteration's time, thread CPU time summed in cpu_seconds.
class stopwatch {
public:
    explicit stopwatch(benchmark::State& state, double& cpu_seconds) noexcept
        : state_(state), cpu_seconds_(cpu_seconds), cpu0_(thread_cpu()),
          wall0_(std::chrono::steady_clock::now()) {}
    ~stopwatch() {
        const auto wall = std::chrono::steady_clock::now() - wall0_;
        cpu_seconds_ += thread_cpu() - cpu0_;
        state_.SetIterationTime(std::chrono::duration<double>(wall).count());
    }
    stopwatch(const stopwatch&) = delete;
    stopwatch& operator=(const stopwatch&) = delete;

private:
    static double thread_cpu() noexcept {
        timespec t{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
    }
    benchmark::State& state_;
    double& cpu_seconds_;
    double cpu0_;
    std::chrono::steady_clock::time_point wall0_;
};

// Applies f.patch to f.doc, which the patch leaves as it was (a test, or a refusal).
template <class Policy = relpatch::rfc6902_policy>
relpatch::result apply_in_place(benchmark::State& state, fixture& f, const relpatch::limits& lim) {
    relpatch::result r;
    double cpu = 0;
    for (auto _ : state) {
        const stopwatch timed(state, cpu);
        r = relpatch::apply_patch<Policy>(*f.doc, f.patch, lim);
    }
    report(state, f, r, cpu);
    return r;
}

// Applies f.patch to a freshly parsed f.doc_text each time (the patch changes the document, or
// a refusal leaves container growth behind).
template <class Policy = relpatch::rfc6902_policy>
relpatch::result apply_fresh(benchmark::State& state, fixture& f, const relpatch::limits& lim) {
    relpatch::result r;
    double cpu = 0;
    std::unique_ptr<rapidjson::Document> doc;
    for (auto _ : state) {
        doc.reset();
        doc = std::make_unique<rapidjson::Document>(parse(f.doc_text));
        const stopwatch timed(state, cpu);
        r = relpatch::apply_patch<Policy>(*doc, f.patch, lim);
    }
    report(state, f, r, cpu);
    return r;
}

void expect(benchmark::State& state, bool ok, const char* what) {
    if (!ok) state.SkipWithError(what);
}

// Builds a fixture once per process (the large documents take seconds to generate).
template <class Make>
fixture& once(Make make) {
    static fixture f = make();
    return f;
}

// 1. test of a 40,000-member object against the same members in reverse order (equal: the
// comparison sorts both member lists).
void BM_test_reversed_object_40k(benchmark::State& state) {
    fixture& f = once([] {
        fixture x;
        x.doc_text = R"({"o":)" + object_text(40000, false, false) + "}";
        x.doc = std::make_unique<rapidjson::Document>(parse(x.doc_text));
        x.patch = R"([{"op":"test","path":"/o","value":)" + object_text(40000, true, false) + "}]";
        return x;
    });
    const relpatch::result r = apply_in_place(state, f, relpatch::limits());
    expect(state, static_cast<bool>(r), "expected the test to pass");
}

// 2. 1,023 x remove /a/0 on a 4M-element array, then a failing test: each removal shifts the
// whole array; refused before the end, then rolled back.
void BM_remove_front_4M_then_failing_test(benchmark::State& state) {
    fixture& f = once([] {
        fixture x;
        x.doc_text = R"({"a":)" + zeros(std::size_t{4} << 20) + "}";
        x.doc = std::make_unique<rapidjson::Document>(parse(x.doc_text));
        x.patch = repeat(1023, R"({"op":"remove","path":"/a/0"})",
                         R"({"op":"test","path":"/a/0","value":7})");
        return x;
    });
    const relpatch::result r = apply_in_place(state, f, relpatch::limits());
    expect(state, !r && (*f.doc)["a"].Size() == (4u << 20), "expected a refusal, rolled back");
}

fixture front_inserts() {
    fixture x;
    x.doc_text = R"({"a":)" + zeros(1000000) + "}";
    x.patch = repeat(1024, R"({"op":"add","path":"/a/0","value":1})");
    return x;
}

// 3. 1,024 x add /a/0 on a 1M-element array at the default limits: the parsed array is full, so
// the first insert would grow it by half (24 MB), over max_added_bytes.
void BM_add_front_1M_default_limits(benchmark::State& state) {
    fixture& f = once([] {
        fixture x = front_inserts();
        x.doc = std::make_unique<rapidjson::Document>(parse(x.doc_text));
        return x;
    });
    const relpatch::result r = apply_in_place(state, f, relpatch::limits());
    expect(state, !r && (*f.doc)["a"].Size() == 1000000u, "expected a refusal");
}

// 4. The same with max_added_bytes raised to 1 GiB, so that the work budget is what refuses
// (a fresh document each time: the growth of the array outlives the refusal).
void BM_add_front_1M_raised_bytes(benchmark::State& state) {
    fixture& f = once(front_inserts);
    relpatch::limits lim;
    lim.max_added_bytes = std::size_t{1} << 30;
    const relpatch::result r = apply_fresh(state, f, lim);
    expect(state, !r, "expected a refusal");
}

// 5. ordered_release_policy: 1,024 replaces on 100,000 phases (the first 50,000 complete),
// alternately completing and un-completing phases 50,000-51,023: every apply succeeds and changes
// 1,024 phases.
void BM_ordered_release_1024_ops_100k_phases(benchmark::State& state) {
    static fixture f = [] {
        fixture x;
        x.doc_text = R"({"phases":[)";
        for (int i = 0; i < 100000; ++i)
            x.doc_text += std::string(i != 0 ? "," : "") +
                          (i < 50000 ? R"({"complete":true})" : R"({"complete":false})");
        x.doc_text += "]}";
        x.doc = std::make_unique<rapidjson::Document>(parse(x.doc_text));
        return x;
    }();
    std::string patches[2];
    for (int v = 0; v < 2; ++v) {
        patches[v] = "[";
        for (int i = 0; i < 1024; ++i)
            patches[v] += std::string(i != 0 ? "," : "") + R"({"op":"replace","path":"/phases/)" +
                          std::to_string(50000 + i) + R"(/complete","value":)" +
                          (v == 0 ? "true" : "false") + "}";
        patches[v] += "]";
    }
    static int next = 0;
    relpatch::result r;
    double cpu = 0;
    bool changed = true;
    for (auto _ : state) {
        const std::string& patch = patches[next];
        next ^= 1;
        {
            const stopwatch timed(state, cpu);
            r = relpatch::apply_patch<relpatch::ordered_release_policy>(*f.doc, patch);
        }
        changed = changed && r.changed();
    }
    f.patch = patches[0];
    report(state, f, r, cpu);
    expect(state, r && changed, "expected every apply to succeed and change the phases");
}

// 6. 1,024 tests of the last member of a 1M-member object: each lookup walks every member.
// (Values 0, so the document stays under 16 MB.)
void BM_test_last_member_1M_object_x1024(benchmark::State& state) {
    fixture& f = once([] {
        fixture x;
        x.doc_text = object_text(1000000, false, true);
        x.doc = std::make_unique<rapidjson::Document>(parse(x.doc_text));
        x.patch = repeat(1024, R"({"op":"test","path":"/k999999","value":0})");
        return x;
    });
    const relpatch::result r = apply_in_place(state, f, relpatch::limits());
    expect(state, r.code() == errc::work_limit_exceeded, "expected work_limit_exceeded");
}

// 7. add of a 120,000-element array of one-member objects (5.8 MB in the document's allocator,
// under max_added_bytes): staged in a scratch allocator, then applied.
void BM_add_120k_element_array(benchmark::State& state) {
    fixture& f = once([] {
        fixture x;
        x.doc_text = R"({"y":1})";
        std::string many = "[";
        for (int i = 0; i < 120000; ++i) many += i != 0 ? R"(,{"a":0})" : R"({"a":0})";
        many += "]";
        x.patch = R"([{"op":"add","path":"/x","value":)" + many + "}]";
        return x;
    });
    const relpatch::result r = apply_fresh(state, f, relpatch::limits());
    expect(state, static_cast<bool>(r), "expected the add to apply");
}

// 8. A copy chain: 1,024 x copy /a to /a/-, each doubling what /a holds, from [0], until the
// byte budget (max_added_bytes) refuses it.
void BM_copy_chain_doubling(benchmark::State& state) {
    fixture& f = once([] {
        fixture x;
        x.doc_text = R"({"a":[0]})";
        x.patch = repeat(1024, R"({"op":"copy","from":"/a","path":"/a/-"})");
        return x;
    });
    const relpatch::result r = apply_fresh(state, f, relpatch::limits());
    expect(state, !r, "expected a refusal");
}

// 9. Growing the document's depth with add + move: 341 rounds of add /w (60 nested arrays),
// move /v into the innermost of them, move /w to /v; each round makes /v 60 levels deeper
// until max_document_depth refuses.
void BM_depth_via_add_move(benchmark::State& state) {
    fixture& f = once([] {
        fixture x;
        x.doc_text = R"({"v":[]})";
        std::string inner = "/w";
        for (int i = 0; i < 59; ++i) inner += "/0";
        const std::string round = R"({"op":"add","path":"/w","value":)" + nested_arrays(60) +
                                  R"(},{"op":"move","from":"/v","path":")" + inner +
                                  R"(/-"},{"op":"move","from":"/w","path":"/v"})";
        x.patch = repeat(341, round);
        return x;
    });
    const relpatch::result r = apply_fresh(state, f, relpatch::limits());
    expect(state, r.code() == errc::document_too_deep, "expected document_too_deep");
}

// 10. Member names as long as a pointer allows, each lookup comparing them byte by byte: 1,000
// tests of the last of 3,900 members whose 4,095-byte names differ only in their last byte
// (16 MB document, 4.1 MB patch). Charged one unit per 32 bytes compared.
void BM_test_long_names_3900_members(benchmark::State& state) {
    fixture& f = once([] {
        fixture x;
        constexpr std::size_t length = 4095;  // the longest token max_pointer_length allows
        const std::string near = std::string(length - 1, 'a') + "b";
        x.doc_text = "{";
        for (int i = 0; i < 3899; ++i) x.doc_text += "\"" + near + "\":0,";
        x.doc_text += "\"" + std::string(length, 'a') + "\":0}";
        x.doc = std::make_unique<rapidjson::Document>(parse(x.doc_text));
        x.patch = repeat(
            1000, R"({"op":"test","path":"/)" + std::string(length, 'a') + R"(","value":0})");
        return x;
    });
    static_cast<void>(apply_in_place(state, f, relpatch::limits()));  // reported, not asserted
}

// 11. The same with an escaped token: "/~0~0...~0" (2,047 times, so 2,047 '~' once decoded)
// against 7,500 members whose 2,047-byte names are '~' but for the last byte, the target last
// (15 MB document, 4.1 MB patch). Every op succeeds.
void BM_test_escaped_token_7500_members(benchmark::State& state) {
    fixture& f = once([] {
        fixture x;
        constexpr std::size_t length = 2047;  // "~0" x 2047 is 4,094 code units
        const std::string near = std::string(length - 1, '~') + "a";
        x.doc_text = "{";
        for (int i = 0; i < 7499; ++i) x.doc_text += "\"" + near + "\":0,";
        x.doc_text += "\"" + std::string(length, '~') + "\":0}";
        x.doc = std::make_unique<rapidjson::Document>(parse(x.doc_text));
        std::string path = "/";
        for (std::size_t i = 0; i < length; ++i) path += "~0";
        x.patch = repeat(1000, R"({"op":"test","path":")" + path + R"(","value":0})");
        return x;
    });
    static_cast<void>(apply_in_place(state, f, relpatch::limits()));  // reported, not asserted
}

void hostile(benchmark::internal::Benchmark* b) {
    b->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_test_reversed_object_40k)->Apply(hostile);
BENCHMARK(BM_remove_front_4M_then_failing_test)->Apply(hostile);
BENCHMARK(BM_add_front_1M_default_limits)->Apply(hostile);
BENCHMARK(BM_add_front_1M_raised_bytes)->Apply(hostile);
BENCHMARK(BM_ordered_release_1024_ops_100k_phases)->Apply(hostile);
BENCHMARK(BM_test_last_member_1M_object_x1024)->Apply(hostile);
BENCHMARK(BM_add_120k_element_array)->Apply(hostile);
BENCHMARK(BM_copy_chain_doubling)->Apply(hostile);
BENCHMARK(BM_depth_via_add_move)->Apply(hostile);
BENCHMARK(BM_test_long_names_3900_members)->Apply(hostile);
BENCHMARK(BM_test_escaped_token_7500_members)->Apply(hostile);

}  // namespace

BENCHMARK_MAIN();
