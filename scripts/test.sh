#!/usr/bin/env bash
# README command (2): installs what is needed, builds, and runs every test:
#   1. CTest: unit, integration and real-system tests (labels unit, integration, real);
#   2. the unit and integration suites again under ASan+LSan+UBSan (scripts/sanitize.sh);
#   3. every libFuzzer target for FUZZ_SECONDS (default 30) seconds (scripts/fuzz.sh);
#   4. the main paths under Valgrind memcheck (scripts/valgrind.sh);
#   5. every C++ file formatted as .clang-format says (scripts/format.sh).
# Arguments go to the first ctest and skip steps 2-5 (e.g. `scripts/test.sh -L unit`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
ctest --test-dir "${BUILD_DIR:-build}" --no-tests=error --output-on-failure -j2 "$@"
(($# == 0)) || exit 0

step() { echo; echo "==== $* ($(date +%T))"; }
step "sanitizers: unit and integration suites under ASan+LSan+UBSan"
bash scripts/sanitize.sh
step "fuzzing: every target for ${FUZZ_SECONDS:-30} s"
FUZZ_SECONDS=${FUZZ_SECONDS:-30} bash scripts/fuzz.sh
step "valgrind: main paths under memcheck"
bash scripts/valgrind.sh
step "format: clang-format on every C++ file"
bash scripts/format.sh
step "all tests passed"
