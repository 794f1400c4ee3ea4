#!/usr/bin/env bash
# README command (1): installs what is needed, builds, starts the ATOL API emulator on a free
# loopback port with a generated fleet, runs the real commands against it, stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
build=${BUILD_DIR:-build}

workdir=$(mktemp -d)
trap 'kill "$emulator_pid" 2>/dev/null || true; rm -rf "$workdir"' EXIT
# The emulator prints its URL on its first line: read it from the pipe (port 0 = any free port).
exec {emulator_out}< <(exec "$build/tests/emulator/atol-kkt-emulator" --port 0 --registers 40 --seed 7)
emulator_pid=$!
read -r -t 10 url <&"$emulator_out"
echo "emulator: $url (pid $emulator_pid)"

export ATOL_KKT_BASE_URL=$url ATOL_KKT_CACHE_DIR=$workdir/cache
run() { echo; echo "\$ $*"; "$@" || echo "(exit $?)"; }
run "$build/plugin/atol-kkt" list
# check_atol_kkt is the same program under the Nagios plugin name (cmake --install makes the link).
ln -s "$PWD/$build/plugin/atol-kkt" "$workdir/check_atol_kkt"
run "$workdir/check_atol_kkt"
serial=$("$build/plugin/atol-kkt" zabbix discovery | grep -o '"{#SERIAL}":"[0-9]*"' | head -n1 | cut -d'"' -f4)
run "$workdir/check_atol_kkt" --serial "$serial"
run "$build/plugin/atol-kkt" zabbix discovery
run "$build/plugin/atol-kkt" get "$serial"
