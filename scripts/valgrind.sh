#!/usr/bin/env bash
# Runs the main paths of atol-kkt under Valgrind memcheck against the emulator, and fails on
# any memcheck error (invalid access, uninitialised value, definite/indirect/possible leak) or
# on output that differs from the same run without Valgrind:
#   list (cold: token + list fetch + cache write), list again (cache hit), get SERIAL,
#   check (whole fleet), check with a malformed list answer (a fault: UNKNOWN, exit 3).
#   scripts/valgrind.sh
# Valgrind's own exit status for errors is 99, not 1: atol-kkt check exits 1 for WARNING.
# Uses the regular build (BUILD_DIR, default build; built here if needed). Valgrind's reports
# are kept in $BUILD_DIR/valgrind/NAME.log.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${BUILD_DIR:-build}
command -v valgrind >/dev/null || {
    echo "valgrind: not installed (scripts/setup.sh --tests)" >&2
    exit 1
}
if ! build_log=$(cmake --build "$build_dir" -j2 --target atol-kkt atol-kkt-emulator 2>&1); then
    echo "$build_log" >&2
    exit 1
fi
atol_kkt=$build_dir/plugin/atol-kkt
emulator_bin=$build_dir/tests/emulator/atol-kkt-emulator
logs=$build_dir/valgrind
rm -rf "$logs"
mkdir -p "$logs"

now=2026-11-28T10:00:00Z
fleet=(--registers 40 --seed 7 --now "$now")
work=$(mktemp -d)
emulator_pid=
cleanup() {
    [[ -n $emulator_pid ]] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" || true
    rm -rf "$work"
}
trap cleanup EXIT

"$emulator_bin" --port 0 "${fleet[@]}" >"$work/emulator.out" 2>"$work/emulator.err" &
emulator_pid=$!
for _ in $(seq 100); do
    [[ -s $work/emulator.out ]] && break
    sleep 0.1
done
url=$(head -n1 "$work/emulator.out")
[[ $url == http://* ]] || {
    echo "valgrind: the emulator did not start: $(cat "$work/emulator.err")" >&2
    exit 1
}
serial=$("$emulator_bin" --dump-fleet "${fleet[@]}" | grep -o '"serialNumber":"[0-9]*"' | head -n1 |
    cut -d'"' -f4)

# The environment every run gets: its own HOME and cache, the emulator, a fixed "now", a
# timeout that allows for Valgrind's slowdown.
run_env=(env -i PATH="$PATH" HOME="$work/home" LC_ALL=C.UTF-8 ATOL_KKT_BASE_URL="$url"
    ATOL_KKT_NOW="$now" ATOL_KKT_TIMEOUT=120)
set_faults() {
    curl -fsS -X POST -H 'Content-Type: application/json' -d "$1" "${url%/api}/_emulator/faults" \
        >/dev/null
}

failed=0
# NAME, the cache dir, then the atol-kkt arguments. The same command is first run natively
# (in a copy of the cache dir as it is before the Valgrind run), and the Valgrind run must
# give the same exit status and stdout.
run() {
    local name=$1 cache=$2
    shift 2
    rm -rf "$work/native-cache"
    [[ -d $work/$cache ]] && cp -a "$work/$cache" "$work/native-cache"
    local native_status=0 status=0
    "${run_env[@]}" ATOL_KKT_CACHE_DIR="$work/native-cache" "$atol_kkt" "$@" \
        >"$work/$name.native" 2>/dev/null || native_status=$?
    local start=$SECONDS
    "${run_env[@]}" ATOL_KKT_CACHE_DIR="$work/$cache" valgrind --quiet --error-exitcode=99 \
        --leak-check=full --show-leak-kinds=definite,indirect,possible \
        --errors-for-leak-kinds=definite,indirect,possible --track-fds=no \
        --log-file="$logs/$name.log" "$atol_kkt" "$@" >"$work/$name.out" 2>"$work/$name.err" ||
        status=$?
    local verdict=ok
    if ((status == 99)) || grep -q 'ERROR SUMMARY: [1-9]' "$logs/$name.log" ||
        [[ -s $logs/$name.log ]]; then
        verdict="memcheck errors (see $logs/$name.log)"
    elif ((status != native_status)); then
        verdict="exit $status under Valgrind, $native_status without"
    elif ! cmp -s "$work/$name.out" "$work/$name.native"; then
        verdict="stdout differs from the run without Valgrind"
    elif [[ ! -s $work/$name.out ]]; then
        verdict="no output"
    fi
    local first_line
    first_line=$(head -n1 "$work/$name.out")
    printf '%-22s exit %d  %3d s  %-4s %s\n' "$name" "$status" $((SECONDS - start)) "$verdict" \
        "${first_line:0:60}"
    if [[ $verdict != ok ]]; then
        failed=1
        head -n 40 "$logs/$name.log" "$work/$name.err" >&2 || true
    fi
}

total_start=$SECONDS
run list-cold cache list
run list-cache-hit cache list
run get cache get "$serial"
run check cache check
set_faults '{"malformed":true,"body_fault_path":"list"}'
run check-malformed-list fault-cache check --cache-ttl 0
set_faults '{}'

echo "valgrind: $((SECONDS - total_start)) s"
if ((failed)); then
    echo "valgrind: FAILED" >&2
    exit 1
fi
echo "valgrind: memcheck clean on every path"
