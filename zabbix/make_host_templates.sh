#!/usr/bin/env bash
# Writes zabbix/template_atol_kkt_hosts.yaml from zabbix/template_atol_kkt.yaml: the same items,
# triggers, graphs and thresholds, with each register as its own Zabbix host. Two templates:
#   - "ATOL KKT by Zabbix agent, host per register" (technical name "ATOL KKT hosts by Zabbix
#     agent"), for the account's host: the source's account-level items (master item, API
#     error, list age, counts per state) and a discovery rule (the source's filter, lifetime and discovery fields) whose host prototype creates
#     one host per register: host name kkt-<serial>, visible name "<address> · KKT <serial>",
#     group "ATOL KKT" plus group prototypes "ATOL KKT/<group code>" and "ATOL KKT/INN <inn>",
#     tags kkt/group/inn/address, inventory automatic, linked to the second template. The
#     discovery step also hands the account host's macros (profile, interval, thresholds...) to
#     each register host as host prototype macros;
#   - "ATOL KKT register by Zabbix agent", linked to each discovered host: the source's item,
#     trigger and graph prototypes as plain items, triggers and graphs (names without
#     "KKT <serial>: ", event names "<host visible name>: ...", thresholds without the serial
#     context: a register's own threshold is a macro of its host), dependent on the agent item
#     atol.kkt.register[{$ATOL.PROFILE},{$ATOL.SERIAL}] (that register alone, from the shared
#     cache), the static fields feeding the host inventory, the dashboard on plain graphs.
# Every UUID but the template group's is the source's with its first hex digit shifted (+4 for
# the register template, +3 for the account one; zabbix/make_templates.sh's trapper and active
# variants use +1 and +2), or new.
# usage: zabbix/make_host_templates.sh [OUTPUT]   (default: zabbix/template_atol_kkt_hosts.yaml)
# zabbix/make_templates.sh runs it with the other variants; tests/real/test_zabbix_template.sh
# fails when the committed file differs from their output.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_template="$here/template_atol_kkt.yaml"
output=${1:-$here/template_atol_kkt_hosts.yaml}
register_template='ATOL KKT register by Zabbix agent'

program=$(
    cat <<'AWK'
function indent_of(line) { match(line, /^ */); return RLENGTH }
function keep(name, line) { lines[name, ++count[name]] = line }
# Another UUIDv4: the first hex digit shifted by `by` (the version and variant digits stay).
function shift_uuid(line, by,    pos, digit) {
    if (match(line, /uuid: [0-9a-f]+$/) && RLENGTH == 38) {
        pos = RSTART + 6
        digit = index(hex, substr(line, pos, 1)) - 1
        line = substr(line, 1, pos - 1) substr(hex, (digit + by) % 16 + 1, 1) substr(line, pos + 1)
    }
    return line
}
# A prototype line as a line of the register template.
function to_register(line) {
    line = shift_uuid(line, 4)
    gsub(/ATOL KKT by Zabbix agent/, register_template, line)
    gsub(/atol\.kkt\.registers\[\{\$ATOL\.PROFILE\}\]/, register_key, line)
    gsub(/\[\{#SERIAL\}\]/, "", line)
    gsub(/\$\[\?\(@\.serial_number==''\{#SERIAL\}''\)\]/, "$[*]", line)
    gsub(/KKT \{#SERIAL\} \(\{#ADDRESS\}\): /, "{HOST.NAME}: ", line)
    gsub(/KKT \{#SERIAL\}: /, "", line)
    gsub(/:"\{#SERIAL\}"/, "", line)
    gsub(/, per register with context( \{\$[A-Z.]+:"<serial>"\})?/, ", per register as a macro of its host", line)
    return line
}
function print_section(name, deindent, transform,    i, line, ind, skip_value) {
    for (i = 1; i <= count[name]; ++i) {
        line = lines[name, i]
        if (skip_value) { skip_value = 0; continue }
        # Routing tags come from the register's host tags: no copy on every item and trigger.
        if (transform == "register" && line ~ /^ *- tag: (kkt|group|inn|address)$/) { skip_value = 1; continue }
        if (deindent > 0) line = substr(line, deindent + 1)
        if (transform == "register") {
            line = to_register(line)
            if (line ~ /^ *trigger_prototypes:$/) sub(/trigger_prototypes:/, "triggers:", line)
            if (match(line, /^ *key: 'atol\.kkt\.[a-z_]+'$/)) {
                print line
                ind = substr(line, 1, indent_of(line))
                split(line, parts, "'")
                if (parts[2] in inventory) print ind "inventory_link: " inventory[parts[2]]
                continue
            }
        } else if (transform == "account") {
            line = shift_uuid(line, 3)
            gsub(/ATOL KKT by Zabbix agent/, account_template, line)
        }
        print line
    }
}
# The dashboard on the register's graphs: each graph prototype widget becomes a classic graph
# widget (source_type 0, a graph; no columns and rows).
function print_dashboards(    i, line) {
    for (i = 1; i <= count["dashboards"]; ++i) {
        line = to_register(lines["dashboards", i])
        if (line ~ /^ *- type: INTEGER$/ && lines["dashboards", i + 1] ~ /name: (columns|rows)$/) { i += 2; continue }
        if (line ~ /^ *name: source_type$/) {
            print line
            line = lines["dashboards", ++i]
            sub(/'2'/, "'0'", line)
        }
        sub(/type: GRAPH_PROTOTYPE$/, "type: " (line ~ /^ *- type/ && lines["dashboards", i + 1] ~ /name: graphid$/ ? "GRAPH" : "GRAPH_CLASSIC"), line)
        sub(/name: 'ATOL KKT registers'$/, "name: 'ATOL KKT register'", line)
        print line
    }
}
# The source's macros: all of them for the account host (its discovery hands them on), those
# not of the account host alone for the register template.
function print_macros(register_side,    i, line, name) {
    for (i = 1; i <= count["macros"]; i += 3) {
        line = lines["macros", i]
        name = line; sub(/^ *- macro: '/, "", name); sub(/'$/, "", name)
        if (register_side && name ~ account_only) continue
        print line
        print lines["macros", i + 1]
        # No serial context on either side: a register's own value is a macro of its host.
        line = lines["macros", i + 2]
        gsub(/ Context: the register serial number\./, "", line)
        gsub(/ Override per register with context, e\.g\. \{\$ATOL\.FN\.DAYS\.WARN:"[0-9]+"\}\./, "", line)
        print line
    }
}
BEGIN {
    hex = "0123456789abcdef"
    # The technical name (no comma: trigger expressions name it) and the visible one.
    account_template = "ATOL KKT hosts by Zabbix agent"
    account_visible = "ATOL KKT by Zabbix agent, host per register"
    register_template = ENVIRON["register_template"]
    register_key = "atol.kkt.register[{$ATOL.PROFILE},{$ATOL.SERIAL}]"
    # Macros of the account host only; every other one is handed to each register host.
    account_only = "^\\{\\$ATOL\\.(API\\.ERROR\\.WINDOW|LIST\\.AGE\\.MAX|NODATA\\.PERIOD|LLD\\..*)\\}$"
    # Host inventory fields the static items fill (inventory mode automatic).
    inventory["atol.kkt.address"] = "LOCATION"
    inventory["atol.kkt.fn_serial"] = "SERIALNO_B"
    inventory["atol.kkt.rnm"] = "ASSET_TAG"
    inventory["atol.kkt.device"] = "TAG"
    inventory["atol.kkt.inn"] = "CONTRACT_NUMBER"
    section = "head"
}
# Sections of the source template.
/^      items:$/ { section = "items"; next }
/^      discovery_rules:$/ { section = "rule_head"; next }
section == "rule_head" && /^          item_prototypes:$/ { section = "prototypes"; next }
section == "prototypes" && /^          graph_prototypes:$/ { section = "graphs"; next }
section == "graphs" && /^          master_item:$/ { section = "rule_tail" }
/^      tags:$/ { section = "tags" }
/^      macros:$/ { section = "macros"; next }
/^      dashboards:$/ { section = "dashboards"; next }
/^      valuemaps:$/ { section = "valuemaps"; next }
section == "head" && /^    - uuid: / { template_uuid = $0; sub(/^ *- /, "", template_uuid) }
section == "head" && /^  groups:$/ { in_groups = 1 }
section == "head" && in_groups && /^  templates:$/ { in_groups = 0 }
section == "head" && in_groups && !/^  groups:$/ { keep("groups", $0) }
section == "head" && /^  (version|date): / { keep("export", $0) }
section != "head" { keep(section, $0) }
END {
    print "zabbix_export:"
    print lines["export", 1]
    print lines["export", 2]
    print "  groups:"
    for (i = 1; i <= count["groups"]; ++i) print lines["groups", i]
    print "    - uuid: 6e84ec8f139a4a95897815e00a129417"
    print "      name: 'ATOL KKT'"
    print "  templates:"

    # The account's host.
    print "    - " shift_uuid(template_uuid, 3)
    print "      template: '" account_template "'"
    print "      name: '" account_visible "'"
    print "      description: |"
    print "        Cash registers of an ATOL Online account, each as its own Zabbix host, read by the atol-kkt"
    print "        program (atol-kkt-monitor). Link it to the account's host (agent interface, {$ATOL.PROFILE})."
    print ""
    print "        One agent item reads every register of the account in one API fetch (the master item, history"
    print "        0): the account-level items depend on it, and a dependent discovery rule creates one host per"
    print "        register (kkt-<serial>, in the groups ATOL KKT, ATOL KKT/<group code> and ATOL KKT/INN <inn>,"
    print "        tags kkt, group, inn and address, inventory filled automatically) with the template"
    print "        \"" register_template "\", its interface inherited from this host and this"
    print "        host's macros (profile, interval, thresholds) as its own. Each register host reads its register"
    print "        alone from the cache the account's read left (no further API fetch)."
    print "      groups:"
    print "        - name: Templates/Applications"
    print "      items:"
    print_section("items", 0, "account")
    print "      discovery_rules:"
    for (i = 1; i <= count["rule_head"]; ++i) {
        line = lines["rule_head", i]
        if (skipping && indent_of(line) > 10) continue
        skipping = 0
        line = shift_uuid(line, 3)
        sub(/name: 'Cash registers discovery'/, "name: 'Cash registers: a host per register'", line)
        sub(/key: atol\.kkt\.registers\.discovery$/, "key: atol.kkt.registers.hosts", line)
        if (line ~ /^          description: \|$/) {
            print line
            print "            One host per register of the account (no extra API fetch). Filter with the"
            print "            {$ATOL.LLD.FILTER.*} macros (group code, company INN, serial number). The host of a register"
            print "            that leaves the account (or the filter) is deleted after {$ATOL.LLD.LIFETIME} (7 days; Zabbix 7.0"
            print "            can disable it first). Only the discovery fields are kept, and an unchanged list is processed"
            print "            once per {$ATOL.LLD.HEARTBEAT}, not on every master value."
            skipping = 1
            continue
        }
        print line
    }
    print "          host_prototypes:"
    print "            - uuid: 00e488f95ab543dbbb1c2c7a83d746dd"
    print "              host: 'kkt-{#SERIAL}'"
    print "              name: '{#KKT.NAME}'"
    print "              group_links:"
    print "                - group:"
    print "                    name: 'ATOL KKT'"
    print "              group_prototypes:"
    print "                - name: 'ATOL KKT/{#KKT.GROUP}'"
    print "                - name: 'ATOL KKT/INN {#KKT.INN}'"
    print "              templates:"
    print "                - name: '" register_template "'"
    print "              macros:"
    print "                - macro: '{$ATOL.SERIAL}'"
    print "                  value: '{#SERIAL}'"
    for (i = 1; i <= count["macros"]; i += 3) {
        name = lines["macros", i]; sub(/^ *- macro: '/, "", name); sub(/'$/, "", name)
        if (name ~ account_only) continue
        lld = name; sub(/^\{\$/, "{#", lld)
        print "                - macro: '" name "'"
        print "                  value: '" lld "'"
        handed[++handed_count] = name
    }
    print "              tags:"
    print "                - tag: kkt"
    print "                  value: '{#SERIAL}'"
    print "                - tag: group"
    print "                  value: '{#GROUP}'"
    print "                - tag: inn"
    print "                  value: '{#INN}'"
    print "                - tag: address"
    print "                  value: '{#ADDRESS}'"
    print "              inventory_mode: AUTOMATIC"
    for (i = 1; i <= count["rule_tail"]; ++i) {
        line = lines["rule_tail", i]
        # The discovery rows also carry the host's visible name, group names and the macros the
        # register hosts get (a user macro in a preprocessing step is the account host's value).
        if (line ~ /^ *return row;$/) {
            ind = substr(line, 1, indent_of(line))
            print ind "// An unknown field gives an empty tag value, not \"null\"."
            print ind "fields.forEach(function (field) { if (row[field] == null) row[field] = ''; });"
            print ind "var address = (register.fiscal_storage_payment_address || '').trim();"
            print ind "// A visible name has at most 128 characters: the address is cut, the serial stays."
            print ind "if (address.length > 100) address = address.slice(0, 99) + '…';"
            print ind "row['{#KKT.NAME}'] = (address ? address + ' · ' : '') + 'KKT ' + register.serial_number;"
            print ind "row['{#KKT.GROUP}'] = (register.group_code || '').trim() || '(no group)';"
            print ind "row['{#KKT.INN}'] = (register.fiscal_storage_inn || '').trim() || '(none)';"
            for (j = 1; j <= handed_count; ++j) {
                lld = handed[j]; sub(/^\{\$/, "{#", lld)
                print ind "row['" lld "'] = '" handed[j] "';"
            }
        }
        print shift_uuid(line, 3)
    }
    for (i = 1; i <= count["tags"]; ++i) print lines["tags", i]
    print "      macros:"
    print_macros(0)

    # Each register's host.
    print "    - " shift_uuid(template_uuid, 4)
    print "      template: '" register_template "'"
    print "      name: '" register_template "'"
    print "      description: |"
    print "        One cash register of an ATOL Online account as a Zabbix host, read by the atol-kkt program"
    print "        (atol-kkt-monitor). Linked by the host prototype of \"" account_visible "\""
    print "        to each register's host, with {$ATOL.PROFILE}, {$ATOL.SERIAL} and the account host's other"
    print "        macros as host macros. Thresholds equal the defaults of `atol-kkt check`: set them on the account"
    print "        host (all its registers; one account host per group with the discovery filter), or on a register's"
    print "        host where Zabbix lets a discovered host's macro be changed (7.0)."
    print "      groups:"
    print "        - name: Templates/Applications"
    print "      items:"
    print "        - uuid: 9b67806fb1d34a218d5e1b4b77e583f2"
    print "          name: 'Register JSON'"
    print "          type: ZABBIX_PASSIVE"
    print "          key: '" register_key "'"
    print "          delay: '{$ATOL.INTERVAL}'"
    print "          history: '0'"
    print "          trends: '0'"
    print "          value_type: TEXT"
    print "          description: |"
    print "            This register as a one-element JSON array (`atol-kkt zabbix registers --serial`), from the list"
    print "            the account host's read cached: no API fetch of its own. The master item of every other item;"
    print "            not stored (history 0). An empty array once the register left the account; one line of text"
    print "            when the ATOL API cannot be read (the items keep their last values; the account host's"
    print "            \"ATOL API: cannot read the registers\" says why)."
    print "          tags:"
    print "            - tag: component"
    print "              value: 'raw'"
    print_section("prototypes", 4, "register")
    for (i = 1; i <= count["tags"]; ++i) print lines["tags", i]
    print "      macros:"
    print_macros(1)
    print "        - macro: '{$ATOL.SERIAL}'"
    print "          value: ''"
    print "          description: 'The register''s serial number: set on each register host by the discovery of the account host.'"
    print "      dashboards:"
    print_dashboards()
    print "      valuemaps:"
    for (i = 1; i <= count["valuemaps"]; ++i) print shift_uuid(lines["valuemaps", i], 4)
    print "  graphs:"
    print_section("graphs", 8, "register")
}
AWK
)
register_template=$register_template LC_ALL=C awk "$program" "$source_template" >"$output.tmp"
# No LLD macro may be left in the register template (it is no prototype).
if awk "/^      template: '${register_template}'\$/ { register = 1 } register && /\\{#/ { print FILENAME \":\" NR \": \" \$0; found = 1 } END { exit !found }" "$output.tmp"; then
    echo "$0: an LLD macro left in the register template (above)" >&2
    rm -f "$output.tmp"
    exit 1
fi
mv "$output.tmp" "$output"
