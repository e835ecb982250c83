#include "web/report_view.hpp"

#include <gtest/gtest.h>

namespace segnala::web {
namespace {

TEST(FormatDate, ItalianCivilTimeAcrossSummerTimeChanges) {
    // 2026-03-29 00:59:59 UTC is still winter time (01:59 in Rome), and 2026-03-29 01:00 UTC
    // is 03:00 in Rome: both on the 29th.
    EXPECT_EQ(format_date(1774745999, Lang::it), "29/03/2026");
    // 2026-06-30 22:30 UTC is 00:30 on 1 July in Rome (UTC+2).
    EXPECT_EQ(format_date(1782858600, Lang::it), "01/07/2026");
    EXPECT_EQ(format_date(1782858600, Lang::en), "1 Jul 2026");
    // 2026-11-29 23:30 UTC is 00:30 on 30 November in Rome (UTC+1).
    EXPECT_EQ(format_date(1795995000, Lang::en), "30 Nov 2026");
    // 2026-10-25 00:30 UTC: summer time until 01:00 UTC, so 02:30 on the 25th.
    EXPECT_EQ(format_date(1792888200, Lang::it), "25/10/2026");
}

TEST(ReportForm, TextareaLinesKeepTheirIndex) {
    ReportFields f;
    f.category = "phishing";
    f.urls = "https://a.example.com/\r\n\r\nnot a url\r\n";
    std::vector<http::Part> files;
    files.push_back({"attachments", "", true, "application/octet-stream", ""});
    files.push_back({"attachments", "a.png", true, "image/png", "PNG"});
    files.push_back({"other", "b.png", true, "image/png", "PNG"});
    const auto form = to_report_form(f, files);
    ASSERT_EQ(form.urls.size(), 3u);
    EXPECT_EQ(form.urls[0], "https://a.example.com/");
    EXPECT_EQ(form.urls[1], "");
    EXPECT_EQ(form.urls[2], "not a url");
    ASSERT_EQ(form.attachments.size(), 1u);
    EXPECT_EQ(form.attachments[0].filename, "a.png");
    EXPECT_EQ(form.attachments[0].bytes, "PNG");
}

TEST(ReceiptSlip, RoundTripsAndNeverCarriesKnownForCsam) {
    app::Receipt r;
    r.code = "K7QM-4XPR-9DHT-W2FBE";
    r.known.push_back({"hxxps://a[.]example[.]com/", 3, 1700000000, false, 0});
    r.known.push_back({"hxxps://b[.]example[.]com/", 1, 1700000100, true, 1700000200});
    auto slip = decode_slip(encode_slip(r, false));
    ASSERT_TRUE(slip);
    EXPECT_EQ(slip->code, r.code);
    EXPECT_FALSE(slip->csam);
    ASSERT_EQ(slip->known.size(), 2u);
    EXPECT_EQ(slip->known[1].display, "hxxps://b[.]example[.]com/");
    EXPECT_TRUE(slip->known[1].blocked);
    EXPECT_EQ(slip->known[1].blocked_at, 1700000200);

    auto csam = decode_slip(encode_slip(r, true));
    ASSERT_TRUE(csam);
    EXPECT_TRUE(csam->csam);
    EXPECT_TRUE(csam->known.empty());
}

TEST(ReceiptSlip, StaysSmallAndRefusesGarbage) {
    app::Receipt r;
    r.code = "K7QM-4XPR-9DHT-W2FBE";
    for (int i = 0; i < 20; ++i) {
        r.known.push_back({"hxxps://" + std::string(2000, 'a') + "[.]com/", i + 1, 1, false, 0});
    }
    const std::string value = encode_slip(r, false);
    EXPECT_LE(value.size(), 3000u);
    auto slip = decode_slip(value);
    ASSERT_TRUE(slip);
    EXPECT_TRUE(slip->more_known);
    EXPECT_FALSE(slip->known.empty());
    for (const auto& k : slip->known)
        EXPECT_LE(k.display.size(), 164u);

    EXPECT_FALSE(decode_slip(""));
    EXPECT_FALSE(decode_slip("not base64!"));
    EXPECT_FALSE(decode_slip("e30"));  // {}
    EXPECT_FALSE(decode_slip(std::string(10000, 'A')));
}

}  // namespace
}  // namespace segnala::web
