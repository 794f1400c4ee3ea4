#!/usr/bin/env bash
# Builds the whole project with AddressSanitizer (LeakSanitizer included) and UBSan in
# build-asan/ (clang; -fno-sanitize-recover=all) and runs the unit and integration suites.
#   scripts/sanitize.sh [CTEST ARGS...]     e.g. -R 'Config' to run a part
# The sanitizer options are compiled into every executable (tests/sanitize/), because the
# integration tests start atol-kkt and the emulator with a clean environment. Every report, from
# a test or from a process it started (whose exit status or stderr a test may not look at), is
# written under build-asan/sanitizer-logs/: the run fails when that directory is not empty.
# Environment: ASAN_BUILD_DIR (build-asan), SANITIZE_CXX (clang++, else the system's c++),
# CTEST_JOBS (2).
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${ASAN_BUILD_DIR:-build-asan}
logs=$PWD/$build_dir/sanitizer-logs
# clang: GCC 12 under -fsanitize=address gives false -Wmaybe-uninitialized warnings in
# libstdc++'s <regex>.
cxx=$(command -v "${SANITIZE_CXX:-clang++}" || command -v c++)

# A build dir configured with another compiler cannot switch: start it afresh.
if [[ -f $build_dir/CMakeCache.txt ]] &&
    ! grep -qx "CMAKE_CXX_COMPILER:[A-Z]*=$cxx" "$build_dir/CMakeCache.txt"; then
    rm -rf "$build_dir"
fi

start=$(date +%s)
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" -DATOL_KKT_SANITIZE=ON >/dev/null
cmake --build "$build_dir" -j2
built=$(date +%s)

rm -rf "$logs"
mkdir -p "$logs"
# The options compiled in (tests/sanitize/sanitizer_defaults.cpp) apply, not the caller's.
unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS

status=0
# --timeout: a test killed by a sanitizer can leave a child (an emulator) holding ctest's pipe.
ctest --test-dir "$build_dir" -L 'unit|integration' --no-tests=error --output-on-failure \
    -j"${CTEST_JOBS:-2}" --timeout 300 "$@" || status=$?
finished=$(date +%s)

# LeakSanitizer cannot stop the threads of a process that is being ptraced: the secrets test
# runs atol-kkt under strace -f. Nor can it when the process is SIGKILLed while its leak check
# runs at exit (the races test kills runs at random moments): its tracer then says only
# "Unable to get registers from thread N". Such reports say only that, and are counted, not
# failed; any other line is a finding.
lsan_could_not_run=0
findings=()
for report in "$logs"/*; do
    [[ -e $report ]] || continue
    if ! grep -qv -e 'LeakSanitizer has encountered a fatal error' -e '^==[0-9]*==HINT:' \
        -e '^==[0-9]*==Unable to get registers from thread [0-9]*\.$' -e '^$' "$report"; then
        lsan_could_not_run=$((lsan_could_not_run + 1))
    else
        findings+=("$report")
    fi
done
((lsan_could_not_run)) && echo "sanitize: LeakSanitizer could not run in $lsan_could_not_run" \
    "processes (run under strace, or SIGKILLed during its exit check)"
if ((${#findings[@]})); then
    echo "sanitize: sanitizer reports (tests or the processes they started):" >&2
    for report in "${findings[@]}"; do
        echo "--- $report" >&2
        head -n 60 "$report" >&2
    done
    status=1
fi
echo "sanitize: build $((built - start)) s, tests $((finished - built)) s"
if ((status != 0)); then
    echo "sanitize: FAILED" >&2
    exit "$status"
fi
echo "sanitize: unit and integration suites clean under ASan + LSan + UBSan"
