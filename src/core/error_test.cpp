#include "core/error.hpp"

#include <gtest/gtest.h>

namespace segnala::core {
namespace {

result<int> half(int v) {
    if (v % 2 != 0) {
        return errc::invalid_argument;
    }
    return v / 2;
}

result<int> quarter(int v) {
    SEGNALA_TRY(h, half(v));
    return half(h);
}

TEST(Error, ResultCarriesProjectCategory) {
    auto r = quarter(6);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::invalid_argument);
    EXPECT_EQ(std::string(r.error().category().name()), "segnala");
    EXPECT_EQ(r.error().message(), "invalid argument");
    EXPECT_EQ(quarter(8).value(), 2);
}

TEST(Error, EveryEnumeratorHasNameAndMessage) {
    for (int i = 0; i <= static_cast<int>(errc::version_mismatch); ++i) {
        auto e = static_cast<errc>(i);
        EXPECT_NE(error_name(e), "unknown") << i;
        EXPECT_NE(make_error_code(e).message(), "unknown error") << i;
    }
}

}  // namespace
}  // namespace segnala::core
