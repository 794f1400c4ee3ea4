#!/usr/bin/env bash
# Real Zabbix agent test of the installed Debian package, with Debian's own agent configuration
# (/etc/zabbix/zabbix_agentd.conf as zabbix-agent ships it, which includes
# /etc/zabbix/zabbix_agentd.conf.d/*.conf) plus exactly the steps of zabbix/README.md (the
# package, the profile of the agent's user, its cache directory), against the emulator:
#   - `zabbix_agentd -t` returns the discovery, the registers JSON and single values;
#   - the agent, started as its systemd unit starts it (user zabbix, --foreground), answers
#     `zabbix_get` for every key, with the values of `atol-kkt zabbix registers`, and an error
#     text for unknown values and registers, within Debian's default Timeout (3 s);
#   - 200 parallel `zabbix_get` of per-register values cost one upstream list fetch.
# The agent listens where Debian's file says (port 10050): the test fails, touching nothing,
# when something listens there already. The package is purged at the end.
# usage: test_zabbix_agent.sh DEB EMULATOR_BIN      (as root, RESOURCE_LOCK dpkg)
set -euo pipefail
deb=$(realpath "${1:?usage: $0 DEB EMULATOR_BIN}")
emulator_bin=$(realpath "${2:?usage: $0 DEB EMULATOR_BIN}")
agent_conf=/etc/zabbix/zabbix_agentd.conf
agent_port=10050
here=$(cd "$(dirname "$0")" && pwd)

package=atol-kkt
# shellcheck source-path=SCRIPTDIR source=../package/lib/package.sh
source "$here/../package/lib/package.sh"
for tool in zabbix_agentd zabbix_get curl jq runuser; do
    command -v "$tool" >/dev/null || package_fail "$tool is not installed (scripts/setup.sh --tests installs it)"
done
[[ -f $agent_conf ]] || package_fail "$agent_conf missing (zabbix-agent)"
grep -qx 'Include=/etc/zabbix/zabbix_agentd.conf.d/\*.conf' "$agent_conf" ||
    package_fail "$agent_conf does not include zabbix_agentd.conf.d: not Debian's default"
require_uninstalled
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_in_use "$agent_port" && package_fail "something listens on port $agent_port already (another agent?)"

work=$(mktemp -d /tmp/atol-zabbix-agent.XXXXXX)
chmod 0755 "$work"
cd "$work"
# shellcheck source-path=SCRIPTDIR source=lib/tally.sh
source "$here/lib/tally.sh"
agent_pid=''
# At exit, before tally.sh's cleanup: the agent stopped (runuser passes the SIGTERM on), then
# the package purged.
extra_cleanup() {
    if [[ -n $agent_pid ]]; then
        kill "$agent_pid" 2>/dev/null || true
        wait "$agent_pid" 2>/dev/null || true
    fi
    purge_package
}

now=2026-11-28T12:00:00Z
registers=30

# The emulator, on an ephemeral port; its first line is its URL.
"$emulator_bin" --port 0 --registers "$registers" --seed 7 --now "$now" >"$work/emulator.out" \
    2>"$work/emulator.err" &
pids+=($!)
for _ in $(seq 100); do
    [[ -s "$work/emulator.out" ]] && break
    sleep 0.1
done
url=$(head -n 1 "$work/emulator.out")
[[ "$url" == http://127.0.0.1:*/api ]] || die "emulator did not start: $url"
control=${url%/api}
stats() { curl -fsS "$control/_emulator/stats"; }

# --- zabbix/README.md steps 1 and 2: the package; profile "test" of user zabbix, written as
# the admin would after `editor`, with the emulator (test mode) in place of ATOL's API --------
install_deb "$deb"
[[ -f /etc/zabbix/zabbix_agentd.conf.d/userparameter_atol_kkt.conf ]] ||
    die "the package did not install the agent keys"
install -m 0600 -o zabbix -g zabbix /etc/atol-kkt/profile.conf.example /etc/atol-kkt/test.conf
install -d -o zabbix -g zabbix -m 0700 /var/cache/atol-kkt/zabbix
cat >/etc/atol-kkt/test.conf <<EOF
base-url = $url
timeout = 25
cache-dir = /var/cache/atol-kkt/zabbix/test
EOF
# The emulator's clock, passed on by the agent to the keys' commands (not a setting).
export ATOL_KKT_NOW="$now"
as_zabbix() { runuser -u zabbix -- "$@"; }

# What the agent's `-t` prints is "KEY   [t|VALUE]": the value between "[t|" and the last "]".
# As zabbix/README.md runs it: as the agent's user (as root, -t runs the key as root, whose
# cache directory is not the agent's).
agent_test() {
    local out
    out=$(timeout 60 runuser -u zabbix -- zabbix_agentd -t "$1" 2>&1) || true
    out=${out#*\[t|}
    printf '%s' "${out%]}"
}

reference_registers=$(as_zabbix atol-kkt zabbix registers --profile test)
reference_discovery=$(as_zabbix atol-kkt zabbix discovery --profile test)
"$emulator_bin" --dump-fleet --registers "$registers" --seed 7 --now "$now" >"$work/fleet.json"
jq -r '.[].serialNumber' "$work/fleet.json" >"$work/serials"
first_serial=$(head -n 1 "$work/serials")

# --- zabbix_agentd -t ---------------------------------------------------------------------
discovery=$(agent_test 'atol.kkt.discovery[test]')
if [[ "$(jq -r '.[]["{#SERIAL}"]' <<<"$discovery" 2>/dev/null)" == "$(cat "$work/serials")" ]] &&
    [[ "$discovery" == "$reference_discovery" ]]; then
    pass "zabbix_agentd -t atol.kkt.discovery[test]: all $registers registers"
else
    fail "zabbix_agentd -t atol.kkt.discovery[test]: ${discovery:0:300}"
fi

value=$(agent_test 'atol.kkt.registers[test]')
if [[ "$value" == "$reference_registers" ]] && [[ $(jq length <<<"$value") == "$registers" ]]; then
    pass "zabbix_agentd -t atol.kkt.registers[test]: the registers JSON"
else
    fail "zabbix_agentd -t atol.kkt.registers[test]: ${value:0:300}"
fi

expected=$(jq -r --arg s "$first_serial" '.[] | select(.serial_number == $s) | .fn_usage' \
    <<<"$reference_registers")
value=$(agent_test "atol.kkt.get[test,$first_serial,fn_usage]")
if [[ "$value" == "$expected" ]]; then
    pass "zabbix_agentd -t atol.kkt.get[test,$first_serial,fn_usage] = $value"
else
    fail "zabbix_agentd -t atol.kkt.get[test,$first_serial,fn_usage]: '$value', expected '$expected'"
fi

value=$(agent_test 'atol.kkt.get[test,00000000000000,fn_usage]')
if [[ "$value" == "atol-kkt: register 00000000000000 not found in the account" ]]; then
    pass "zabbix_agentd -t with an unknown serial: the error line"
else
    fail "zabbix_agentd -t with an unknown serial: '$value'"
fi

# --- a running agent and zabbix_get ---------------------------------------------------------
# As zabbix-agent.service starts it: user zabbix, Debian's configuration, in the foreground.
setsid runuser -u zabbix -- zabbix_agentd --foreground >"$work/agent.log" 2>&1 &
agent_pid=$!
started=''
for _ in $(seq 100); do
    if [[ "$(zabbix_get -s 127.0.0.1 -p "$agent_port" -k agent.ping 2>/dev/null)" == 1 ]]; then
        started=yes
        break
    fi
    kill -0 "$agent_pid" 2>/dev/null || break
    sleep 0.1
done
if [[ -z "$started" ]]; then
    sed 's/^/     /' "$work/agent.log" /var/log/zabbix-agent/zabbix_agentd.log 2>/dev/null | tail -20
    die "zabbix_agentd did not start with $agent_conf"
fi
pass "zabbix_agentd --foreground (Debian's configuration) answers on port $agent_port"
port=$agent_port
get() { timeout 60 zabbix_get -s 127.0.0.1 -p "$port" -t 30 -k "$1" 2>&1; }

[[ "$(get 'atol.kkt.discovery[test]')" == "$reference_discovery" ]] &&
    pass "zabbix_get atol.kkt.discovery[test]" || fail "zabbix_get atol.kkt.discovery[test]"
[[ "$(get 'atol.kkt.registers[test]')" == "$reference_registers" ]] &&
    pass "zabbix_get atol.kkt.registers[test]" || fail "zabbix_get atol.kkt.registers[test]"

# What `zabbix get` gives for one key of one register: the JSON value as Zabbix text, or for
# null the error line (the agent returns it as the value; the template's preprocessing fails it).
expected_value() { # serial key
    jq -r --arg s "$1" --arg k "$2" '.[] | select(.serial_number == $s) | .[$k] |
        if type == "boolean" then (if . then "1" else "0" end)
        elif type == "array" or type == "object" then tojson
        elif type == "null" then "(null)"
        else . end' <<<"$reference_registers"
}
check_value() { # serial key actual -> 0 when right
    local want
    want=$(expected_value "$1" "$2")
    if [[ "$want" == "(null)" ]]; then
        [[ "$3" == "atol-kkt: register $1: $2 is unknown ("* ]]
    else
        [[ "$3" == "$want" ]]
    fi
}

# Every key of two registers: the first and one with unknown fields (the emulator's mix has them).
odd_serial=$(jq -r '[.[] | select(.unknown_fields | length > 0)][0].serial_number' \
    <<<"$reference_registers")
for serial in "$first_serial" "$odd_serial"; do
    bad=0 count=0 unknown=0
    for key in $(jq -r '.[0] | keys_unsorted[]' <<<"$reference_registers"); do
        value=$(get "atol.kkt.get[test,$serial,$key]")
        count=$((count + 1))
        [[ "$value" == "atol-kkt: "* ]] && unknown=$((unknown + 1))
        if ! check_value "$serial" "$key" "$value"; then
            bad=$((bad + 1))
            echo "     $serial $key: '$value', expected '$(expected_value "$serial" "$key")'"
        fi
    done
    if ((bad == 0 && count > 25)); then
        pass "zabbix_get atol.kkt.get[test,$serial,KEY] for all $count keys ($unknown unknown)"
    else
        fail "zabbix_get atol.kkt.get[test,$serial,KEY]: $bad of $count wrong"
    fi
done

# --- 200 parallel per-register values, one upstream list fetch -------------------------------
rm -rf /var/cache/atol-kkt/zabbix/test
curl -fsS -X POST -d '{}' "$control/_emulator/reset-stats" >/dev/null
metrics=(fn_days_left fn_usage unsent_docs unsent_age_hours ofd_block_days_left network_error
    signed_documents shift_number shift_receipts state_code data_age_hours)
mapfile -t serials <"$work/serials"
mkdir "$work/parallel"
for i in $(seq 0 199); do
    echo "$i ${serials[i % ${#serials[@]}]} ${metrics[i % ${#metrics[@]}]}"
done >"$work/queries"
export port work
xargs -P 25 -L 1 bash -c 'timeout 60 zabbix_get -s 127.0.0.1 -p "$port" -t 30 \
    -k "atol.kkt.get[test,$1,$2]" >"$work/parallel/$0" 2>&1' <"$work/queries"
bad=0
while read -r i serial metric; do
    check_value "$serial" "$metric" "$(cat "$work/parallel/$i")" || {
        bad=$((bad + 1))
        ((bad <= 5)) && echo "     $serial $metric: '$(cat "$work/parallel/$i")'"
    }
done <"$work/queries"
fetches=$(stats | jq '.list_fetches')
if ((bad == 0)); then
    pass "200 parallel zabbix_get of per-register values: all right"
else
    fail "200 parallel zabbix_get: $bad wrong"
fi
if [[ "$fetches" == 1 ]]; then
    pass "200 parallel zabbix_get cost one upstream list fetch"
else
    fail "200 parallel zabbix_get cost $fetches list fetches (want 1): $(stats)"
fi

finish
