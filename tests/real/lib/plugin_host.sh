# Shared by the real Icinga 2 and Nagios 4 tests (sourced, not run): they install the Debian
# package system-wide and follow nagios/README.md with Debian's own configuration files, so
# nothing the daemons read lies in the checkout (which may be in a directory only root can
# enter). Failing, stopping what we started, bounded waits, the emulator on a free port, the
# documented install and profile, and putting the machine back as it was: the daemon's state
# directory restored, the files the documented steps added removed, the package purged.
# The sourcing script sets: deb, emulator_bin, now, work (make_work_dir); daemon_pid and
# daemon_log (for cleanup); restore_config (a function undoing its documented configuration
# steps).

package=atol-kkt
# shellcheck source-path=SCRIPTDIR source=../../package/lib/package.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../package/lib/package.sh"

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

emulator_pid='' daemon_pid='' state_dir='' state_backup=''
cleanup() {
    local rc=$?
    if [[ -n $daemon_pid ]]; then stop "$daemon_pid" 10 || true; fi
    if [[ -n $emulator_pid ]]; then stop "$emulator_pid" 5 || true; fi
    if ((rc != 0)) && [[ -f ${daemon_log:-} ]]; then
        echo "--- last lines of $daemon_log:" >&2
        tail -n 30 "$daemon_log" >&2
    fi
    restore_config || true
    if [[ -n $state_backup && -f $state_backup ]]; then
        rm -rf "$state_dir" && tar -C / -xpf "$state_backup" || echo "could not restore $state_dir" >&2
    fi
    purge_package
    rm -rf "$work"
    exit "$rc"
}

# A private directory under /tmp (the files in it keep their own modes), the current directory
# from now on; sets work. Its argument names it.
make_work_dir() {
    work=$(mktemp -d "/tmp/atol-kkt-$1.XXXXXX")
    chmod 755 "$work"
    cd "$work"
}

# Keeps the daemon's state directory $1 (retention, status) as it is now, to be put back by
# cleanup: the test's run leaves no state behind.
keep_state_dir() {
    state_dir=$1
    state_backup=$work/state.tar
    tar -C / -cpf "$state_backup" "${state_dir#/}" || fail "cannot save $state_dir"
}

# Fails when the file $1, which the documented steps create, is there already: it is someone
# else's configuration.
require_absent() {
    [[ ! -e $1 ]] || fail "$1 exists already: this test would overwrite someone's configuration"
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

# nagios/README.md steps 1 and 2: the package, and profile "shop" for user nagios with its
# cache, written as the admin would after `editor /etc/atol-kkt/shop.conf`, with the emulator
# (test mode, demo credentials) in place of ATOL's production API. ATOL_KKT_NOW, exported to
# the daemons and so to the checks, is the emulator's clock, not a setting.
install_package_and_profile() {
    install_deb "$deb"
    install -m 0600 -o nagios -g nagios /etc/atol-kkt/profile.conf.example /etc/atol-kkt/shop.conf
    install -d -o nagios -g nagios -m 0700 /var/cache/atol-kkt/nagios
    cat >/etc/atol-kkt/shop.conf <<PROFILE
base-url = $url
cache-dir = /var/cache/atol-kkt/nagios/shop
timeout = 5
PROFILE
    export ATOL_KKT_NOW=$now
    [[ $(stat -c '%U %a' /etc/atol-kkt/shop.conf) == "nagios 600" ]] || fail "the profile is not nagios's, 0600"

    runuser -u nagios -- atol-kkt list --json --profile shop >"$work/list.json" 2>"$work/list.err" ||
        fail "atol-kkt list --json failed: $(cat "$work/list.err")"
    jq -e 'type == "array"' "$work/list.json" >/dev/null 2>&1 ||
        fail "atol-kkt list --json gave no JSON array: $(head -c 300 "$work/list.json")"
}

# The serial of the first register in state $1 of the listed fleet ("null" when none).
first_serial_in_state() {
    jq -r --arg state "$1" '[.[] | select(.state == $state)][0].serial_number' "$work/list.json"
}
