#include "url/batch.hpp"

#include <sstream>

#include <gtest/gtest.h>

namespace segnala::url {
namespace {

std::string run(BatchMode mode, const std::string& input) {
    std::istringstream in(input);
    std::ostringstream out;
    run_batch(mode, in, out);
    return out.str();
}

TEST(Batch, CanonicalizeOneLinePerInputErrorsInPlace) {
    EXPECT_EQ(run(BatchMode::canonicalize, "www.GOOGLE.com\n/blah\nhttp://3279880203/blah\r\n"),
              "http://www.google.com/\nERROR no usable host\nhttp://195.127.0.11/blah\n");
}

TEST(Batch, Expressions) {
    EXPECT_EQ(run(BatchMode::expressions, "http://a.b.c/1/\n"), "a.b.c/1/ a.b.c/ b.c/1/ b.c/\n");
}

TEST(Batch, Domain) {
    EXPECT_EQ(run(BatchMode::domain, "https://www.example.co.uk/x\nco.uk\n1.2.3.4\nfoo.bar.com\n"),
              "example.co.uk\nERROR no registrable domain\nERROR no registrable domain\n"
              "bar.com\n");
}

TEST(Batch, ManyLines) {
    std::string input;
    for (int i = 0; i < 50000; ++i) {
        input += "http://h" + std::to_string(i) + ".example/\n";
    }
    std::string output = run(BatchMode::canonicalize, input);
    EXPECT_EQ(std::count(output.begin(), output.end(), '\n'), 50000);
}

}  // namespace
}  // namespace segnala::url
