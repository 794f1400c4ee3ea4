#!/usr/bin/env bash
# A real Prometheus server (Debian's `prometheus` package) scrapes `atol-kkt exporter`: started in
# the foreground on loopback with the scrape job and rule file of docs/exporter.md, staged
# in a directory this test creates. Through Prometheus' HTTP API: up == 1, the exporter's series,
# exactly the alerts the hand-written fleet below should fire (one of them from a week of ФН
# history); then ATOL fails and
# AtolKktScrapeFailed goes pending (it fires after its `for: 10m`) while the last registers stay
# queryable. Every PromQL query of prometheus/grafana-dashboard.json returns data.
# usage: test_prometheus_exporter.sh ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR
set -euo pipefail
atol=${1:?usage: $0 ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR}
emulator=${2:?usage: $0 ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR}
src=${3:?usage: $0 ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR}
work=$(mktemp -d /tmp/atol-prometheus.XXXXXX)
# shellcheck source=lib/tally.sh
source "${BASH_SOURCE%/*}/lib/tally.sh"
# shellcheck source=lib/exporter.sh
source "${BASH_SOURCE%/*}/lib/exporter.sh"
command -v prometheus >/dev/null ||
    die "prometheus is not installed (scripts/setup.sh --tests installs it)"
prometheus --version 2>&1 | head -n1 | sed 's/^/     /'

# The fleet: one register per alert it should fire, and one healthy. Times are relative to now
# (the emulator serves the file as it is). 00106709180005 expires in 300 days but its ФН memory
# fills 2 %/day: at 80 % it is full in 10 days, an alert only its own history can raise
# (docs/forecast.md); `fleet_on DAYS_AGO` is the fleet as it was then.
at() { date -u -d "$1" +%Y-%m-%dT%H:%M:%S+00:00; }
register() {  # SERIAL FN_EXPIRATION FN_USAGE UNSENT FIRST_UNSENT STATUS_TIME
    printf '{"serialNumber":"%s","registrationNumber":"000653871204%s","groupCode":"shop",
      "fiscalStorageINN":"7701234567","fiscalStoragePaymentAddress":"shop.example.ru",
      "fiscalStorageExpiration":"%s","fiscalStoragePercentageUse":%s,"timestamp":"%s",
      "isShiftOpened":false,"unsentDocs":%s,"firstUnsetDocTimestamp":%s,"networkErrorCode":0}' \
        "$1" "${1: -4}" "$2" "$3" "$6" "$4" "$5"
}
fleet_on() {
    local when
    when=$(at "-$1 days")
    echo "["
    register 00106709180001 "$(at '+400 days')" 10 0 null "$when"
    echo ","
    register 00106709180002 "$(at '+3 days')" 20 0 null "$when"
    echo ","
    register 00106709180003 "$(at '+300 days')" 85 0 null "$when"
    echo ","
    register 00106709180004 "$(at '+300 days')" 30 5 "\"$(at '-100 hours')\"" "$when"
    echo ","
    register 00106709180005 "$(at '+300 days')" $((80 - 2 * $1)) 0 null "$when"
    echo "]"
}
fleet_on 0 >"$work/fleet.json"
expected_alerts="AtolKktFnExpiresCritical 00106709180002
AtolKktFnReplaceWarning 00106709180005
AtolKktFnUsageWarning 00106709180003
AtolKktUnsentCritical 00106709180004"

# 1. The emulator, and the exporter on an ephemeral loopback port (it prints the URL).
mkfifo "$work/emulator.url"
"$emulator" --fleet "$work/fleet.json" >"$work/emulator.url" 2>"$work/emulator.log" &
pids+=($!)
exec {fd}<"$work/emulator.url"
read -r -t 20 api_url <&"$fd" || die "the emulator did not start"
control_url=${api_url%/api}/_emulator

# A week of history in the exporter's cache, as daily runs of any command would have left it.
for days_ago in 7 6 5 4 3 2 1; do
    fleet_on "$days_ago" | curl -fsS --max-time 5 -X POST -H 'Content-Type: application/json' \
        --data-binary @- "$control_url/fleet" >/dev/null
    env -i PATH="$PATH" HOME="$work" ATOL_KKT_CACHE_DIR="$work/cache" ATOL_KKT_BASE_URL="$api_url" \
        ATOL_KKT_NOW="$(at "-$days_ago days")" ATOL_KKT_CACHE_TTL=0 LC_ALL=C.UTF-8 \
        "$atol" list --json >/dev/null 2>>"$work/history.log" || die "list on day -$days_ago"
done
curl -fsS --max-time 5 -X POST -H 'Content-Type: application/json' \
    --data-binary @"$work/fleet.json" "$control_url/fleet" >/dev/null

start_exporter --cache-ttl 2 --timeout 5
exporter_target=${exporter_url#http://}
pass "exporter listening at $exporter_url"

# 2. Prometheus with the job and rule file docs/exporter.md tells the admin to add.
prom_port=$(free_port)
# The rule file as `cmake --install` puts it in share/atol-kkt/prometheus/, a copy.
mkdir "$work/config"
install -m 0644 "$src/prometheus/atol-kkt.rules.yml" "$work/config/atol-kkt.rules.yml"
cat >"$work/config/prometheus.yml" <<YAML
global:
  scrape_interval: 2s
  evaluation_interval: 2s
rule_files:
  - $work/config/atol-kkt.rules.yml
scrape_configs:
  - job_name: atol-kkt
    static_configs:
      - targets: ['$exporter_target']
YAML
if promtool check config "$work/config/prometheus.yml" >"$work/promtool.log" 2>&1; then
    pass "promtool check config"
else
    fail "promtool check config: $(cat "$work/promtool.log")"
fi
prometheus --config.file="$work/config/prometheus.yml" --storage.tsdb.path="$work/data" \
    --web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1 &
pids+=($!)
prom=http://127.0.0.1:$prom_port

# query PROMQL: the API's result array (JSON); empty on an error.
query() { curl -fsS --max-time 5 --get "$prom/api/v1/query" --data-urlencode "query=$1" | jq -c '.data.result'; }
# value PROMQL: the first sample's value, or nothing.
value() { query "$1" 2>/dev/null | jq -r '.[0].value[1] // empty' 2>/dev/null || true; }
# wait_value PROMQL VALUE: until the query gives VALUE (60 s at most).
wait_value() {
    local v
    for _ in $(seq 120); do
        v=$(value "$1")
        [[ $v == "$2" ]] && return 0
        sleep 0.5
    done
    echo "     $1 = '${v:-}' (wanted $2)"
    return 1
}
# alerts STATE: "alertname serial" of the alerts in STATE, sorted.
alerts() {
    curl -fsS --max-time 5 "$prom/api/v1/alerts" |
        jq -r --arg state "$1" '.data.alerts[] | select(.state == $state) |
            "\(.labels.alertname) \(.labels.serial // "")" | sub(" $"; "")' | sort
}

for _ in $(seq 60); do curl -fsS --max-time 2 "$prom/-/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS --max-time 2 "$prom/-/ready" >/dev/null 2>&1 || die "Prometheus did not get ready"
pass "Prometheus ready on $prom"

# 3. The scrape and the series.
wait_value 'up{job="atol-kkt"}' 1 && pass "up == 1" || fail "up is not 1"
wait_value 'atol_kkt_up' 1 && pass "atol_kkt_up == 1" || fail "atol_kkt_up is not 1"
[[ $(value 'atol_kkt_registers') == 5 ]] && pass "atol_kkt_registers == 5" || fail "atol_kkt_registers"
[[ $(value 'count(atol_kkt_state)') == 5 ]] && pass "5 atol_kkt_state series" || fail "atol_kkt_state series"
full=$(value 'atol_kkt_fn_full_time_left_seconds{serial="00106709180005"} / 86400')
if [[ -n $full ]] && awk -v d="$full" 'BEGIN { exit !(d > 9.5 && d < 10.5) }'; then
    pass "00106709180005: full in $full days (80 %, +2 %/day)"
else
    fail "00106709180005: fn_full_time_left is '$full' days, not about 10"
fi
[[ $(value 'atol_kkt_fn_usage{serial="00106709180003"}') == 85 ]] &&
    pass "fn_usage of 00106709180003 is 85" || fail "fn_usage of 00106709180003"
for series in atol_kkt_build_info atol_kkt_last_success_timestamp_seconds atol_kkt_list_age_seconds \
    atol_kkt_refresh_duration_seconds 'atol_kkt_api_requests_total{outcome="success"}'; do
    [[ -n $(value "$series") ]] && pass "series $series" || fail "no series $series"
done

# 4. Exactly the expected alerts firing (rules without `for:` fire at their first evaluation).
firing=
for _ in $(seq 60); do
    firing=$(alerts firing)
    [[ $firing == "$expected_alerts" ]] && break
    sleep 0.5
done
if [[ $firing == "$expected_alerts" ]]; then
    pass "firing: exactly $(echo "$expected_alerts" | tr '\n' ';')"
else
    fail "firing alerts differ"
    diff <(echo "$expected_alerts") <(echo "$firing") | sed 's/^/     /' || true
fi

# 5. Every PromQL query of the Grafana dashboard returns data from this Prometheus.
dashboard=$src/prometheus/grafana-dashboard.json
jq -e . "$dashboard" >/dev/null && pass "grafana-dashboard.json is JSON" || fail "grafana-dashboard.json is not JSON"
sleep 5  # increase() over a range needs two scrapes of the counter
queries=0
while IFS= read -r expr; do
    queries=$((queries + 1))
    result=$(query "$expr" 2>/dev/null || true)
    if [[ -n $result && $result != "[]" && $result != null ]]; then
        pass "dashboard query returns data: $expr"
    else
        fail "dashboard query returns nothing: $expr"
    fi
done < <(jq -r '.. | .expr? // empty' "$dashboard")
((queries >= 10)) && pass "the dashboard has $queries queries" || fail "the dashboard has $queries queries"

# 6. ATOL fails: atol_kkt_up 0, AtolKktScrapeFailed pending, the last registers still there.
curl -fsS --max-time 5 -X POST -H 'Content-Type: application/json' \
    -d '{"fail_status":503,"fail_path":"any"}' "$control_url/faults" >/dev/null
wait_value 'atol_kkt_up' 0 && pass "ATOL down: atol_kkt_up == 0" || fail "ATOL down: atol_kkt_up not 0"
[[ $(value 'up{job="atol-kkt"}') == 1 ]] && pass "ATOL down: the scrape itself still up" ||
    fail "ATOL down: scrape failed"
pending=
for _ in $(seq 60); do
    pending=$(alerts pending)
    [[ $pending == *AtolKktScrapeFailed* ]] && break
    sleep 0.5
done
[[ $pending == *AtolKktScrapeFailed* ]] && pass "ATOL down: AtolKktScrapeFailed pending (for: 10m)" ||
    fail "ATOL down: AtolKktScrapeFailed not pending ($pending)"
[[ $(value 'count(atol_kkt_state)') == 5 ]] && pass "ATOL down: the last 5 registers still queryable" ||
    fail "ATOL down: registers gone"
[[ $(value 'atol_kkt_api_requests_total{outcome="api_error"} > 0') != "" ]] &&
    pass "ATOL down: api_error counted" || fail "ATOL down: no api_error counted"
[[ $(alerts firing) == "$expected_alerts" ]] && pass "ATOL down: the register alerts keep firing" ||
    fail "ATOL down: register alerts changed"

finish
