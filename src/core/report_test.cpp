#include "core/report.hpp"

#include <gtest/gtest.h>

namespace segnala::core {
namespace {

TEST(Report, CategoriesRoundTrip) {
    for (auto c : kCategories) {
        EXPECT_EQ(parse_category(to_string(c)), c);
    }
    EXPECT_FALSE(parse_category("Phishing"));
    EXPECT_FALSE(parse_category(""));
}

TEST(Report, StatusesRoundTrip) {
    for (auto s : kStatuses) {
        EXPECT_EQ(parse_status(to_string(s)), s);
    }
    EXPECT_FALSE(parse_status("done"));
}

TEST(Report, ChannelsRoundTrip) {
    for (auto c : {Channel::web, Channel::api, Channel::mail}) {
        EXPECT_EQ(parse_channel(to_string(c)), c);
    }
}

}  // namespace
}  // namespace segnala::core
