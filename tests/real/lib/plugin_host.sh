# Shared by the real Icinga 2 and Nagios 4 tests (sourced, not run): failing, stopping what we
# started, bounded waits, the emulator on a free port, and the plugin, profile and shipped
# configuration laid out in the test's own directory, where user nagios (which runs the checks
# and reads the configuration) can use them: nothing the daemons read lies in the checkout,
# which may be in a directory only root can enter (a clone in /root, or in `mktemp -d`).
# The sourcing script sets: bin, emulator_bin, src, now, work; daemon_pid and daemon_log (for
# cleanup); and may set emulator_args.

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# Stops a process we started: SIGTERM, then after $2 seconds SIGKILL to its process group
# (and a non-zero status).
stop() {
    local pid=$1 end=$((SECONDS + $2))
    kill -TERM "$pid" 2>/dev/null || return 0
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS >= end)); then
            kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
            return 1
        fi
        sleep 0.2
    done
    wait "$pid" 2>/dev/null || true
}

emulator_pid='' daemon_pid=''
cleanup() {
    local rc=$?
    if [[ -n $daemon_pid ]]; then stop "$daemon_pid" 10 || true; fi
    if [[ -n $emulator_pid ]]; then stop "$emulator_pid" 5 || true; fi
    if ((rc != 0)) && [[ -f ${daemon_log:-} ]]; then
        echo "--- last lines of $daemon_log:" >&2
        tail -n 30 "$daemon_log" >&2
    fi
    rm -rf "$work"
    exit "$rc"
}

# A private directory under /tmp that user nagios can traverse (the files in it keep their own
# modes), the current directory from now on; sets work. Its argument names it.
make_work_dir() {
    work=$(mktemp -d "/tmp/atol-kkt-$1.XXXXXX")
    chmod 755 "$work"
    cd "$work"
}

# A copy of the shipped file $1 (relative to the checkout) readable by the daemons, under
# $work/shipped; prints its path.
stage_shipped() {
    local staged
    staged=$work/shipped/$(basename "$1")
    mkdir -p -m 755 "$work/shipped"
    install -m 644 "$src/$1" "$staged" || fail "cannot copy $src/$1 to $staged"
    echo "$staged"
}

# Polls "$@" until it succeeds or $1 seconds pass.
wait_for() {
    local seconds=$1 what=$2
    shift 2
    local end=$((SECONDS + seconds))
    until "$@"; do
        ((SECONDS < end)) || fail "timed out after ${seconds}s waiting for $what"
        sleep 0.2
    done
}

# Starts the emulator on a free port (args: its fleet options); sets emulator_pid and url.
start_emulator() {
    "$emulator_bin" --port 0 "$@" --now "$now" >"$work/emulator.out" 2>"$work/emulator.err" &
    emulator_pid=$!
    wait_for 10 "the emulator's URL" grep -qs '^http' "$work/emulator.out"
    url=$(head -n 1 "$work/emulator.out")
}

# A copy of the plugin in $work/plugins (a build directory in the checkout may be out of user
# nagios's reach), profile "shop" (the emulator, test mode, demo credentials) in
# $work/profiles, a cache for user nagios; exports ATOL_KKT_NOW and ATOL_KKT_CONFIG_DIR.
# Then lists the fleet as root into $work/list.json for the test to pick registers from.
lay_out_plugin() {
    mkdir -p "$work/plugins" "$work/profiles" "$work/cache"
    cp "$bin" "$work/plugins/check_atol_kkt"
    chmod 755 "$work/plugins" "$work/plugins/check_atol_kkt" "$work/profiles"
    cat >"$work/profiles/shop.conf" <<PROFILE
# test profile: the emulator, test mode (demo credentials)
base-url = $url
cache-dir = $work/cache/nagios
timeout = 5
PROFILE
    chown nagios: "$work/profiles/shop.conf" "$work/cache"
    chmod 600 "$work/profiles/shop.conf"
    export ATOL_KKT_NOW=$now ATOL_KKT_CONFIG_DIR=$work/profiles

    ATOL_KKT_CACHE_DIR=$work/root-cache "$bin" list --json --base-url "$url" >"$work/list.json" \
        2>"$work/list.err" || fail "atol-kkt list --json failed: $(cat "$work/list.err")"
    jq -e 'type == "array"' "$work/list.json" >/dev/null 2>&1 ||
        fail "atol-kkt list --json gave no JSON array: $(head -c 300 "$work/list.json")"
}

# The serial of the first register in state $1 of the listed fleet ("null" when none).
first_serial_in_state() {
    jq -r --arg state "$1" '[.[] | select(.state == $state)][0].serial_number' "$work/list.json"
}
