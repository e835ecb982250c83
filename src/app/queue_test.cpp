#include "app/queue.hpp"

#include <gtest/gtest.h>

#include "crypto/random.hpp"

namespace segnala::app {
namespace {

TEST(QueueCursor, RoundTripsAndRefusesAnythingElse) {
    const store::QueueCursor c{1, 1'790'000'000, 42};
    const std::string text = encode_cursor(c);
    auto back = decode_cursor(text);
    ASSERT_TRUE(back);
    EXPECT_EQ(back.value(), c);
    const store::QueueCursor neg{0, -5, 7};
    EXPECT_EQ(decode_cursor(encode_cursor(neg)).value(), neg);
    for (const std::string& bad :
         {std::string(""), std::string("!!!"), std::string(200, 'A'),
          crypto::base64url_encode("q1:2:5:7"), crypto::base64url_encode("q1:0:5:0"),
          crypto::base64url_encode("q1:0:5"), crypto::base64url_encode("q2:0:5:7"),
          crypto::base64url_encode("q1:0:5:7:8"), crypto::base64url_encode("q1:0: 5:7"),
          crypto::base64url_encode("q1:0:99999999999999999999:7"),
          crypto::base64url_encode("q1:0:5:x")}) {
        EXPECT_FALSE(decode_cursor(bad)) << bad;
    }
}

TEST(TriageTargets, DefaultsAndOverrides) {
    TriageTargets t;
    EXPECT_EQ(t.seconds_for("csam"), 2 * 3600);
    EXPECT_EQ(t.seconds_for("phishing"), 24 * 3600);
    EXPECT_EQ(t.seconds_for("unknown"), 72 * 3600);
    t.hours["csam"] = 1;
    EXPECT_EQ(t.seconds_for("csam"), 3600);
}

}  // namespace
}  // namespace segnala::app
