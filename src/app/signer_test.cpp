#include "app/signer.hpp"

#include <gtest/gtest.h>

namespace segnala::app {
namespace {

TEST(Signer, OpensWhatItSignedAndNothingElse) {
    const Signer s(std::string(32, 'k'));
    const std::string v = s.sign("eyJjIjoiSzdRTSJ9");
    EXPECT_EQ(s.open(v).value(), "eyJjIjoiSzdRTSJ9");
    EXPECT_EQ(s.open(s.sign("")).value(), "");
    EXPECT_EQ(s.open(s.sign("a.b")).value(), "a.b");  // the last '.' separates

    // Any change to the value or the MAC, a MAC of another key, or no MAC: refused.
    std::string changed = v;
    changed[0] = changed[0] == 'e' ? 'f' : 'e';
    EXPECT_FALSE(s.open(changed));
    std::string bad_mac = v;
    bad_mac.back() = bad_mac.back() == '0' ? '1' : '0';
    EXPECT_FALSE(s.open(bad_mac));
    EXPECT_FALSE(s.open(Signer(std::string(32, 'x')).sign("eyJjIjoiSzdRTSJ9")));
    EXPECT_FALSE(s.open("eyJjIjoiSzdRTSJ9"));
    EXPECT_FALSE(s.open("eyJjIjoiSzdRTSJ9."));
    EXPECT_FALSE(s.open(v.substr(0, v.size() - 1)));
    EXPECT_FALSE(s.open(v + "0"));
    EXPECT_FALSE(s.open(""));
}

}  // namespace
}  // namespace segnala::app
