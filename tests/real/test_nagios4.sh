#!/usr/bin/env bash
# Real Nagios 4 runs check_atol_kkt through the shipped command definitions
# (nagios/nagios/atol-kkt.cfg) against the emulator; status.dat must show the state, output
# and performance data the plugin gives by hand.
#   test_nagios4.sh ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR       (as root; packages from
#   scripts/setup.sh --tests: nagios4-core, jq)
set -euo pipefail

bin=$(realpath "$1") emulator_bin=$(realpath "$2") src=$(realpath "$3")
now=2026-11-28T12:00:00Z
deadline_s=90

# shellcheck source-path=SCRIPTDIR source=lib/plugin_host.sh
source "$(dirname "$0")/lib/plugin_host.sh"
for tool in nagios4 jq runuser; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (run scripts/setup.sh --tests)"
done
[[ $(id -u) -eq 0 ]] || fail "must run as root (Nagios 4 runs checks as user nagios)"
id nagios >/dev/null 2>&1 || fail "user nagios missing (installed with nagios4-core)"

make_work_dir nagios4
daemon_log=$work/nagios/nagios.log
trap cleanup EXIT

start_emulator --registers 40 --seed 12
lay_out_plugin

ok_serial=$(first_serial_in_state OK)
custom_serial=$(first_serial_in_state WARNING)
group=$(jq -r '[.[] | select(.group_code != null)][0].group_code' "$work/list.json")
[[ $ok_serial != null && $custom_serial != null && $group != null ]] ||
    fail "the emulator fleet lacks an OK or a WARNING register or a group (the WARNING one gets stricter thresholds)"

# --- Nagios configuration: private paths, 1-second time unit, checks at once ---------------
n=$work/nagios
mkdir -p "$n/checkresults" "$n/rw"
cat >"$n/resource.cfg" <<EOF
\$USER1\$=$work/plugins
EOF
cat >"$n/objects.cfg" <<EOF
define timeperiod {
    timeperiod_name 24x7
    alias           always
    sunday          00:00-24:00
    monday          00:00-24:00
    tuesday         00:00-24:00
    wednesday       00:00-24:00
    thursday        00:00-24:00
    friday          00:00-24:00
    saturday        00:00-24:00
}
define command {
    command_name    notify-nobody
    command_line    /bin/true
}
define contact {
    contact_name                  nobody
    host_notifications_enabled    0
    service_notifications_enabled 0
    host_notification_period      24x7
    service_notification_period   24x7
    host_notification_options     n
    service_notification_options  n
    host_notification_commands    notify-nobody
    service_notification_commands notify-nobody
}
define host {
    host_name             atol-account
    alias                 ATOL Online test account
    address               127.0.0.1
    max_check_attempts    1
    check_period          24x7
    contacts              nobody
    notification_interval 0
    notification_period   24x7
    notifications_enabled 0
}
define service {
    name                  atol-test-service
    register              0
    host_name             atol-account
    max_check_attempts    1
    check_interval        600
    retry_interval        600
    check_period          24x7
    contacts              nobody
    notification_interval 0
    notification_period   24x7
    notifications_enabled 0
}
define service {
    use                   atol-test-service
    service_description   ATOL KKT fleet
    check_command         check_atol_kkt!shop
}
define service {
    use                   atol-test-service
    service_description   KKT $ok_serial
    check_command         check_atol_kkt_register!shop!$ok_serial
}
define service {
    use                   atol-test-service
    service_description   KKT $custom_serial
    check_command         check_atol_kkt_register!shop!$custom_serial!-w fn_usage=1 -c fn_usage=2
}
define service {
    use                   atol-test-service
    service_description   ATOL KKT group
    check_command         check_atol_kkt_group!shop!$group
}
EOF
shipped_cfg=$(stage_shipped nagios/nagios/atol-kkt.cfg)
cat >"$n/nagios.cfg" <<EOF
log_file=$n/nagios.log
cfg_file=$shipped_cfg
cfg_file=$n/objects.cfg
resource_file=$n/resource.cfg
object_cache_file=$n/objects.cache
precached_object_file=$n/objects.precache
status_file=$n/status.dat
status_update_interval=1
temp_file=$n/nagios.tmp
temp_path=$n
lock_file=$n/nagios.lock
check_result_path=$n/checkresults
query_socket=$n/rw/nagios.qh
check_external_commands=0
command_file=$n/rw/nagios.cmd
retain_state_information=0
state_retention_file=$n/retention.dat
nagios_user=nagios
nagios_group=nagios
use_syslog=0
interval_length=1
service_inter_check_delay_method=n
host_inter_check_delay_method=n
service_interleave_factor=1
check_result_reaper_frequency=1
service_check_timeout=30
enable_notifications=0
check_for_updates=0
EOF
chown -R nagios: "$n"

echo "nagios4 -v with the shipped command definitions"
nagios4 -v "$n/nagios.cfg" >"$work/validate.log" 2>&1 ||
    { cat "$work/validate.log" >&2; fail "nagios4 -v refused the configuration"; }
grep -q 'Checked 4 services' "$work/validate.log" ||
    { cat "$work/validate.log" >&2; fail "expected 4 services"; }

# What the plugin says by hand, as user nagios, for each service's command line.
services=("ATOL KKT fleet" "KKT $ok_serial" "KKT $custom_serial" "ATOL KKT group")
declare -A args_of=(
    ["ATOL KKT fleet"]="--profile shop"
    ["KKT $ok_serial"]="--profile shop --serial $ok_serial"
    ["KKT $custom_serial"]="--profile shop --serial $custom_serial -w fn_usage=1 -c fn_usage=2"
    ["ATOL KKT group"]="--profile shop --group $group"
)
declare -A expected_state expected_output expected_long expected_perf
for s in "${services[@]}"; do
    rc=0
    # shellcheck disable=SC2086 # the arguments are split as Nagios splits its command line
    out=$(runuser -u nagios -- "$work/plugins/check_atol_kkt" ${args_of[$s]} 2>"$work/stderr") || rc=$?
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

# --- run Nagios 4 in the foreground ---------------------------------------------------------
echo "starting Nagios 4"
setsid nagios4 "$n/nagios.cfg" >"$work/nagios.out" 2>&1 &
daemon_pid=$!

# status.dat, one service block at a time: "description<TAB>field=value..." lines.
status_field() { # service field
    awk -v svc="$1" -v field="$2" '
        /^servicestatus \{/ { inblock = 1; desc = ""; value = ""; found = 0; next }
        inblock && /^\t}/ { if (desc == svc && found) { print value; exit } inblock = 0; next }
        inblock {
            line = $0; sub(/^\t/, "", line)
            eq = index(line, "="); key = substr(line, 1, eq - 1); val = substr(line, eq + 1)
            if (key == "service_description") desc = val
            if (key == field) { value = val; found = 1 }
        }' "$n/status.dat" 2>/dev/null
}
all_checked() {
    local s
    for s in "${services[@]}"; do
        [[ $(status_field "$s" has_been_checked) == 1 ]] || return 1
    done
}
wait_for "$deadline_s" "Nagios 4 to check all 4 services (status.dat)" all_checked

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

((failures == 0)) || fail "$failures service(s) shown wrongly in status.dat"
echo "PASS: Nagios 4 ran check_atol_kkt and status.dat shows the expected states and performance data"
