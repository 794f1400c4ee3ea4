#!/usr/bin/env bash
# The usual hand-made alternative to check_atol_kkt, written honestly: curl gets a token and
# every page of the register list, jq computes each register's metrics and its worst state
# over the default thresholds, and the fleet state. It prints the check's first line without
# the performance data, e.g.
#   ATOL KKT CRITICAL - 5 critical, 2 warning, 1 unknown, 12 ok of 20 registers
# and exits 0/1/2/3 like a Nagios plugin.
#
#   curl_jq_check.sh BASE_URL          e.g. http://127.0.0.1:8080/api
# Environment: ATOL_LOGIN, ATOL_PASSWORD (default: the public demo account), PAGE_SIZE (1000),
# NOW (Unix seconds to compute ages against; default: jq's `now`).
#
# Same rules as the check: paging advances by the items received and stops on an empty page;
# dates are ISO 8601 with Z or a ±hh:mm offset; a missing, null or mistyped field makes its
# metric unknown (never 0), a missing unsentDocs means 0, either spelling of the first-unsent
# timestamp counts; a register's state is the worst of its metrics (OK < UNKNOWN < WARNING <
# CRITICAL). What it cannot do: remember when a shift was first seen open (it has no state), so
# an open shift counts 0 hours — as the check's first run does.
set -euo pipefail

base_url=${1:?usage: curl_jq_check.sh BASE_URL}
base_url=${base_url%/}
login=${ATOL_LOGIN:-v4-online-atol-ru}
password=${ATOL_PASSWORD:-iGFFuihss}
page_size=${PAGE_SIZE:-1000}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The password goes to curl on stdin and the token in a header file: neither shows in `ps`.
jq -n --arg login "$login" --arg pass "$password" '{login: $login, pass: $pass}' |
    curl -sS -f -X POST -H 'Content-Type: application/json; charset=utf-8' --data-binary @- \
        "$base_url/auth/v1/gettoken" >"$work/auth.json"
token=$(jq -r '.token // empty' "$work/auth.json")
[[ -n "$token" ]] || {
    echo "ATOL KKT UNKNOWN - authentication failed"
    exit 3
}
printf 'Token: %s\n' "$token" >"$work/headers"

offset=0
page=0
while :; do
    file=$(printf '%s/page-%06d.json' "$work" "$page")
    curl -sS -f -H @"$work/headers" -H 'Content-Type: application/json; charset=utf-8' \
        -o "$file" "$base_url/kkt/v1/cash-registers?limit=$page_size&offset=$offset"
    received=$(jq 'length' "$file")
    ((received > 0)) || break
    offset=$((offset + received))
    page=$((page + 1))
    ((page <= 1000)) || {
        echo "ATOL KKT UNKNOWN - the register list did not end after 1000 pages"
        exit 3
    }
done

now_arg=(--argjson now "${NOW:-null}")
jq -r -s "${now_arg[@]}" '
  (if $now == null then now else $now end) as $now
  # ISO 8601 date-time -> Unix seconds, or null when absent or unparsable.
  | def epoch:
      if type != "string" then null
      else (capture("^(?<d>[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2})(?<f>\\.[0-9]+)?(?<z>[Zz]|[+-][0-9]{2}:?[0-9]{2})$") // null)
        | if . == null then null
          else ((.d | ascii_upcase) + "Z" | fromdateiso8601)
               + ("0" + (.f // "") | tonumber)
               - (if (.z | ascii_upcase) == "Z" then 0
                  else (.z | gsub(":"; "")) as $z
                       | ($z[0:1] | if . == "-" then -1 else 1 end)
                         * (($z[1:3] | tonumber) * 3600 + ($z[3:5] | tonumber) * 60)
                  end)
          end
      end;
    def integer: if type == "number" and . == floor then . else null end;
    def hours_since($t): if $t == null then null else [0, ($now - $t) / 3600] | max end;
    # Nagios ranges of the defaults: "N" alerts outside 0..N, "N:" below N.
    def above($limit): . < 0 or . > $limit;
    def state($crit; $warn):
      if . == null then 1 elif $crit then 3 elif $warn then 2 else 0 end;
    def register_state:
      . as $r
      | ([$r.firstUnsetDocTimestamp, $r.firstUnsentDocTimestamp] | map(epoch) | map(select(. != null)) | first) as $first_unsent
      | (if has("unsentDocs") then (.unsentDocs | integer) else 0 end) as $unsent
      | [ ((.fiscalStorageExpiration | epoch) as $e | if $e == null then null else ($e - $now) / 86400 end
            | state(. != null and . < 7; . != null and . < 30)),
          ((.fiscalStoragePercentageUse | if type == "number" then . else null end)
            | state(. != null and above(90); . != null and above(80))),
          ((if $first_unsent != null then hours_since($first_unsent)
            elif $unsent == null then null elif $unsent <= 0 then 0 else null end)
            | state(. != null and above(72); . != null and above(24))),
          ((if .isShiftOpened | type == "boolean" then 0 else null end)
            | state(. != null and above(23); . != null and above(20))),
          (hours_since(.timestamp | epoch) | state(. != null and above(24); . != null and above(6))),
          ((.networkErrorCode | integer) | state(false; . != null and above(0)))
        ] | max;
  add
  | map(register_state)
  | { total: length,
      ok: map(select(. == 0)) | length, unknown: map(select(. == 1)) | length,
      warning: map(select(. == 2)) | length, critical: map(select(. == 3)) | length }
  | . as $c
  | (if $c.critical > 0 then "CRITICAL" elif $c.warning > 0 then "WARNING"
     elif $c.unknown > 0 or $c.total == 0 then "UNKNOWN" else "OK" end) as $state
  | "ATOL KKT \($state) - "
    + ([ (if $c.critical > 0 then "\($c.critical) critical" else empty end),
         (if $c.warning > 0 then "\($c.warning) warning" else empty end),
         (if $c.unknown > 0 then "\($c.unknown) unknown" else empty end),
         "\($c.ok) ok of \($c.total) registers" ] | join(", "))
' "$work"/page-*.json >"$work/result"

line=$(cat "$work/result")
echo "$line"
case "$line" in
"ATOL KKT OK "*) exit 0 ;;
"ATOL KKT WARNING "*) exit 1 ;;
"ATOL KKT CRITICAL "*) exit 2 ;;
*) exit 3 ;;
esac
