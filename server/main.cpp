// The one executable: every operator job is a subcommand, `serve` among them.

#include "disburse/cli/cli.hpp"

int main(int argc, char** argv) { return disburse::cli::run(argc, argv); }
