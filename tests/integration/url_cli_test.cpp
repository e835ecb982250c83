// `segnala url canonicalize|expressions|domain`: one answer a line, ERROR lines for inputs
// without one, and the batch goes on.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace {

std::string run_with_input(const std::string& sub, const std::string& input) {
    const auto in = std::filesystem::temp_directory_path() / ("segnala-url-" + sub + ".txt");
    std::ofstream(in) << input;
    const std::string cmd =
        std::string("'") + SEGNALA_BINARY + "' url " + sub + " < '" + in.string() + "'";
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, p))
        out.append(buf, n);
    EXPECT_EQ(pclose(p), 0);
    std::filesystem::remove(in);
    return out;
}

TEST(UrlCli, Canonicalize) {
    EXPECT_EQ(run_with_input("canonicalize",
                             "http://host/%25%32%35\n"
                             "HTTP://www.GOOgle.com/\n"
                             "http://3279880203/blah\n"
                             "\n"
                             "http://www.google.com/foo\tbar\n"),
              "http://host/%25\n"
              "http://www.google.com/\n"
              "http://195.127.0.11/blah\n"
              "ERROR no usable host\n"
              "http://www.google.com/foobar\n");
}

TEST(UrlCli, Expressions) {
    EXPECT_EQ(run_with_input("expressions", "http://1.2.3.4/1/\n"), "1.2.3.4/1/ 1.2.3.4/\n");
}

TEST(UrlCli, Domain) {
    EXPECT_EQ(run_with_input("domain", "https://www.example.co.uk/path\nco.uk\n1.2.3.4\n"),
              "example.co.uk\nERROR no registrable domain\nERROR no registrable domain\n");
}

}  // namespace
