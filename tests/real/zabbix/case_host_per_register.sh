# shellcheck shell=bash disable=SC2154 # sourced by tests/real/test_zabbix_server.sh, whose variables it uses
# A host per register (zabbix/template_atol_kkt_hosts.yaml), inside the server run of
# tests/real/test_zabbix_server.sh (6.0 and 7.0), which sources this file and calls:
#   host_per_register_start    after its hosts are created: the import and the account's host
#                              "atol-hosts", as zabbix/README.md ("A host per register") says;
#   host_per_register_check    after its hosts' checks: the discovered hosts' names, groups, tags,
#                              inventory, values (equal to `atol-kkt zabbix registers`) and problems,
#                              a threshold changed on one register's host (7.0), and a
#                              maintenance of one host group suppressing only its problems;
#                              then the hosts are disabled, so that their reads do not load the
#                              agent during the ATOL fault cases (not an admin step);
#   host_per_register_removed  after a register left the account and the one-host templates lost
#                              its items: {$ATOL.LLD.LIFETIME} = 0 and {$ATOL.LLD.HEARTBEAT} = 5s on
#                              the account's host, the hosts enabled again, and that register's
#                              host deleted (or, 7.0, disabled by the discovery), the others kept.
# Uses the script's api, create_host, template_id, import_rules, wait_until, pass, fail,
# mismatches, items_of, $work, $src, $expected_serials, $excluded_serial, $stack_version,
# $template_suffix.

# The file in the server's export format (7.0: the one whose discovery disables lost hosts).
hosts_template_file=$src/zabbix/template_atol_kkt_hosts$template_suffix.yaml
# 7.0's host group "ATOL KKT" is a host group, not a template group: the rules must create it.
host_group_import_rule='{"groups": {"createMissing": true}}'
[[ $stack_version == 7.* ]] && host_group_import_rule='{"host_groups": {"createMissing": true}}'
select_host_groups=selectGroups host_groups_field=groups # 7.0: selectHostGroups, hostgroups
[[ $stack_version == 7.* ]] && select_host_groups=selectHostGroups host_groups_field=hostgroups

host_per_register_start() {
    log "a host per register: import and the account's host"
    jq -n --rawfile source "$hosts_template_file" --argjson rules "$import_rules" \
        --argjson groups "$host_group_import_rule" \
        '{format: "yaml", source: $source, rules: ($rules + $groups)}' >"$work/import-hosts.json"
    if [[ $(api configuration.import "@$work/import-hosts.json") == true ]]; then
        pass "$(basename "$hosts_template_file") imported through the API (configuration.import)"
    else
        fatal "$(basename "$hosts_template_file"): configuration.import failed"
    fi
    # The 7.0 file's "Disable lost resources: Immediately" (no admin step): the server has it.
    if [[ $stack_version == 7.* ]]; then
        local lost
        lost=$(api discoveryrule.get "$(jq -cn --arg t "$(template_id "ATOL KKT hosts by Zabbix agent")" \
            '{templateids: [$t], filter: {key_: ["atol.kkt.registers.hosts"]}, output: ["enabled_lifetime_type"]}')" |
            jq -r '.[0].enabled_lifetime_type')
        if [[ $lost == 2 ]]; then
            pass "the host-per-register rule disables lost hosts immediately, as the 7.0 file says"
        else
            fail "the host-per-register rule's enabled_lifetime_type is \"$lost\", not 2 (immediately)"
        fi
    fi
    # The same macros as the other hosts: profile, interval, API window, discovery filter.
    hosts_account=$(create_host atol-hosts "$(template_id "ATOL KKT hosts by Zabbix agent")" "$agent_port") ||
        fatal "host.create atol-hosts"
}

register_hosts() { # -> the discovered hosts with names, groups, tags, inventory, status
    api host.get "$(jq -cn --arg select "$select_host_groups" '{search: {host: "kkt-"}, startSearch: true,
        output: ["host", "name", "status"], selectTags: ["tag", "value"],
        selectInventory: ["location", "serialno_b", "asset_tag", "tag", "contract_number"]}
        + {($select): ["name"]}')" |
        jq --arg field "$host_groups_field" 'map(.[$field] as $groups | del(.[$field]) | .groups = [$groups[].name])'
}
register_hostids() { register_hosts | jq -r '.[].hostid'; }
# What each register's host must be, from `atol-kkt zabbix registers` (zabbix/README.md, "A
# host per register": the names, groups, tags and inventory fields).
expected_register_hosts() {
    jq --arg excluded "$excluded_serial" '
        def text: . // "" | gsub("^\\s+|\\s+$"; "");
        map(select(.serial_number != $excluded)
            | (.fiscal_storage_payment_address | text) as $address
            | (if ($address | length) > 100 then $address[0:99] + "…" else $address end) as $short
            | {host: "kkt-\(.serial_number)",
               name: ((if $short == "" then "" else "\($short) · " end) + "KKT \(.serial_number)"),
               groups: (["ATOL KKT", "ATOL KKT/\(.group_code | text | if . == "" then "(no group)" else . end)",
                         "ATOL KKT/INN \(.fiscal_storage_inn | text | if . == "" then "(none)" else . end)"] | sort),
               tags: ([{tag: "kkt", value: .serial_number}, {tag: "group", value: (.group_code // "")},
                       {tag: "inn", value: (.fiscal_storage_inn // "")},
                       {tag: "address", value: (.fiscal_storage_payment_address // "")}] | sort_by(.tag)),
               inventory: {location: (.fiscal_storage_payment_address // ""),
                           serialno_b: (.fiscal_storage_serial_number // ""),
                           asset_tag: (.registration_number // ""), tag: (.device_number // ""),
                           contract_number: (.fiscal_storage_inn // "")}})
        | sort_by(.host)' "$work/registers.json"
}
actual_register_hosts() {
    register_hosts | jq 'map({host, name, groups: (.groups | sort), tags: (.tags | sort_by(.tag)),
        inventory: (.inventory | {location, serialno_b, asset_tag, tag, contract_number})}) | sort_by(.host)'
}
register_hosts_are_expected() { [[ $(actual_register_hosts) == "$(expected_register_hosts)" ]]; }

# The items of every register host, keyed as the one-host template's prototypes are
# ("atol.kkt.fn_usage[<serial>]"), so tests/real/zabbix/item_mismatches.jq compares them.
register_items() {
    local hostid serial
    for hostid in $(register_hostids); do
        serial=$(api host.get "$(jq -cn --arg h "$hostid" '{hostids: [$h], output: ["host"]}')" |
            jq -r '.[0].host | ltrimstr("kkt-")')
        items_of "$hostid" | jq --arg s "$serial" \
            'map(if .key_ | test("^atol\\.kkt\\.[a-z_]+$") then .key_ += "[\($s)]" else . end)'
    done | jq -s 'add // []'
}
register_values_complete() {
    register_items | jq -e 'length > 0 and ([.[] | select(.key_ | startswith("atol.kkt.register[") | not)
        | select(.state == "0" and .lastclock == "0")] | length == 0)' >/dev/null
}
register_mismatches() {
    register_items >"$work/register-items.json"
    jq -nr --slurpfile items "$work/register-items.json" --slurpfile registers "$work/registers.json" \
        --rawfile pairs "$work/pairs.tsv" -f "$src/tests/real/zabbix/item_mismatches.jq"
}
# "severity<TAB>KKT <serial>: <trigger name>" of every register host's problem, like the
# one-host template's trigger names.
register_problems() {
    api trigger.get "$(jq -cn --argjson h "$(register_hostids | jq -R . | jq -sc .)" \
        '{hostids: $h, filter: {value: 1}, output: ["description", "priority"],
          selectHosts: ["host"], expandDescription: true}')" |
        jq -r '.[] | "\(.priority)\tKKT \(.hosts[0].host | ltrimstr("kkt-")): \(.description)"' | sort
}
# The one-host template's expected problems, but 00106711000006's ФН warning: the one-host
# test gives it a threshold of 10 days by serial context, which the account host's discovery
# does not hand on (a context macro is per register), so here the default 30 days applies.
register_expected_problems() {
    printf '%s\n' "$expected_problems" $'2\tKKT 00106711000006: ФН expires in less than 30 days' | sort
}
# Problems whose tags (the host's, inherited) or event name do not say which register and where.
register_routing_mismatches() {
    api problem.get "$(jq -cn --argjson h "$(register_hostids | jq -R . | jq -sc .)" \
        '{hostids: $h, output: ["name"], selectTags: "extend"}')" |
        jq -r --slurpfile registers "$work/registers.json" '
        ($registers[0] | map({key: .serial_number, value: .}) | from_entries) as $by_serial
        | .[] | (.tags | map({key: .tag, value: .value}) | from_entries) as $tags
        | $by_serial[$tags.kkt // ""] as $r
        | select($r == null or $tags.group != ($r.group_code // "") or $tags.inn != ($r.fiscal_storage_inn // "")
                 or $tags.address != ($r.fiscal_storage_payment_address // "") or ($tags.scope | not)
                 or (.name | contains("KKT \($r.serial_number): ") | not))
        | "\(.name): tags \($tags | tojson)"'
}
register_problems_are_expected() { [[ $(register_problems) == "$(register_expected_problems)" ]]; }
# "serial<TAB>suppressed" of every register problem.
register_suppression() {
    local hostid
    for hostid in $(register_hostids); do
        api problem.get "$(jq -cn --arg h "$hostid" '{hostids: [$h], output: ["suppressed"]}')" |
            jq -r --arg h "$hostid" '.[] | "\($h)\t\(.suppressed)"'
    done | sort -u
}

host_per_register_check() {
    log "a host per register: discovered hosts ($SECONDS s into the test)"
    if wait_until 90 "atol-hosts: a host per register" register_hosts_are_expected; then
        pass "atol-hosts: one host per register ($(wc -l <<<"$expected_serials"), the filtered-out $excluded_serial none) with its name, groups, tags and inventory"
    else
        fail "atol-hosts: the discovered hosts differ from the registers:"
        diff <(expected_register_hosts) <(actual_register_hosts) | head -40 | sed 's/^/     /' || true
        return
    fi
    log "a host per register: values"
    wait_until 90 "register hosts: every item has a value" register_values_complete ||
        fail "register hosts: some items got no value"
    local wrong
    wrong=$(register_mismatches)
    wrong+=$(mismatches "$hosts_account")
    if [[ -z "$wrong" ]]; then
        pass "register hosts: every item value equals atol-kkt zabbix registers ($(jq length "$work/register-items.json") items), and the account host's counts and API items"
    else
        fail "register hosts: item values differ:"
        sed 's/^/     /' <<<"$wrong"
    fi
    log "a host per register: problems"
    if wait_until 60 "register hosts: the expected problems" register_problems_are_expected; then
        pass "register hosts: exactly the expected problems, each on its register's host"
        local unrouted
        unrouted=$(register_routing_mismatches)
        if [[ -z "$unrouted" ]]; then
            pass "register hosts: each problem has its host's kkt, group, inn and address tags, a scope, and the host's visible name in its event name"
        else
            fail "register hosts: problems without their register's tags or name:"
            sed 's/^/     /' <<<"$unrouted"
        fi
    else
        fail "register hosts: problems differ from the expected ones:"
        diff <(register_expected_problems) <(register_problems) | sed 's/^/     /' || true
    fi

    # Zabbix 7.0 lets a discovered host's macro be changed (it becomes manual, and discovery no
    # longer overwrites it): 00106711000006 gets its own ФН warning threshold, 10 days, as the
    # one-host test gives it by context, and its 30-day problem resolves.
    if [[ $stack_version == 7.* ]]; then
        local own_host macro_id
        own_host=$(api host.get '{"filter": {"host": ["kkt-00106711000006"]}, "output": ["hostid"]}' |
            jq -r '.[0].hostid')
        macro_id=$(api usermacro.get "$(jq -cn --arg h "$own_host" \
            '{hostids: [$h], filter: {macro: "{$ATOL.FN.DAYS.WARN}"}, output: ["hostmacroid"]}')" |
            jq -r '.[0].hostmacroid')
        api usermacro.update "$(jq -cn --arg m "$macro_id" '{hostmacroid: $m, value: "10", automatic: 0}')" \
            >/dev/null || fail "usermacro.update {\$ATOL.FN.DAYS.WARN} on kkt-00106711000006"
        only_shared_problems() { [[ $(register_problems) == "$expected_problems" ]]; }
        if wait_until 90 "kkt-00106711000006's own threshold" only_shared_problems; then
            pass "register hosts (7.0): a threshold macro changed on one register's host applies to it ({\$ATOL.FN.DAYS.WARN} = 10 on kkt-00106711000006)"
        else
            fail "register hosts (7.0): after {\$ATOL.FN.DAYS.WARN} = 10 on kkt-00106711000006, the problems differ:"
            diff <(echo "$expected_problems") <(register_problems) | sed 's/^/     /' || true
        fi
    fi

    # A maintenance of one store's group (moscow_01: 00106711000002 alone) suppresses its
    # problem only. Zabbix's timer applies maintenances at the start of each minute.
    log "a host per register: maintenance of one host group"
    local group moscow_host now_s
    group=$(api hostgroup.get '{"filter": {"name": ["ATOL KKT/moscow_01"]}, "output": ["groupid"]}' |
        jq -r '.[0].groupid')
    moscow_host=$(api host.get '{"filter": {"host": ["kkt-00106711000002"]}, "output": ["hostid"]}' |
        jq -r '.[0].hostid')
    now_s=$(date +%s)
    api maintenance.create "$(jq -cn --arg g "$group" --argjson since $((now_s - 60)) '{
        name: "moscow_01 night works", active_since: $since, active_till: ($since + 7200),
        groups: [{groupid: $g}],
        timeperiods: [{timeperiod_type: 0, start_date: $since, period: 7200}]}')" >/dev/null ||
        fail "maintenance.create"
    suppressed_as_expected() {
        register_suppression | awk -v moscow="$moscow_host" '
            { total++; if (($1 == moscow) != ($2 == 1)) wrong++ }
            END { exit !(total > 0 && wrong == 0) }'
    }
    if wait_until 90 "the maintenance suppressing moscow_01's problem" suppressed_as_expected; then
        pass "a maintenance of host group ATOL KKT/moscow_01 suppresses its register's problem only"
    else
        fail "maintenance of ATOL KKT/moscow_01: hostid<TAB>suppressed of the problems (moscow: $moscow_host):"
        register_suppression | sed 's/^/     /'
    fi

    # Quiet during the ATOL fault cases (fewer reads on the agent's 3 processes).
    local hostid
    for hostid in "$hosts_account" $(register_hostids); do
        api host.update "$(jq -cn --arg h "$hostid" '{hostid: $h, status: 1}')" >/dev/null ||
            fail "host.update: disable $hostid"
    done
}

# 6.0 deletes the lost host (lifetime 0); 7.0 disables it at once (the 7.0 file's "Disable lost
# resources: Immediately") and deletes it at a later discovery.
# Called once the one-host templates' removal checks passed: the hosts, disabled since the ATOL
# fault cases, are enabled again only now, so that their reads cannot slow those checks.
# {$ATOL.LLD.LIFETIME} = 0 on the account host first (in the server's configuration cache
# before its discovery runs again), and {$ATOL.LLD.HEARTBEAT} = 5s: a lost host may go at a
# discovery after the one that finds it lost, which an unchanged list would wait an hour for.
host_per_register_removed() { # SERIAL that left the account
    local gone=kkt-$1 outcome macro hostid
    for macro in '{"macro": "{$ATOL.LLD.LIFETIME}", "value": "0"}' '{"macro": "{$ATOL.LLD.HEARTBEAT}", "value": "5s"}'; do
        api usermacro.create "$(jq -cn --arg h "$hosts_account" --argjson m "$macro" '$m + {hostid: $h}')" \
            >/dev/null || fatal "usermacro.create $macro on atol-hosts"
    done
    sleep 12 # CacheUpdateFrequency: 5 s on the 6.0 rig, Debian's 10 s on 7.0
    for hostid in "$hosts_account" $(register_hostids); do
        api host.update "$(jq -cn --arg h "$hostid" '{hostid: $h, status: 0}')" >/dev/null ||
            fatal "host.update: enable $hostid"
    done
    register_host_gone() {
        local hosts others
        hosts=$(register_hosts)
        others=$(sed 's/^/kkt-/' <<<"$expected_serials" | grep -vx "$gone")
        [[ $(jq -r '.[] | select(.status == "0") | .host' <<<"$hosts" | sort) == "$others" ]] || return 1
        if [[ $(jq -r '.[].host' <<<"$hosts" | sort) == "$others" ]]; then
            outcome="deleted"
        elif [[ $stack_version == 7.* ]] && api host.get "$(jq -cn --arg h "$gone" '{filter: {host: [$h]},
                output: ["status"], selectHostDiscovery: ["status", "disable_source"]}')" |
            jq -e '.[0] | .status == "1" and .hostDiscovery.status == "1" and .hostDiscovery.disable_source == "1"' \
                >/dev/null; then
            outcome="disabled by the discovery (7.0), deleted at a later one"
        else
            return 1
        fi
    }
    if wait_until 120 "atol-hosts: $gone deleted or disabled" register_host_gone; then
        pass "atol-hosts: the host of the register that left the account is $outcome per the lifetime, the others stay enabled"
    else
        fail "atol-hosts: register hosts: $(register_hosts | jq -r '.[].host' | tr '\n' ' ')"
        api discoveryrule.get "$(jq -cn --arg h "$hosts_account" '{hostids: [$h], output: "extend"}')" |
            jq -c '.[] | {key_, status, state, error, lifetime, lifetime_type, enabled_lifetime_type}' |
            sed 's/^/     /'
        api host.get "$(jq -cn --arg h "$gone" '{filter: {host: [$h]}, output: ["status"],
            selectHostDiscovery: "extend"}')" | sed 's/^/     /'
        items_of "$hosts_account" | jq -c '.[] | {key_, lastclock, state, error}' | sed 's/^/     /'
    fi
}
