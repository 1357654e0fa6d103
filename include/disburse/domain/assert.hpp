#pragma once
// Always-on assertions for broken invariants (DESIGN.md conventions, channel 1).
// They stay enabled in Release builds: a broken invariant in a money system must stop the
// process rather than let it write wrong books.

#include <cstdio>
#include <cstdlib>

#define DISBURSE_ASSERT(condition)                                                        \
  do {                                                                                    \
    if (!(condition)) {                                                                   \
      std::fprintf(stderr, "assertion failed: %s (%s:%d)\n", #condition, __FILE__, __LINE__); \
      std::abort();                                                                       \
    }                                                                                     \
  } while (false)
