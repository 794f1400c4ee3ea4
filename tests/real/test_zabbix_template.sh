#!/usr/bin/env bash
# Real importer test: the shipped Zabbix templates (6.0 export format) pass the import
# validation of a Zabbix frontend's own code offline, 6.0's or 7.0's (which converts them
# 6.0 -> 6.2 -> 6.4 -> 7.0 on import; tests/real/zabbix/validate_template.php), the trapper
# variant is exactly what zabbix/make_trapper_template.sh makes, both templates can live in one
# Zabbix (no shared UUID but the host group's), and the JSONPath lines the C++ JSONPath test
# reads from the YAML are exactly those the frontend's YAML reader sees.
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

for template in "$agent_template" "$trapper_template"; do
    if php "$src/tests/real/zabbix/validate_template.php" "$frontend" "$template" \
        "$work/$(basename "$template").pairs" >"$work/out" 2>&1; then
        sed 's/^/     /' "$work/out"
        pass "$(basename "$template"): Zabbix $zabbix_version frontend import validation and our rules"
    else
        sed 's/^/     /' "$work/out"
        fail "$(basename "$template"): validation"
    fi
done

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

# The trapper variant is generated, never edited by hand.
bash "$src/zabbix/make_trapper_template.sh" "$work/trapper.yaml"
if diff -u "$trapper_template" "$work/trapper.yaml" >"$work/diff"; then
    pass "template_atol_kkt_trapper.yaml is what make_trapper_template.sh makes"
else
    head -40 "$work/diff" | sed 's/^/     /'
    fail "template_atol_kkt_trapper.yaml is stale: run zabbix/make_trapper_template.sh"
fi

# Both templates in one Zabbix: UUIDs shared only by the host group.
uuids() { grep -o 'uuid: [0-9a-f]*' "$1" | sort; }
shared=$(comm -12 <(uuids "$agent_template") <(uuids "$trapper_template"))
if [[ "$shared" == "uuid: a571c0d144b14fd4a87a9d9b2aa9fcd6" ]]; then
    pass "the two templates share no UUID but the host group's"
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
