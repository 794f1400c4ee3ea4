#!/usr/bin/env bash
# The server's side of a host per register (zabbix/README.md, "A host per register"; issue 15):
# the Zabbix 6.0 rig of the e2e (tests/real/zabbix/stack.sh), an emulator with REGISTERS
# generated registers, the template imported and the account's host created as the e2e does
# (tests/real/zabbix/case_host_per_register.sh: the documented steps, macro {$ATOL.PROFILE}
# only, the default {$ATOL.INTERVAL} of 1m and the default cache-ttl of 60 s). Once every
# register has its host and every item a value, it watches for MEASURE seconds and prints the
# server's internal items (values per second, busy % of the preprocessing manager and workers,
# pollers, LLD workers, history syncer; queues), the cost of the agent's one-register reads
# (wall and CPU of each `atol-kkt zabbix registers --serial` the agent ran, timed by
# /usr/bin/time around the binary) and the emulator's list fetches, which must be one per TTL
# for the whole account. Every step is checked; figures are printed, not judged (not a CTest).
#
#   tests/bench/zabbix_hosts.sh BUILD_DIR [REGISTERS (500)] [MEASURE seconds (180)]
#
# Runs as root (PostgreSQL runs as postgres), like the real tests; about 10 minutes at 500.
set -euo pipefail
usage="usage: $0 BUILD_DIR [REGISTERS] [MEASURE_SECONDS]"
build_dir=$(realpath "${1:?$usage}")
register_count=${2:-500}
measure_seconds=${3:-180}
src=$(realpath "$(dirname "$0")/../..")
real_bin=$build_dir/plugin/atol-kkt
emulator_bin=$build_dir/tests/emulator/atol-kkt-emulator
for f in "$real_bin" "$emulator_bin"; do [[ -x "$f" ]] || { echo "$f is not built"; exit 2; }; done
cache_ttl=60 # atol-kkt's default --cache-ttl (README.md), which the profile keeps

source "$src/tests/real/zabbix/stack.sh"
source "$src/tests/real/zabbix/case_host_per_register.sh"
# The configuration cache of 500 register hosts (about 15,000 items and their triggers) does
# not fit the default CacheSize (32M): the configuration syncer exits out of memory.
zabbix_server_extra_config="CacheSize=256M"
profile=bench
now=$(date -u +%Y-%m-%dT%H:%M:%SZ) # only for set_agent_clock, which the wrapper ignores
work=$(mktemp -d /tmp/atol-zabbix-bench.XXXXXX)
chmod 0755 "$work"
cd "$work"
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*"; }
fatal() {
    echo "FAIL $*"
    for f in "$work"/zabbix_server.log "$work"/zabbix_agentd.log; do
        [[ -f "$f" ]] && { echo "==== $(basename "$f") (last lines)"; tail -n 15 "$f"; }
    done
    exit 1
}
finish() { stack_stop; rm -rf "$work"; }
trap finish EXIT
for tool in php jq curl /usr/bin/time; do command -v "$tool" >/dev/null || fatal "$tool is missing"; done

log "Zabbix $stack_version: preparing"
stack_prepare || fatal "Zabbix $stack_version could not be prepared (see above)"

log "emulator: $register_count registers"
start_daemon emulator TERM "$emulator_bin" --port 0 --registers "$register_count" --seed 1 --threads 2
wait_until 30 "the emulator's URL" grep -q '^http' "$work/emulator.log" || fatal "the emulator did not start"
base_url=$(head -1 "$work/emulator.log")
control=${base_url%/api}/_emulator
install_profile "$profile" <<EOF
base-url = $base_url
timeout = 25
EOF

# What the agent runs: the shipped UserParameter file through the e2e's installer, whose binary
# is here a wrapper that drops the e2e's fixed clock (the cache must age for real) and times
# each one-register read into register-reads.tsv (wall, user, system seconds).
install -D -m 0755 "$real_bin" "$work/bin/atol-kkt.real"
cat >"$work/atol-kkt-timed" <<EOF
#!/bin/sh
unset ATOL_KKT_NOW
case " \$* " in
*" --serial "*) exec /usr/bin/time -a -o $work/register-reads.tsv -f '%e	%U	%S' $work/bin/atol-kkt.real "\$@" ;;
esac
exec $work/bin/atol-kkt.real "\$@"
EOF
bin=$work/atol-kkt-timed
chmod 0755 "$bin"
install_userparameters "$src/zabbix/userparameter_atol_kkt.conf" || fatal "cannot install the UserParameter file"
env ATOL_KKT_CONFIG_DIR="$work/etc" "$real_bin" zabbix registers --profile "$profile" >"$work/registers.json" ||
    fatal "atol-kkt zabbix registers failed"
[[ $(jq length "$work/registers.json") == "$register_count" ]] ||
    fatal "atol-kkt sees $(jq length "$work/registers.json") registers, not $register_count"
echo "     the account's JSON: $(wc -c <"$work/registers.json") bytes"

log "Zabbix $stack_version: PostgreSQL, schema, server, frontend, agent"
start=$SECONDS
stack_start || fatal "the Zabbix $stack_version stack did not start"
echo "     stack up in $((SECONDS - start)) s"
zabbix_auth=$(api user.login '{"username": "Admin", "password": "zabbix"}' | jq -r .) || fatal "user.login failed"

# What host_per_register_start uses from the e2e (tests/real/test_zabbix_server.sh), with the
# documented macro only.
import_rules=$(jq -c --argjson groups "$group_import_rules" '$groups + .' <<<'{
    "templates": {"createMissing": true, "updateExisting": true},
    "items": {"createMissing": true, "updateExisting": true},
    "discoveryRules": {"createMissing": true, "updateExisting": true},
    "triggers": {"createMissing": true, "updateExisting": true},
    "graphs": {"createMissing": true, "updateExisting": true},
    "templateDashboards": {"createMissing": true, "updateExisting": true},
    "valueMaps": {"createMissing": true, "updateExisting": true}}')
template_id() {
    api template.get "$(jq -cn --arg n "$1" '{filter: {host: [$n]}, output: ["templateid"]}')" |
        jq -r '.[0].templateid'
}
create_host() { # NAME TEMPLATEID INTERFACE_PORT
    api host.create "$(jq -cn --arg name "$1" --arg template "$2" --arg port "$3" --arg profile "$profile" \
        '{host: $name, groups: [{groupid: "2"}], templates: [{templateid: $template}],
          interfaces: [{type: 1, main: 1, useip: 1, ip: "127.0.0.1", dns: "", port: $port}],
          macros: [{macro: "{$ATOL.PROFILE}", value: $profile}]}')" | jq -r '.hostids[0]'
}

# The server's internal items, on a host of their own, every 10 s.
internal_keys=(
    "zabbix[wcache,values]"
    "zabbix[process,preprocessing manager,avg,busy]"
    "zabbix[process,preprocessing worker,avg,busy]"
    "zabbix[process,poller,avg,busy]"
    "zabbix[process,lld worker,avg,busy]"
    "zabbix[process,history syncer,avg,busy]"
    "zabbix[preprocessing_queue]"
    "zabbix[lld_queue]"
    "zabbix[queue]"
)
server_host=$(api host.create '{"host": "bench-server", "groups": [{"groupid": "2"}]}' | jq -r '.hostids[0]') ||
    fatal "host.create bench-server"
for key in "${internal_keys[@]}"; do
    # Counters and queues are integers; zabbix[wcache,values] counts since start: per second.
    api item.create "$(jq -cn --arg h "$server_host" --arg key "$key" '{hostid: $h, name: $key, key_: $key,
        type: 5, delay: "10s",
        value_type: (if ($key | test("busy|wcache")) then 0 else 3 end)}
        + (if $key == "zabbix[wcache,values]" then {preprocessing: [{type: 10, params: "",
              error_handler: 0, error_handler_params: ""}]} else {} end)')" >/dev/null ||
        fatal "item.create $key"
done

host_per_register_start

log "waiting for $register_count register hosts ($SECONDS s in)"
start=$SECONDS
register_host_count() {
    api host.get '{"search": {"host": "kkt-"}, "startSearch": true, "countOutput": true}' | jq -r .
}
server_gone() { daemon_alive zabbix_server || fatal "zabbix_server exited"; }
all_hosts_discovered() { ! daemon_alive zabbix_server || [[ $(register_host_count) == "$register_count" ]]; }
wait_until 900 "$register_count register hosts" all_hosts_discovered ||
    fatal "$(register_host_count) of $register_count register hosts after 900 s"
server_gone
echo "     $register_count hosts discovered in $((SECONDS - start)) s"
kkt_group=$(api hostgroup.get '{"filter": {"name": ["ATOL KKT"]}, "output": ["groupid"]}' | jq -r '.[0].groupid')
register_items_all() {
    api item.get "$(jq -cn --arg g "$kkt_group" '{groupids: [$g], search: {key_: "atol.kkt."},
        output: ["key_", "lastclock", "state"]}')"
}
items_waiting() { # items with neither a value nor an error, the register JSON master item aside
    register_items_all | jq '[.[] | select(.key_ | startswith("atol.kkt.register[") | not)
        | select(.state == "0" and .lastclock == "0")] | length'
}
all_items_valued() { ! daemon_alive zabbix_server || [[ $(items_waiting) == 0 ]]; }
wait_until 600 "every register host's items have a value" all_items_valued ||
    fatal "$(items_waiting) register items still without a value after 600 s"
server_gone
item_count=$(register_items_all | jq length)
echo "     $item_count items on the register hosts, all with a value, $((SECONDS - start)) s after the account host"

log "measuring for $measure_seconds s"
: >"$work/register-reads.tsv"
curl -fsS -X POST "$control/reset-stats" >/dev/null || fatal "the emulator's reset-stats failed"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
from=$(date +%s)
sleep "$measure_seconds"
till=$(date +%s)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
curl -fsS "$control/stats" >"$work/emulator-stats.json" || fatal "the emulator's stats failed"
server_gone

echo
echo "== Zabbix $stack_version, $register_count register hosts ($item_count items), $((till - from)) s from $(date -u -d "@$from" +%FT%TZ)"
echo "   load average (1, 5, 15 min) before: $load_before, after: $load_after; $(nproc) CPUs"
echo "-- the server's internal items (every 10 s): average, maximum"
for key in "${internal_keys[@]}"; do
    itemid=$(api item.get "$(jq -cn --arg h "$server_host" --arg k "$key" \
        '{hostids: [$h], filter: {key_: [$k]}, output: ["itemid", "value_type", "state", "error"]}')") ||
        fatal "item.get $key"
    [[ $(jq -r '.[0].state' <<<"$itemid") == 0 ]] || fatal "$key is not supported: $(jq -r '.[0].error' <<<"$itemid")"
    values=$(api history.get "$(jq -cn --argjson i "$itemid" --argjson from "$from" --argjson till "$till" \
        '{itemids: [$i[0].itemid], history: ($i[0].value_type | tonumber), time_from: $from, time_till: $till,
          output: ["value"]}')") || fatal "history.get $key"
    jq -e 'length > 0' <<<"$values" >/dev/null || fatal "$key has no value in the window"
    jq -r --arg k "$key" 'map(.value | tonumber) | "   \($k): average \(add / length * 100 | round / 100), max \(max * 100 | round / 100) (\(length) values)"' <<<"$values"
done
echo "-- the agent's one-register reads (atol-kkt zabbix registers --serial), as the agent ran them"
[[ -s "$work/register-reads.tsv" ]] || fatal "the agent ran no one-register read in the window"
grep -P '^[0-9.]+\t' "$work/register-reads.tsv" | sort -n | awk -F'\t' -v secs=$((till - from)) '
    { wall[NR] = $1; cpu += $2 + $3; total += $1 }
    END {
        p95 = int(NR * 0.95)
        if (p95 < 1) p95 = 1
        printf "   %d reads (%.1f a second): wall median %.0f ms, 95th %.0f ms, max %.0f ms; CPU (user+sys) %.1f ms a read\n", NR, NR / secs, wall[int((NR + 1) / 2)] * 1000, wall[p95] * 1000, wall[NR] * 1000, cpu / NR * 1000
        printf "   the agent busy %.2f s a second running them, %.3f CPU\n", total / secs, cpu / secs
    }'

fetches=$(jq -r .list_fetches "$work/emulator-stats.json")
echo "-- upstream: the emulator's stats over the window"
echo "   $(jq -c '{requests, auth, list_fetches, list_pages, get, errors}' "$work/emulator-stats.json")"
expected_max=$(((till - from) / cache_ttl + 1))
echo "   $fetches list fetches in $((till - from)) s at cache-ttl $cache_ttl s (at most $expected_max for one per TTL)"
((fetches >= 1 && fetches <= expected_max)) ||
    fatal "the account was fetched $fetches times in $((till - from)) s: not one fetch per $cache_ttl s TTL"
echo "ok   one upstream list fetch per TTL for the whole account"
