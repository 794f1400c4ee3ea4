#!/usr/bin/env bash
# The benchmark of issue 5: check_atol_kkt and `atol-kkt zabbix registers` against the curl
# floor and the curl|jq alternative, on emulated fleets of 100, 10,000 and 100,000 registers;
# 200 concurrent cold checks (single flight); startup cost. Prints figures, asserts nothing
# about speed (it is not a CTest test): a slow machine gives slow figures, not a failure.
#
#   tests/bench/run.sh BUILD_DIR [--sizes "100 10000 100000"] [--runs N] [--jq-runs N]
#                      [--concurrent N] [--concurrent-sizes "100 10000"] [--startup-runs N]
#                      [--latency-ms MS] [--latency-sizes "10000 100000"] [--memory-runs N]
#                      [--answer-within S]
#
# BUILD_DIR holds a built atol-kkt and atol-kkt-emulator (a Release build for real figures:
# cmake -B build-perf -DCMAKE_BUILD_TYPE=Release && ninja -C build-perf atol-kkt atol-kkt-emulator).
# Times are wall-clock medians of N runs (bash's EPOCHREALTIME around the process); peak RSS is
# /usr/bin/time's %M of one more run. "Now" is pinned (emulator --now, ATOL_KKT_NOW, jq NOW)
# so the check and the jq script judge the same instant and must print the same counts.
set -euo pipefail

usage() {
    sed -n '7,10p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}
[[ $# -ge 1 ]] || usage
build_dir=$(cd "$1" && pwd)
shift
sizes="100 10000 100000"
runs=7
jq_runs=""
concurrent=200
# 200 checks at 100k each hold the whole list in memory: more than this machine's RAM, so
# the concurrency run uses the smaller fleets unless asked.
concurrent_sizes="100 10000"
startup_runs=51
# The WAN-shaped fetch: the emulator waits this long before every API answer.
latency_ms=50
latency_sizes="10000 100000"
memory_runs=3  # the rows measured for their peak RSS (list --json, prometheus)
# `zabbix registers`' --answer-within (empty: its default, 2 s). On a loaded machine a cold fetch
# of 100,000 registers can take longer: the reference run then answers with a timeout.
answer_within=""
while [[ $# -gt 0 ]]; do
    case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --jq-runs) jq_runs=$2; shift 2 ;;
    --concurrent) concurrent=$2; shift 2 ;;
    --concurrent-sizes) concurrent_sizes=$2; shift 2 ;;
    --startup-runs) startup_runs=$2; shift 2 ;;
    --latency-ms) latency_ms=$2; shift 2 ;;
    --latency-sizes) latency_sizes=$2; shift 2 ;;
    --memory-runs) memory_runs=$2; shift 2 ;;
    --answer-within) answer_within=$2; shift 2 ;;
    *) usage ;;
    esac
done

here=$(cd "$(dirname "$0")" && pwd)
atol_kkt=$build_dir/plugin/atol-kkt
emulator_bin=$build_dir/tests/emulator/atol-kkt-emulator
jq_check=$here/curl_jq_check.sh
for f in "$atol_kkt" "$emulator_bin"; do
    [[ -x "$f" ]] || { echo "run.sh: $f not built" >&2; exit 1; }
done
for tool in curl jq /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is needed (apt-get install curl jq time)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/atol-kkt-bench-XXXXXX)
emulator_pid=""
cleanup() {
    [[ -n "$emulator_pid" ]] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
    [[ -n "${exporter_pid:-}" ]] && kill "$exporter_pid" 2>/dev/null && wait "$exporter_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
ln -s "$atol_kkt" "$work/check_atol_kkt"
check=$work/check_atol_kkt

# Only what this script sets reaches atol-kkt: no profile or config of the user's.
for v in $(compgen -e); do [[ $v == ATOL_KKT_* ]] && unset "$v"; done
now_iso=$(date -u +%Y-%m-%dT%H:%M:%SZ)
now_epoch=$(date -u -d "$now_iso" +%s)
export ATOL_KKT_NOW=$now_iso HOME=$work LC_ALL=C.UTF-8
page_size=1000
login=v4-online-atol-ru
password=iGFFuihss

# --- measuring ---------------------------------------------------------------------------

micros() { local t=${1/./}; echo $((10#$t)); }

# outcome FILE_PREFIX RC: what a run gave, for comparing runs of one command: its exit code,
# the first 300 bytes of its first line of stdout (of stderr when stdout is empty), and the
# lines of its stdout (not its bytes, nor a digest: the exposition says how long the scrape took).
outcome() {
    local out=$1.out err=$1.err line
    if [[ -s "$out" ]]; then line=$(head -n1 "$out" | cut -c1-300); else
        line="(stderr) $(head -n1 "$err" | cut -c1-300)"
    fi
    printf 'exit %s, %s lines of stdout, first line: %s' "$2" "$(wc -l <"$out")" "$line"
}

# measure LABEL RUNS SETUP CMD...: SETUP (a shell command) before each run, untimed; the
# median/min/max wall time in ms and the peak RSS in MiB of CMD go into RESULT[LABEL]. A
# reference run comes first; every timed run (and the RSS run) must give the same outcome, else
# the benchmark stops showing the command and both outcomes: a failure is never timed as a run.
declare -A RESULT REFERENCE
measure() {
    local label=$1 n=$2 setup=$3
    shift 3
    local times=() i t0 t1 rc expected got
    eval "$setup"
    rc=0
    "$@" >"$work/ref.out" 2>"$work/ref.err" || rc=$?
    expected=$(outcome "$work/ref" "$rc")
    REFERENCE[$label]=$expected
    for ((i = 0; i <= n; i++)); do
        eval "$setup"
        rc=0
        if ((i < n)); then
            t0=$EPOCHREALTIME
            "$@" >"$work/run.out" 2>"$work/run.err" || rc=$?
            t1=$EPOCHREALTIME
            times+=($(($(micros "$t1") - $(micros "$t0"))))
        else  # one more run for the peak RSS
            /usr/bin/time -f %M -o "$work/rss" "$@" >"$work/run.out" 2>"$work/run.err" || rc=$?
        fi
        got=$(outcome "$work/run" "$rc")
        if [[ "$got" != "$expected" ]]; then
            {
                echo "run.sh: $label: run $((i + 1)) differs from the reference run of the same command"
                echo "  command:   $*"
                echo "  reference: $expected"
                echo "  this run:  $got"
            } >&2
            exit 1
        fi
    done
    local rss_kib
    rss_kib=$(tail -n1 "$work/rss")
    local sorted
    sorted=($(printf '%s\n' "${times[@]}" | sort -n))
    RESULT[$label]="${sorted[$((n / 2))]} ${sorted[0]} ${sorted[$((n - 1))]} $rss_kib $n"
}

ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }
median_of() { local r=(${RESULT[$1]}); echo "${r[0]}"; }
rss_of() { local r=(${RESULT[$1]}); echo "${r[3]}"; }

ROWS=()
row() {  # row SIZE LABEL TEXT
    local r=(${RESULT[$2]})
    ROWS+=("$(printf '%-9s %-52s %10s %9s %9s %12s %5s' "$1" "$3" "$(ms "${r[0]}")" \
        "$(ms "${r[1]}")" "$(ms "${r[2]}")" "$(mib "${r[3]}")" "${r[4]}")")
}

# --- the emulator ------------------------------------------------------------------------

start_emulator() {  # start_emulator REGISTERS [EMULATOR OPTION...]
    stop_emulator
    local registers=$1
    shift
    "$emulator_bin" --registers "$registers" --seed 1 --now "$now_iso" --threads 2 "$@" \
        >"$work/emulator.out" 2>"$work/emulator.err" &
    emulator_pid=$!
    local i
    for ((i = 0; i < 100; i++)); do
        url=$(head -n1 "$work/emulator.out" 2>/dev/null || true)
        [[ "$url" == http* ]] && break
        sleep 0.1  # the emulator builds its fleet first
    done
    [[ "$url" == http* ]] || { echo "run.sh: the emulator did not start" >&2; exit 1; }
    control=${url%/api}
    export ATOL_KKT_BASE_URL=$url
    jq -n --arg login "$login" --arg pass "$password" '{login: $login, pass: $pass}' |
        curl -sS -f -X POST -H 'Content-Type: application/json' --data-binary @- \
            "$url/auth/v1/gettoken" | jq -r '"Token: " + .token' >"$work/token-header"
}
stop_emulator() {
    if [[ -n "$emulator_pid" ]]; then
        kill "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
        emulator_pid=""
    fi
}
stats() { curl -sS -f "$control/_emulator/stats"; }
reset_stats() { curl -sS -f -X POST "$control/_emulator/reset-stats" >/dev/null; }

# The list pages the check asks for: limit=1000 from offset 0 until the empty page.
page_args() {  # page_args REGISTERS
    local offset
    for ((offset = 0; offset <= $1; offset += page_size)); do
        printf '%s\n' -o /dev/null "$url/kkt/v1/cash-registers?limit=$page_size&offset=$offset"
    done
}

first_line() { { "$@" 2>/dev/null || true; } | head -n1 | cut -d'|' -f1 | sed 's/ \[test mode\]//; s/ *$//'; }

# --- the runs ----------------------------------------------------------------------------

echo "atol-kkt benchmark: $build_dir ($(grep -m1 CMAKE_BUILD_TYPE: "$build_dir/CMakeCache.txt" | cut -d= -f2))"
echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "now pinned at $now_iso; page size $page_size; $runs runs per figure unless noted"
echo

# exporter_peak SIZE: the exporter's peak RSS (VmHWM) after its first read of the account and
# 6 scrapes, into EXPORTER_RSS[SIZE] (KiB); then, with a 5-second --cache-ttl, its peak after a
# second read (the last good fleet is kept while the next is read), into EXPORTER_REREAD_RSS.
exporter_pid=""
exporter_scrape() {  # exporter_scrape PORT: one scrape into $work/metrics; a failed one stops
    curl -sS -f -m 120 -H 'X-Prometheus-Scrape-Timeout-Seconds: 100' -o "$work/metrics" \
        "http://127.0.0.1:$1/metrics"
    grep -q '^atol_kkt_up 1' "$work/metrics" ||
        { echo "run.sh: the exporter's scrape failed: $(grep '^atol_kkt_up' "$work/metrics")" >&2; exit 1; }
}
exporter_run() {  # exporter_run TTL [ENV...]: starts it, sets exporter_port
    local dir=$work/exporter i ttl=$1
    shift
    rm -rf "$dir"
    env "$@" ATOL_KKT_CACHE_DIR="$dir/cache" "$atol_kkt" exporter --web.listen-address 127.0.0.1:0 \
        --cache-ttl "$ttl" --timeout 60 >/dev/null 2>"$work/exporter.err" &
    exporter_pid=$!
    exporter_port=""
    for ((i = 0; i < 100; i++)); do
        sleep 0.1
        exporter_port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$work/exporter.err")
        [[ -z "$exporter_port" ]] || break
    done
    [[ -n "$exporter_port" ]] || { echo "run.sh: the exporter did not start" >&2; exit 1; }
}
exporter_stop() {
    kill "$exporter_pid"
    wait "$exporter_pid" 2>/dev/null || true
    exporter_pid=""
}
exporter_hwm() { awk '/^VmHWM:/ { print $2 }' "/proc/$exporter_pid/status"; }
exporter_peak() {
    local i reads
    exporter_run 3600
    for ((i = 0; i < 6; i++)); do exporter_scrape "$exporter_port"; done
    EXPORTER_RSS[$1]=$(exporter_hwm)
    exporter_stop
    # Its own clock, not the pinned one, so that the cached list expires and is fetched again.
    exporter_run 5 -u ATOL_KKT_NOW
    for ((i = 0; i < 120; i++)); do
        exporter_scrape "$exporter_port"
        reads=$(sed -n 's/^atol_kkt_api_requests_total{outcome="success"} //p' "$work/metrics")
        ((${reads:-0} >= 2)) && break
        sleep 1
    done
    ((${reads:-0} >= 2)) || { echo "run.sh: the exporter did not read the account again" >&2; exit 1; }
    exporter_scrape "$exporter_port"  # rendered from the second read
    EXPORTER_REREAD_RSS[$1]=$(exporter_hwm)
    exporter_stop
}

declare -A RAW_BYTES COUNTS_AGREE WARM_REQUESTS EXPORTER_RSS EXPORTER_REREAD_RSS
for size in $sizes; do
    echo "… $size registers" >&2
    start_emulator "$size"
    mapfile -t pages < <(page_args "$size")
    npages=$((${#pages[@]} / 3))
    cache=$work/cache-$size
    export ATOL_KKT_CACHE_DIR=$cache
    n_jq=${jq_runs:-$((size >= 100000 ? 3 : 5))}

    # The raw JSON the API sends for the whole list.
    RAW_BYTES[$size]=$(curl -sS -f -H @"$work/token-header" \
        "$url/kkt/v1/cash-registers?limit=$size&offset=0" | wc -c)

    measure "c$size" "$runs" : curl -sS -f -H @"$work/token-header" "${pages[@]}"
    row "$size" "c$size" "(c) floor: curl -o /dev/null, $npages pages"

    # Cold: the list expired (token and shift state kept): the steady state under a TTL.
    measure "a_cold$size" "$runs" 'rm -f "$cache"/registers-*.json' "$check"
    row "$size" "a_cold$size" "(a) check_atol_kkt cold (list expired)"
    measure "a_fresh$size" "$runs" 'rm -rf "$cache"' "$check"
    row "$size" "a_fresh$size" "(a) check_atol_kkt cold (empty cache dir, +gettoken)"
    "$check" >/dev/null 2>&1 || true  # fill the cache
    reset_stats
    measure "a_warm$size" "$runs" : "$check"
    WARM_REQUESTS[$size]=$(stats | jq .requests)
    row "$size" "a_warm$size" "(a) check_atol_kkt warm (cache hit)"
    serial=$(curl -sS -f -H @"$work/token-header" \
        "$url/kkt/v1/cash-registers?limit=1&offset=$((size - 1))" | jq -r '.[0].serialNumber')
    measure "a_one$size" "$runs" : "$check" --serial "$serial"
    row "$size" "a_one$size" "(a) check_atol_kkt --serial (last register), warm"
    measure "z_get$size" "$runs" : "$atol_kkt" zabbix get "$serial" fn_days_left
    row "$size" "z_get$size" "(b) atol-kkt zabbix get SERIAL fn_days_left, warm"

    measure "b_cold$size" "$runs" 'rm -f "$cache"/registers-*.json' \
        "$atol_kkt" zabbix registers ${answer_within:+--answer-within "$answer_within"}
    row "$size" "b_cold$size" "(b) atol-kkt zabbix registers, cold (list expired)"
    "$atol_kkt" zabbix registers >/dev/null 2>&1 || true
    measure "b_warm$size" "$runs" : \
        "$atol_kkt" zabbix registers ${answer_within:+--answer-within "$answer_within"}
    row "$size" "b_warm$size" "(b) atol-kkt zabbix registers, warm"

    # Peak memory of the other commands that take the whole account.
    measure "l_cold$size" "$memory_runs" 'rm -f "$cache"/registers-*.json' "$atol_kkt" list --json
    row "$size" "l_cold$size" "(e) atol-kkt list --json, cold (list expired)"
    measure "p_cold$size" "$memory_runs" 'rm -f "$cache"/registers-*.json' "$atol_kkt" prometheus
    row "$size" "p_cold$size" "(e) atol-kkt prometheus, cold (list expired)"
    exporter_peak "$size"

    measure "d$size" "$n_jq" : env NOW="$now_epoch" PAGE_SIZE=$page_size "$jq_check" "$url"
    row "$size" "d$size" "(d) curl_jq_check.sh"

    rm -f "$cache"/registers-*.json
    check_says=$(first_line "$check")
    jq_says=$(first_line env NOW="$now_epoch" "$jq_check" "$url")
    if [[ "$check_says" == "$jq_says" ]]; then COUNTS_AGREE[$size]="yes"; else
        COUNTS_AGREE[$size]="NO"
        echo "  check: $check_says" >&2
        echo "  jq:    $jq_says" >&2
    fi
    ROWS+=("")
done

# The WAN-shaped fetch: every API answer --latency-ms late; the cold check (at the default
# --timeout 10) next to curl over the same pages.
for size in $latency_sizes; do
    echo "… $size registers, $latency_ms ms per request" >&2
    start_emulator "$size" --latency "$latency_ms"
    mapfile -t pages < <(page_args "$size")
    cache=$work/latency-$size
    export ATOL_KKT_CACHE_DIR=$cache
    "$check" >/dev/null 2>&1 || true  # the token and shift state, as in the steady state
    measure "w_c$size" 3 : curl -sS -f -H @"$work/token-header" "${pages[@]}"
    row "$size" "w_c$size" "(f) floor with ${latency_ms} ms/request: curl, $((${#pages[@]} / 3)) pages"
    measure "w_a$size" 3 'rm -f "$cache"/registers-*.json' "$check"
    row "$size" "w_a$size" "(f) check_atol_kkt cold with ${latency_ms} ms/request (-t 10)"
    ROWS+=("")
done

# Concurrency: N checks started at once on an empty cache dir.
CONC=()
for size in $concurrent_sizes; do
    echo "… $concurrent concurrent cold checks, $size registers" >&2
    start_emulator "$size"
    cache=$work/concurrent-$size
    export ATOL_KKT_CACHE_DIR=$cache
    rm -rf "$cache" "$work/conc"
    mkdir -p "$work/conc"
    reset_stats
    t0=$EPOCHREALTIME
    pids=()
    for ((i = 0; i < concurrent; i++)); do
        "$check" >"$work/conc/$i.out" 2>/dev/null &
        pids+=($!)
    done
    codes=()
    for pid in "${pids[@]}"; do
        rc=0
        wait "$pid" || rc=$?
        codes+=("$rc")
    done
    t1=$EPOCHREALTIME
    s=$(stats)
    distinct=$(for ((i = 0; i < concurrent; i++)); do head -n1 "$work/conc/$i.out" | cut -d'|' -f1; done | sort -u | wc -l)
    code_text=$(printf '%s\n' "${codes[@]}" | sort | uniq -c | awk '{ printf "%s%s×exit %s", (NR > 1 ? ", " : ""), $1, $2 }')
    CONC+=("$(printf '%-9s %6s checks in %7s ms: list_fetches=%s list_pages=%s auth=%s requests=%s; %s; %s distinct first line(s)' \
        "$size" "$concurrent" "$(ms $(($(micros "$t1") - $(micros "$t0"))))" \
        "$(jq .list_fetches <<<"$s")" "$(jq .list_pages <<<"$s")" "$(jq .auth <<<"$s")" \
        "$(jq .requests <<<"$s")" "$code_text" "$distinct")")
done
stop_emulator

# Startup: the bare process cost against /bin/true.
echo "… startup" >&2
measure true "$startup_runs" : /bin/true
measure version "$startup_runs" : "$atol_kkt" --version
measure check_version "$startup_runs" : "$check" --version

printf '%-9s %-52s %10s %9s %9s %12s %5s\n' registers measurement "median ms" "min ms" "max ms" "peak RSS MiB" runs
printf '%s\n' "${ROWS[@]}"
echo
echo "reference run of each figure (every timed run gave the same):"
for label in $(printf '%s\n' "${!REFERENCE[@]}" | sort); do
    printf '  %-14s %s\n' "$label" "${REFERENCE[$label]}"
done
echo
echo "per-register reads, warm: 100,000 vs 100 registers (goal: within 1.5×, ≤ 10 ms)"
if [[ -n "${RESULT[a_one100]:-}" && -n "${RESULT[a_one100000]:-}" ]]; then
    printf '  check --serial: %s vs %s ms = %s×;  zabbix get: %s vs %s ms = %s×\n' \
        "$(ms "$(median_of a_one100000)")" "$(ms "$(median_of a_one100)")" \
        "$(ratio "$(median_of a_one100000)" "$(median_of a_one100)")" \
        "$(ms "$(median_of z_get100000)")" "$(ms "$(median_of z_get100)")" \
        "$(ratio "$(median_of z_get100000)" "$(median_of z_get100)")"
fi
echo "peak RSS / raw JSON: check cold, list --json cold, zabbix registers cold, prometheus cold, exporter (first read; second read)"
for size in $sizes; do
    raw=${RAW_BYTES[$size]}
    printf '  %-9s %6s %6s %6s %6s %6s %6s  (exporter %s; %s MiB)\n' "$size" \
        "$(ratio $(($(rss_of "a_cold$size") * 1024)) "$raw")" \
        "$(ratio $(($(rss_of "l_cold$size") * 1024)) "$raw")" \
        "$(ratio $(($(rss_of "b_cold$size") * 1024)) "$raw")" \
        "$(ratio $(($(rss_of "p_cold$size") * 1024)) "$raw")" \
        "$(ratio $((${EXPORTER_RSS[$size]} * 1024)) "$raw")" \
        "$(ratio $((${EXPORTER_REREAD_RSS[$size]} * 1024)) "$raw")" \
        "$(mib "${EXPORTER_RSS[$size]}")" "$(mib "${EXPORTER_REREAD_RSS[$size]}")"
done
echo
echo "registers raw JSON MiB  (a)/(c) cold/floor  (d)/(a) jq/cold  peak RSS/raw: cold  warm  zabbix  warm requests  counts agree"
for size in $sizes; do
    raw=${RAW_BYTES[$size]}
    printf '%-9s %12s  %18s  %15s  %18s %5s %7s %14s  %s\n' "$size" "$(mib $((raw / 1024)))" \
        "$(ratio "$(median_of "a_cold$size")" "$(median_of "c$size")")" \
        "$(ratio "$(median_of "d$size")" "$(median_of "a_cold$size")")" \
        "$(ratio $(($(rss_of "a_cold$size") * 1024)) "$raw")" \
        "$(ratio $(($(rss_of "a_warm$size") * 1024)) "$raw")" \
        "$(ratio $(($(rss_of "b_warm$size") * 1024)) "$raw")" \
        "${WARM_REQUESTS[$size]}" "${COUNTS_AGREE[$size]}"
done
echo
echo "concurrent cold checks (one empty cache dir):"
printf '%s\n' "${CONC[@]}"
echo
printf 'startup: /bin/true %s ms, atol-kkt --version %s ms, check_atol_kkt --version %s ms (medians of %s)\n' \
    "$(ms "$(median_of true)")" "$(ms "$(median_of version)")" "$(ms "$(median_of check_version)")" "$startup_runs"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
