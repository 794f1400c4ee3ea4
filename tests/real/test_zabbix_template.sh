#!/usr/bin/env bash
# Real importer test: the shipped Zabbix templates pass the import validation of a Zabbix
# frontend's own code offline (tests/real/zabbix/validate_template.php): 6.0's reads the 6.0
# files; 7.0's reads them too (converting them 6.0 -> 6.2 -> 6.4 -> 7.0 on import) and the 7.0
# files, each of which must read exactly as its 6.0 file converted but for the vendor and the
# agent item's timeout. Every file but zabbix/template_atol_kkt.yaml is exactly what
# zabbix/make_templates.sh makes of it, the three templates can live in one Zabbix (no shared
# UUID but the host group's), and the JSONPath lines the C++ JSONPath test reads from the YAML
# are exactly those the frontend's YAML reader sees. The host-per-register templates
# (zabbix/template_atol_kkt_hosts.yaml) pass the same frontend's importer and our rules for them
# (tests/real/zabbix/validate_host_templates.php); on 7.0 their 7.0 file too, which must read
# exactly as its 6.0 file converted but for the vendors, the agent items' timeouts and its
# discovery rule disabling lost hosts immediately.
# usage: test_zabbix_template.sh ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR [ZABBIX_VERSION CACHE_DIR]
#   ZABBIX_VERSION  6.0 (default): the installed frontend, else Debian 12's package;
#                   7.0: Debian 13's package, unpacked once into CACHE_DIR/zabbix7-frontend
set -euo pipefail
src=${3:?usage: $0 ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR [ZABBIX_VERSION CACHE_DIR]}
zabbix_version=${4:-6.0}
work=$(mktemp -d /tmp/atol-zabbix-template.XXXXXX)
trap 'rm -rf "$work"' EXIT

passes=0 failures=0
pass() { echo "ok   $*"; passes=$((passes + 1)); }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

command -v php >/dev/null || { echo "FAIL php is not installed (scripts/setup.sh --tests installs php-cli)"; exit 1; }

case $zabbix_version in
6.0)
    # The installed zabbix-frontend-php when it is 6.0, else the package unpacked here.
    frontend=/usr/share/zabbix
    if ! grep -qs "define('ZABBIX_VERSION',\s*'6\.0\." "$frontend/include/defines.inc.php"; then
        download() { (cd "$work" && apt-get download zabbix-frontend-php >/dev/null 2>&1); }
        download || { apt-get update -qq >/dev/null 2>&1 && download; } ||
            { echo "FAIL zabbix-frontend-php is neither installed nor downloadable"; exit 1; }
        dpkg-deb -x "$work"/zabbix-frontend-php_*.deb "$work/frontend"
        frontend=$work/frontend/usr/share/zabbix
    fi
    ;;
7.0)
    cache=${5:?usage: $0 ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR 7.0 CACHE_DIR}
    source "$src/tests/real/zabbix7/frontend.sh"
    mkdir -p "$cache"
    cached=$(realpath -m "$cache/zabbix7-frontend") # a symbolic link shares another build's (.ci/run)
    exec {lock_fd}>"$cached.lock" # one download per cache, however many runs
    flock "$lock_fd"
    zabbix7_frontend_ensure "$cached" "$work/apt.log" || { echo "FAIL $(tail -n 3 "$work/apt.log")"; exit 1; }
    frontend=$cached/usr/share/zabbix
    ;;
*) echo "FAIL unknown Zabbix version $zabbix_version (6.0 or 7.0)"; exit 1 ;;
esac
grep -s "define('ZABBIX_VERSION'" "$frontend/include/defines.inc.php" | sed 's/^/     /'

agent_template=$src/zabbix/template_atol_kkt.yaml
trapper_template=$src/zabbix/template_atol_kkt_trapper.yaml
active_template=$src/zabbix/template_atol_kkt_active.yaml
validate() { # TEMPLATE [PAIRS_OUT [TEMPLATE_6.0]]: the validator's output indented, its status
    php "$src/tests/real/zabbix/validate_template.php" "$frontend" "$@" >"$work/out" 2>&1
    local status=$?
    sed 's/^/     /' "$work/out"
    return $status
}

for template in "$agent_template" "$trapper_template" "$active_template"; do
    if validate "$template" "$work/$(basename "$template").pairs"; then
        pass "$(basename "$template"): Zabbix $zabbix_version frontend import validation and our rules"
    else
        fail "$(basename "$template"): validation"
    fi
done
# The 7.0 files: only the 7.0 frontend reads them.
if [[ $zabbix_version == 7.0 ]]; then
    for template in "$agent_template" "$trapper_template" "$active_template"; do
        template70=${template%.yaml}_7.0.yaml
        if validate "$template70" "" "$template"; then
            pass "$(basename "$template70"): Zabbix 7.0 frontend import validation and our rules, the same as $(basename "$template") converted by 7.0"
        else
            fail "$(basename "$template70"): validation"
        fi
    done
    # The comparison and the timeout rule catch what they must.
    sed 's/^\(              history: \).{\$ATOL.HISTORY}.$/\1'"'"'30d'"'"'/' "${agent_template%.yaml}_7.0.yaml" >"$work/broken.yaml"
    if ! validate "$work/broken.yaml" "" "$agent_template" >/dev/null &&
        grep -q "differs from .* as 7.0 converts it: /templates/0/discovery_rules/0/item_prototypes/0/history" "$work/out"; then
        pass "the validator rejects a 7.0 file that says something else than its 6.0 file"
    else
        sed 's/^/     /' "$work/out"
        fail "the validator accepted a 7.0 file whose item prototype history differs from its 6.0 file's"
    fi
    sed 's/^\(          timeout: \).*/\12s/' "${agent_template%.yaml}_7.0.yaml" >"$work/broken.yaml"
    if ! validate "$work/broken.yaml" >/dev/null && grep -q 'must exceed the answer budget' "$work/out"; then
        pass "the validator rejects a 7.0 agent item timeout the answer budget does not fit under"
    else
        sed 's/^/     /' "$work/out"
        fail "the validator accepted a 2 s timeout on the agent item"
    fi
fi

# The validator must reject a broken template (guards against a validator that passes anything).
sed 's/)<{\$ATOL.FN.DAYS.CRIT:/)<<{$ATOL.FN.DAYS.CRIT:/' "$agent_template" >"$work/broken.yaml"
if php "$src/tests/real/zabbix/validate_template.php" "$frontend" "$work/broken.yaml" >"$work/out" 2>&1; then
    fail "the validator accepted a template with a broken trigger expression"
elif grep -q 'Invalid parameter "expression"' "$work/out"; then
    pass "the validator rejects a broken trigger expression"
else
    sed 's/^/     /' "$work/out"
    fail "the validator rejected the broken template for another reason"
fi
# ... and a preprocessing parameter the API refuses (its own validation, not ours).
awk '/- type: DISCARD_UNCHANGED_HEARTBEAT$/ { heartbeat = 1 }
     heartbeat && /^ *- [^ ]+$/ && !/type:/ { sub(/- [^ ]+$/, "- not-a-time"); heartbeat = 0 } { print }' \
    "$agent_template" >"$work/broken.yaml"
php "$src/tests/real/zabbix/validate_template.php" "$frontend" "$work/broken.yaml" >"$work/out" 2>&1 || true
if grep -q 'preprocessing: Invalid parameter .*a time unit is expected' "$work/out"; then
    pass "the validator rejects a preprocessing parameter the API refuses"
else
    sed 's/^/     /' "$work/out"
    fail "the validator accepted a heartbeat of \"not-a-time\""
fi
sed 's/uuid: \([0-9a-f]\{12\}\)4/uuid: \15/' "$agent_template" >"$work/broken.yaml"
php "$src/tests/real/zabbix/validate_template.php" "$frontend" "$work/broken.yaml" >"$work/out" 2>&1 || true
if grep -q 'is not a UUIDv4' "$work/out"; then
    pass "the validator rejects UUIDs that are not version 4"
else
    fail "the validator accepted non-v4 UUIDs"
fi

# Every variant is generated, never edited by hand: the committed files are exactly the
# generator's output, and no other template file lies beside them.
bash "$src/zabbix/make_templates.sh" "$work/generated"
stale=()
for generated in "$work/generated"/*.yaml; do
    if ! diff -u "$src/zabbix/$(basename "$generated")" "$generated" >"$work/diff" 2>&1; then
        head -40 "$work/diff" | sed 's/^/     /'
        stale+=("$(basename "$generated")")
    fi
done
committed=$(cd "$src/zabbix" && ls template_*.yaml | grep -vx template_atol_kkt.yaml || true)
if ((${#stale[@]} == 0)) && [[ "$committed" == "$(cd "$work/generated" && ls *.yaml)" ]]; then
    pass "$(tr '\n' ' ' <<<"$committed")are what make_templates.sh makes"
else
    fail "stale or unknown template files (${stale[*]}; committed: $(tr '\n' ' ' <<<"$committed")): run zabbix/make_templates.sh"
fi

# The templates with a host per register (zabbix/make_host_templates.sh), validated by the same
# frontend, with a negative control (make_templates.sh writes the file: checked above).
hosts_template=$src/zabbix/template_atol_kkt_hosts.yaml
if php "$src/tests/real/zabbix/validate_host_templates.php" "$frontend" "$hosts_template" >"$work/out" 2>&1; then
    sed 's/^/     /' "$work/out"
    pass "$(basename "$hosts_template"): Zabbix $zabbix_version frontend import validation and our rules"
else
    sed 's/^/     /' "$work/out"
    fail "$(basename "$hosts_template"): validation"
fi
awk '/^                - macro: .\{\$ATOL\.FN\.DAYS\.WARN\}.$/ { getline; next } { print }' \
    "$hosts_template" >"$work/broken.yaml"
php "$src/tests/real/zabbix/validate_host_templates.php" "$frontend" "$work/broken.yaml" >"$work/out" 2>&1 || true
if grep -q "does not set ATOL KKT register by Zabbix agent's macro {\$ATOL.FN.DAYS.WARN}" "$work/out"; then
    pass "the host template validator rejects a host prototype that does not hand on a threshold"
else
    sed 's/^/     /' "$work/out"
    fail "the host template validator accepted a host prototype without {\$ATOL.FN.DAYS.WARN}"
fi
if [[ $zabbix_version == 7.0 ]]; then
    hosts_template70=${hosts_template%.yaml}_7.0.yaml
    if php "$src/tests/real/zabbix/validate_host_templates.php" "$frontend" "$hosts_template70" "$hosts_template" \
        >"$work/out" 2>&1; then
        sed 's/^/     /' "$work/out"
        pass "$(basename "$hosts_template70"): Zabbix 7.0 frontend import validation and our rules, the same as $(basename "$hosts_template") converted by 7.0"
    else
        sed 's/^/     /' "$work/out"
        fail "$(basename "$hosts_template70"): validation"
    fi
    sed 's/^\(          enabled_lifetime_type: \)DISABLE_IMMEDIATELY$/\1DISABLE_NEVER/' "$hosts_template70" >"$work/broken.yaml"
    php "$src/tests/real/zabbix/validate_host_templates.php" "$frontend" "$work/broken.yaml" "$hosts_template" \
        >"$work/out" 2>&1 || true
    if grep -q 'atol.kkt.registers.hosts: lost hosts not disabled immediately' "$work/out"; then
        pass "the host template validator rejects a 7.0 file whose lost register hosts stay enabled"
    else
        sed 's/^/     /' "$work/out"
        fail "the host template validator accepted a 7.0 file with \"Disable lost resources: Never\""
    fi
fi

# The four templates in one Zabbix: UUIDs shared only by the host group.
uuids() { grep -o 'uuid: [0-9a-f]*' "$1" | sort; }
shared=$(sort <(uuids "$agent_template") <(uuids "$trapper_template") <(uuids "$active_template") \
    <(uuids "$hosts_template") | uniq -d)
if [[ "$shared" == "uuid: a571c0d144b14fd4a87a9d9b2aa9fcd6" ]]; then
    pass "the four templates (agent, trapper, active, host per register) share no UUID but the host group's"
else
    fail "the templates share UUIDs: $shared"
fi

# The C++ JSONPath test (tests/integration/test_zabbix_jsonpath.cpp) reads "key: '...'" lines and
# the parameter line after "- type: JSONPATH"; the same reading here must equal the frontend's.
awk '
    /^ *master_item:$/ { after_master = 1; next }
    /^ *(- )?key: / { if (!after_master) { key = $0; sub(/^ *(- )?key: /, "", key) } after_master = 0; next }
    { after_master = 0 }
    /^ *- type: JSONPATH$/ { want = 2; next }
    want == 2 && /^ *parameters:$/ { want = 1; next }
    want == 1 { param = $0; sub(/^ *- /, "", param); print key "\t" param; want = 0; next }
' "$agent_template" | sed "s/^'\([^\t]*\)'\t/\1\t/; s/\t'\(.*\)'\$/\t\1/; s/''/'/g" | sort >"$work/line_pairs"
if diff -u "$work/template_atol_kkt.yaml.pairs" "$work/line_pairs" >"$work/diff"; then
    pass "the JSONPath lines read line by line equal the frontend's YAML reading ($(wc -l <"$work/line_pairs") pairs)"
else
    sed 's/^/     /' "$work/diff"
    fail "line-by-line JSONPath reading differs from the YAML reader"
fi

echo "$passes passed, $failures failed"
((failures == 0))
