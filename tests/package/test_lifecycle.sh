#!/usr/bin/env bash
# The Debian package's life on this machine (docs/packaging.md, "Install, upgrade, remove,
# purge"): install an older version, install it again over itself, upgrade to this version,
# remove, purge. An admin's edit of a conffile and a profile survive the reinstall and the
# upgrade; remove keeps every conffile and takes the programs; purge leaves the lists of files
# under /etc, /var and /usr as they were before the install, and no user, group or path named
# atol-kkt.
#   test_lifecycle.sh DEB OLDER_DEB      (as root; the package must not be installed)
set -euo pipefail
deb=$(realpath "${1:?usage: $0 DEB OLDER_DEB}")
older_deb=$(realpath "${2:?usage: $0 DEB OLDER_DEB}")
package=atol-kkt

# shellcheck source-path=SCRIPTDIR source=lib/package.sh
source "$(dirname "$0")/lib/package.sh"
require_uninstalled

work=$(mktemp -d /tmp/atol-kkt-lifecycle.XXXXXX)
trap 'purge_package; rm -rf "$work"' EXIT

version=$(dpkg-deb -f "$deb" Version)
older_version=$(dpkg-deb -f "$older_deb" Version)
dpkg --compare-versions "$older_version" lt "$version" ||
    fail "the older package's version $older_version is not lower than $version"

# /etc, /var and /usr, less what other programs change on their own meanwhile: logs, dpkg's
# and apt's own state, caches of man, ldconfig and fontconfig, PHP's sessions, and the state of
# the monitoring daemons the real-system tests run at the same time (Chromium, run as root by
# the status page's test, makes /usr/lib/chromium/extensions the first time it starts).
file_list() {
    find /etc /var /usr -xdev \( -path /var/log -o -path /var/lib/dpkg -o -path /var/lib/apt \
        -o -path /var/cache/apt -o -path /var/cache/debconf -o -path /var/cache/man \
        -o -path /var/cache/ldconfig -o -path /var/cache/fontconfig -o -path /var/lib/php \
        -o -path /var/tmp -o -path /var/spool -o -path /var/mail \
        -o -path /var/lib/nagios4 -o -path /var/lib/icinga2 -o -path /var/cache/icinga2 \
        -o -path /var/lib/zabbix -o -path /var/lib/postgresql -o -path /var/lib/systemd \
        -o -path /var/lib/ucf -o -path /var/backups -o -path /etc/ld.so.cache \
        -o -path /usr/lib/chromium/extensions \) -prune -o -print |
        sort
}
# Paths named after the package anywhere, the excluded directories and /run too (a
# `cmake --install` of the same program may have put some there before).
named_paths() {
    find /etc /var /usr /run -xdev -name '*atol-kkt*' -print 2>/dev/null | sort
}
file_list >"$work/before"
named_paths >"$work/named_before"

# --- install the older version, then again over itself ------------------------------------
install_deb "$older_deb"
[[ $(installed_version) == "$older_version" ]] || fail "installed version $(installed_version), expected $older_version"
pass "installed $older_version"

# Every file the package puts under /etc is a conffile.
dpkg-query -W -f='${Conffiles}\n' "$package" | awk 'NF { print $1 }' | sort >"$work/conffiles"
dpkg -L "$package" | grep '^/etc/' | while read -r path; do [[ -d $path ]] || echo "$path"; done |
    sort >"$work/etc_files"
[[ -s $work/conffiles ]] || fail "the package has no conffiles"
cmp -s "$work/conffiles" "$work/etc_files" ||
    fail "the files under /etc are not exactly the conffiles: $(diff "$work/etc_files" "$work/conffiles" | tr '\n' ' ')"
pass "every file under /etc is a conffile: $(tr '\n' ' ' <"$work/conffiles")"

getent passwd atol-kkt >/dev/null || fail "postinst did not create the user atol-kkt"
pass "the system user atol-kkt exists"

# The admin's changes: an edited conffile and a profile.
edited=/etc/nagios-plugins/config/atol-kkt.cfg
echo "# edited by the admin" >>"$edited"
install -m 0600 /dev/null /etc/atol-kkt/shop.conf
echo "timeout = 7" >/etc/atol-kkt/shop.conf

install_deb "$older_deb" --reinstall
[[ $(installed_version) == "$older_version" ]] || fail "after the reinstall: version $(installed_version)"
grep -qx '# edited by the admin' "$edited" || fail "the reinstall lost the admin's edit of $edited"
[[ -f /etc/atol-kkt/shop.conf ]] || fail "the reinstall lost the profile"
pass "reinstalled $older_version over itself; the edited conffile and the profile stay"

# --- upgrade --------------------------------------------------------------------------------
install_deb "$deb"
[[ $(installed_version) == "$version" ]] || fail "after the upgrade: version $(installed_version), expected $version"
grep -qx '# edited by the admin' "$edited" || fail "the upgrade lost the admin's edit of $edited"
[[ $(cat /etc/atol-kkt/shop.conf) == "timeout = 7" ]] || fail "the upgrade changed the profile"
[[ $(/usr/bin/atol-kkt --version) == "atol-kkt $version" ]] || fail "atol-kkt --version: $(/usr/bin/atol-kkt --version)"
rc=0
/usr/lib/nagios/plugins/check_atol_kkt --help >/dev/null || rc=$?
[[ $rc == 3 ]] || fail "the plugin's --help exited $rc, expected 3"
pass "upgraded to $version; the edited conffile and the profile stay; the plugin runs"

# --- remove: the conffiles stay, the programs go ---------------------------------------------
apt_get remove "$package"
[[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$package") == "rc " ]] ||
    fail "after remove the status is '$(dpkg-query -W -f='${db:Status-Abbrev}' "$package")', expected 'rc '"
while read -r conffile; do
    [[ -f $conffile ]] || fail "remove deleted the conffile $conffile"
done <"$work/conffiles"
grep -qx '# edited by the admin' "$edited" || fail "remove lost the admin's edit of $edited"
for program in /usr/bin/atol-kkt /usr/bin/check_atol_kkt /usr/lib/nagios/plugins/check_atol_kkt \
    /usr/lib/systemd/system/atol-kkt-exporter.service; do
    [[ ! -e $program && ! -L $program ]] || fail "remove left $program"
done
pass "removed: the conffiles stay, the programs are gone"

# --- purge: nothing of the package is left ---------------------------------------------------
apt_get purge "$package"
dpkg-query -W -f='${db:Status-Abbrev}' "$package" 2>/dev/null | grep -q '^[ipcr]' &&
    fail "dpkg still knows the package after purge"
file_list >"$work/after"
if ! diff "$work/before" "$work/after" >"$work/diff"; then
    cat "$work/diff" >&2
    fail "the files under /etc, /var, /usr differ from before the install (above: < gone, > new)"
fi
left=$(named_paths | comm -13 "$work/named_before" - | head -n 5)
[[ -z $left ]] || fail "purge left: $left"
! getent passwd atol-kkt >/dev/null || fail "purge left the user atol-kkt"
! getent group atol-kkt >/dev/null || fail "purge left the group atol-kkt"
pass "purged: /etc, /var, /usr as before the install; no user, group or path atol-kkt"

echo "PASS: $passes steps of the package's lifecycle"
