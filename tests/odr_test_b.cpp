#include <relpatch/relpatch.hpp>

#include <gtest/gtest.h>

#include <system_error>

std::error_code relpatch_odr_code_from_a();
const std::error_category* relpatch_odr_category_from_a();

TEST(Odr, CategoryIsOneObjectAcrossTranslationUnits) {
    EXPECT_EQ(relpatch_odr_category_from_a(), &relpatch::error_category());
    EXPECT_EQ(relpatch_odr_code_from_a(), relpatch::errc::test_failed);
    EXPECT_NE(relpatch_odr_code_from_a(), relpatch::errc::path_not_found);
}
