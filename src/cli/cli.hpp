// The `segnala` command: parses the command line and runs one subcommand.
#pragma once

namespace segnala::cli {

/// Runs the command line; returns the process exit code (2 for bad configuration).
int run(int argc, char** argv);

}  // namespace segnala::cli
