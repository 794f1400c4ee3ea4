#!/usr/bin/env bash
# Smoke test of atol-kkt-emulator with curl and jq: every endpoint and fault once.
# Usage: tests/emulator/smoke.sh path/to/atol-kkt-emulator   (CTest: integration_emulator_smoke)
set -euo pipefail

EMULATOR=${1:?usage: smoke.sh path/to/atol-kkt-emulator}
WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

PASSED=0
FAILED=0
check() {  # check NAME EXPECTED ACTUAL
    if [[ "$2" == "$3" ]]; then
        PASSED=$((PASSED + 1))
    else
        FAILED=$((FAILED + 1))
        echo "FAIL: $1: expected [$2], got [$3]" >&2
    fi
}

# Starts the emulator with the given options; sets URL (the /api base) and CONTROL.
start() {
    local out="$WORK/out.$RANDOM"
    "$EMULATOR" "$@" >"$out" &
    PIDS+=("$!")
    for _ in $(seq 100); do
        [[ -s "$out" ]] && break
        sleep 0.05
    done
    URL=$(head -n1 "$out")
    CONTROL=${URL%/api}/_emulator
}

LOGIN=v4-online-atol-ru
PASS=iGFFuihss
json_post() { curl -s -X POST -H 'Content-Type: application/json' -d "$2" "$1"; }
token() { json_post "$URL/auth/v1/gettoken" "{\"login\":\"$LOGIN\",\"pass\":\"$PASS\"}" | jq -r .token; }
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
list() { curl -s -H "Token: $TOKEN" "$URL/kkt/v1/cash-registers$1"; }
faults() { json_post "$CONTROL/faults" "$1" >/dev/null; }

start --now 2026-11-28T10:00:00+00:00 --registers 20 --seed 7
check "first line is the base URL" 1 "$([[ "$URL" =~ ^http://127\.0\.0\.1:[0-9]+/api$ ]] && echo 1)"

# --- auth
check "auth ok" null "$(json_post "$URL/auth/v1/gettoken" "{\"login\":\"$LOGIN\",\"pass\":\"$PASS\"}" | jq -c .error)"
check "auth wrong password" 12 "$(json_post "$URL/auth/v1/gettoken" "{\"login\":\"$LOGIN\",\"pass\":\"x\"}" | jq .error.code)"
LONG=$(printf 'a%.0s' $(seq 101))
check "auth too long" 13 "$(json_post "$URL/auth/v1/gettoken" "{\"login\":\"$LONG\",\"pass\":\"x\"}" | jq .error.code)"
check "auth malformed" 40 "$(json_post "$URL/auth/v1/gettoken" "{login" | jq .error.code)"
check "auth wrong content type" 41 "$(curl -s -X POST -d '{}' "$URL/auth/v1/gettoken" | jq .error.code)"
TOKEN=$(token)
check "token is long hex" 1 "$([[ "$TOKEN" =~ ^[0-9a-f]{32,}$ ]] && echo 1)"

# --- list and paging
check "whole list" 20 "$(list "" | jq length)"
check "page 1" 7 "$(list "?limit=7&offset=0" | jq length)"
check "page 3" 6 "$(list "?limit=7&offset=14" | jq length)"
check "past the end" 0 "$(list "?limit=7&offset=20" | jq length)"
check "bad limit" 13 "$(list "?limit=x" | jq .error.code)"
check "pages join up" "$(list "" | jq -c '[.[].serialNumber]')" \
    "$( (list "?limit=7&offset=0"; list "?limit=7&offset=7"; list "?limit=7&offset=14") | jq -s -c '[.[][].serialNumber]')"
check "no token" 10 "$(curl -s "$URL/kkt/v1/cash-registers" | jq .error.code)"
check "unknown token" 401 "$(status -H 'Token: nope' "$URL/kkt/v1/cash-registers")"

# --- one register
SERIAL=$(list "?limit=1" | jq -r '.[0].serialNumber')
check "get one" "$SERIAL" "$(curl -s -H "Token: $TOKEN" -H 'Accept: application/hal+json' "$URL/kkt/v1/cash-registers/$SERIAL" | jq -r .data.serialNumber)"
check "get unknown" 404 "$(status -H "Token: $TOKEN" "$URL/kkt/v1/cash-registers/00000000000000")"
check "unknown path" 404 "$(status "$URL/kkt/v2/nothing")"

# --- paging modes
faults '{"paging":"cap:5"}'
check "cap" 5 "$(list "?limit=10" | jq length)"
faults '{"paging":"ignore"}'
check "ignore" 20 "$(list "?limit=3&offset=6" | jq length)"
faults '{"paging":"repeat"}'
check "repeat" "$(list "?limit=3&offset=0" | jq -c '[.[].serialNumber]')" "$(list "?limit=3&offset=9" | jq -c '[.[].serialNumber]')"

# --- injected failures
faults '{"fail_status":503,"fail_count":2,"fail_path":"list","retry_after":7}'
check "fail 1" 503 "$(status -H "Token: $TOKEN" "$URL/kkt/v1/cash-registers")"
check "retry-after" "Retry-After: 7" "$(curl -s -D - -o /dev/null -H "Token: $TOKEN" "$URL/kkt/v1/cash-registers" | grep -i retry-after | tr -d '\r')"
check "after the failures" 200 "$(status -H "Token: $TOKEN" "$URL/kkt/v1/cash-registers")"
check "auth unaffected" 200 "$(status -X POST -H 'Content-Type: application/json' -d "{\"login\":\"$LOGIN\",\"pass\":\"$PASS\"}" "$URL/auth/v1/gettoken")"

faults '{"expire_tokens_after_pages":2}'
check "page before expiry 1" 200 "$(status -H "Token: $TOKEN" "$URL/kkt/v1/cash-registers?limit=5")"
check "page before expiry 2" 200 "$(status -H "Token: $TOKEN" "$URL/kkt/v1/cash-registers?limit=5&offset=5")"
check "expired mid-paging" 11 "$(list "?limit=5&offset=10" | jq .error.code)"
check "old token stays expired" 11 "$(list "?limit=5&offset=10" | jq .error.code)"
TOKEN=$(token)
check "new token works" 5 "$(list "?limit=5&offset=10" | jq length)"

# --- body faults
faults '{"malformed":true}'
check "malformed" invalid "$(list "" | jq . >/dev/null 2>&1 && echo valid || echo invalid)"
FULL=$(faults '{}'; list "" | wc -c)
faults '{"truncated":true}'
check "truncated" $((FULL / 2)) "$(list "" | wc -c)"
faults '{"empty_body":true}'
check "empty body" 0 "$(list "" | wc -c)"
faults '{"non_utf8":true}'
check "non-utf8" invalid "$(list "" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1 && echo valid || echo invalid)"
faults '{"oversize_mib":2}'
check "oversize size" 2097152 "$(list "" | wc -c)"
check "oversize still valid" 20 "$(list "" | jq length)"
faults '{"slow_body_ms":600}'
check "slow body" 1 "$(curl -s -o /dev/null -w '%{time_total}' -H "Token: $TOKEN" "$URL/kkt/v1/cash-registers" | awk '{print ($1 >= 0.5)}')"
faults '{"latency_ms":400}'
check "latency" 1 "$(curl -s -o /dev/null -w '%{time_total}' "$URL/nothing" | awk '{print ($1 >= 0.35)}')"
faults '{"malformed":true,"body_fault_path":"get"}'
check "body fault on get" invalid "$(curl -s -H "Token: $TOKEN" "$URL/kkt/v1/cash-registers/$SERIAL" | jq . >/dev/null 2>&1 && echo valid || echo invalid)"
check "list spared" 20 "$(list "" | jq length)"
check "bad fault key" 400 "$(status -X POST -d '{"latency":1}' "$CONTROL/faults")"
faults '{}'

# --- control API
check "expire-tokens" 200 "$(status -X POST "$CONTROL/expire-tokens")"
check "token expired" 11 "$(list "" | jq .error.code)"
TOKEN=$(token)
json_post "$CONTROL/fleet" '[{"serialNumber":"1","unsentDocs":"many"},42,{"serialNumber":"a b/c"}]' >/dev/null
check "fleet replaced verbatim" '[{"serialNumber":"1","unsentDocs":"many"},42,{"serialNumber":"a b/c"}]' "$(list "")"
check "encoded serial" "a b/c" "$(curl -s -H "Token: $TOKEN" "$URL/kkt/v1/cash-registers/a%20b%2Fc" | jq -r .data.serialNumber)"
curl -s -X POST "$CONTROL/reset-stats" >/dev/null
list "?limit=2" >/dev/null
list "?limit=2&offset=2" >/dev/null
check "stats" '{"requests":2,"auth":0,"list_pages":2,"list_fetches":1,"errors":0}' \
    "$(curl -s "$CONTROL/stats" | jq -c '{requests,auth,list_pages,list_fetches,errors}')"

# --- tokens that expire at once, determinism
start --token-ttl 0
TOKEN=$(token)
check "ttl 0" 11 "$(list "" | jq .error.code)"
A=$("$EMULATOR" --dump-fleet --registers 300 --seed 3 --now 2026-01-01T00:00:00Z | md5sum)
B=$("$EMULATOR" --dump-fleet --registers 300 --seed 3 --now 2026-01-01T00:00:00Z | md5sum)
C=$("$EMULATOR" --dump-fleet --registers 300 --seed 4 --now 2026-01-01T00:00:00Z | md5sum)
check "same seed, same fleet" "$A" "$B"
check "other seed, other fleet" 1 "$([[ "$A" != "$C" ]] && echo 1)"
check "unique serials" 300 "$("$EMULATOR" --dump-fleet --registers 300 | jq '[.[].serialNumber] | unique | length')"

echo "smoke: $PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
