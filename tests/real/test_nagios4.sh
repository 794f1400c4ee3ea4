#!/usr/bin/env bash
# Real Nagios 4 with Debian's own configuration (/etc/nagios4/nagios.cfg as nagios4-common
# ships it) runs check_atol_kkt from the installed Debian package, after exactly the steps of
# nagios/README.md (the package, the profile, the host and services in conf.d, a forced check),
# against the emulator; status.dat must show the state, output and performance data the
# plugin gives by hand. The machine is put back as it was (tests/real/lib/plugin_host.sh).
#   test_nagios4.sh DEB EMULATOR_BIN       (as root; packages from scripts/setup.sh --tests:
#   nagios4-core, jq)
set -euo pipefail

deb=$(realpath "$1") emulator_bin=$(realpath "$2")
now=2026-11-28T12:00:00Z
deadline_s=90
nagios_cfg=/etc/nagios4/nagios.cfg
host_cfg=/etc/nagios4/conf.d/atol-kkt.cfg
command_file=/var/lib/nagios4/rw/nagios.cmd
status_file=/var/lib/nagios4/status.dat

# shellcheck source-path=SCRIPTDIR source=lib/plugin_host.sh
source "$(dirname "$0")/lib/plugin_host.sh"
for tool in nagios4 jq runuser; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (run scripts/setup.sh --tests)"
done
id nagios >/dev/null 2>&1 || fail "user nagios missing (installed with nagios4-core)"
[[ -f $nagios_cfg ]] || fail "$nagios_cfg missing (nagios4-common)"
grep -qx 'cfg_dir=/etc/nagios-plugins/config' "$nagios_cfg" ||
    fail "$nagios_cfg does not read /etc/nagios-plugins/config: not Debian's default"
require_uninstalled
require_absent "$host_cfg"
[[ -z $(pgrep -x nagios4) ]] || fail "a Nagios 4 runs already: this test runs Debian's own configuration"

make_work_dir nagios4
daemon_log=/var/log/nagios4/nagios.log
restore_config() { rm -f "$host_cfg"; }
trap cleanup EXIT
keep_state_dir /var/lib/nagios4

start_emulator --registers 40 --seed 12
install_package_and_profile

ok_serial=$(first_serial_in_state OK)
custom_serial=$(first_serial_in_state WARNING)
[[ $ok_serial != null && $custom_serial != null ]] ||
    fail "the emulator fleet lacks an OK or a WARNING register (the WARNING one gets stricter thresholds)"

# --- nagios/README.md 4b: the host and services, with this fleet's serials -------------------
cat >"$host_cfg" <<END
define host {
    use                     linux-server
    host_name               atol-online-shop
    alias                   ATOL Online account of shop.example.ru
    address                 127.0.0.1
    check_command           check-host-alive
}
define service {
    use                     generic-service
    host_name               atol-online-shop
    service_description     ATOL KKT fleet
    check_command           check_atol_kkt!shop
}
define service {
    use                     generic-service
    host_name               atol-online-shop
    service_description     KKT $ok_serial
    check_command           check_atol_kkt_register!shop!$ok_serial!-w fn_days_left=45:
}
define service {
    use                     generic-service
    host_name               atol-online-shop
    service_description     KKT $custom_serial
    check_command           check_atol_kkt_register!shop!$custom_serial!-w fn_usage=1 -c fn_usage=2
}
END

echo "nagios4 -v $nagios_cfg"
nagios4 -v "$nagios_cfg" >"$work/validate.log" 2>&1 ||
    { cat "$work/validate.log" >&2; fail "nagios4 -v refused Debian's configuration with the package's"; }

# What the plugin says by hand, as user nagios, for each service's command line.
services=("ATOL KKT fleet" "KKT $ok_serial" "KKT $custom_serial")
declare -A args_of=(
    ["ATOL KKT fleet"]="--profile shop"
    ["KKT $ok_serial"]="--profile shop --serial $ok_serial -w fn_days_left=45:"
    ["KKT $custom_serial"]="--profile shop --serial $custom_serial -w fn_usage=1 -c fn_usage=2"
)
declare -A expected_state expected_output expected_long expected_perf
for s in "${services[@]}"; do
    rc=0
    # shellcheck disable=SC2086 # the arguments are split as Nagios splits its command line
    out=$(runuser -u nagios -- /usr/lib/nagios/plugins/check_atol_kkt ${args_of[$s]} 2>"$work/stderr") || rc=$?
    [[ ! -s $work/stderr ]] || fail "$s wrote to stderr: $(cat "$work/stderr")"
    first=${out%%$'\n'*}
    expected_state[$s]=$rc
    expected_output[$s]=${first%% | *}
    expected_perf[$s]=${first#* | }
    expected_long[$s]=
    if [[ $out == *$'\n'* ]]; then expected_long[$s]=${out#*$'\n'}; fi
done
[[ ${expected_state[ATOL KKT fleet]} == 2 ]] || fail "fleet by hand: expected CRITICAL"
[[ ${expected_state[KKT $ok_serial]} == 0 ]] || fail "$ok_serial by hand: expected OK"
[[ ${expected_state[KKT $custom_serial]} == 2 ]] || fail "$custom_serial by hand with -c fn_usage=2: expected CRITICAL"
[[ ${expected_perf[KKT $custom_serial]} == *";1;2;0;100 "* ]] || fail "custom thresholds not in perfdata: ${expected_perf[KKT $custom_serial]}"

# --- Nagios 4 as its systemd unit starts it (nagios4.service): the stale pipe removed, the
# lock file's directory there; in the foreground, so that the test can stop it by PID --------
echo "starting Nagios 4 with $nagios_cfg"
rm -f "$command_file"
install -d -o nagios -g nagios -m 0750 /run/nagios4
setsid nagios4 "$nagios_cfg" >"$work/nagios.out" 2>&1 &
daemon_pid=$!
wait_for 30 "Nagios 4's command pipe $command_file" test -p "$command_file"

# nagios/README.md: check now.
forced_at=$(date +%s)
for service in "${services[@]}"; do
    printf '[%s] SCHEDULE_FORCED_SVC_CHECK;atol-online-shop;%s;%s\n' "$(date +%s)" "$service" "$(date +%s)"
done >"$command_file"

# status.dat, one service block at a time.
status_field() { # service field
    awk -v svc="$1" -v field="$2" '
        /^servicestatus \{/ { inblock = 1; desc = ""; value = ""; found = 0; next }
        inblock && /^\t}/ { if (desc == svc && found) { print value; exit } inblock = 0; next }
        inblock {
            line = $0; sub(/^\t/, "", line)
            eq = index(line, "="); key = substr(line, 1, eq - 1); val = substr(line, eq + 1)
            if (key == "service_description") desc = val
            if (key == field) { value = val; found = 1 }
        }' "$status_file" 2>/dev/null
}
all_checked() {
    local s last
    for s in "${services[@]}"; do
        last=$(status_field "$s" last_check)
        [[ -n $last ]] && ((last >= forced_at)) || return 1
    done
}
wait_for "$deadline_s" "Nagios 4 to check the services (status.dat)" all_checked

failures=0
for s in "${services[@]}"; do
    state=$(status_field "$s" current_state)
    output=$(status_field "$s" plugin_output)
    long=$(status_field "$s" long_plugin_output)
    perf=$(status_field "$s" performance_data)
    # status.dat escapes the newlines of the long output as "\n".
    expected_long_escaped=${expected_long[$s]//$'\n'/\\n}
    problems=()
    [[ $state == "${expected_state[$s]}" ]] || problems+=("state $state, expected ${expected_state[$s]}")
    [[ $output == "${expected_output[$s]}" ]] || problems+=("output '$output', expected '${expected_output[$s]}'")
    [[ $perf == "${expected_perf[$s]}" ]] || problems+=("perfdata '$perf', expected '${expected_perf[$s]}'")
    [[ $long == "$expected_long_escaped" ]] || problems+=("long output '$long', expected '$expected_long_escaped'")
    if ((${#problems[@]})); then
        printf 'FAIL: %s: %s\n' "$s" "${problems[@]}" >&2
        failures=$((failures + 1))
    else
        echo "ok: $s state $state: $output"
    fi
done

pid=$daemon_pid
daemon_pid=''
stop "$pid" 30 || fail "Nagios 4 did not stop within 30s of SIGTERM"
rm -f "$command_file"

((failures == 0)) || fail "$failures service(s) shown wrongly in status.dat"
echo "PASS: Debian's Nagios 4 ran the installed check_atol_kkt and status.dat shows the expected states and performance data"
