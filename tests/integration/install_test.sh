#!/usr/bin/env bash
# `cmake --install` puts atol-kkt in bin/ and check_atol_kkt beside it as a link that acts as
# `atol-kkt check`; `atol-kkt --version` and the installed manual page carry the project's
# version (project(VERSION) in the root CMakeLists.txt); the exporter's systemd unit and the
# Grafana dashboard are installed.   Args: BUILD_DIR SOURCE_DIR VERSION
set -euo pipefail
build=$1
source_dir=$2
version=$3
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

# The version: the program's, and the manual page's .TH line, which is otherwise the source's.
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "FAIL: project version '$version'"; exit 1; }
out=$("$bin/atol-kkt" --version)
[[ $out == "atol-kkt $version" ]] || { echo "FAIL: atol-kkt --version says '$out', expected 'atol-kkt $version'"; exit 1; }
man=$dest/usr/local/share/man/man1
grep -qx "\.TH ATOL-KKT 1 \"[0-9-]*\" \"atol-kkt-monitor $version\" \"User Commands\"" "$man/atol-kkt.1" \
    || { echo "FAIL: the installed atol-kkt.1's .TH line does not name version $version:"; grep '^\.TH' "$man/atol-kkt.1"; exit 1; }
sed "s/@PROJECT_VERSION@/$version/" "$source_dir/plugin/atol-kkt.1" | cmp -s - "$man/atol-kkt.1" \
    || { echo "FAIL: the installed atol-kkt.1 differs from plugin/atol-kkt.1 beyond the version"; exit 1; }
cmp -s "$source_dir/plugin/check_atol_kkt.1" "$man/check_atol_kkt.1" \
    || { echo "FAIL: the installed check_atol_kkt.1 differs from plugin/check_atol_kkt.1"; exit 1; }

# The exporter's systemd unit runs the installed program; the dashboard is beside the rules.
unit=$dest/usr/local/lib/systemd/system/atol-kkt-exporter.service
grep -qx 'ExecStart=/usr/local/bin/atol-kkt exporter --profile exporter' "$unit" \
    || { echo "FAIL: $unit missing or not running /usr/local/bin/atol-kkt exporter"; exit 1; }
[[ -f $dest/usr/local/share/atol-kkt/prometheus/grafana-dashboard.json ]] \
    || { echo "FAIL: grafana-dashboard.json not installed"; exit 1; }
echo "install: ok"
