#ifndef RELPATCH_TESTS_ALLOCATION_COUNTER_HPP
#define RELPATCH_TESTS_ALLOCATION_COUNTER_HPP

// Heap allocation counting, shared by allocation_test.cpp and the benchmarks' allocs/op
// counter (bench/release_bench.cpp). allocation_counter.cpp defines these; a binary using them
// compiles that file and links with -Wl,--wrap=malloc -Wl,--wrap=calloc -Wl,--wrap=realloc:
// RapidJSON and relpatch call malloc from code inlined into the binary, which only link-time
// wrapping sees. operator new is replaced there too (std::string, nlohmann::json, gtest).
// Without sanitizers: they replace malloc themselves.
//
// Plain variables, not atomics: the test and the benchmarks count on one thread.

#include <cstddef>

// Calls to malloc, calloc, realloc and operator new while relpatch_test_counting is true.
extern std::size_t relpatch_test_allocations;
extern bool relpatch_test_counting;
// While true, malloc, calloc and realloc return null and operator new throws bad_alloc.
extern bool relpatch_test_heap_fails;
// When k >= 0, the k-th call to realloc from now (counting from 0) returns null, once.
extern long relpatch_test_failing_realloc;

#endif  // RELPATCH_TESTS_ALLOCATION_COUNTER_HPP
