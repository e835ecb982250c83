#include "http/multipart.hpp"

#include <random>
#include <string>

#include <gtest/gtest.h>

namespace segnala::http {
namespace {

using core::errc;
using namespace std::string_literals;

constexpr std::string_view kB = "----segnalaB0undary7MA4YWxk";

std::string field(std::string_view name, std::string_view value) {
    return "--" + std::string(kB) + "\r\nContent-Disposition: form-data; name=\"" +
           std::string(name) + "\"\r\n\r\n" + std::string(value) + "\r\n";
}

std::string file(std::string_view name, std::string_view filename, std::string_view type,
                 std::string_view data) {
    return "--" + std::string(kB) + "\r\nContent-Disposition: form-data; name=\"" +
           std::string(name) + "\"; filename=\"" + std::string(filename) +
           "\"\r\nContent-Type: " + std::string(type) + "\r\n\r\n" + std::string(data) + "\r\n";
}

std::string part(std::string_view headers, std::string_view data) {
    return "--" + std::string(kB) + "\r\n" + std::string(headers) + "\r\n\r\n" + std::string(data) +
           "\r\n";
}

std::string close() {
    return "--" + std::string(kB) + "--\r\n";
}

// A browser-like body: two fields, a binary file whose data holds near-delimiters, an empty
// file input.
std::string sample_body() {
    std::string png("\x89PNG\r\n\x1a\n\0\0\r\n--", 14);
    png += std::string(kB.substr(0, 10)) + "\r\n-" + "\r\n--" +
           std::string(kB.substr(0, kB.size() - 1)) + "X-not-end";
    return "preamble to ignore\r\n" + field("category", "phishing") +
           field("description", "line one\r\nline two\r\n\r\n--almost") +
           file("attachments", "shot.png", "image/png", png) +
           file("attachments", "", "application/octet-stream", "") + close() + "epilogue";
}

void expect_sample(const std::vector<Part>& parts) {
    ASSERT_EQ(parts.size(), 4u);
    EXPECT_EQ(parts[0].name, "category");
    EXPECT_EQ(parts[0].data, "phishing");
    EXPECT_FALSE(parts[0].is_file);
    EXPECT_EQ(parts[0].content_type, "");
    EXPECT_EQ(parts[1].data, "line one\r\nline two\r\n\r\n--almost");
    EXPECT_EQ(parts[2].name, "attachments");
    EXPECT_TRUE(parts[2].is_file);
    EXPECT_EQ(parts[2].filename, "shot.png");
    EXPECT_EQ(parts[2].content_type, "image/png");
    EXPECT_EQ(parts[2].data.size(), 14u + 10 + 3 + 4 + kB.size() - 1 + 9);
    EXPECT_EQ(parts[2].data.substr(0, 4), "\x89PNG");
    EXPECT_TRUE(parts[3].is_file);
    EXPECT_EQ(parts[3].filename, "");
    EXPECT_EQ(parts[3].data, "");
}

core::result<std::vector<Part>> parse(std::string_view body, MultipartLimits limits = {}) {
    return parse_multipart(body, kB, limits);
}

// Parses with a parser fed in `chunks`; returns the parts or the error and its detail.
struct Outcome {
    core::result<std::vector<Part>> parts = errc::internal;
    std::string detail;
};

Outcome parse_chunked(std::string_view body, const std::vector<std::size_t>& cuts,
                      MultipartLimits limits = {}) {
    MultipartParser p{std::string(kB), limits};
    std::size_t prev = 0;
    Outcome out;
    for (std::size_t cut : cuts) {
        if (auto r = p.feed(body.substr(prev, cut - prev)); !r) {
            out.parts = r.error();
            out.detail = p.error_detail();
            return out;
        }
        prev = cut;
    }
    if (auto r = p.feed(body.substr(prev)); !r) {
        out.parts = r.error();
    } else {
        out.parts = p.finish();
    }
    out.detail = p.error_detail();
    return out;
}

errc code(const core::result<std::vector<Part>>& r) {
    return r ? errc::ok : static_cast<errc>(r.error().value());
}

// ---- boundary ----

TEST(MultipartBoundary, AcceptsQuotedAndUnquoted) {
    EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=abc").value(), "abc");
    EXPECT_EQ(multipart_boundary("Multipart/Form-Data;BOUNDARY=\"a b:c\"").value(), "a b:c");
    EXPECT_EQ(multipart_boundary(" multipart/form-data ; charset=utf-8; boundary=x-1 ").value(),
              "x-1");
    EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=" + std::string(70, 'z')).value(),
              std::string(70, 'z'));
}

TEST(MultipartBoundary, RefusesOtherTypesAndBadBoundaries) {
    for (std::string_view other : {"", "text/plain", "multipart/mixed; boundary=a",
                                   "application/x-www-form-urlencoded", "multipart/form-datax"}) {
        EXPECT_EQ(multipart_boundary(other).error(), errc::unsupported_media_type) << other;
    }
    std::string too_long = "multipart/form-data; boundary=" + std::string(71, 'z');
    for (std::string_view bad :
         {std::string_view("multipart/form-data"),
          std::string_view("multipart/form-data; boundary="),
          std::string_view("multipart/form-data; boundary=\"\""),
          std::string_view("multipart/form-data; boundary=\"abc"),
          std::string_view("multipart/form-data; boundary=\"ab \""),
          std::string_view("multipart/form-data; boundary=a\x01"
                           "b"),
          std::string_view("multipart/form-data; boundary=a; boundary=b"),
          std::string_view("multipart/form-data; boundary=a{b}"),
          std::string_view("multipart/form-data; boundary"), std::string_view(too_long)}) {
        EXPECT_EQ(multipart_boundary(bad).error(), errc::invalid_argument) << bad;
    }
}

// ---- well-formed bodies ----

TEST(Multipart, ParsesFieldsAndFiles) {
    auto parts = parse(sample_body());
    ASSERT_TRUE(parts) << parts.error().message();
    expect_sample(parts.value());
}

TEST(Multipart, BodyMayStartWithDelimiterAndHavePadding) {
    std::string body = "--" + std::string(kB) +
                       " \t\r\nContent-Disposition: form-data; name=a\r\n" +
                       "Content-Type: text/plain; charset=utf-8\r\n\r\nx\r\n" + close();
    auto parts = parse(body).value();
    ASSERT_EQ(parts.size(), 1u);
    EXPECT_EQ(parts[0].name, "a");
    EXPECT_EQ(parts[0].content_type, "text/plain; charset=utf-8");
    EXPECT_EQ(parts[0].data, "x");
}

TEST(Multipart, EmptyFormAndCloseWithoutCrlf) {
    EXPECT_TRUE(parse("--" + std::string(kB) + "--").value().empty());
    EXPECT_EQ(parse(field("a", "") + "--" + std::string(kB) + "--").value().at(0).data, "");
}

TEST(Multipart, KeepsBinaryDataAndHeaderCaseInsensitive) {
    std::string data("\0\xff\r\n\r\n\n--", 9);
    std::string body = part(
                           "CONTENT-disposition: FORM-DATA; NAME=\"bin\"; FileName=\"a.bin\"\r\n"
                           "content-transfer-encoding: binary\r\nX-Other: ignored",
                           data) +
                       close();
    auto parts = parse(body).value();
    ASSERT_EQ(parts.size(), 1u);
    EXPECT_EQ(parts[0].name, "bin");
    EXPECT_EQ(parts[0].filename, "a.bin");
    EXPECT_EQ(parts[0].data, data);
}

// ---- chunking ----

TEST(Multipart, OneByteAtATime) {
    std::string body = sample_body();
    std::vector<std::size_t> cuts;
    for (std::size_t i = 1; i < body.size(); ++i) {
        cuts.push_back(i);
    }
    auto out = parse_chunked(body, cuts);
    ASSERT_TRUE(out.parts) << out.detail;
    expect_sample(out.parts.value());
}

TEST(Multipart, EveryTwoAndThreeWaySplit) {
    std::string body = sample_body();
    for (std::size_t i = 0; i <= body.size(); ++i) {
        auto out = parse_chunked(body, {i});
        ASSERT_TRUE(out.parts) << "split at " << i << ": " << out.detail;
        expect_sample(out.parts.value());
    }
    // Three-way splits around every delimiter position exercise partial delimiter matches.
    for (std::size_t i = 0; i <= body.size(); i += 3) {
        for (std::size_t j = i; j <= body.size() && j < i + 90; ++j) {
            auto out = parse_chunked(body, {i, j});
            ASSERT_TRUE(out.parts) << "split at " << i << "," << j << ": " << out.detail;
            ASSERT_EQ(out.parts.value().size(), 4u);
            ASSERT_EQ(out.parts.value()[2].data.size(), 14u + 10 + 3 + 4 + kB.size() - 1 + 9);
        }
    }
}

TEST(Multipart, RandomSplits) {
    std::string body = sample_body();
    std::mt19937 rng(20240517);
    for (int round = 0; round < 500; ++round) {
        std::vector<std::size_t> cuts;
        std::size_t at = 0;
        while (true) {
            at += std::uniform_int_distribution<std::size_t>(0, 40)(rng);
            if (at >= body.size()) {
                break;
            }
            cuts.push_back(at);
        }
        auto out = parse_chunked(body, cuts);
        ASSERT_TRUE(out.parts) << "round " << round << ": " << out.detail;
        expect_sample(out.parts.value());
    }
}

TEST(Multipart, LargeFileByteByByteStaysLinear) {
    std::string data(256 * 1024, 'a');
    for (std::size_t i = 0; i < data.size(); i += 97) {
        data[i] = '\r';  // near-misses keep the delimiter search busy
        if (i + 1 < data.size()) {
            data[i + 1] = '\n';
        }
    }
    std::string body = file("f", "big.bin", "application/octet-stream", data) + close();
    MultipartParser p{std::string(kB), {}};
    for (char c : body) {
        ASSERT_TRUE(p.feed(std::string_view(&c, 1)));
    }
    auto parts = p.finish().value();
    ASSERT_EQ(parts.size(), 1u);
    EXPECT_EQ(parts[0].data, data);
}

// ---- limits ----

struct LimitCase {
    const char* what;
    MultipartLimits limits;
    std::string body;
    std::string detail;
};

std::vector<LimitCase> limit_cases() {
    std::vector<LimitCase> cases;
    MultipartLimits l;
    l.max_parts = 3;
    cases.push_back(
        {"parts", l,
         field("a", "1") + field("b", "2") + field("c", "3") + field("d", "4") + close(),
         "too many parts"});
    l = {};
    l.max_files = 2;
    cases.push_back({"files", l,
                     file("f", "1.png", "image/png", "x") + file("f", "2.png", "image/png", "x") +
                         file("f", "3.png", "image/png", "x") + close(),
                     "too many files"});
    l = {};
    l.max_field_bytes = 10;
    cases.push_back({"field", l, field("description", std::string(11, 'x')) + close(),
                     "field too large: description"});
    l = {};
    l.max_file_bytes = 100;
    cases.push_back({"file", l,
                     file("attachments", "a.png", "image/png", std::string(101, 'x')) + close(),
                     "file too large: attachments"});
    l = {};
    l.max_total_bytes = 200;
    cases.push_back(
        {"total", l, "pre" + field("a", std::string(200, 'x')) + close(), "body too large"});
    l = {};
    l.max_part_header_bytes = 100;
    cases.push_back(
        {"header", l,
         part("Content-Disposition: form-data; name=a\r\nX-Pad: " + std::string(80, 'p'), "") +
             close(),
         "part headers too large"});
    cases.push_back({"unterminated header", l,
                     "--" + std::string(kB) +
                         "\r\nContent-Disposition: form-data; name=" + std::string(500, 'n'),
                     "part headers too large"});
    l = {};
    l.max_field_bytes = 4;
    cases.push_back({"name in detail is sanitized", l, field("a b<c>\xff", "12345") + close(),
                     "field too large: a?b?c??"});
    return cases;
}

TEST(MultipartLimits, EachLimitIsTooLargeWithItsDetailInAnyChunking) {
    for (const auto& c : limit_cases()) {
        for (std::size_t step : {std::size_t{0}, std::size_t{1}, std::size_t{7}}) {
            std::vector<std::size_t> cuts;
            for (std::size_t i = step; step != 0 && i < c.body.size(); i += step) {
                cuts.push_back(i);
            }
            auto out = parse_chunked(c.body, cuts, c.limits);
            EXPECT_EQ(code(out.parts), errc::too_large) << c.what << " step " << step;
            EXPECT_EQ(out.detail, c.detail) << c.what << " step " << step;
        }
    }
}

TEST(MultipartLimits, ExactlyAtEachLimitIsAccepted) {
    MultipartLimits l;
    l.max_parts = 2;
    l.max_files = 1;
    l.max_field_bytes = 10;
    l.max_file_bytes = 20;
    std::string head = "Content-Disposition: form-data; name=a";
    l.max_part_header_bytes = head.size() + 4;
    std::string body = part(head, std::string(10, 'x')) +
                       file("f", "a.png", "image/png", std::string(20, 'y')) + close();
    l.max_part_header_bytes = 200;
    l.max_total_bytes = body.size();
    auto parts = parse(body, l);
    ASSERT_TRUE(parts);
    EXPECT_EQ(parts.value().size(), 2u);

    MultipartLimits h;
    h.max_part_header_bytes = head.size() + 4;
    EXPECT_TRUE(parse(part(head, "v") + close(), h));
    h.max_part_header_bytes -= 1;
    EXPECT_EQ(parse(part(head, "v") + close(), h).error(), errc::too_large);
}

// ---- malformed ----

TEST(MultipartMalformed, RefusedAsInvalidArgument) {
    const std::string d = "--" + std::string(kB);
    struct Case {
        const char* what;
        std::string body;
        std::string detail;
    };
    const Case cases[] = {
        {"empty body", "", "missing close delimiter"},
        {"no boundary at all", "just text\r\n", "missing close delimiter"},
        {"no close delimiter", field("a", "1"), "missing close delimiter"},
        {"truncated inside data", field("a", "1").substr(0, 60), "missing close delimiter"},
        {"truncated close", field("a", "1") + d + "-", "missing close delimiter"},
        {"no headers", d + "\r\n\r\nvalue\r\n" + close(), "part without headers"},
        {"no content-disposition", part("Content-Type: text/plain", "x") + close(),
         "part without Content-Disposition"},
        {"not form-data", part("Content-Disposition: attachment; name=a", "x") + close(),
         "malformed Content-Disposition"},
        {"no name", part("Content-Disposition: form-data; filename=a.png", "x") + close(),
         "part without name"},
        {"empty name", part("Content-Disposition: form-data; name=\"\"", "x") + close(),
         "part without name"},
        {"unterminated quote", part("Content-Disposition: form-data; name=\"a", "x") + close(),
         "malformed Content-Disposition"},
        {"unterminated filename quote",
         part("Content-Disposition: form-data; name=a; filename=\"x.png", "x") + close(),
         "malformed Content-Disposition"},
        {"junk after quote", part("Content-Disposition: form-data; name=\"a\"b", "x") + close(),
         "malformed Content-Disposition"},
        {"param without value", part("Content-Disposition: form-data; name", "x") + close(),
         "malformed Content-Disposition"},
        {"duplicate disposition",
         part("Content-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b",
              "x") +
             close(),
         "malformed Content-Disposition"},
        {"duplicate content-type",
         part("Content-Disposition: form-data; name=a\r\nContent-Type: a/b\r\nContent-Type: c/d",
              "x") +
             close(),
         "duplicate Content-Type"},
        {"folded header", part("Content-Disposition: form-data;\r\n name=a", "x") + close(),
         "folded part header"},
        {"header without colon", part("Content-Disposition form-data", "x") + close(),
         "malformed part header"},
        {"space before colon", part("Content-Disposition : form-data; name=a", "x") + close(),
         "malformed part header"},
        {"bare LF in header", part("Content-Disposition: form-data; name=a\nX: y", "x") + close(),
         "control character in part header"},
        {"NUL in header", part("Content-Disposition: form-data; name=\"a\0b\""s, "x") + close(),
         "control character in part header"},
        {"base64 transfer encoding",
         part("Content-Disposition: form-data; name=a\r\nContent-Transfer-Encoding: base64",
              "eA==") +
             close(),
         "unsupported Content-Transfer-Encoding"},
        {"garbage after delimiter", d + "junk\r\n" + close(), "malformed delimiter line"},
        {"longer boundary in body",
         d + "X\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n" + close(),
         "malformed delimiter line"},
        {"too much padding", d + std::string(65, ' ') + "\r\n" + close(),
         "malformed delimiter line"},
        {"bare LF line endings", d + "\nContent-Disposition: form-data; name=a\n\nx\n" + d + "--\n",
         "malformed delimiter line"},
        {"bad filename*",
         part("Content-Disposition: form-data; name=f; filename*=UTF-8''%zz", "x") + close(),
         "malformed filename*: f"},
        {"filename* with NUL",
         part("Content-Disposition: form-data; name=f; filename*=UTF-8''a%00.png", "x") + close(),
         "malformed filename*: f"},
        {"filename* unknown charset",
         part("Content-Disposition: form-data; name=f; filename*=KOI8-R''a.png", "x") + close(),
         "malformed filename*: f"},
    };
    for (const auto& c : cases) {
        for (std::size_t step : {std::size_t{0}, std::size_t{1}}) {
            std::vector<std::size_t> cuts;
            for (std::size_t i = step; step != 0 && i < c.body.size(); i += step) {
                cuts.push_back(i);
            }
            auto out = parse_chunked(c.body, cuts);
            EXPECT_EQ(code(out.parts), errc::invalid_argument) << c.what << " step " << step;
            EXPECT_EQ(out.detail, c.detail) << c.what << " step " << step;
        }
    }
}

TEST(MultipartMalformed, InvalidBoundaryAndStickyErrors) {
    MultipartParser bad{"", {}};
    EXPECT_EQ(bad.feed("x").error(), errc::invalid_argument);
    EXPECT_EQ(bad.error_detail(), "invalid boundary");
    EXPECT_EQ(MultipartParser(std::string(71, 'b'), {}).finish().error(), errc::invalid_argument);

    MultipartParser p{std::string(kB), {}};
    ASSERT_FALSE(p.feed("--" + std::string(kB) + "\r\n\r\n"));
    EXPECT_EQ(p.feed(close()).error(), errc::invalid_argument);
    EXPECT_EQ(p.finish().error(), errc::invalid_argument);
    EXPECT_EQ(p.error_detail(), "part without headers");

    MultipartParser q{std::string(kB), {}};
    ASSERT_TRUE(q.feed(field("a", "1") + close()));
    ASSERT_TRUE(q.finish());
    EXPECT_EQ(q.feed("more").error(), errc::invalid_argument);
}

// ---- hostile names ----

TEST(MultipartInjection, DuplicateParametersAreRefused) {
    for (std::string_view h : {"Content-Disposition: form-data; name=\"a\"; name=\"admin\"",
                               "Content-Disposition: form-data; name=a; filename=x; filename=y",
                               "Content-Disposition: form-data; name=a; NAME=b"}) {
        auto r = parse(part(h, "x") + close());
        EXPECT_EQ(code(r), errc::invalid_argument) << h;
    }
}

TEST(MultipartInjection, QuotedSemicolonsAndEscapesStayInsideTheValue) {
    auto parts = parse(part("Content-Disposition: form-data; name=\"a; name=b\"; "
                            "filename=\"x\\\"; filename=evil.sh\"",
                            "x") +
                       close())
                     .value();
    ASSERT_EQ(parts.size(), 1u);
    EXPECT_EQ(parts[0].name, "a; name=b");
    EXPECT_EQ(parts[0].filename, "x__ filename=evil.sh");
}

TEST(MultipartInjection, FilenamesBecomeSanitizedBasenames) {
    struct Case {
        std::string_view raw;
        std::string_view want;
    };
    const Case cases[] = {
        {"shot.png", "shot.png"},
        {"../../etc/passwd", "passwd"},
        {"C:\\Users\\mario\\Desktop\\truffa.jpg", "truffa.jpg"},
        {"..", "file"},
        {"...", "file"},
        {".htaccess", "htaccess"},
        {"a.png. . ", "a.png"},
        {"<script>.png", "_script_.png"},
        {"a|b?c*d:e.png", "a_b_c_d_e.png"},
        {"fattura\xE2\x80\xAEgpj.exe", "fattura_gpj.exe"},  // U+202E right-to-left override
        {"a\xE2\x80\x8B"
         "b.png",
         "a_b.png"},  // U+200B zero width space
        {"\xC3\xA8 caff\xC3\xA8.jpg", "\xC3\xA8 caff\xC3\xA8.jpg"},
        {"bad\xC3(.png", "bad_(.png"},
        {"\xC0\xAF.png", "__.png"},       // overlong '/'
        {"\xED\xA0\x80.png", "___.png"},  // UTF-16 surrogate
        {"\xC2\x85x.png", "_x.png"},      // C1 control
        {"$(rm -rf).png", "_(rm -rf).png"},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(sanitize_filename(c.raw), c.want) << c.raw;
    }
    EXPECT_EQ(sanitize_filename(""), "");
    std::string long_name = std::string(199, 'a') + "\xC3\xA8\xC3\xA8.png";
    std::string cut = sanitize_filename(long_name);
    EXPECT_EQ(cut, std::string(199, 'a'));  // never splits a UTF-8 sequence
    EXPECT_EQ(sanitize_filename(std::string(300, 'b')).size(), 200u);
}

TEST(MultipartInjection, FilenameStarWinsAndIsDecoded) {
    auto parts =
        parse(part("Content-Disposition: form-data; name=f; filename=\"fallback.png\"; "
                   "filename*=UTF-8''%E2%82%AC%20rates%2F..%2F..%2Fx.png",
                   "x") +
              part("Content-Disposition: form-data; name=g; filename*=iso-8859-1'it'caff%E8.png",
                   "y") +
              close())
            .value();
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[0].filename, "x.png");
    EXPECT_TRUE(parts[0].is_file);
    EXPECT_EQ(parts[1].filename, "caff\xC3\xA8.png");
}

TEST(MultipartInjection, ForgedDelimitersInsideDataAreData) {
    // A delimiter without the preceding CRLF, and one for another boundary, are only data.
    std::string value = "--" + std::string(kB) + "\r\nContent-Disposition: form-data; name=admin" +
                        "\n--" + std::string(kB) + "--";
    auto parts = parse(field("comment", value) + close()).value();
    ASSERT_EQ(parts.size(), 1u);
    EXPECT_EQ(parts[0].data, value);
}

}  // namespace
}  // namespace segnala::http
