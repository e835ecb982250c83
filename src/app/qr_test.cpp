#include "app/qr.hpp"

#include <gtest/gtest.h>

namespace segnala::app {
namespace {

TEST(QrSvg, DrawsAnAccessibleSvgWithoutScript) {
    auto svg = qr_svg("otpauth://totp/Segnala:mario?secret=MZXW6YTBOI&issuer=Segnala",
                      "QR \"code\" <for> mario & co");
    ASSERT_TRUE(svg);
    const std::string& s = svg.value();
    EXPECT_EQ(s.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\"", 0), 0u);
    EXPECT_NE(s.find("aria-label=\"QR &quot;code&quot; &lt;for&gt; mario &amp; co\""),
              std::string::npos);
    EXPECT_NE(s.find("<path fill=\"#000\" d=\"M"), std::string::npos);
    EXPECT_EQ(s.find("<script"), std::string::npos);
    EXPECT_EQ(s.find("data:"), std::string::npos);
    EXPECT_TRUE(s.ends_with("</svg>"));
}

TEST(QrSvg, SameTextSameDrawingDifferentTextDifferentDrawing) {
    EXPECT_EQ(qr_svg("abc", "x").value(), qr_svg("abc", "x").value());
    EXPECT_NE(qr_svg("abc", "x").value(), qr_svg("abd", "x").value());
}

TEST(QrSvg, RefusesEmptyAndOversizedText) {
    EXPECT_EQ(qr_svg("", "x").error(), core::errc::invalid_argument);
    EXPECT_EQ(qr_svg(std::string(5000, 'a'), "x").error(), core::errc::invalid_argument);
}

}  // namespace
}  // namespace segnala::app
