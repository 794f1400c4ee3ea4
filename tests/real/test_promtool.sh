#!/usr/bin/env bash
# Real Prometheus tooling: promtool (Prometheus 2.x, Debian's `prometheus` package) accepts
# what `atol-kkt prometheus` prints against the emulator (a generated fleet, --output for the
# textfile collector, awkward label values and unknown fields, a failed read), and the example
# alerting rules: `promtool check rules`, their unit tests (`promtool test rules`), and every
# metric they use is one the exporter exports.
# usage: test_promtool.sh ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR
set -euo pipefail
atol=${1:?usage: $0 ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR}
emulator=${2:?usage: $0 ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR}
src=${3:?usage: $0 ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR}
work=$(mktemp -d /tmp/atol-promtool.XXXXXX)
# shellcheck source=lib/tally.sh
source "${BASH_SOURCE%/*}/lib/tally.sh"
command -v promtool >/dev/null ||
    { echo "FAIL promtool is not installed (scripts/setup.sh --tests installs prometheus)"; exit 1; }
promtool --version 2>&1 | head -n1 | sed 's/^/     /'

# Starts the emulator with ARGS; sets $url from its first stdout line.
start_emulator() {
    local name=$1
    shift
    mkfifo "$work/$name.url"
    "$emulator" "$@" >"$work/$name.url" 2>"$work/$name.err" &
    pids+=($!)
    exec {fd}<"$work/$name.url"
    read -r -t 20 url <&"$fd" || { echo "FAIL emulator $name did not start"; cat "$work/$name.err"; exit 1; }
}

# Runs atol-kkt prometheus against $url with a private cache; extra args follow.
exporter() {
    env -i PATH="$PATH" HOME="$work" ATOL_KKT_CACHE_DIR="$work/cache-$RANDOM$RANDOM" \
        ATOL_KKT_BASE_URL="$url" LC_ALL=C.UTF-8 "$atol" prometheus "$@"
}

# promtool check metrics on FILE: no parse error, no lint problem.
check_metrics() {
    local file=$1 what=$2
    if promtool check metrics <"$file" >"$work/promtool.out" 2>&1 && [[ ! -s $work/promtool.out ]]; then
        pass "$what: promtool check metrics"
    else
        sed 's/^/     /' "$work/promtool.out" | head -20
        fail "$what: promtool check metrics"
    fi
}

expect_line() {
    local file=$1 line=$2 what=$3
    if grep -qxF -- "$line" "$file"; then pass "$what: $line"; else fail "$what: no line '$line'"; fi
}

# 1. A generated fleet of 300 registers (healthy and failing ones, unknown fields).
start_emulator fleet --registers 300 --seed 11
fleet_url=$url
if exporter >"$work/fleet.prom" 2>"$work/fleet.err"; then pass "fleet: exit 0"; else fail "fleet: exit $?"; fi
check_metrics "$work/fleet.prom" "fleet"
expect_line "$work/fleet.prom" "atol_kkt_up 1" "fleet"
expect_line "$work/fleet.prom" "atol_kkt_registers 300" "fleet"
states=$(grep -c '^atol_kkt_state{' "$work/fleet.prom" || true)
[[ $states == 300 ]] && pass "fleet: 300 atol_kkt_state samples" || fail "fleet: $states atol_kkt_state samples"

exporter --account-label "shop \"1\"" >"$work/account.prom" 2>/dev/null
check_metrics "$work/account.prom" "--account-label"
expect_line "$work/account.prom" 'atol_kkt_up{account="shop \"1\""} 1' "--account-label"

# 2. --output for node_exporter's textfile collector.
mkdir "$work/textfile"
if exporter --output "$work/textfile/atol-kkt.prom" >"$work/output.out" 2>&1 && [[ ! -s $work/output.out ]]; then
    pass "--output: exit 0, nothing on stdout"
else
    fail "--output: $(cat "$work/output.out")"
fi
check_metrics "$work/textfile/atol-kkt.prom" "--output file"
mode=$(stat -c %a "$work/textfile/atol-kkt.prom")
[[ $mode == 644 ]] && pass "--output: mode 644" || fail "--output: mode $mode"
[[ $(ls -A "$work/textfile") == atol-kkt.prom ]] && pass "--output: no temporary file left" ||
    fail "--output: left $(ls -A "$work/textfile")"

# 3. Label values Prometheus must see escaped, and unknown fields (left out, not 0).
cat >"$work/odd-fleet.json" <<'JSON'
[{"serialNumber":"00106709186412","registrationNumber":"0006538712045120","deviceNumber":"KKT031877",
  "fiscalizationDate":"2025-09-14T09:12:00+00:00","fiscalStorageExpiration":"2027-12-29T21:00:00+00:00",
  "signedDocuments":48211,"fiscalStoragePercentageUse":37.5,"fiscalStorageINN":"7701234567",
  "fiscalStorageSerialNumber":"7380440800123456",
  "fiscalStoragePaymentAddress":"г. Москва, ТЦ \"Пассаж\", C:\\касса\nвторая строка",
  "groupCode":"shop-example-ru_1207","timestamp":"2026-11-28T10:05:41+00:00","isShiftOpened":true,
  "shiftNumber":412,"shiftReceipt":96,"unsentDocs":3,"firstUnsetDocTimestamp":"2026-11-28T08:47:10+00:00",
  "networkErrorCode":2},
 {"serialNumber":"00106709186413","fiscalStorageExpiration":null,"fiscalStoragePercentageUse":"n/a",
  "timestamp":"2026-11-28T10:05:41+00:00"}]
JSON
start_emulator odd --fleet "$work/odd-fleet.json"
if exporter >"$work/odd.prom" 2>"$work/odd.err"; then pass "odd fleet: exit 0"; else fail "odd fleet: exit $?"; fi
check_metrics "$work/odd.prom" "odd fleet"
if grep -qF 'address="г. Москва, ТЦ \"Пассаж\", C:\\касса\nвторая строка"' "$work/odd.prom"; then
    pass "odd fleet: address escaped (quote, backslash, line feed)"
else
    fail "odd fleet: address not escaped as the text format wants"
fi
if grep -q '^atol_kkt_fn_usage{serial="00106709186413"' "$work/odd.prom"; then
    fail "odd fleet: an unknown fn_usage was exported"
else
    pass "odd fleet: unknown fn_usage left out"
fi

# 4. A failed read: still valid, with atol_kkt_up 0 (exit 0, the error on stderr).
url=http://127.0.0.1:1/api
if exporter --timeout 5 >"$work/down.prom" 2>"$work/down.err"; then pass "API down: exit 0"; else fail "API down: exit $?"; fi
check_metrics "$work/down.prom" "API down"
expect_line "$work/down.prom" "atol_kkt_up 0" "API down"
[[ -s $work/down.err ]] && pass "API down: error on stderr" || fail "API down: nothing on stderr"

# 5. The alerting rules.
rules=$src/prometheus/atol-kkt.rules.yml
if promtool check rules "$rules" >"$work/rules.out" 2>&1; then
    pass "promtool check rules: $(grep -o '[0-9]* rules found' "$work/rules.out")"
else
    sed 's/^/     /' "$work/rules.out"
    fail "promtool check rules"
fi
if promtool test rules "$src/prometheus/atol-kkt.rules.test.yml" >"$work/rules-test.out" 2>&1; then
    pass "promtool test rules"
else
    sed 's/^/     /' "$work/rules-test.out" | head -40
    fail "promtool test rules"
fi
# Every metric the rules use is a family the exporter describes.
for metric in $(grep -oE 'atol_kkt_[a-z_]+' "$rules" | sort -u); do
    if grep -qx "# TYPE $metric gauge" "$work/fleet.prom" "$work/down.prom" ||
        { [[ $metric == atol_kkt_register_not_found ]] &&
            url=$fleet_url exporter --serial 99999999999999 2>/dev/null |
                grep -qx "# TYPE $metric gauge"; }; then
        pass "rules use $metric, which the exporter has"
    else
        fail "rules use $metric, which the exporter does not export"
    fi
done

finish
