// Counts heap allocations (see allocation_counter.hpp) for allocation_test.cpp and the
// benchmarks. In a translation unit of its own: inlined into gtest's or the benchmark's code,
// g++ would warn about the replaced operator new paired with free.
#include "allocation_counter.hpp"

#include <cstdlib>
#include <new>

std::size_t relpatch_test_allocations = 0;
bool relpatch_test_counting = false;
bool relpatch_test_heap_fails = false;
long relpatch_test_failing_realloc = -1;

extern "C" {
void* __real_malloc(std::size_t);
void* __real_calloc(std::size_t, std::size_t);
void* __real_realloc(void*, std::size_t);
void* __wrap_malloc(std::size_t n) {
    if (relpatch_test_counting) ++relpatch_test_allocations;
    if (relpatch_test_heap_fails) return nullptr;
    return __real_malloc(n);
}
void* __wrap_calloc(std::size_t n, std::size_t m) {
    if (relpatch_test_counting) ++relpatch_test_allocations;
    if (relpatch_test_heap_fails) return nullptr;
    return __real_calloc(n, m);
}
void* __wrap_realloc(void* p, std::size_t n) {
    if (relpatch_test_counting) ++relpatch_test_allocations;
    if (relpatch_test_heap_fails) return nullptr;
    if (relpatch_test_failing_realloc >= 0 && relpatch_test_failing_realloc-- == 0) return nullptr;
    return __real_realloc(p, n);
}
}

void* operator new(std::size_t n) {
    if (relpatch_test_counting) ++relpatch_test_allocations;
    if (relpatch_test_heap_fails) throw std::bad_alloc();
    if (void* p = __real_malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
