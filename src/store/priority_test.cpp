#include "store/priority.hpp"

#include <gtest/gtest.h>

namespace segnala::store {
namespace {

TEST(Priority, CategoryReportsAndSignalsMoveTheEffectiveTime) {
    EXPECT_EQ(case_priority("spam", 1, "", 1000), 1000);
    EXPECT_EQ(case_priority("phishing", 1, "", 1000), 1000 + 48 * 3600);
    EXPECT_EQ(case_priority("fraud", 2, "", 0), 24 * 3600 + 6 * 3600);
    EXPECT_EQ(case_priority("other", 4, "ip_host,userinfo", 0), 12 * 3600 + 24 * 3600);
    EXPECT_EQ(case_priority("other", 1023, "", 0), 9 * 6 * 3600);
    EXPECT_EQ(case_priority("other", 1024, "", 0), 10 * 6 * 3600);
    // Unknown signals and lookalike names give nothing.
    EXPECT_EQ(case_priority("other", 1, "ip_hostx,foo", 0), 0);
}

TEST(Priority, PartsNameEveryReason) {
    auto parts = priority_parts("malware", 8, "idn");
    ASSERT_EQ(parts.size(), 3u);
    EXPECT_EQ(parts[0].reason, "category");
    EXPECT_EQ(parts[1].reason, "reports");
    EXPECT_EQ(parts[1].seconds, 3 * 6 * 3600);
    EXPECT_EQ(parts[2].reason, "idn");
}

}  // namespace
}  // namespace segnala::store
