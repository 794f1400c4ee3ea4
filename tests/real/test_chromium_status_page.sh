#!/usr/bin/env bash
# A real browser (Debian's `chromium`, headless) loads the status page of `atol-kkt exporter`:
# the DOM it builds (--dump-dom) shows the registers worst first with the right counts, and a
# register whose address holds <script> and quotes is shown as text, no element made of it.
# A screenshot is kept as a test artifact (ARTIFACT_DIR, default ./artifacts under ctest's
# working directory) and its size checked non-trivial.
# usage: test_chromium_status_page.sh ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR
set -euo pipefail
atol=${1:?usage: $0 ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR}
emulator=${2:?usage: $0 ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR}
artifacts=${ARTIFACT_DIR:-$PWD/artifacts}
work=$(mktemp -d /tmp/atol-chromium.XXXXXX)
# shellcheck source=lib/tally.sh
source "${BASH_SOURCE%/*}/lib/tally.sh"
# shellcheck source=lib/exporter.sh
source "${BASH_SOURCE%/*}/lib/exporter.sh"
command -v chromium >/dev/null || die "chromium is not installed (scripts/setup.sh --tests installs it)"
chromium --version 2>/dev/null | sed 's/^/     /'

# Four registers: one critical (ФН expired), one warning (ФН 85 % full), two OK, one of them
# with an address made to break out of the page.
at() { date -u -d "$1" +%Y-%m-%dT%H:%M:%S+00:00; }
register() {  # SERIAL FN_EXPIRATION FN_USAGE ADDRESS(JSON)
    printf '{"serialNumber":"%s","registrationNumber":"000653871204%s","groupCode":"shop",
      "fiscalStorageINN":"7701234567","fiscalStoragePaymentAddress":%s,
      "fiscalStorageExpiration":"%s","fiscalStoragePercentageUse":%s,"timestamp":"%s",
      "isShiftOpened":false,"unsentDocs":0,"firstUnsetDocTimestamp":null,"networkErrorCode":0}' \
        "$1" "${1: -4}" "$4" "$2" "$3" "$(at now)"
}
hostile='<script>document.title=\"pwned\"</script> \"quoted\" & '"'"'single'"'"''
{
    echo "["
    register 00106709180001 "$(at '+400 days')" 10 "\"$hostile\""
    echo ","
    register 00106709180002 "$(at '-2 days')" 20 '"shop.example.ru"'
    echo ","
    register 00106709180003 "$(at '+300 days')" 85 '"shop.example.ru"'
    echo ","
    register 00106709180004 "$(at '+300 days')" 30 '"shop.example.ru"'
    echo "]"
} >"$work/fleet.json"

mkfifo "$work/emulator.url"
"$emulator" --fleet "$work/fleet.json" >"$work/emulator.url" 2>"$work/emulator.log" &
pids+=($!)
exec {fd}<"$work/emulator.url"
read -r -t 20 api_url <&"$fd" || die "the emulator did not start"

start_exporter
url=$exporter_url
for _ in $(seq 100); do curl -fsS --max-time 2 "$url/-/ready" >/dev/null 2>&1 && break; sleep 0.1; done

browse() {
    timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --user-data-dir="$work/profile" "$@" 2>>"$work/chromium.log"
}
browse --dump-dom "$url/" >"$work/dom.html" || die "chromium --dump-dom failed"
[[ -s $work/dom.html ]] && pass "chromium built a DOM of $(wc -c <"$work/dom.html") bytes" ||
    die "empty DOM"

# The serials of the table's rows, in order, and their states.
rows=$(grep -oE '<tr class="[a-z]+" data-state="[A-Z]+"><td class="state">[A-Z]+</td><td>[0-9]+' \
    "$work/dom.html" | sed -E 's/.*data-state="([A-Z]+)".*<td>([0-9]+)$/\1 \2/')
expected_rows="CRITICAL 00106709180002
WARNING 00106709180003
OK 00106709180001
OK 00106709180004"
if [[ $rows == "$expected_rows" ]]; then
    pass "rows worst first: $(echo "$rows" | tr '\n' ';')"
else
    fail "rows differ"
    diff <(echo "$expected_rows") <(echo "$rows") | sed 's/^/     /' || true
fi
count() { grep -oE "id=\"count-$1\">[0-9]+<" "$work/dom.html" | grep -oE '[0-9]+'; }
for pair in critical:1 warning:1 unknown:0 ok:2 total:4; do
    [[ $(count "${pair%:*}") == "${pair#*:}" ]] && pass "count ${pair%:*} = ${pair#*:}" ||
        fail "count ${pair%:*} = $(count "${pair%:*}"), wanted ${pair#*:}"
done
grep -q 'id="test-mode"' "$work/dom.html" && pass "test mode shown" || fail "test mode not shown"

# The hostile address: text in its cell, never a script element; the title untouched.
if grep -qF '<td>&lt;script&gt;document.title="pwned"&lt;/script&gt; "quoted" &amp; '"'"'single'"'"'</td>' \
    "$work/dom.html"; then
    pass "the <script> address is shown as text"
else
    fail "the <script> address is not shown as text"
    grep -o '<td>[^<]*script[^<]*' "$work/dom.html" | sed 's/^/     /' || true
fi
grep -q '<script' "$work/dom.html" && fail "a <script> element in the DOM" || pass "no <script> element"
grep -q '<title>[^<]*pwned' "$work/dom.html" && fail "the script ran" || pass "the title is the page's"

# A screenshot, kept.
mkdir -p "$artifacts"
shot=$artifacts/status-page.png
rm -f "$shot"
browse --screenshot="$shot" --window-size=1400,700 --hide-scrollbars "$url/" >/dev/null || true
size=$(stat -c %s "$shot" 2>/dev/null || echo 0)
if ((size > 20000)) && [[ $(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]]; then
    pass "screenshot $shot: PNG of $size bytes"
else
    fail "screenshot $shot: $size bytes"
fi

finish
