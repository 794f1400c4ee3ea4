#!/usr/bin/env bash
# lintian on the Debian package: no error and no warning (docs/packaging.md, "lintian"), and
# no tag overridden without its reason on the line above it in the package's overrides file.
#   test_lintian.sh DEB
set -euo pipefail
deb=$1
command -v lintian >/dev/null || { echo "FAIL: lintian is not installed (scripts/setup.sh --tests)"; exit 1; }

overrides=usr/share/lintian/overrides/atol-kkt
if dpkg-deb -c "$deb" | grep -q " ./$overrides\$"; then
    dpkg-deb --fsys-tarfile "$deb" | tar -xOf - "./$overrides" |
        awk '!/^#/ && NF && !reason { print "FAIL: override without a reason above it: " $0; bad = 1 }
             { reason = /^#/ } END { exit bad }'
fi

echo "lintian $(basename "$deb"):"
rc=0
lintian --fail-on error,warning --display-info --show-overrides "$deb" || rc=$?
((rc == 0)) || { echo "FAIL: lintian found errors or warnings (above)"; exit 1; }
echo "PASS: lintian shows no error and no warning"
