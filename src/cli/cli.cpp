#include "cli/cli.hpp"

#include <cstdio>

namespace segnala::cli {

int run(int argc, char** argv) {
    std::puts("segnala 0.1.0");
    return 0;
}

}  // namespace segnala::cli
