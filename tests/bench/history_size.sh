#!/usr/bin/env bash
# The ФН history's size and cost (docs/forecast.md, "Size and cost"): one `atol-kkt list --json`
# a day for DAYS emulated days against the emulator's growth mode, with REGISTERS registers;
# after each run, the history file's size and the run's wall time and peak RSS. Stops at the
# first run that fails or whose output is not the fleet's JSON array. Prints figures, asserts
# nothing about speed (not a CTest test).
#   tests/bench/history_size.sh BUILD_DIR [REGISTERS (100000)] [DAYS (35)]
set -euo pipefail
build=$(cd "${1:?usage: $0 BUILD_DIR [REGISTERS] [DAYS]}" && pwd)
registers=${2:-100000}
days=${3:-35}
work=$(mktemp -d)
emulator_pid=
cleanup() {
    [[ -n $emulator_pid ]] && kill "$emulator_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

start=2026-01-01T09:00:00Z
instant() { date -u -d "$start + $1 days" +%Y-%m-%dT%H:%M:%SZ; }
mkfifo "$work/url"
"$build/tests/emulator/atol-kkt-emulator" --registers "$registers" --seed 1 --now "$start" \
    --growth-since "$start" >"$work/url" 2>"$work/emulator.log" &
emulator_pid=$!
read -r -t 60 api_url <"$work/url" || { echo "the emulator did not start" >&2; exit 1; }
control=${api_url%/api}/_emulator

echo "registers=$registers load: $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%FT%TZ)"
printf '%4s  %12s  %8s  %8s\n' day history_MiB wall_s rss_MiB
for ((day = 0; day < days; day++)); do
    now=$(instant "$day")
    curl -fsS --max-time 120 -X POST -H 'Content-Type: application/json' \
        -d "{\"now\":\"$now\"}" "$control/now" >/dev/null
    t0=$EPOCHREALTIME
    env -i PATH="$PATH" HOME="$work" ATOL_KKT_CACHE_DIR="$work/cache" ATOL_KKT_BASE_URL="$api_url" \
        ATOL_KKT_NOW="$now" ATOL_KKT_CACHE_TTL=0 LC_ALL=C.UTF-8 \
        /usr/bin/time -f %M -o "$work/rss" "$build/plugin/atol-kkt" list --json -t 120 \
        >"$work/out.json" 2>"$work/err.log" || {
        echo "day $day: atol-kkt failed:" >&2
        cat "$work/err.log" >&2
        exit 1
    }
    t1=$EPOCHREALTIME
    listed=$(jq length "$work/out.json")
    [[ $listed == "$registers" ]] || { echo "day $day: listed $listed registers" >&2; exit 1; }
    size=$(stat -c %s "$work"/cache/history-*.json)
    awk -v d="$day" -v s="$size" -v a="$t0" -v b="$t1" -v r="$(cat "$work/rss")" \
        'BEGIN { printf "%4d  %12.1f  %8.2f  %8.1f\n", d, s / 1048576, b - a, r / 1024 }'
done
