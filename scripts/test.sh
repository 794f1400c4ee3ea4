#!/usr/bin/env bash
# README command (2): installs what is needed, builds, and runs every test with CTest
# (labels: unit, integration, real). Extra arguments go to ctest, e.g. -L unit.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j2 "$@"
