#include "cli/cli.hpp"

int main(int argc, char** argv) {
    return segnala::cli::run(argc, argv);
}
