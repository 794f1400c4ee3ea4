#!/usr/bin/env bash
# Writes zabbix/template_atol_kkt_trapper.yaml from zabbix/template_atol_kkt.yaml, so the two never
# drift: the same items, discovery filter and triggers, fed by `atol-kkt zabbix send` instead of
# the agent. The differences:
#   - template "ATOL KKT by Zabbix trapper";
#   - master item: Zabbix trapper atol.kkt.registers (what `atol-kkt zabbix send` pushes), no
#     interval; Zabbix matches trapper keys literally (a {$MACRO} in the key is not expanded:
#     measured with Zabbix 6.0.14), so the key has no profile parameter;
#   - discovery rule: Zabbix trapper atol.kkt.discovery (the sender pushes the LLD JSON of
#     `atol-kkt zabbix discovery`, whose rows carry the macros: no LLD macro paths, no step
#     picking the discovery fields; the heartbeat step stays);
#   - {$ATOL.PROFILE} and {$ATOL.INTERVAL} dropped (the sender's own options and schedule);
#   - every UUID but the host group's shifted to another UUIDv4, so both templates can coexist.
# usage: zabbix/make_trapper_template.sh [OUTPUT]   (default: zabbix/template_atol_kkt_trapper.yaml)
# tests/real/test_zabbix_template.sh fails when the committed file differs from this output.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_template="$here/template_atol_kkt.yaml"
output=${1:-$here/template_atol_kkt_trapper.yaml}
group_uuid=a571c0d144b14fd4a87a9d9b2aa9fcd6 # Templates/Applications, as in Zabbix's own templates

LC_ALL=C awk -v group_uuid="$group_uuid" '
function indent_of(line) { match(line, /^ */); return RLENGTH }
BEGIN { rotate_from = "0123456789abcdef"; rotate_to = "123456789abcdef0" }
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

    # Another UUIDv4: rotate the first hex digit (the version and variant digits stay).
    if (match(line, /uuid: [0-9a-f]+$/) && RLENGTH == 38 && substr(line, RSTART + 6) != group_uuid) {
        pos = RSTART + 6
        digit = substr(line, pos, 1)
        line = substr(line, 1, pos - 1) substr(rotate_to, index(rotate_from, digit), 1) substr(line, pos + 1)
    }

    gsub(/ATOL KKT by Zabbix agent/, "ATOL KKT by Zabbix trapper", line)
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

    # The template description names the agent set-up: the trapper one instead.
    if (line ~ /^      description: \|$/ && !template_described) {
        template_described = 1
        print line
        print "        Cash registers of an ATOL Online account, pushed by the atol-kkt program (atol-kkt-monitor)."
        print ""
        print "        `atol-kkt zabbix send --zabbix-server SERVER --host HOST` reads every register of the"
        print "        account in one API fetch and pushes it to the trapper item atol.kkt.registers (the master"
        print "        item, history 0) and the discovery JSON to the trapper discovery rule atol.kkt.discovery;"
        print "        items and triggers per register all depend on the master item. One Zabbix host per"
        print "        account; run the sender from cron or a systemd timer. Thresholds equal the defaults of"
        print "        `atol-kkt check`; override them per host, or per register with macro context, e.g."
        print "        {$ATOL.FN.DAYS.WARN:\"00106709186412\"}."
        skip_indent = 6
        next
    }
    print line
}
' "$source_template" > "$output.tmp"
mv "$output.tmp" "$output"
