#!/usr/bin/env bash
# Writes every variant of the Zabbix template from zabbix/template_atol_kkt.yaml, the one file
# edited by hand (template "ATOL KKT by Zabbix agent", Zabbix 6.0 export format), so they never
# drift: the same items, discovery filter, triggers, graphs and dashboard.
#
#   file                                 template                            format
#   template_atol_kkt.yaml               ATOL KKT by Zabbix agent            6.0 (the source)
#   template_atol_kkt_trapper.yaml       ATOL KKT by Zabbix trapper          6.0
#   template_atol_kkt_active.yaml        ATOL KKT by Zabbix agent active     6.0
#   template_atol_kkt_7.0.yaml           ATOL KKT by Zabbix agent            7.0
#   template_atol_kkt_trapper_7.0.yaml   ATOL KKT by Zabbix trapper          7.0
#   template_atol_kkt_active_7.0.yaml    ATOL KKT by Zabbix agent active     7.0
#   template_atol_kkt_hosts.yaml         ATOL KKT by Zabbix agent, host per  6.0
#                                        register + ATOL KKT register by
#                                        Zabbix agent (make_host_templates.sh)
#   template_atol_kkt_hosts_7.0.yaml     the same two                        7.0
#
# The trapper variant (fed by `atol-kkt zabbix send` instead of the agent):
#   - master item: Zabbix trapper atol.kkt.registers (what `atol-kkt zabbix send` pushes), no
#     interval; Zabbix matches trapper keys literally (a {$MACRO} in the key is not expanded:
#     measured with Zabbix 6.0.14), so the key has no profile parameter;
#   - discovery rule: Zabbix trapper atol.kkt.discovery (the sender pushes the LLD JSON of
#     `atol-kkt zabbix discovery`, whose rows carry the macros: no LLD macro paths, no step
#     picking the discovery fields; the heartbeat step stays);
#   - {$ATOL.PROFILE} and {$ATOL.INTERVAL} dropped (the sender's own options and schedule).
# The active variant: the master item is a Zabbix agent (active) item, which the agent runs on
# its own schedule and sends to ServerActive: no server or proxy poller waits on it.
# Each variant's UUIDs but the host group's are the source's with the first hex digit moved on
# (trapper by 1, active by 2), so the three templates can live in one Zabbix.
#
# The 7.0 format of a template (what the 7.0 frontend's converters make of the 6.0 file,
# C60/C62/C64ImportConverter, plus what only 7.0 can say): version 7.0, no date,
# template_groups, the template's vendor (atol-kkt-monitor and the version of CMakeLists.txt,
# whose atol-kkt the keys and fields belong to), 7.0's names, widths and widget references in
# the dashboard, lost registers' items left enabled until {$ATOL.LLD.LIFETIME} deletes them (as
# on 6.0: enabled_lifetime_type DISABLE_NEVER) but lost registers' hosts disabled at once
# (DISABLE_IMMEDIATELY, which 6.0 cannot say), host_groups for the groups of host prototypes,
# and an item timeout on the agent items. 7.0
# gives an agent item the item's own timeout, by default the global 3 s: the template sets
# agent_item_timeout below, twice the agent keys' answer budget (`--answer-within`, 2 s,
# zabbix/item_value.hpp): the 2 s spent waiting for ATOL plus as much again for starting
# atol-kkt, reading its cache and writing up to the agent's 512 KiB on a loaded host, and no
# longer than Debian's server Timeout (4 s) already waits on 6.0. It also keeps the items
# independent of a global timeout lowered for other templates.
# tests/real/zabbix/validate_template.php checks that each 7.0 file reads, with 7.0's own
# importer, exactly as its 6.0 file converted by 7.0, but for the vendor, the timeout and the
# disabling of lost hosts (validate_host_templates.php for the host-per-register file).
#
# usage: zabbix/make_templates.sh [OUTPUT_DIR]   (default: zabbix/, beside the source)
# tests/real/test_zabbix_template.sh fails when a committed file differs from this output.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_template="$here/template_atol_kkt.yaml"
output_dir=${1:-$here}
group_uuid=a571c0d144b14fd4a87a9d9b2aa9fcd6 # Templates/Applications, as in Zabbix's own templates
agent_item_timeout=4s                       # see above: 2 × answer-within
vendor_version=$(sed -nE 's/^project\(atol-kkt-monitor VERSION ([0-9.]+).*/\1/p' "$here/../CMakeLists.txt")
[[ -n "$vendor_version" ]] || { echo "$0: no project version in CMakeLists.txt" >&2; exit 1; }

trapper_description='Cash registers of an ATOL Online account, pushed by the atol-kkt program (atol-kkt-monitor).

`atol-kkt zabbix send --zabbix-server SERVER --host HOST` reads every register of the
account in one API fetch and pushes it to the trapper item atol.kkt.registers (the master
item, history 0) and the discovery JSON to the trapper discovery rule atol.kkt.discovery;
items and triggers per register all depend on the master item. One Zabbix host per
account; run the sender from cron or a systemd timer. Thresholds equal the defaults of
`atol-kkt check`; override them per host, or per register with macro context, e.g.
{$ATOL.FN.DAYS.WARN:"00106709186412"}.'
active_description='Cash registers of an ATOL Online account, read by the atol-kkt program (atol-kkt-monitor).

One active agent item reads every register of the account in one API fetch (the master item,
atol.kkt.registers[{$ATOL.PROFILE}], history 0): the agent runs it on its own schedule and sends
the value to its ServerActive, so no server or proxy poller waits on ATOL. A dependent discovery
rule creates items and triggers per register, all dependent on that one item. Install
zabbix/userparameter_atol_kkt.conf on the agent, write /etc/atol-kkt/<profile>.conf (mode 0600),
set ServerActive and Hostname (this host'"'"'s name) in the agent'"'"'s configuration, set
{$ATOL.PROFILE} on the host. Thresholds equal the defaults of `atol-kkt check`; override them per
host, or per register with macro context, e.g. {$ATOL.FN.DAYS.WARN:"00106709186412"}.'

# variant trapper|active: the source template (stdin) as that variant (stdout).
variant() {
    local name description shift
    case $1 in
    trapper) name='ATOL KKT by Zabbix trapper' description=$trapper_description shift=1 ;;
    active) name='ATOL KKT by Zabbix agent active' description=$active_description shift=2 ;;
    esac
    variant_description=$description LC_ALL=C awk -v variant="$1" -v name="$name" -v shift="$shift" \
        -v group_uuid="$group_uuid" '
function indent_of(line) { match(line, /^ */); return RLENGTH }
BEGIN { hex = "0123456789abcdef" }
{
    line = $0
    ind = indent_of(line)

    # Leaving a block being skipped: the first line indented no deeper than where it started.
    if (skip_indent >= 0) {
        if (line != "" && ind <= skip_indent) skip_indent = -1
        else next
    }

    if (line ~ /^      discovery_rules:$/) in_rules = 1
    else if (in_rules && ind <= 6 && line !~ /^ *-/) in_rules = 0

    # Another UUIDv4: move the first hex digit on (the version and variant digits stay).
    if (match(line, /uuid: [0-9a-f]+$/) && RLENGTH == 38 && substr(line, RSTART + 6) != group_uuid) {
        pos = RSTART + 6
        digit = index(hex, substr(line, pos, 1)) - 1
        line = substr(line, 1, pos - 1) substr(hex, (digit + shift) % 16 + 1, 1) substr(line, pos + 1)
    }

    # The template description: the variant'"'"'s own set-up.
    if (line ~ /^      description: \|$/ && !template_described) {
        template_described = 1
        print line
        n = split(ENVIRON["variant_description"], text, "\n")
        for (i = 1; i <= n; i++) print (text[i] == "" ? "" : "        " text[i])
        skip_indent = 6
        next
    }

    gsub(/ATOL KKT by Zabbix agent/, name, line)

    if (variant == "active") {
        # The master item, run by the agent itself.
        if (line ~ /^          type: ZABBIX_PASSIVE$/) { sub(/ZABBIX_PASSIVE/, "ZABBIX_ACTIVE", line) }
        print line
        next
    }

    gsub(/atol\.kkt\.registers\[\{\$ATOL\.PROFILE\}\]/, "atol.kkt.registers", line)

    # The master item.
    if (line ~ /^          type: ZABBIX_PASSIVE$/) { sub(/ZABBIX_PASSIVE/, "TRAP", line) }
    if (line ~ /^          delay: .\{\$ATOL\.INTERVAL\}.$/) next

    # The discovery rule: a trapper fed with the discovery JSON.
    if (in_rules && ind == 10) {
        if (line ~ /^          type: DEPENDENT$/) { sub(/DEPENDENT/, "TRAP", line) }
        else if (line ~ /^          key: atol\.kkt\.registers\.discovery$/) { line = "          key: atol.kkt.discovery" }
        else if (line ~ /^          delay: .0.$/) next
        else if (line ~ /^          (master_item|lld_macro_paths):$/) { skip_indent = 10; next }
    }
    # Its first preprocessing step keeps the discovery fields of the registers JSON: the sender
    # pushes the discovery JSON itself. The heartbeat step stays.
    if (in_rules && line ~ /^            - type: JAVASCRIPT$/) { skip_indent = 12; next }
    if (line ~ /^        - macro: .\{\$ATOL\.(PROFILE|INTERVAL)\}.$/) { skip_indent = 8; next }
    print line
}'
}

# zabbix70: a template file in the 6.0 format (stdin) in the 7.0 format (stdout). It stops with
# an error on anything it cannot convert as 7.0 would (extend it then). It reads the file twice:
# first for what a line's conversion depends on further down (which groups templates and host
# prototypes use, which discovery rules have host prototypes).
zabbix70() {
    local source
    source=$(cat)
    LC_ALL=C awk -v timeout="$agent_item_timeout" -v vendor_version="$vendor_version" '
function indent_of(line) { match(line, /^ */); return RLENGTH }
function unquoted(text) {
    if (text ~ /^'"'"'.*'"'"'$/) { text = substr(text, 2, length(text) - 2); gsub(/'"'"''"'"'/, "'"'"'", text) }
    return text
}
# in_rules: inside a template'"'"'s discovery rules; rule: the number of the current one.
function track_rules(line, ind) {
    if (line ~ /^      discovery_rules:$/) in_rules = 1
    else if (in_rules && ind <= 6 && line !~ /^ *-/) in_rules = 0
    if (in_rules && line ~ /^        - uuid: /) rule++
}
# 7.0 splits the 6.0 groups as C60ImportConverter does: those of templates are template groups,
# those of host prototypes (and any other) host groups.
function flush_groups(    i) {
    print "  template_groups:"
    for (i = 1; i <= group_count; i++) if (group_name[i] in template_group) print group_text[i]
    for (i = 1; i <= group_count; i++)
        if (group_name[i] in host_group || !(group_name[i] in template_group)) {
            if (!host_groups_written++) print "  host_groups:"
            print group_text[i]
        }
    in_groups = 0
}
function fail(why) { print "make_templates.sh: line " NR ": " why > "/dev/stderr"; failed = 1; exit 1 }
# The next dashboard widget reference: AAAAA, AAAAB, ... as 7.0 numbers them per dashboard.
function next_reference(    i, c) {
    for (i = 5; i >= 1; i--) {
        c = index(letters, substr(reference, i, 1))
        if (c < 26) { reference = substr(reference, 1, i - 1) substr(letters, c + 1, 1) substr(reference, i + 1); return }
        reference = substr(reference, 1, i - 1) "A" substr(reference, i + 1)
    }
}
# The buffered widget fields, the reference of a graph widget added, sorted by name as 7.0 keeps them.
function flush_fields(    i, j, t, tn) {
    if (widget_referenced) {
        fields++
        field_text[fields] = "                    - type: STRING\n                      name: reference\n                      value: " reference
        field_name[fields] = "reference"
        next_reference()
    }
    for (i = 2; i <= fields; i++)
        for (j = i; j > 1 && field_name[j - 1] > field_name[j]; j--) {
            t = field_text[j]; field_text[j] = field_text[j - 1]; field_text[j - 1] = t
            tn = field_name[j]; field_name[j] = field_name[j - 1]; field_name[j - 1] = tn
        }
    for (i = 1; i <= fields; i++) print field_text[i]
    fields = 0
    in_fields = 0
}
function flush_timeout() {
    if (timeout_due) print "          timeout: " timeout
    timeout_due = 0
}
BEGIN {
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    widget_types["GRAPH_CLASSIC"] = "graph"; widget_types["GRAPH_PROTOTYPE"] = "graphprototype"
}
# The first reading.
NR == FNR {
    ind = indent_of($0)
    track_rules($0, ind)
    if (in_rules && $0 ~ /^          host_prototypes:$/) host_rule[rule] = 1
    if (listing_template_groups && $0 ~ /^        - name: /) { template_group[unquoted(substr($0, 17))] = 1; next }
    listing_template_groups = $0 ~ /^      groups:$/
    if (after_group_link && $0 ~ /^ *name: /) { name = $0; sub(/^ *name: /, "", name); host_group[unquoted(name)] = 1 }
    after_group_link = $0 ~ /^ *- group:$/
    next
}
FNR == 1 { rule = 0; in_rules = 0 }
{
    line = $0
    ind = indent_of(line)
    track_rules(line, ind)

    # The groups: buffered until the templates, then split.
    if (in_groups && ind <= 2) flush_groups()
    if (in_groups) {
        if (line ~ /^    - /) group_text[++group_count] = line
        else group_text[group_count] = group_text[group_count] "\n" line
        if (line ~ /^      name: /) group_name[group_count] = unquoted(substr(line, 13))
        next
    }

    if (in_fields && line != "" && ind <= 18) flush_fields()
    if (in_fields) {
        if (ind == 20) { fields++; field_text[fields] = line; field_name[fields] = "" }
        else field_text[fields] = field_text[fields] "\n" line
        if (match(line, /^                    (- )?  name: /) || match(line, /^                    - name: /)) {
            field_name[fields] = substr(line, RLENGTH + 1)
            if (field_name[fields] ~ /\./) fail("a widget field name with a dot: 7.0 renames those")
        }
        next
    }

    if (FNR == 2) {
        if (line != "  version: '"'"'6.0'"'"'") fail("not a 6.0 export")
        print "  version: '"'"'7.0'"'"'"
        next
    }
    if (line ~ /^  date: /) next
    if (line == "  groups:") { in_groups = 1; next }
    if (line == "  hosts:") fail("hosts: 7.0 gives them other fields")
    if (line ~ /^      groups:$/) {
        print "      vendor:"
        print "        name: atol-kkt-monitor"
        print "        version: '"'"'" vendor_version "'"'"'"
        vendor_written = 1
    }

    # The agent item: its timeout after its description, before its tags and triggers (the
    # order of 7.0 exports); trends of a text item, items without history: see the test.
    if (timeout_due && (ind <= 8 || line ~ /^          (url|tags|triggers):$/)) flush_timeout()
    if (line ~ /^          type: ZABBIX_(PASSIVE|ACTIVE)$/) timeout_due = 1
    if (line ~ /^ *(- )?type: (CALCULATED|HTTP_AGENT|SCRIPT|ZABBIX_PASSIVE|ZABBIX_ACTIVE)$/ && ind > 10)
        fail("an item prototype of a type that 7.0 gives a timeout or another formula")
    if (line ~ /^ *(- )?type: CHECK_NOT_SUPPORTED$/) fail("7.0 gives check-not-supported steps a parameter")
    if (line ~ /^ *(- )?(expression|recovery_expression|event_name): .*\\/) fail("7.0 escapes backslashes in expressions")
    if (line ~ /^ *(- )?event_name: .*\{\?/) fail("7.0 converts expression macros in event names")

    # Discovery: lost registers keep their items enabled until the lifetime deletes them, as on
    # 6.0 (dependent items cost nothing and keep their last values in view); a lost register'"'"'s
    # host is disabled at once, so that its agent item no longer runs for a register that is gone,
    # and deleted after the lifetime (zabbix/README.md, "A register that leaves the account").
    if (line ~ /^          lifetime: /) {
        if (line !~ /^          lifetime: .\{\$/) fail("a literal lifetime: 7.0 may give it a lifetime_type")
        print line
        print "          enabled_lifetime_type: " (rule in host_rule ? "DISABLE_IMMEDIATELY" : "DISABLE_NEVER")
        next
    }

    # The dashboard: 7.0 widget type names, a grid three times finer, a reference per graph widget.
    if (line ~ /^      dashboards:$/) in_dashboards = 1
    else if (in_dashboards && ind <= 6 && line !~ /^ *-/) in_dashboards = 0
    if (in_dashboards) {
        if (line ~ /^        - uuid: /) reference = "AAAAA"
        if (line ~ /^                - type: /) {
            type = substr(line, 25)
            if (!(type in widget_types)) fail("dashboard widget type " type ": extend widget_types")
            line = "                - type: " widget_types[type]
            widget_referenced = 1
            if (!has_width && widget_started) fail("a widget without a width: 7.0 sets 3")
            widget_started = 1
            has_width = 0
        }
        if (match(line, /^                  (x|width): .[0-9]+.$/)) {
            split(line, parts, "'"'"'")
            sub(/.[0-9]+.$/, "'"'"'" parts[2] * 3 "'"'"'", line)
            if (line ~ /width/) has_width = 1
        }
        if (line == "                  fields:") { print line; in_fields = 1; fields = 0; next }
    }
    print line
}
END {
    if (failed) exit 1
    if (in_fields) flush_fields()
    flush_timeout()
    if (!vendor_written) { print "make_templates.sh: no template groups line" > "/dev/stderr"; exit 1 }
}' <(printf '%s\n' "$source") <(printf '%s\n' "$source")
}

mkdir -p "$output_dir"
write() { # NAME COMMAND...: the source through COMMAND... into OUTPUT_DIR/NAME
    "${@:2}" <"$source_template" >"$output_dir/$1.tmp" || { rm -f "$output_dir/$1.tmp"; exit 1; }
    mv "$output_dir/$1.tmp" "$output_dir/$1"
}
write template_atol_kkt_trapper.yaml variant trapper
write template_atol_kkt_active.yaml variant active
write template_atol_kkt_7.0.yaml zabbix70
trapper70() { variant trapper | zabbix70; }
active70() { variant active | zabbix70; }
write template_atol_kkt_trapper_7.0.yaml trapper70
write template_atol_kkt_active_7.0.yaml active70
# A host per register: its own generator (its UUIDs moved on by 3 and 4), then 7.0's format.
bash "$here/make_host_templates.sh" "$output_dir/template_atol_kkt_hosts.yaml"
zabbix70 <"$output_dir/template_atol_kkt_hosts.yaml" >"$output_dir/template_atol_kkt_hosts_7.0.yaml.tmp" ||
    { rm -f "$output_dir/template_atol_kkt_hosts_7.0.yaml.tmp"; exit 1; }
mv "$output_dir/template_atol_kkt_hosts_7.0.yaml.tmp" "$output_dir/template_atol_kkt_hosts_7.0.yaml"
