// The public reporting form against the real binary, on every backend: receipts and status,
// "already reported", the CSAM rules, every bad input (422, typed values kept, nothing stored),
// uploads recognised by content, the stricter limit without the proof of work, status lookups
// rate limited, and unknown and invalid codes answered alike.
#include <array>
#include <cctype>
#include <cstdint>
#include <regex>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "harness.hpp"

namespace segnala::testing {
namespace {

class ReportForm : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        if (auto why = skip_reason(GetParam()))
            GTEST_SKIP() << *why;
    }
};

struct FilePart {
    std::string filename;
    std::string content_type;
    std::string data;
};

using Fields = std::vector<std::pair<std::string, std::string>>;

/// A multipart/form-data body as a browser sends it.
std::string multipart_body(const std::string& boundary, const Fields& fields,
                           const std::vector<FilePart>& files) {
    std::string body;
    for (const auto& [name, value] : fields) {
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
                "\"\r\n\r\n" + value + "\r\n";
    }
    for (const auto& f : files) {
        body += "--" + boundary +
                "\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"" +
                f.filename + "\"\r\nContent-Type: " + f.content_type + "\r\n\r\n" + f.data + "\r\n";
    }
    return body + "--" + boundary + "--\r\n";
}

/// Opens the form (for its CSRF token) and posts it as multipart/form-data.
HttpResult post_report(Client& c, Fields fields, const std::vector<FilePart>& files = {}) {
    auto form = c.get("/segnala");
    EXPECT_EQ(form.status, 200);
    fields.insert(fields.begin(), {"_csrf", hidden_field(form.body, "_csrf")});
    const std::string boundary = "----SegnalaTestBoundary7MA4YWxkTrZu0gW";
    return c.request("POST", "/segnala", multipart_body(boundary, fields, files),
                     {"Content-Type: multipart/form-data; boundary=" + boundary});
}

/// Posts a report and follows the redirect to the receipt; returns the receipt page.
HttpResult report_and_receipt(Client& c, const Fields& fields,
                              const std::vector<FilePart>& files = {}) {
    auto r = post_report(c, fields, files);
    EXPECT_EQ(r.status, 303) << r.body.substr(0, 4000);
    EXPECT_EQ(r.header("location").value_or(""), "/segnala/ricevuta");
    return c.get("/segnala/ricevuta");
}

std::string receipt_code(const std::string& html) {
    static const std::regex re(R"re(id="receipt-code"[^>]*>([^<]*)<)re");
    std::smatch m;
    return std::regex_search(html, m, re) ? m[1].str() : "";
}

bool contains(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}

// ---- a tiny valid PNG, built here (stored deflate block, real CRCs) ----

std::uint32_t crc32(const std::string& data) {
    std::uint32_t c = 0xFFFFFFFFu;
    for (unsigned char b : data) {
        c ^= b;
        for (int k = 0; k < 8; ++k)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

std::string be32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
            static_cast<char>(v)};
}

std::string png_chunk(const std::string& type, const std::string& data) {
    return be32(static_cast<std::uint32_t>(data.size())) + type + data + be32(crc32(type + data));
}

/// A 2x2 RGB PNG.
std::string tiny_png() {
    const int w = 2, h = 2;
    std::string raw;
    for (int y = 0; y < h; ++y) {
        raw += '\0';  // filter: none
        for (int x = 0; x < w; ++x)
            raw += std::string{'\xC0', static_cast<char>(x * 90), '\x20'};
    }
    std::uint32_t a = 1, b = 0;
    for (unsigned char ch : raw) {
        a = (a + ch) % 65521;
        b = (b + a) % 65521;
    }
    const auto len = static_cast<std::uint16_t>(raw.size());
    std::string z = "\x78\x01";
    z += '\x01';  // final stored block
    z += static_cast<char>(len & 0xFF);
    z += static_cast<char>(len >> 8);
    z += static_cast<char>(~len & 0xFF);
    z += static_cast<char>((~len >> 8) & 0xFF);
    z += raw + be32((b << 16) | a);
    std::string ihdr = be32(w) + be32(h) + std::string{'\x08', '\x02', '\0', '\0', '\0'};
    return std::string("\x89PNG\r\n\x1a\n", 8) + png_chunk("IHDR", ihdr) + png_chunk("IDAT", z) +
           png_chunk("IEND", "");
}

const Fields kPhishing = {{"category", "phishing"},
                          {"urls", "https://secure-login.banca-example.it/verifica?id=7"},
                          {"sender", "avvisi@banca-example.it"},
                          {"subject", "Il tuo conto è stato sospeso"},
                          {"text", "Clicca qui per riattivarlo"},
                          {"description", "SMS ricevuto stamattina"},
                          {"contact", ""}};

TEST_P(ReportForm, PhishingReportGetsReceiptAndStatus) {
    TestDatabase db(GetParam());
    Server server(db);
    Client c(server.base_url());

    auto form = c.get("/segnala");
    ASSERT_EQ(form.status, 200);
    EXPECT_TRUE(contains(form.body, "enctype=\"multipart/form-data\""));
    EXPECT_TRUE(contains(form.body, "Pedopornografia / abuso sessuale su minori"));
    EXPECT_TRUE(contains(form.body, "accept=\"image/png,image/jpeg,image/webp\""));
    EXPECT_TRUE(contains(c.get("/segnala?lang=en").body, "Child sexual abuse material"));
    c.get("/?lang=it");

    auto receipt = report_and_receipt(c, kPhishing);
    ASSERT_EQ(receipt.status, 200);
    const std::string code = receipt_code(receipt.body);
    EXPECT_TRUE(
        std::regex_match(code, std::regex("[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{5}")))
        << code;
    EXPECT_EQ(receipt.header("cache-control").value_or(""), "no-store");
    EXPECT_FALSE(contains(receipt.body, "già segnalato"));
    EXPECT_TRUE(contains(receipt.body, "/stato?codice=" + code));

    // Reloading the receipt shows it again and stores nothing more.
    auto again = c.get("/segnala/ricevuta");
    EXPECT_EQ(receipt_code(again.body), code);
    EXPECT_EQ(count_reports(db), 1);

    auto status = c.get("/stato?codice=" + code);
    EXPECT_EQ(status.status, 200);
    EXPECT_TRUE(contains(status.body, "Ricevuta"));
    EXPECT_TRUE(contains(status.body, "La segnalazione è arrivata"));
    // Case, spaces and dashes do not matter.
    std::string typed;
    for (char ch : code)
        typed += ch == '-' ? ' ' : static_cast<char>(std::tolower(ch));
    auto en = c.get("/stato?lang=en&codice=" + form_encode(typed));
    EXPECT_EQ(en.status, 200);
    EXPECT_TRUE(contains(en.body, "Received"));

    // A new visitor without the cookie sees no receipt.
    Client other(server.base_url());
    auto none = other.get("/segnala/ricevuta");
    EXPECT_EQ(none.status, 404);
    EXPECT_EQ(receipt_code(none.body), "");

    // The receipt cookie is signed: a copy of it shows the receipt; one that was altered, or
    // made up without the server's key (here: an unsigned slip for another code), does not.
    const std::string slip = c.cookie("segnala_receipt");
    ASSERT_FALSE(slip.empty());
    other.set_cookie("segnala_receipt", slip);
    EXPECT_EQ(receipt_code(other.get("/segnala/ricevuta").body), code);
    std::string altered = slip;
    altered[2] = altered[2] == 'A' ? 'B' : 'A';
    other.set_cookie("segnala_receipt", altered);
    EXPECT_EQ(other.get("/segnala/ricevuta").status, 404);
    const std::string forged = slip.substr(0, slip.rfind('.'));  // the payload alone
    other.set_cookie("segnala_receipt", forged);
    EXPECT_EQ(other.get("/segnala/ricevuta").status, 404);
}

TEST_P(ReportForm, SecondReportOfTheSameSiteSaysAlreadyReported) {
    TestDatabase db(GetParam());
    Server server(db);
    Client c(server.base_url());
    report_and_receipt(c, kPhishing);
    c.get("/?lang=en");
    // The same site, typed differently: the canonical URL is the same.
    Fields second = kPhishing;
    second[1].second = "HTTPS://Secure-Login.Banca-Example.IT/verifica?id=7";
    auto receipt = report_and_receipt(c, second);
    EXPECT_TRUE(contains(receipt.body, "already reported 1 time since")) << receipt.body;
    EXPECT_TRUE(contains(receipt.body, "hxxps://secure-login[.]banca-example[.]it/verifica?id=7"));
    c.get("/?lang=it");
    auto third = report_and_receipt(c, kPhishing);
    EXPECT_TRUE(contains(third.body, "già segnalato 2 volte dal")) << third.body;
    EXPECT_TRUE(std::regex_search(third.body, std::regex(R"(dal \d{2}/\d{2}/\d{4})")));
}

TEST_P(ReportForm, CsamNeverRevealsWhatIsKnownAndRefusesFiles) {
    TestDatabase db(GetParam());
    Server server(db);
    Client c(server.base_url());
    const Fields csam = {{"category", "csam"}, {"urls", "http://abuse-host.example.net/gallery/1"}};
    for (int i = 0; i < 2; ++i) {
        auto receipt = report_and_receipt(c, csam);
        ASSERT_EQ(receipt.status, 200);
        EXPECT_FALSE(receipt_code(receipt.body).empty());
        EXPECT_FALSE(contains(receipt.body, "già segnalato"));
        EXPECT_FALSE(contains(receipt.body, "già confermato"));
        EXPECT_FALSE(contains(receipt.body, "abuse-host"));
        EXPECT_TRUE(contains(receipt.body, "Non scaricare, non conservare e non inoltrare"));
    }
    c.get("/?lang=en");
    auto en = report_and_receipt(c, csam);
    EXPECT_FALSE(contains(en.body, "already reported"));
    EXPECT_FALSE(contains(en.body, "already confirmed"));

    // A file with this category is refused, whatever it is, and nothing is stored.
    const auto before = count_reports(db);
    auto r = post_report(c, csam, {{"screen.png", "image/png", tiny_png()}});
    EXPECT_EQ(r.status, 422);
    EXPECT_TRUE(contains(r.body, "No files are attached in this category"));
    EXPECT_TRUE(contains(r.body, "href=\"#attachments\""));
    EXPECT_TRUE(contains(r.body, "For safety the images you chose are not kept"));
    EXPECT_EQ(count_reports(db), before);
    // The form warns about the material before anything is sent.
    EXPECT_TRUE(contains(c.get("/segnala").body, "Do not download, keep or share the material"));
}

struct BadInput {
    const char* name;
    Fields fields;
    std::string message;  ///< the field message expected (Italian)
    std::string href;     ///< the summary link to the field
    std::string kept;     ///< a typed value the re-rendered form keeps (HTML-escaped)
};

TEST_P(ReportForm, BadInputsGetFieldMessagesKeepWhatWasTypedAndStoreNothing) {
    TestDatabase db(GetParam());
    Server server(db);
    Client c(server.base_url());
    std::string many;
    for (int i = 0; i < 21; ++i)
        many += "https://shop" + std::to_string(i) + ".example.com/\n";
    const std::vector<BadInput> cases = {
        {"non-URL",
         {{"category", "fraud"},
          {"urls", "https://ok.example.com/\nnon è un indirizzo"},
          {"description", "negozio <falso>"}},
         "Riga 2: Non è un indirizzo web valido",
         "href=\"#urls\"",
         "negozio &lt;falso&gt;"},
        {"21 URLs",
         {{"category", "spam"}, {"urls", many}, {"subject", "Offerta"}},
         "Al massimo 20 indirizzi per segnalazione",
         "href=\"#urls\"",
         "https://shop20.example.com/"},
        {"oversize description",
         {{"category", "phishing"},
          {"urls", "https://x.example.com/"},
          {"description", std::string(5001, 'a')}},
         "La descrizione supera i 5000 caratteri",
         "href=\"#description\"",
         std::string(5001, 'a')},
        {"bad phone",
         {{"category", "malware"}, {"urls", "https://x.example.com/"}, {"contact", "+39 12"}},
         "Scrivi un indirizzo e-mail valido o un numero di telefono",
         "href=\"#contact\"",
         "value=\"+39 12\""},
        {"no category",
         {{"urls", "https://x.example.com/"}, {"sender", "+39 333 000 0000"}},
         "Scegli una categoria.",
         "href=\"#category-phishing\"",
         "value=\"+39 333 000 0000\""},
    };
    for (const auto& bad : cases) {
        auto r = post_report(c, bad.fields);
        EXPECT_EQ(r.status, 422) << bad.name;
        EXPECT_TRUE(contains(r.body, bad.message)) << bad.name;
        EXPECT_TRUE(contains(r.body, bad.href)) << bad.name;
        EXPECT_TRUE(contains(r.body, bad.kept)) << bad.name;
        EXPECT_TRUE(contains(r.body, "id=\"error-summary\"")) << bad.name;
        EXPECT_TRUE(contains(r.body, "aria-invalid=\"true\"")) << bad.name;
        EXPECT_TRUE(contains(r.body, "La segnalazione non è stata inviata")) << bad.name;
    }
    // The chosen category stays chosen.
    auto r = post_report(c, cases[0].fields);
    EXPECT_TRUE(
        contains(r.body, "value=\"fraud\" aria-describedby=\"category-fraud-hint\" checked"));
    // English messages too.
    c.get("/?lang=en");
    r = post_report(c, cases[3].fields);
    EXPECT_EQ(r.status, 422);
    EXPECT_TRUE(contains(r.body, "Enter a valid e-mail address or a phone number"));
    EXPECT_EQ(count_reports(db), 0);
}

TEST_P(ReportForm, ScreenshotsAreRecognisedByContent) {
    TestDatabase db(GetParam());
    Server server(db);
    Client c(server.base_url());
    Fields fraud = {{"category", "fraud"}, {"urls", "https://negozio-falso.example.org/"}};
    auto receipt = report_and_receipt(c, fraud, {{"schermata.png", "image/png", tiny_png()}});
    EXPECT_FALSE(receipt_code(receipt.body).empty());
    EXPECT_EQ(sql_value(db, "SELECT COUNT(*) FROM attachments"), "1");

    // A text file named .png, sent as image/png, is still text.
    auto r = post_report(c, fraud, {{"finta.png", "image/png", "this is not an image\n"}});
    EXPECT_EQ(r.status, 422);
    EXPECT_TRUE(contains(r.body, "Immagine 1 (finta.png): Sono accettate solo immagini PNG"));
    // Over 5 MiB: a field message, the rest of the form kept.
    r = post_report(c, fraud,
                    {{"grande.png", "image/png", tiny_png() + std::string(5 << 20, 'x')}});
    EXPECT_EQ(r.status, 422);
    EXPECT_TRUE(contains(r.body, "Immagine 1 (grande.png): L&apos;immagine supera i 5 MB"));
    EXPECT_TRUE(contains(r.body, "https://negozio-falso.example.org/"));
    // Six files: too many.
    r = post_report(c, fraud, std::vector<FilePart>(6, {"s.png", "image/png", tiny_png()}));
    EXPECT_EQ(r.status, 422);
    EXPECT_TRUE(contains(r.body, "Al massimo 5 immagini."));
    // An empty file input (nothing chosen) is no attachment.
    auto ok = post_report(c, fraud, {{"", "application/octet-stream", ""}});
    EXPECT_EQ(ok.status, 303);
    EXPECT_EQ(count_reports(db), 2);
    EXPECT_EQ(sql_value(db, "SELECT COUNT(*) FROM attachments"), "1");
}

TEST_P(ReportForm, WithoutProofOfWorkTheStricterLimitApplies) {
    TestDatabase db(GetParam());
    Server server(db);
    Client c(server.base_url());
    // A forged payload is no error: the report is accepted, unverified.
    Fields forged = kPhishing;
    forged.emplace_back("altcha", "eyJhbGdvcml0aG0iOiJTSEEtMjU2In0=");
    EXPECT_EQ(post_report(c, forged).status, 303);
    for (int i = 1; i < 5; ++i) {
        EXPECT_EQ(post_report(c, kPhishing).status, 303) << i;
    }
    EXPECT_EQ(sql_value(db, "SELECT COUNT(*) FROM reports WHERE verified = 0"), "5");
    auto refused = post_report(c, kPhishing);
    EXPECT_EQ(refused.status, 429);
    EXPECT_TRUE(refused.header("retry-after").has_value());
    EXPECT_TRUE(contains(refused.body, "Troppe segnalazioni in poco tempo"));
    EXPECT_TRUE(contains(refused.body, "Senza la verifica anti-bot"));
    // What was typed is still there.
    EXPECT_TRUE(contains(refused.body, "Il tuo conto è stato sospeso"));
    EXPECT_EQ(count_reports(db), 5);
    // Without the form token nothing happens at all.
    const std::string boundary = "b0undary";
    auto forged_csrf = c.request("POST", "/segnala", multipart_body(boundary, kPhishing, {}),
                                 {"Content-Type: multipart/form-data; boundary=" + boundary});
    EXPECT_EQ(forged_csrf.status, 403);
}

TEST_P(ReportForm, StatusLookupsAreRateLimitedPerClient) {
    TestDatabase db(GetParam());
    Server server(db);
    Client c(server.base_url());
    EXPECT_EQ(c.get("/stato").status, 200);  // the empty form is no lookup
    for (int i = 0; i < 20; ++i) {
        EXPECT_EQ(c.get("/stato?codice=ABCD-EFGH-JKMN-PQRST").status, 404) << i;
    }
    auto r = c.get("/stato?codice=ABCD-EFGH-JKMN-PQRST");
    EXPECT_EQ(r.status, 429);
    EXPECT_TRUE(r.header("retry-after").has_value());
    EXPECT_TRUE(contains(r.body, "Troppe verifiche in poco tempo"));
}

TEST_P(ReportForm, UnknownAndInvalidCodesGetTheSameAnswer) {
    TestDatabase db(GetParam());
    Server server(db);
    Client c(server.base_url());
    // A well-formed code that this server does not know: issued by another server.
    TestDatabase other_db(GetParam());
    Server other(other_db);
    Client oc(other.base_url());
    const std::string unknown = receipt_code(report_and_receipt(oc, kPhishing).body);
    ASSERT_FALSE(unknown.empty());

    std::string invalid = unknown;
    invalid[3] = invalid[3] == 'A' ? 'B' : 'A';  // a typo: the check symbol catches it
    auto normalize = [](std::string body, const std::string& code) {
        body = std::regex_replace(body, std::regex(R"(name="_csrf" value="[^"]*")"), "CSRF");
        body = std::regex_replace(body, std::regex("Request id: <code>[^<]*</code>"), "");
        for (auto p = body.find(code); p != std::string::npos; p = body.find(code)) {
            body.replace(p, code.size(), "CODE");
        }
        return body;
    };
    auto a = c.get("/stato?codice=" + unknown);
    auto b = c.get("/stato?codice=" + invalid);
    auto d = c.get("/stato?codice=hello");
    EXPECT_EQ(a.status, 404);
    EXPECT_EQ(b.status, a.status);
    EXPECT_EQ(d.status, a.status);
    EXPECT_EQ(normalize(a.body, unknown), normalize(b.body, invalid));
    EXPECT_EQ(normalize(a.body, unknown), normalize(d.body, "hello"));
    EXPECT_TRUE(contains(a.body, "Nessuna segnalazione corrisponde a questo codice"));
}

INSTANTIATE_TEST_SUITE_P(Backends, ReportForm, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace segnala::testing
