# Shared by the real tests that report each check as they go (sourced, not run): the "ok" and
# "FAIL" lines and their count, `die` for a failure that ends the test (showing the tail of each
# log in $work), the processes to stop at exit, and a free loopback port.
# The sourcing script sets `work` (the directory it created; removed at exit) first, appends
# the PIDs it starts to `pids`, and may define `extra_cleanup` (run first at exit) and
# `extra_diagnostics` (run by die).

pids=()
passes=0 failures=0
pass() {
    echo "ok   $*"
    passes=$((passes + 1))
}
fail() {
    echo "FAIL $*"
    failures=$((failures + 1))
}
die() {
    echo "FAIL $*"
    for log in "$work"/*.log; do [[ -f $log ]] && { echo "---- $log"; tail -n 30 "$log"; }; done
    if declare -F extra_diagnostics >/dev/null; then extra_diagnostics || true; fi
    exit 1
}

cleanup() {
    if declare -F extra_cleanup >/dev/null; then extra_cleanup || true; fi
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# A TCP port in 20000..31999 that nothing listens on (within zabbix_agentd's 1024..32767).
free_port() {
    local port
    for _ in $(seq 20); do
        port=$((20000 + RANDOM % 12000))
        ss -Htln "sport = :$port" | grep -q . || break
    done
    echo "$port"
}

# The totals; the test's exit status.
finish() {
    echo "$passes passed, $failures failed"
    ((failures == 0))
}
