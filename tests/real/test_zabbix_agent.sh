#!/usr/bin/env bash
# Real Zabbix agent test: the shipped zabbix/userparameter_atol_kkt.conf, unmodified, included by a
# private zabbix_agentd configuration, serves every key against the emulator:
#   - `zabbix_agentd -t` returns the discovery, the registers JSON and single values;
#   - an agent started in the foreground on 127.0.0.1 answers `zabbix_get` for every key, with the
#     values of `atol-kkt zabbix registers`, and an error text for unknown values and registers;
#   - 200 parallel `zabbix_get` of per-register values cost one upstream list fetch.
# The agent runs `atol-kkt` from its PATH (a copy of the built binary) and passes its environment
# on, so the profile lives in a private ATOL_KKT_CONFIG_DIR. Nothing the agent reads lies in the
# checkout (which may be in a directory others cannot enter): the binary, the UserParameter
# file, the profile and the cache are in the test's own directory. Everything on 127.0.0.1,
# bounded waits, processes stopped by PID.
# usage: test_zabbix_agent.sh ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR
set -euo pipefail
bin=$(realpath "${1:?usage: $0 ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR}")
emulator_bin=$(realpath "${2:?usage: $0 ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR}")
src=$(realpath "${3:?usage: $0 ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR}")

passes=0 failures=0
pass() { echo "ok   $*"; passes=$((passes + 1)); }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

for tool in zabbix_agentd zabbix_get curl jq; do
    command -v "$tool" >/dev/null ||
        { echo "FAIL $tool is not installed (scripts/setup.sh --tests installs it)"; exit 1; }
done

work=$(mktemp -d /tmp/atol-zabbix-agent.XXXXXX)
chmod 0755 "$work"
cd "$work"
emulator_pid='' agent_pid=''
stop() { # stop a process we started, by PID, and wait for it
    local pid=$1
    [[ -n "$pid" ]] || return 0
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    stop "$agent_pid"
    stop "$emulator_pid"
    rm -rf "$work"
}
trap cleanup EXIT

now=2026-11-28T12:00:00Z
registers=30

# The emulator, on an ephemeral port; its first line is its URL.
"$emulator_bin" --port 0 --registers "$registers" --seed 7 --now "$now" >"$work/emulator.out" \
    2>"$work/emulator.err" &
emulator_pid=$!
for _ in $(seq 100); do
    [[ -s "$work/emulator.out" ]] && break
    sleep 0.1
done
url=$(head -n 1 "$work/emulator.out")
[[ "$url" == http://127.0.0.1:*/api ]] || { echo "FAIL emulator did not start: $url"; exit 1; }
control=${url%/api}
stats() { curl -fsS "$control/_emulator/stats"; }

# The profile the agent keys name: test -> $ATOL_KKT_CONFIG_DIR/test.conf (0600, as required).
mkdir -m 0700 "$work/etc"
cat >"$work/etc/test.conf" <<EOF
base-url = $url
cache-dir = $work/cache
timeout = 20
EOF
chmod 0600 "$work/etc/test.conf"

# The shipped UserParameter file, as it is, runs `atol-kkt` from PATH.
mkdir -m 0755 "$work/bin"
install -m 0755 "$bin" "$work/bin/atol-kkt"
install -m 0644 "$src/zabbix/userparameter_atol_kkt.conf" "$work/userparameter_atol_kkt.conf"
export PATH="$work/bin:$PATH" ATOL_KKT_CONFIG_DIR="$work/etc" ATOL_KKT_NOW="$now"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Only what a private agent on a free port needs: Timeout, StartAgents and the rest stay at the
# agent's defaults (3 s, 3), as zabbix/README.md tells the admin.
write_agent_config() {
    cat >"$work/zabbix_agentd.conf" <<EOF
LogType=console
AllowRoot=1
ListenIP=127.0.0.1
ListenPort=$1
Server=127.0.0.1
ServerActive=
Hostname=atol-kkt-test
PidFile=$work/zabbix_agentd.pid
Include=$work/userparameter_atol_kkt.conf
EOF
}
write_agent_config 10050

# What the agent's `-t` prints is "KEY   [t|VALUE]": the value between "[t|" and the last "]".
agent_test() {
    local out
    out=$(timeout 60 zabbix_agentd -c "$work/zabbix_agentd.conf" -t "$1" 2>&1) || true
    out=${out#*\[t|}
    printf '%s' "${out%]}"
}

reference_registers=$(atol-kkt zabbix registers --profile test)
reference_discovery=$(atol-kkt zabbix discovery --profile test)
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
started=''
for _ in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 12000)) # zabbix_agentd accepts ListenPort 1024..32767
    port_in_use "$port" && continue
    write_agent_config "$port"
    setsid zabbix_agentd -f -c "$work/zabbix_agentd.conf" >"$work/agent.log" 2>&1 &
    agent_pid=$!
    for _ in $(seq 100); do
        if [[ "$(zabbix_get -s 127.0.0.1 -p "$port" -k agent.ping 2>/dev/null)" == 1 ]]; then
            started=yes
            break
        fi
        kill -0 "$agent_pid" 2>/dev/null || break
        sleep 0.1
    done
    [[ -n "$started" ]] && break
    stop "$agent_pid"
    agent_pid=''
done
if [[ -z "$started" ]]; then
    sed 's/^/     /' "$work/agent.log" | tail -20
    echo "FAIL zabbix_agentd did not start"
    exit 1
fi
pass "zabbix_agentd -f listens on 127.0.0.1:$port"
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
rm -rf "$work/cache"
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

echo "$passes passed, $failures failed"
((failures == 0))
