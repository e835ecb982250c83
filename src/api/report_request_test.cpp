// The JSON → ReportForm parser: shapes, types, unknown and duplicate fields, limits.
#include "api/report_request.hpp"

#include <gtest/gtest.h>

namespace segnala::api {
namespace {

using core::errc;

std::vector<std::string> pointers(const ParsedRequest& p) {
    std::vector<std::string> out;
    for (const auto& e : p.errors) {
        out.push_back(e.pointer + " " + e.code);
    }
    return out;
}

TEST(ReportRequest, SingleObject) {
    auto r = parse_report_request(
        R"({"category":"phishing","urls":["https://a.example/x","http://b.example"],)"
        R"("description":"d","contact":"c@example.org","sender":"s","subject":"sub","text":"t"})");
    ASSERT_TRUE(r);
    const auto& p = r.value();
    EXPECT_FALSE(p.is_array);
    EXPECT_TRUE(p.errors.empty());
    ASSERT_EQ(p.reports.size(), 1u);
    const auto& f = p.reports[0];
    EXPECT_EQ(f.category, "phishing");
    EXPECT_EQ(f.urls, (std::vector<std::string>{"https://a.example/x", "http://b.example"}));
    EXPECT_EQ(f.description, "d");
    EXPECT_EQ(f.contact, "c@example.org");
    EXPECT_EQ(f.sender, "s");
    EXPECT_EQ(f.subject, "sub");
    EXPECT_EQ(f.text, "t");
    EXPECT_FALSE(p.report_has_errors[0]);
}

TEST(ReportRequest, ArrayAndNullOptionals) {
    auto r = parse_report_request(
        R"([{"category":"spam","urls":["https://x.example"],"contact":null},{"category":"csam","urls":[]}])");
    ASSERT_TRUE(r);
    EXPECT_TRUE(r.value().is_array);
    ASSERT_EQ(r.value().reports.size(), 2u);
    EXPECT_TRUE(r.value().errors.empty());
    EXPECT_EQ(r.value().reports[1].category, "csam");
    EXPECT_TRUE(r.value().reports[0].contact.empty());
}

TEST(ReportRequest, NotJsonIsAnError) {
    for (const char* body : {"", "{", "not json", "{\"category\":}", "[1,]", "{\"a\":1}x",
                             "\"\xff\"", "{\"category\":\"\xc3\x28\"}"}) {
        auto r = parse_report_request(body);
        EXPECT_FALSE(r) << body;
        if (!r) {
            EXPECT_EQ(r.error(), errc::invalid_argument);
        }
    }
}

TEST(ReportRequest, DeepNestingIsRefusedBeforeParsing) {
    std::string deep(100000, '[');
    EXPECT_FALSE(parse_report_request(deep));
    std::string ok = R"([{"category":"spam","urls":[["x"]]}])";
    EXPECT_TRUE(parse_report_request(ok));
    // Brackets inside strings do not count.
    std::string in_string =
        R"({"category":"spam","description":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})";
    EXPECT_TRUE(parse_report_request(in_string));
    std::string escaped_quote = R"({"description":"\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})";
    EXPECT_TRUE(parse_report_request(escaped_quote));
}

TEST(ReportRequest, WrongTopLevelTypes) {
    for (const char* body : {"1", "\"x\"", "null", "true"}) {
        auto r = parse_report_request(body);
        ASSERT_TRUE(r) << body;
        EXPECT_EQ(pointers(r.value()), std::vector<std::string>{" type_object"}) << body;
    }
    auto empty = parse_report_request("[]");
    ASSERT_TRUE(empty);
    EXPECT_EQ(pointers(empty.value()), std::vector<std::string>{" batch_empty"});
    auto mixed = parse_report_request(R"([{"category":"spam"}, 3, "x"])");
    ASSERT_TRUE(mixed);
    EXPECT_EQ(pointers(mixed.value()),
              (std::vector<std::string>{"/1 type_object", "/2 type_object"}));
    EXPECT_FALSE(mixed.value().report_has_errors[0]);
    EXPECT_TRUE(mixed.value().report_has_errors[1]);
}

TEST(ReportRequest, BatchLimit) {
    std::string body = "[";
    for (int i = 0; i < 1001; ++i) {
        body += std::string(i ? "," : "") + R"({"category":"spam","urls":["https://x.example"]})";
    }
    body += "]";
    auto r = parse_report_request(body);
    ASSERT_TRUE(r);
    EXPECT_EQ(pointers(r.value()), std::vector<std::string>{" batch_too_large"});
    EXPECT_TRUE(r.value().reports.empty());
    auto small = parse_report_request(body, {.max_reports = 2000});
    ASSERT_TRUE(small);
    EXPECT_EQ(small.value().reports.size(), 1001u);
}

TEST(ReportRequest, FieldTypesAndUnknownFields) {
    auto r = parse_report_request(
        R"({"category":1,"urls":"https://x","description":{},"contact":[],"extra":1,"a/b~c":2,"attachments":[]})");
    ASSERT_TRUE(r);
    EXPECT_EQ(pointers(r.value()),
              (std::vector<std::string>{"/a~1b~0c unknown_field", "/attachments unknown_field",
                                        "/category type_string", "/contact type_string",
                                        "/description type_string", "/extra unknown_field",
                                        "/urls type_array"}));
    EXPECT_TRUE(r.value().report_has_errors[0]);
    auto nulls = parse_report_request(R"([{"category":null,"urls":["ok",2,null]}])");
    ASSERT_TRUE(nulls);
    EXPECT_EQ(pointers(nulls.value()),
              (std::vector<std::string>{"/0/category type_string", "/0/urls/1 type_string",
                                        "/0/urls/2 type_string"}));
}

TEST(ReportRequest, LongUnknownNamesAreNotEchoed) {
    const std::string name(1000, 'k');
    auto r = parse_report_request("[{\"category\":\"spam\"},{\"" + name + "\":1}]");
    ASSERT_TRUE(r);
    EXPECT_EQ(pointers(r.value()), std::vector<std::string>{"/1 unknown_field"});
}

TEST(ReportRequest, DuplicateKeysAreNamed) {
    auto r = parse_report_request(R"({"category":"spam","urls":["a"],"category":"csam"})");
    ASSERT_TRUE(r);
    EXPECT_EQ(pointers(r.value()), std::vector<std::string>{"/category duplicate_field"});
    EXPECT_TRUE(r.value().report_has_errors[0]);
    auto arr = parse_report_request(
        R"([{"category":"spam"},{"urls":[1,{"x":1,"x":2}],"urls":[]},{"text":"a","text":"b"}])");
    ASSERT_TRUE(arr);
    EXPECT_EQ(pointers(arr.value()),
              (std::vector<std::string>{"/1/urls/1/x duplicate_field", "/1/urls duplicate_field",
                                        "/2/text duplicate_field"}));
    EXPECT_FALSE(arr.value().report_has_errors[0]);
    EXPECT_TRUE(arr.value().report_has_errors[1]);
    EXPECT_TRUE(arr.value().report_has_errors[2]);
}

TEST(ReportRequest, PointerTokens) {
    EXPECT_EQ(pointer_token("a/b"), "a~1b");
    EXPECT_EQ(pointer_token("~/"), "~0~1");
    EXPECT_EQ(pointer_token("urls"), "urls");
}

}  // namespace
}  // namespace segnala::api
