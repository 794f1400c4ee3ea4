#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang, AddressSanitizer and UBSan in build-fuzz/
# and runs each for FUZZ_SECONDS seconds from its seed corpus (tests/fuzz/corpus/<target>/).
#   scripts/fuzz.sh [TARGET...]            default: every fuzz_* target, 60 s each
#   FUZZ_SECONDS=3600 bash scripts/fuzz.sh  the long run
# New interesting inputs go to build-fuzz/corpus/<target>/ (the committed seeds are not
# touched). A crash, a leak, a sanitizer finding, a broken invariant or a slow input (over
# FUZZ_INPUT_TIMEOUT s, default 10) saves the input as build-fuzz/artifacts/<target>/crash-…
# (or leak-…, timeout-…) and makes the script exit non-zero.
# Environment: FUZZ_SECONDS (60), FUZZ_INPUT_TIMEOUT (10), FUZZ_BUILD_DIR (build-fuzz),
# FUZZ_CXX (clang++).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
input_timeout=${FUZZ_INPUT_TIMEOUT:-10}
build_dir=${FUZZ_BUILD_DIR:-build-fuzz}
cxx=${FUZZ_CXX:-clang++}

if ! command -v "$cxx" >/dev/null; then
    echo "fuzz: $cxx not found; install clang and libclang-rt-14-dev (scripts/setup.sh --tests)" >&2
    exit 1
fi

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DATOL_KKT_BUILD_TESTS=OFF -DATOL_KKT_FUZZ=ON \
    -DATOL_KKT_SANITIZE=ON >/dev/null

targets=("$@")
if ((${#targets[@]} == 0)); then
    for source in tests/fuzz/fuzz_*.cpp; do targets+=("$(basename "$source" .cpp)"); done
fi
cmake --build "$build_dir" -j2 --target "${targets[@]}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
printf '%-20s %12s %8s %8s %s\n' target execs seconds corpus result
for target in "${targets[@]}"; do
    seeds=tests/fuzz/corpus/$target
    corpus=$build_dir/corpus/$target
    artifacts=$build_dir/artifacts/$target
    log=$build_dir/logs/$target.log
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    options=(-max_total_time="$seconds" -timeout="$input_timeout" -print_final_stats=1
        -artifact_prefix="$artifacts/")
    [[ -f tests/fuzz/$target.dict ]] && options+=(-dict="tests/fuzz/$target.dict")

    touch "$artifacts/.run-start"
    start=$(date +%s%N)
    status=0
    "$build_dir/tests/fuzz/$target" "${options[@]}" "$corpus" "$seeds" >"$log" 2>&1 || status=$?
    elapsed_ms=$((($(date +%s%N) - start) / 1000000))

    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
    units=$(find "$corpus" -type f | wc -l)
    if ((status == 0)); then
        result=ok
    else
        result="FAILED (exit $status)"
        failed+=("$target")
    fi
    printf '%-20s %12s %8s %8s %s\n' "$target" "${execs:-?}" \
        "$((elapsed_ms / 1000)).$((elapsed_ms % 1000 / 100))" "$units" "$result"
    if ((status != 0)); then
        echo "--- $log (last 40 lines) ---"
        tail -n 40 "$log"
        echo "--- saved input(s):"
        find "$artifacts" -type f -newer "$artifacts/.run-start" -printf '    %p\n'
    fi
done

if ((${#failed[@]})); then
    echo "fuzz: FAILED: ${failed[*]} (reproduce: $build_dir/tests/fuzz/TARGET ARTIFACT)" >&2
    exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${seconds} s each without a finding"
