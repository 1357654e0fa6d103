#pragma once

namespace disburse::cli {

// Runs one `disburse` command. On success it prints one JSON object on stdout and returns 0;
// on failure it prints a one-line reason on stderr and returns the exit code for its kind.
int run(int argc, char** argv);

}  // namespace disburse::cli
