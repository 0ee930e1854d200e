// Two translation units include relpatch and hand error codes to each other: the category must
// be one object program-wide, and the inline functions must link without duplicates.
#include <relpatch/relpatch.hpp>

#include <system_error>

std::error_code relpatch_odr_code_from_a() {
    return relpatch::make_error_code(relpatch::errc::test_failed);
}
const std::error_category* relpatch_odr_category_from_a() { return &relpatch::error_category(); }
