#!/usr/bin/env bash
# ctest splits a discovered test's name at a semicolon, and the pieces match no doctest case:
# such a test would run zero assertions and still pass. Fails naming every case that has one.
set -euo pipefail
found=$(grep -rnE 'TEST_CASE\("[^"]*;' "$1" --include='*.cpp' || true)
if [[ -n "$found" ]]; then
  echo "test names must not contain ';' (ctest would skip them):" >&2
  echo "$found" >&2
  exit 1
fi
