#!/usr/bin/env bash
# Real server, end to end: a throw-away Zabbix server + PostgreSQL + frontend API + agent on
# loopback, 6.0 from Debian 12 (tests/real/zabbix/stack.sh) or 7.0 from Debian 13 in a chroot
# (tests/real/zabbix7/stack.sh); the shipped templates imported through the API; host
# "atol-agent" uses the agent template with the shipped UserParameter file, host "atol-trapper"
# the trapper template fed by `atol-kkt zabbix send`, host "atol-active" the active-agent
# template (tests/real/zabbix/active_agent.sh); all read an emulator fleet with known
# problems (tests/real/zabbix/e2e_fleet.json). Asserts: every register the filter
# lets through is discovered (and the excluded one is not), every item value equals what
# `atol-kkt zabbix registers` says (unknown values: not supported with a reason; a register
# without group, ФН usage and address is still discovered), the graphs and the dashboard,
# exactly the expected trigger prototypes fire (an offline register's old unsent documents
# raise none: the dependency on "no status"), each problem carries the register's group, inn
# and address tags and its address in the event name, a per-register macro context overrides a
# threshold, a register whose ФН memory fills up before it expires raises the forecast problem
# from a week of history in the cache (docs/forecast.md), an API failure fires the API trigger
# of both hosts (the sender pushes the error) and its end resolves it. The server and agent
# keep their default timeouts (3 s): ATOL answering in 10 s costs no item and no problem and
# shows in the list age item; ATOL not answering fires the API trigger; the agent interface
# stays available throughout. Last, a register leaves the account and loses its items per
# {$ATOL.LLD.LIFETIME} (0 on the hosts).
# usage: test_zabbix_server.sh ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR [ZABBIX_VERSION CACHE_DIR]
#   ZABBIX_VERSION  6.0 (default) or 7.0: its Debian 13 root is kept in CACHE_DIR/zabbix7-root
set -euo pipefail
usage="usage: $0 ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR [ZABBIX_VERSION CACHE_DIR]"
bin=$(realpath "${1:?$usage}")
emulator_bin=$(realpath "${2:?$usage}")
src=$(realpath "${3:?$usage}")
case ${4:-6.0} in
6.0) source "$src/tests/real/zabbix/stack.sh" ;;
7.0)
    zabbix7_cache=$(realpath -m "${5:?$usage}")
    source "$src/tests/real/zabbix7/stack.sh"
    # The root's mounts live in a private mount namespace: they end with this test, however it ends.
    chroot_require_private_mounts "$0" "$@"
    ;;
*) echo "$usage"; exit 2 ;;
esac
source "$src/tests/real/zabbix/case_host_per_register.sh"
profile=e2e
# The fleet's timestamps are written relative to 2026-03-01T12:00:00Z; they are moved to the
# test's start, which atol-kkt then takes as its fixed clock (ATOL_KKT_NOW): every metric is
# known in advance and the values the sender stamps are recent (Zabbix shows the last 24 h only).
fleet_reference=2026-03-01T12:00:00Z
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)

work=$(mktemp -d /tmp/atol-zabbix-server.XXXXXX)
chmod 0755 "$work" # PostgreSQL runs as postgres below it
cd "$work"

passes=0 failures=0
pass() { echo "ok   $*"; passes=$((passes + 1)); }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
finish() {
    local status=$?
    stack_stop
    if ((failures > 0 || status != 0)); then
        for f in "$work"/*.log; do
            [[ -f "$f" ]] || continue
            echo "==== $(basename "$f") (last lines)"
            tail -n 25 "$f"
        done
    fi
    rm -rf "$work"
}
trap finish EXIT
fatal() { fail "$*"; echo "$passes passed, $failures failed"; exit 1; }

for tool in php jq curl; do
    command -v "$tool" >/dev/null || fatal "$tool is missing (scripts/setup.sh --tests installs it)"
done
log "Zabbix $stack_version: preparing"
stack_prepare || fatal "Zabbix $stack_version could not be prepared (see above)"

# The emulator, a profile pointing at it, and what atol-kkt says about the fleet.
log "emulator and profile"
# fleet_on DAYS_AGO: the fleet as it was then. 00106711000004 (ФН expiring in a year) fills
# 2 %/day up to 60 % today: full in 20 days, which only its history tells (docs/forecast.md).
days_ago() { date -u -d "@$(($(date -u -d "$now" +%s) - $1 * 86400))" +%Y-%m-%dT%H:%M:%SZ; }
fleet_on() {
    jq --arg reference "$fleet_reference" --arg at "$(days_ago "$1")" \
        --argjson usage $((60 - 2 * $1)) --argjson days "$1" '
        (($at | fromdate) - ($reference | fromdate)) as $shift
        | walk(if type == "string" and test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$")
               then (fromdate + $shift | todate) else . end)
        | map(if .serialNumber == "00106711000004"
              then .fiscalStoragePercentageUse = $usage else . end)
        # Seen at night, every shift of those days closed: the shifts open now opened today.
        | if $days > 0
          then map(.isShiftOpened = false | .shiftNumber = ([.shiftNumber - $days, 0] | max))
          else . end' \
        "$src/tests/real/zabbix/e2e_fleet.json"
}
fleet_on 0 >"$work/fleet.json"
start_daemon emulator TERM "$emulator_bin" --port 0 --fleet "$work/fleet.json"
wait_until 10 "the emulator's URL" grep -q '^http' "$work/emulator.log" || fatal "emulator did not start"
base_url=$(head -1 "$work/emulator.log")
# As zabbix/README.md tells the admin (the emulator for ATOL); cache-ttl stays at its default.
install_profile "$profile" <<EOF
base-url = $base_url
timeout = 25
EOF
# A week of ФН history in the profile's cache, as a daily run of any command leaves it.
for days in 7 6 5 4 3 2 1; do
    curl -fsS --max-time 10 -X POST -H 'Content-Type: application/json' \
        --data-binary "$(fleet_on "$days")" "${base_url%/api}/_emulator/fleet" >/dev/null ||
        fatal "the emulator took no fleet"
    now=$(days_ago "$days") run_atol list --json --profile "$profile" >/dev/null ||
        fatal "atol-kkt list failed $days days ago"
done
curl -fsS --max-time 10 -X POST -H 'Content-Type: application/json' \
    --data-binary "@$work/fleet.json" "${base_url%/api}/_emulator/fleet" >/dev/null ||
    fatal "the emulator took no fleet"
run_atol zabbix registers --profile "$profile" >"$work/registers.json" ||
    fatal "atol-kkt zabbix registers failed"
all_serials=$(jq -r '.[].serial_number' "$work/registers.json" | sort)
excluded_serial=00106711000007 # group "excluded-shops", filtered out by a host macro below
expected_serials=$(grep -v "^$excluded_serial\$" <<<"$all_serials")
[[ $(wc -l <<<"$all_serials") == 8 ]] || fatal "expected 8 registers from atol-kkt, got: $all_serials"

# The shipped UserParameter file where the agent reads it, with the test's clock.
userparameters=$src/zabbix/userparameter_atol_kkt.conf
[[ -f "$userparameters" ]] || fatal "$userparameters is missing"
install_userparameters "$userparameters" || fatal "cannot install $userparameters"

# The JSONPath of every dependent item, as the frontend's YAML reader sees the template.
php "$src/tests/real/zabbix/validate_template.php" /usr/share/zabbix "$src/zabbix/template_atol_kkt.yaml" \
    "$work/pairs.tsv" >"$work/validate.log" 2>&1 || fatal "template validation: $(tail -3 "$work/validate.log")"

log "Zabbix $stack_version: PostgreSQL, schema, server, frontend, agent"
start=$SECONDS
stack_start || fatal "the Zabbix $stack_version stack did not start"
echo "     stack up in $((SECONDS - start)) s"

zabbix_auth=$(api user.login '{"username": "Admin", "password": "zabbix"}' | jq -r .) ||
    fatal "user.login failed"

# The three templates through configuration.import, as an admin would: the files in the server's own
# export format (7.0: those that set the agent item's timeout).
import_rules=$(jq -c --argjson groups "$group_import_rules" '$groups + .' <<<'{
    "templates": {"createMissing": true, "updateExisting": true},
    "items": {"createMissing": true, "updateExisting": true},
    "discoveryRules": {"createMissing": true, "updateExisting": true},
    "triggers": {"createMissing": true, "updateExisting": true},
    "graphs": {"createMissing": true, "updateExisting": true},
    "templateDashboards": {"createMissing": true, "updateExisting": true},
    "valueMaps": {"createMissing": true, "updateExisting": true}}')
for template in template_atol_kkt{,_trapper,_active}$template_suffix.yaml; do
    jq -n --rawfile source "$src/zabbix/$template" --argjson rules "$import_rules" \
        '{format: "yaml", source: $source, rules: $rules}' >"$work/import.json"
    if [[ $(api configuration.import "@$work/import.json") == true ]]; then
        pass "$template imported through the API (configuration.import)"
    else
        fatal "$template: configuration.import failed"
    fi
done
template_id() {
    api template.get "$(jq -cn --arg n "$1" '{filter: {host: [$n]}, output: ["templateid"]}')" |
        jq -r '.[0].templateid'
}
agent_template=$(template_id "ATOL KKT by Zabbix agent")
trapper_template=$(template_id "ATOL KKT by Zabbix trapper")
# The 7.0 file sets the agent item's own timeout (zabbix/make_templates.sh): the server has it.
if [[ $stack_version == 7.0 ]]; then
    file_timeout=$(sed -n 's/^          timeout: //p' "$src/zabbix/template_atol_kkt$template_suffix.yaml")
    server_timeout=$(api item.get "$(jq -cn --arg t "$agent_template" \
        '{templateids: [$t], filter: {key_: ["atol.kkt.registers[{$ATOL.PROFILE}]"]}, output: ["timeout"]}')" |
        jq -r '.[0].timeout')
    if [[ -n "$file_timeout" && "$server_timeout" == "$file_timeout" ]]; then
        pass "the agent item's timeout is the 7.0 file's: $server_timeout"
    else
        fail "the agent item's timeout is \"$server_timeout\", the 7.0 file's \"$file_timeout\""
    fi
fi

# Hosts: fast polling and a short API error window to match, the profile, a per-register
# threshold and a discovery filter.
host_macros=$(jq -cn --arg profile "$profile" '[
    {macro: "{$ATOL.PROFILE}", value: $profile},
    {macro: "{$ATOL.INTERVAL}", value: "5s"},
    {macro: "{$ATOL.API.ERROR.WINDOW}", value: "15s"},
    {macro: "{$ATOL.LLD.FILTER.GROUP.NOT_MATCHES}", value: "^excluded"},
    {macro: "{$ATOL.FN.DAYS.WARN:\"00106711000006\"}", value: "10"}]')
create_host() { # NAME TEMPLATEID [INTERFACE_PORT]
    local interfaces='[]'
    [[ -n "${3:-}" ]] && interfaces=$(jq -cn --arg port "$3" \
        '[{type: 1, main: 1, useip: 1, ip: "127.0.0.1", dns: "", port: $port}]')
    api host.create "$(jq -cn --arg name "$1" --arg template "$2" --argjson macros "$host_macros" \
        --argjson interfaces "$interfaces" \
        '{host: $name, groups: [{groupid: "2"}], templates: [{templateid: $template}],
          interfaces: $interfaces, macros: $macros}')" | jq -r '.hostids[0]'
}
agent_host=$(create_host atol-agent "$agent_template" "$agent_port") || fatal "host.create atol-agent"
trapper_host=$(create_host atol-trapper "$trapper_template") || fatal "host.create atol-trapper"
pass "hosts created: atol-agent (agent template), atol-trapper (trapper template)"
source "$src/tests/real/zabbix/active_agent.sh"
active_agent_create_host
host_per_register_start

send_to_trapper() { # as an admin would: the profile; the sender pushes the template's plain keys
    run_atol zabbix send --profile "$profile" --zabbix-server "127.0.0.1:$server_port" \
        --host atol-trapper >>"$work/send.log" 2>&1
}

items_of() { # HOSTID -> item.get of every atol.kkt.* item
    api item.get "$(jq -cn --arg h "$1" '{hostids: [$h], search: {key_: "atol.kkt."},
        output: ["key_", "lastvalue", "lastclock", "state", "error", "flags"]}')"
}
discovered_serials() { # HOSTID -> serials with discovered items
    items_of "$1" | jq -r '.[] | select(.flags == "4") | .key_ | capture("\\[(?<s>[0-9]+)\\]$").s' | sort -u
}
prototype_count=$(grep -c '\[{#SERIAL}\]' "$work/pairs.tsv")
graph_prototype_count=$(api graphprototype.get "$(jq -cn --arg t "$agent_template" '{templateids: [$t], output: ["name"]}')" | jq length)
dashboards=$(api templatedashboard.get "$(jq -cn --arg t "$agent_template" '{templateids: [$t], output: ["name"]}')" | jq -r '.[].name')
if ((graph_prototype_count > 0)) && [[ $dashboards == "ATOL KKT registers" ]]; then
    pass "the agent template has $graph_prototype_count graph prototypes and its dashboard \"$dashboards\""
else
    fail "the agent template has $graph_prototype_count graph prototypes and dashboards: $dashboards"
fi
discovery_complete() { # HOSTID
    local items
    items=$(items_of "$1") || return 1
    [[ $(jq -r '.[] | select(.flags == "4") | .key_ | capture("\\[(?<s>[0-9]+)\\]$").s' <<<"$items" |
        sort -u) == "$expected_serials" ]] &&
        [[ $(jq '[.[] | select(.flags == "4")] | length' <<<"$items") -eq \
            $((prototype_count * $(wc -l <<<"$expected_serials"))) ]]
}
values_complete() { # HOSTID: every item has a value or is not supported
    items_of "$1" | jq -e '[.[] | select(.key_ | test("^atol\\.kkt\\.registers(\\[|$)") | not)
        | select(.state == "0" and .lastclock == "0")] | length == 0' >/dev/null
}
mismatches() { # HOSTID
    items_of "$1" >"$work/items.json"
    jq -nr --slurpfile items "$work/items.json" --slurpfile registers "$work/registers.json" \
        --rawfile pairs "$work/pairs.tsv" -f "$src/tests/real/zabbix/item_mismatches.jq"
}
problems() { # HOSTID -> sorted "severity<TAB>name" of triggers in PROBLEM state
    api trigger.get "$(jq -cn --arg h "$1" '{hostids: [$h], filter: {value: 1},
        output: ["description", "priority"], expandDescription: true}')" |
        jq -r '.[] | "\(.priority)\t\(.description)"' | sort
}
expected_problems=$(printf '%s\n' \
    $'2\tKKT 00106711000003: OFD network error' \
    $'2\tKKT 00106711000005: no status for more than 6 h' \
    $'2\tKKT 00106711000005: ФН memory is more than 80% full' \
    $'2\tKKT 00106711000004: ФН memory full in less than 30 days, before it expires' \
    $'4\tKKT 00106711000001: ФН expires in less than 7 days' \
    $'4\tKKT 00106711000002: oldest unsent document is older than 72 h' | sort)
problems_are() { [[ "$(problems "$1")" == "$2" ]]; }

fed_then() { # CHECK FEED HOSTID: feeds the host (the trapper needs pushes), then checks it
    "$2" || true
    "$1" "$3"
}
# Each register problem says where the register is: tags group, inn, address (and scope), and
# the address in the event name, as `atol-kkt zabbix registers` gives them.
routing_mismatches() { # HOSTID
    api problem.get "$(jq -cn --arg h "$1" '{hostids: [$h], output: ["name"], selectTags: "extend"}')" |
        jq -r --slurpfile registers "$work/registers.json" '
        ($registers[0] | map({key: .serial_number, value: .}) | from_entries) as $by_serial
        | .[] | select(.name | startswith("KKT "))
        | (.name | capture("^KKT (?<s>[0-9]+)").s) as $serial | $by_serial[$serial] as $r
        | (.tags | map({key: .tag, value: .value}) | from_entries) as $tags
        | select($tags.group != ($r.group_code // "") or $tags.inn != ($r.fiscal_storage_inn // "")
                 or $tags.address != ($r.fiscal_storage_payment_address // "") or ($tags.scope | not)
                 or (.name | contains(" (\($r.fiscal_storage_payment_address // ""))") | not))
        | "\(.name): tags \($tags | tojson)"'
}
check_host() { # NAME HOSTID FEED
    local name=$1 host=$2 feed=$3
    log "$name: discovery ($((SECONDS)) s into the test)"
    if wait_until 90 "$name: every register discovered" fed_then discovery_complete "$feed" "$host"; then
        pass "$name: every register discovered ($(wc -l <<<"$expected_serials") registers × $prototype_count item prototypes), the filtered-out $excluded_serial not"
    else
        fail "$name: discovered $(discovered_serials "$host" | tr '\n' ' '), expected $(tr '\n' ' ' <<<"$expected_serials")"
        return
    fi
    local graphs
    graphs=$(api graph.get "$(jq -cn --arg h "$host" '{hostids: [$h], output: ["name"]}')" | jq length)
    if ((graphs == $(wc -l <<<"$expected_serials") * graph_prototype_count)); then
        pass "$name: $graphs graphs from the graph prototypes"
    else
        fail "$name: $graphs graphs, expected $graph_prototype_count per register"
    fi
    log "$name: values"
    wait_until 90 "$name: every item has a value" fed_then values_complete "$feed" "$host" ||
        fail "$name: some items got no value"
    local wrong
    wrong=$(mismatches "$host")
    if [[ -z "$wrong" ]]; then
        pass "$name: every item value equals atol-kkt zabbix registers ($(items_of "$host" | jq length) items)"
    else
        fail "$name: item values differ:"
        sed 's/^/     /' <<<"$wrong"
    fi
    log "$name: triggers"
    if wait_until 60 "$name: the expected problems" problems_are "$host" "$expected_problems"; then
        pass "$name: exactly the expected triggers fire: $(cut -f2 <<<"$expected_problems" | paste -sd ';' -)"
        local unrouted
        unrouted=$(routing_mismatches "$host")
        if [[ -z "$unrouted" ]]; then
            pass "$name: each problem has the register's group, inn, address and scope tags and its address in the event name"
        else
            fail "$name: problems without the register's routing tags or address:"
            sed 's/^/     /' <<<"$unrouted"
        fi
    else
        fail "$name: triggers in PROBLEM state differ from the expected ones:"
        diff <(echo "$expected_problems") <(problems "$host") | sed 's/^/     /' || true
    fi
}

check_host atol-agent "$agent_host" true
check_host atol-trapper "$trapper_host" send_to_trapper
active_agent_check
host_per_register_check

# The agent's clock moves on (the list cached at $now goes stale), ATOL misbehaves, and the
# server and agent keep their default timeouts (3 s; the stacks set none).
clock_at() { date -u -d "@$(($(date -u -d "$now" +%s) + $1))" +%Y-%m-%dT%H:%M:%SZ; }
emulator_control() { # PATH [JSON]: POST (with JSON) or GET an emulator control URL
    if [[ -n "${2:-}" ]]; then
        curl -sS --max-time 10 -X POST -H 'Content-Type: application/json' -d "$2" "${base_url%/api}/_emulator/$1"
    else
        curl -sS --max-time 10 "${base_url%/api}/_emulator/$1"
    fi
}
interface_available() { # HOSTID: the agent interface is available (1), not unknown or unavailable
    [[ $(api hostinterface.get "$(jq -cn --arg h "$1" '{hostids: [$h], output: ["available"]}')" |
        jq -r '.[0].available') == 1 ]]
}
item_field() { # HOSTID KEY FIELD
    items_of "$1" | jq -r --arg k "$2" --arg f "$3" '.[] | select(.key_ == $k) | .[$f]'
}
api_failed=$(printf '%s\n' "$expected_problems" $'3\tATOL API: cannot read the registers' | sort)
master_key='atol.kkt.registers[{$ATOL.PROFILE}]' # as item.get gives it: the macro unexpanded

# An API failure: the agent's next read refreshes the stale list, gets the error and answers it
# as one error line; the API trigger fires; then ATOL recovers and it resolves.
log "API failure"
emulator_control faults '{"fail_status": 500}' >/dev/null || fatal "emulator faults API"
# The clock moves on only once the fault is set (here and below): a read in between would
# fetch a good list, fresh for the whole case.
set_agent_clock "$(clock_at 120)"
if wait_until 60 "the API trigger" problems_are "$agent_host" "$api_failed"; then
    error=$(item_field "$agent_host" atol.kkt.api.error lastvalue)
    pass "API failure: \"ATOL API: cannot read the registers\" fires ($error), register problems stay"
else
    fail "API failure: triggers in PROBLEM state:"
    problems "$agent_host" | sed 's/^/     /'
fi
# The sender, at the same moment, pushes the error line as the master item's value: the
# trapper template's API trigger fires too.
if now=$(clock_at 120) send_to_trapper; then
    fail "API failure: atol-kkt zabbix send exited 0"
elif wait_until 60 "the trapper's API trigger" problems_are "$trapper_host" "$api_failed"; then
    pass "API failure: the sender pushes the error, the trapper host's \"ATOL API: cannot read the registers\" fires ($(item_field "$trapper_host" atol.kkt.api.error lastvalue))"
else
    fail "API failure: the trapper host's triggers in PROBLEM state:"
    problems "$trapper_host" | sed 's/^/     /'
    tail -n 3 "$work/send.log" | sed 's/^/     /'
fi
emulator_control faults '{}' >/dev/null || fatal "emulator faults API"
if wait_until 60 "the API trigger resolved" problems_are "$agent_host" "$expected_problems"; then
    pass "API recovered: the API trigger resolves, the register problems stay"
else
    fail "API recovered: triggers in PROBLEM state:"
    problems "$agent_host" | sed 's/^/     /'
fi
# The sender's next run, a little later (values stamped in the same second as the error would
# leave Zabbix to pick either as the last).
if now=$(clock_at 125) send_to_trapper &&
    wait_until 60 "the trapper's API trigger resolved" problems_are "$trapper_host" "$expected_problems"; then
    pass "API recovered: the sender's next push resolves the trapper host's API trigger"
else
    fail "API recovered: the trapper host's triggers in PROBLEM state:"
    problems "$trapper_host" | sed 's/^/     /'
    tail -n 3 "$work/send.log" | sed 's/^/     /'
fi

# ATOL answering every request in 10 s: each read answers from the last good list within the
# default 3 s while the fetch (token and list: 20 s) goes on in the background; no item times
# out, the interface stays available, the API trigger stays quiet, and the fetched list arrives.
log "ATOL answering in 10 s"
emulator_control reset-stats '{}' >/dev/null
emulator_control faults '{"latency_ms": 10000}' >/dev/null || fatal "emulator faults API"
set_agent_clock "$(clock_at 240)"
slow_start=$(date +%s) slow_ok=yes
while (($(date +%s) - slow_start < 45)); do
    sleep 5
    interface_available "$agent_host" || { slow_ok="the agent interface became unavailable"; break; }
    [[ $(item_field "$agent_host" "$master_key" state) == 0 ]] ||
        { slow_ok="the master item became not supported: $(item_field "$agent_host" "$master_key" error)"; break; }
    problems_are "$agent_host" "$expected_problems" ||
        { slow_ok="problems changed: $(problems "$agent_host" | cut -f2 | paste -sd ';' -)"; break; }
done
fetches=$(emulator_control stats | jq -r .list_fetches)
count_clock=$(item_field "$agent_host" atol.kkt.registers.count lastclock)
if [[ $slow_ok == yes ]] && ((fetches >= 1 && count_clock > slow_start)); then
    pass "ATOL in 10 s: for 45 s every read in time under default timeouts, interface available, no API problem ($fetches slow list fetches)"
else
    fail "ATOL in 10 s: ${slow_ok/yes/values stopped} (list fetches $fetches, last value at $count_clock, slow since $slow_start)"
fi
# Meanwhile the list age item showed the age of the list the reads answered from: the one
# fetched at +120 s, read at +240 s until the slow fetch ended.
age_item=$(api item.get "$(jq -cn --arg h "$agent_host" \
    '{hostids: [$h], filter: {key_: ["atol.kkt.list.age"]}, output: ["itemid"]}')" | jq -r '.[0].itemid')
oldest=$(api history.get "$(jq -cn --arg i "$age_item" --argjson from "$slow_start" \
    '{itemids: [$i], history: 3, time_from: $from, output: "extend"}')" |
    jq '[.[].value | tonumber] | max // -1')
if ((oldest == 120)); then
    pass "ATOL in 10 s: \"ATOL API: register list age\" showed the last good list's age (120 s) while the fetch went on"
else
    fail "ATOL in 10 s: the list age item's largest value since the slowdown is $oldest, expected 120"
fi

# ATOL not answering at all: reads answer the last good list until the background fetch gives up
# after the profile's timeout (25 s), then its error: the API trigger fires, and the interface
# stays available all along. Then ATOL is back and the trigger resolves.
log "ATOL not answering"
emulator_control faults '{"latency_ms": 600000}' >/dev/null || fatal "emulator faults API"
set_agent_clock "$(clock_at 360)"
down_available=yes
api_failed_and_available() {
    interface_available "$agent_host" || down_available=no
    problems_are "$agent_host" "$api_failed"
}
if wait_until 120 "the API trigger" api_failed_and_available && [[ $down_available == yes ]] &&
    interface_available "$agent_host"; then
    pass "ATOL down: \"ATOL API: cannot read the registers\" fires ($(item_field "$agent_host" atol.kkt.api.error lastvalue)), the interface stays available"
else
    fail "ATOL down: interface available all along: $down_available; triggers in PROBLEM state:"
    problems "$agent_host" | sed 's/^/     /'
fi
emulator_control faults '{}' >/dev/null || fatal "emulator faults API"
set_agent_clock "$(clock_at 480)"
if wait_until 90 "the API trigger resolved" problems_are "$agent_host" "$expected_problems"; then
    pass "ATOL back: the API trigger resolves"
else
    fail "ATOL back: triggers in PROBLEM state:"
    problems "$agent_host" | sed 's/^/     /'
fi

# A register leaves the account: with {$ATOL.LLD.LIFETIME} = 0 on the hosts its items go at the
# next discovery, which processes a changed list at once (not after {$ATOL.LLD.HEARTBEAT}).
log "a register leaves the account"
removed_serial=00106711000004
jq -c --arg s "$removed_serial" 'map(select(.serialNumber != $s))' "$work/fleet.json" >"$work/fleet-removed.json"
for host in "$agent_host" "$trapper_host"; do
    api usermacro.create "$(jq -cn --arg h "$host" '{hostid: $h, macro: "{$ATOL.LLD.LIFETIME}", value: "0"}')" >/dev/null ||
        fatal "usermacro.create {\$ATOL.LLD.LIFETIME}"
done
# The macro reaches the server's configuration cache first (CacheUpdateFrequency: 5 s on the
# 6.0 rig, Debian's 10 s on 7.0); a discovery before that would keep the items for 7 days.
sleep 15
emulator_control fleet "$(cat "$work/fleet-removed.json")" >/dev/null || fatal "emulator fleet API"
set_agent_clock "$(clock_at 600)"
remaining_serials=$(grep -v "^$removed_serial\$" <<<"$expected_serials")
removed_from() { # HOSTID
    [[ $(discovered_serials "$1") == "$remaining_serials" ]]
}
send_at_600() { now=$(clock_at 600) send_to_trapper; }
for host in "$agent_host" "$trapper_host"; do
    name=atol-agent feed=true
    [[ $host == "$trapper_host" ]] && name=atol-trapper feed=send_at_600
    if wait_until 120 "$name: $removed_serial's items deleted" fed_then removed_from "$feed" "$host"; then
        pass "$name: the register that left the account lost its items per the lifetime, the others kept theirs"
    else
        fail "$name: registers with items: $(discovered_serials "$host" | tr '\n' ' ')"
    fi
done
host_per_register_removed "$removed_serial"

echo "     whole test: $SECONDS s"
echo "$passes passed, $failures failed"
((failures == 0))
