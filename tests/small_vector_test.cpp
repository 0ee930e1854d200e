#include <relpatch/detail/diff_nodes.hpp>
#include <relpatch/detail/small_vector.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace {

TEST(SmallVector, InlineThenHeapKeepsElements) {
    relpatch::detail::small_vector<std::string, 2> v;
    EXPECT_TRUE(v.empty());
    EXPECT_EQ(v.capacity(), 2u);
    EXPECT_TRUE(v.reserve(1));  // already enough
    v.emplace_back("a");
    v.emplace_back(30, 'b');  // longer than the small-string buffer
    ASSERT_TRUE(v.reserve(5));
    EXPECT_EQ(v.capacity(), 5u);
    v.emplace_back("c");
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[0], "a");
    EXPECT_EQ(v[1], std::string(30, 'b'));
    EXPECT_EQ(v.back(), "c");
    ASSERT_TRUE(v.reserve(9));  // from heap to a larger heap block
    EXPECT_EQ(v[1], std::string(30, 'b'));
    v.pop_back();
    EXPECT_EQ(v.size(), 2u);
    v.clear();
    EXPECT_TRUE(v.empty());
}

TEST(SmallVector, ReserveRefusesWhatCannotBeAllocated) {
    relpatch::detail::small_vector<std::string, 2> v;
    v.emplace_back("kept");
    EXPECT_FALSE(v.reserve(static_cast<std::size_t>(-1)));  // overflows size * sizeof
#if !defined(__SANITIZE_ADDRESS__) && !defined(__has_feature)
    EXPECT_FALSE(v.reserve(static_cast<std::size_t>(-1) / 64));  // malloc fails
#elif !defined(__SANITIZE_ADDRESS__) && defined(__has_feature)
#if !__has_feature(address_sanitizer)
    EXPECT_FALSE(v.reserve(static_cast<std::size_t>(-1) / 64));  // (ASan aborts on such a size)
#endif
#endif
    EXPECT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0], "kept");
}

// diff's growable arrays: a growth that cannot be allocated is refused (false) and leaves the
// elements as they were, so that diff can report out_of_memory.
TEST(PodVector, GrowthThatCannotBeAllocatedIsRefused) {
    relpatch::detail::pod_vector<std::uint64_t> v;
    const std::uint64_t source[2] = {8, 9};
    ASSERT_TRUE(v.push_back(7));
    EXPECT_FALSE(v.reserve(static_cast<std::size_t>(-1)));  // overflows n * sizeof
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RELPATCH_TEST_ASAN 1
#endif
#endif
#if !defined(__SANITIZE_ADDRESS__) && !defined(RELPATCH_TEST_ASAN)
    // realloc fails (2^58 bytes); ASan would abort on such a size instead.
    const std::size_t huge = static_cast<std::size_t>(-1) / 64;
    EXPECT_FALSE(v.reserve(huge));
    // Refused before anything is read from `source` (through a pointer the compiler cannot
    // follow: it would warn about the read past `source` that never happens).
    const std::uint64_t* volatile opaque = source;
    EXPECT_FALSE(v.append(opaque, huge));
    EXPECT_FALSE(v.resize(huge));
#endif
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0], 7u);
    ASSERT_TRUE(v.append(source, 2));
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[2], 9u);
}

}  // namespace
