# Shared by the tests that install the Debian package system-wide (sourced, not run): they run
# one at a time (CTest RESOURCE_LOCK dpkg) and purge the package at the end. The sourcing
# script sets: package (the package's name).

# A failure that ends the test; fail is it too, unless the test sources tests/real/lib/tally.sh
# after this file (its fail counts and goes on).
package_fail() {
    echo "FAIL: $*" >&2
    exit 1
}
fail() { package_fail "$@"; }
passes=0
pass() {
    echo "ok: $*"
    passes=$((passes + 1))
}

[[ $(id -u) -eq 0 ]] || package_fail "must run as root (it installs the package)"
command -v apt-get >/dev/null && command -v dpkg-query >/dev/null || package_fail "apt-get and dpkg are needed"

# apt-get as the admin runs it, waiting for a dpkg lock another program holds rather than failing.
apt_get() {
    DEBIAN_FRONTEND=noninteractive apt-get -qq -y -o DPkg::Lock::Timeout=300 "$@" >/dev/null ||
        package_fail "apt-get $* failed"
}

# `apt install ./DEB` (the README's command), with more apt-get arguments after it.
install_deb() {
    local deb=$1
    shift
    apt_get install --no-install-recommends "$@" "$deb"
}

installed_version() {
    dpkg-query -W -f='${Version}' "$package" 2>/dev/null
}

# A package left installed (or its configuration) by someone else's run is not this test's to
# take away: say so and stop.
require_uninstalled() {
    local status
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$package" 2>/dev/null || true)
    [[ -z $status || $status == "un " || $status == "pn " ]] ||
        package_fail "$package is on this machine already (dpkg status '$status'): purge it first (apt-get purge $package)"
}

# The test's end: the package purged, whatever happened.
purge_package() {
    if dpkg-query -W -f='${db:Status-Abbrev}' "$package" 2>/dev/null | grep -q '^[ir]'; then
        DEBIAN_FRONTEND=noninteractive apt-get -qq -y -o DPkg::Lock::Timeout=300 purge "$package" \
            >/dev/null 2>&1 || dpkg --purge "$package" >/dev/null 2>&1 || true
    fi
}
