// Counts heap allocations for the benchmarks' allocs/op counters. The bench binary is linked
// with -Wl,--wrap=malloc,calloc,realloc (RapidJSON and relpatch allocate with malloc from code
// inlined into this binary) and replaces operator new (nlohmann::json, std::string).

#include "bench_common.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<std::size_t> allocations{0};
}

std::size_t relpatch_bench::allocation_count() noexcept {
    return allocations.load(std::memory_order_relaxed);
}

extern "C" {
void* __real_malloc(std::size_t);
void* __real_calloc(std::size_t, std::size_t);
void* __real_realloc(void*, std::size_t);
void* __wrap_malloc(std::size_t n) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    return __real_malloc(n);
}
void* __wrap_calloc(std::size_t n, std::size_t m) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    return __real_calloc(n, m);
}
void* __wrap_realloc(void* p, std::size_t n) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    return __real_realloc(p, n);
}
}

void* operator new(std::size_t n) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = __real_malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
