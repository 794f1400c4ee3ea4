#!/usr/bin/env bash
# `cmake --install` puts atol-kkt in bin/ and check_atol_kkt beside it as a link that acts as
# `atol-kkt check`.  Args: BUILD_DIR
set -euo pipefail
build=$1
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
DESTDIR=$dest cmake --install "$build" --prefix /usr/local >/dev/null
bin=$dest/usr/local/bin
[[ -x $bin/atol-kkt && ! -L $bin/atol-kkt ]] || { echo "FAIL: atol-kkt not installed as a program"; exit 1; }
[[ -L $bin/check_atol_kkt && $(readlink "$bin/check_atol_kkt") == atol-kkt ]] \
    || { echo "FAIL: check_atol_kkt is not a link to atol-kkt"; exit 1; }
# Under the plugin name it is the check: --help is the check's help and exits 3.
set +e
out=$("$bin/check_atol_kkt" --help)
rc=$?
set -e
[[ $rc -eq 3 ]] || { echo "FAIL: check_atol_kkt --help exited $rc, expected 3"; exit 1; }
grep -q -- '--timeout-state' <<<"$out" || { echo "FAIL: check_atol_kkt --help is not the check's help"; exit 1; }
echo "install: ok"
