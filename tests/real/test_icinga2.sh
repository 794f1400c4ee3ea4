#!/usr/bin/env bash
# Real Icinga 2 runs check_atol_kkt through the shipped CheckCommand and apply rules
# (nagios/icinga2/atol-kkt.conf) against the emulator, and records the state and performance
# data the plugin gives by hand.
#   test_icinga2.sh ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR       (as root; packages from
#   scripts/setup.sh --tests: icinga2-bin, jq)
set -euo pipefail

bin=$(realpath "$1") emulator_bin=$(realpath "$2") src=$(realpath "$3")
now=2026-11-28T12:00:00Z
deadline_s=90

# shellcheck source-path=SCRIPTDIR source=lib/plugin_host.sh
source "$(dirname "$0")/lib/plugin_host.sh"
for tool in icinga2 jq perl runuser; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (run scripts/setup.sh --tests)"
done
[[ $(id -u) -eq 0 ]] || fail "must run as root (Icinga 2 runs checks as user nagios)"
id nagios >/dev/null 2>&1 || fail "user nagios missing (installed with icinga2-bin)"

make_work_dir icinga2
daemon_log=$work/icinga2.log
trap cleanup EXIT

start_emulator --registers 40 --seed 11
lay_out_plugin

ok_serial=$(first_serial_in_state OK)
crit_serial=$(first_serial_in_state CRITICAL)
missing_serial=99999999999999
[[ $ok_serial != null && $crit_serial != null ]] || fail "the emulator fleet lacks an OK or a CRITICAL register"

# --- Icinga 2 configuration: the shipped file plus a host that opts in ---------------------
for d in data cache log run spool spool/tmp spool/perfdata; do mkdir -p "$work/icinga/$d"; done
chown -R nagios: "$work/icinga"
shipped_conf=$(stage_shipped nagios/icinga2/atol-kkt.conf)
cat >"$work/icinga2.conf" <<EOF
include <itl>
const PluginDir = "$work/plugins"
include "$shipped_conf"

object CheckerComponent "checker" {}
object ExternalCommandListener "command" { command_path = "$work/icinga/run/icinga2.cmd" }
object PerfdataWriter "perfdata" {
  service_perfdata_path = "$work/icinga/spool/perfdata/service"
  host_perfdata_path = "$work/icinga/spool/perfdata/host"
  service_format_template = "SERVICE::\$service.name\$\tSTATE::\$service.state_id\$"
  rotation_interval = 1s
}
object Host "atol-account" {
  check_command = "dummy"
  vars.atol_kkt_profile = "shop"
  vars.atol_kkt_registers = [ "$ok_serial", "$crit_serial", "$missing_serial" ]
}
EOF
defines=(-DConfiguration.DataDir="$work/icinga/data" -DConfiguration.CacheDir="$work/icinga/cache"
    -DConfiguration.LogDir="$work/icinga/log" -DConfiguration.InitRunDir="$work/icinga/run"
    -DConfiguration.SpoolDir="$work/icinga/spool")

echo "icinga2 daemon -C with the shipped CheckCommand"
icinga2 daemon -C -c "$work/icinga2.conf" "${defines[@]}" >"$work/validate.log" 2>&1 ||
    { cat "$work/validate.log" >&2; fail "icinga2 daemon -C refused the configuration"; }
grep -q 'Instantiated 4 Services' "$work/validate.log" ||
    { cat "$work/validate.log" >&2; fail "expected 4 services from the shipped apply rules"; }

# What the plugin says by hand, as user nagios: what Icinga 2 must record.
services=(atol-kkt-fleet "kkt-$ok_serial" "kkt-$crit_serial" "kkt-$missing_serial")
declare -A expected_state expected_output expected_perf expected_long
by_hand() {
    local service=$1 args=(--profile shop) out rc=0
    [[ $service == kkt-* ]] && args+=(--serial "${service#kkt-}")
    out=$(runuser -u nagios -- "$work/plugins/check_atol_kkt" "${args[@]}" 2>"$work/stderr") || rc=$?
    [[ ! -s $work/stderr ]] || fail "$service wrote to stderr: $(cat "$work/stderr")"
    expected_state[$service]=$rc
    local first=${out%%$'\n'*}
    expected_output[$service]=${first%% | *}
    expected_perf[$service]=${first#* | }
    expected_long[$service]=
    if [[ $out == *$'\n'* ]]; then expected_long[$service]=${out#*$'\n'}; fi
}
for s in "${services[@]}"; do by_hand "$s"; done
[[ ${expected_state[atol-kkt-fleet]} == 2 ]] || fail "fleet by hand: expected CRITICAL, got ${expected_state[atol-kkt-fleet]}"
[[ ${expected_state[kkt-$ok_serial]} == 0 ]] || fail "$ok_serial by hand: expected OK"
[[ ${expected_state[kkt-$crit_serial]} == 2 ]] || fail "$crit_serial by hand: expected CRITICAL"
problem_count=$(jq '[.[] | select(.state != "OK")] | length' "$work/list.json")
[[ $(wc -l <<<"${expected_long[atol-kkt-fleet]}") -eq $problem_count ]] ||
    fail "fleet by hand: expected $problem_count problem lines, got: ${expected_long[atol-kkt-fleet]}"
[[ ${expected_output[kkt-$missing_serial]} == *"register not found in the account"* ]] ||
    fail "missing serial by hand: ${expected_output[kkt-$missing_serial]}"

# --- run Icinga 2 ---------------------------------------------------------------------------
echo "starting Icinga 2"
setsid icinga2 daemon -c "$work/icinga2.conf" "${defines[@]}" >"$work/icinga2.log" 2>&1 &
daemon_pid=$!
wait_for 30 "Icinga 2's command pipe" test -p "$work/icinga/run/icinga2.cmd"
# The shipped services check every 5 minutes, first at a random offset: ask for them now.
t=$(date +%s)
timeout 10 sh -c "printf '[%s] SCHEDULE_FORCED_HOST_SVC_CHECKS;atol-account;%s\n' $t $t >'$work/icinga/run/icinga2.cmd'" ||
    fail "could not write to Icinga 2's command pipe"

all_checked() {
    local s
    for s in "${services[@]}"; do
        cat "$work"/icinga/spool/perfdata/service* 2>/dev/null | grep -q "^SERVICE::$s"$'\t' || return 1
    done
}
wait_for "$deadline_s" "Icinga 2 to check all 4 services" all_checked

echo "stopping Icinga 2 (it writes its state file on the way out)"
pid=$daemon_pid
daemon_pid=''
stop "$pid" 30 || fail "Icinga 2 did not stop within 30s of SIGTERM"

# --- what Icinga 2 recorded: icinga2.state, netstrings of JSON objects ----------------------
state_file=$work/icinga/data/icinga2.state
[[ -s $state_file ]] || fail "no $state_file"
perl -0777 -ne 'while (/\G(\d+):/gc) { my $n = $1; print substr($_, pos($_), $n), "\n"; pos($_) += $n + 1; }' \
    "$state_file" >"$work/state.jsonl"

failures=0
for s in "${services[@]}"; do
    record=$(jq -c --arg name "atol-account!$s" 'select(.type == "Service" and .name == $name) | .update.last_check_result' "$work/state.jsonl")
    if [[ -z $record || $record == null ]]; then
        echo "FAIL: Icinga 2 recorded no check result for $s" >&2
        failures=$((failures + 1))
        continue
    fi
    state=$(jq -r '.state' <<<"$record")
    exit_status=$(jq -r '.exit_status' <<<"$record")
    output=$(jq -r '.output' <<<"$record")
    perf=$(jq -r '.performance_data | join(" ")' <<<"$record")
    first_line=${output%%$'\n'*}
    first_line=${first_line%" "} # Icinga 2 keeps the space before the '|'
    long=
    if [[ $output == *$'\n'* ]]; then long=${output#*$'\n'}; fi
    problems=()
    [[ $exit_status == "${expected_state[$s]}" ]] || problems+=("exit status $exit_status, expected ${expected_state[$s]}")
    [[ $state == "${expected_state[$s]}" ]] || problems+=("state $state, expected ${expected_state[$s]}")
    [[ $first_line == "${expected_output[$s]}" ]] || problems+=("output '$first_line', expected '${expected_output[$s]}'")
    [[ $perf == "${expected_perf[$s]}" ]] || problems+=("perfdata '$perf', expected '${expected_perf[$s]}'")
    [[ $long == "${expected_long[$s]}" ]] || problems+=("long output '$long', expected '${expected_long[$s]}'")
    if ((${#problems[@]})); then
        printf 'FAIL: %s: %s\n' "$s" "${problems[@]}" >&2
        failures=$((failures + 1))
    else
        echo "ok: $s state $state: $first_line"
    fi
done
((failures == 0)) || fail "$failures service(s) recorded wrongly"
echo "PASS: Icinga 2 ran check_atol_kkt and recorded the expected states and performance data"
