#!/usr/bin/env bash
# Real Icinga 2 with Debian's own configuration (/etc/icinga2 as icinga2-common ships it) runs
# check_atol_kkt from the installed Debian package through its CheckCommand and apply rules,
# after exactly the steps of nagios/README.md (the package, the profile, the include line, the
# host in conf.d, the command feature and a forced check), against the emulator; the state file
# must record the state and performance data the plugin gives by hand. The machine is put back
# as it was (tests/real/lib/plugin_host.sh).
#   test_icinga2.sh DEB EMULATOR_BIN       (as root; packages from scripts/setup.sh --tests:
#   icinga2-bin, jq)
set -euo pipefail

deb=$(realpath "$1") emulator_bin=$(realpath "$2")
now=2026-11-28T12:00:00Z
deadline_s=90
main_conf=/etc/icinga2/icinga2.conf
host_conf=/etc/icinga2/conf.d/atol-kkt.conf
command_feature=/etc/icinga2/features-enabled/command.conf
command_pipe=/run/icinga2/cmd/icinga2.cmd
state_file=/var/lib/icinga2/icinga2.state

# shellcheck source-path=SCRIPTDIR source=lib/plugin_host.sh
source "$(dirname "$0")/lib/plugin_host.sh"
for tool in icinga2 jq perl runuser; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (run scripts/setup.sh --tests)"
done
id nagios >/dev/null 2>&1 || fail "user nagios missing (installed with icinga2-bin)"
[[ -f $main_conf ]] || fail "$main_conf missing (icinga2-common)"
grep -q 'atol-kkt' "$main_conf" && fail "$main_conf includes atol-kkt already: not Debian's default"
require_uninstalled
require_absent "$host_conf"
require_absent "$command_feature"
[[ -z $(pgrep -x icinga2) ]] || fail "an Icinga 2 runs already: this test runs Debian's own configuration"

make_work_dir icinga2
daemon_log=/var/log/icinga2/icinga2.log
cp -p "$main_conf" "$work/icinga2.conf.orig"
restore_config() {
    cp -p "$work/icinga2.conf.orig" "$main_conf"
    rm -f "$host_conf" "$command_feature"
}
trap cleanup EXIT
keep_state_dir /var/lib/icinga2

start_emulator --registers 40 --seed 11
install_package_and_profile

ok_serial=$(first_serial_in_state OK)
crit_serial=$(first_serial_in_state CRITICAL)
missing_serial=99999999999999
[[ $ok_serial != null && $crit_serial != null ]] || fail "the emulator fleet lacks an OK or a CRITICAL register"

# --- nagios/README.md 4a: the include line and the host, with this fleet's serials -----------
echo 'include "/usr/share/atol-kkt/icinga2/atol-kkt.conf"' >>/etc/icinga2/icinga2.conf
cat >"$host_conf" <<END
object Host "atol-shop" {
  check_command = "dummy"
  vars.dummy_text = "ATOL Online account of shop.example.ru"
  vars.atol_kkt_profile = "shop"
  vars.atol_kkt_registers = [ "$ok_serial", "$crit_serial", "$missing_serial" ]
}
END
echo "icinga2 daemon -C"
icinga2 daemon -C >"$work/validate.log" 2>&1 ||
    { cat "$work/validate.log" >&2; fail "icinga2 daemon -C refused Debian's configuration with the package's"; }
icinga2 object list --type Service --name 'atol-shop!*' >"$work/objects.txt" 2>&1 || true
[[ $(grep -c "^Object 'atol-shop!" "$work/objects.txt") == 4 ]] ||
    { cat "$work/objects.txt" >&2; fail "expected 4 services of host atol-shop from the package's apply rules"; }

# What the plugin says by hand, as user nagios: what Icinga 2 must record.
services=(atol-kkt-fleet "kkt-$ok_serial" "kkt-$crit_serial" "kkt-$missing_serial")
declare -A expected_state expected_output expected_perf expected_long
by_hand() {
    local service=$1 args=(--profile shop) out rc=0
    [[ $service == kkt-* ]] && args+=(--serial "${service#kkt-}")
    out=$(runuser -u nagios -- /usr/lib/nagios/plugins/check_atol_kkt "${args[@]}" 2>"$work/stderr") || rc=$?
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

# --- nagios/README.md: check now, through the command feature --------------------------------
icinga2 feature enable command >/dev/null
# Icinga 2 as its systemd unit starts it (icinga2.service: prepare-dirs, then the daemon with
# Debian's configuration); in the foreground, so that the test can stop it by PID.
echo "starting Icinga 2 with $main_conf"
/usr/lib/icinga2/prepare-dirs /usr/lib/icinga2/icinga2
setsid icinga2 daemon >"$work/icinga2.out" 2>&1 &
daemon_pid=$!
wait_for 30 "Icinga 2's command pipe" test -p "$command_pipe"
forced_at=$(date +%s)
printf '[%s] SCHEDULE_FORCED_HOST_SVC_CHECKS;atol-shop;%s\n' "$(date +%s)" "$(date +%s)" >/run/icinga2/cmd/icinga2.cmd

# Debian's configuration enables no feature that shows results while the daemon runs: the
# forced checks run at once (well under a second each against the emulator); the state file is
# written when the daemon stops, and each result there must be from after the forced check.
sleep 15
echo "stopping Icinga 2 (it writes its state file on the way out)"
pid=$daemon_pid
daemon_pid=''
stop "$pid" 30 || fail "Icinga 2 did not stop within 30s of SIGTERM"

# --- what Icinga 2 recorded: icinga2.state, netstrings of JSON objects ----------------------
[[ -s $state_file ]] || fail "no $state_file"
perl -0777 -ne 'while (/\G(\d+):/gc) { my $n = $1; print substr($_, pos($_), $n), "\n"; pos($_) += $n + 1; }' \
    "$state_file" >"$work/state.jsonl"

failures=0
for s in "${services[@]}"; do
    record=$(jq -c --arg name "atol-shop!$s" 'select(.type == "Service" and .name == $name) | .update.last_check_result' "$work/state.jsonl")
    if [[ -z $record || $record == null ]]; then
        echo "FAIL: Icinga 2 recorded no check result for $s" >&2
        failures=$((failures + 1))
        continue
    fi
    state=$(jq -r '.state' <<<"$record")
    exit_status=$(jq -r '.exit_status' <<<"$record")
    output=$(jq -r '.output' <<<"$record")
    perf=$(jq -r '.performance_data | join(" ")' <<<"$record")
    checked_at=$(jq -r '.execution_end | floor' <<<"$record")
    first_line=${output%%$'\n'*}
    first_line=${first_line%" "} # Icinga 2 keeps the space before the '|'
    long=
    if [[ $output == *$'\n'* ]]; then long=${output#*$'\n'}; fi
    problems=()
    ((checked_at >= forced_at)) || problems+=("the result is from before the forced check ($checked_at < $forced_at)")
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
echo "PASS: Debian's Icinga 2 ran the installed check_atol_kkt and recorded the expected states and performance data"
