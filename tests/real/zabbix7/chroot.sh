# A Debian 13 (trixie) root holding Zabbix 7.0 (server, agent, frontend) and PostgreSQL 17 from
# Debian's own packages, for the real Zabbix 7.0 tests. Sourced by tests/real/zabbix7/stack.sh;
# `bash chroot.sh ROOT` builds (or checks) one by hand.
#
# The root is a cache: built once per build directory (ROOT is under it) and reused. It counts
# as complete only when its marker file holds this script's marker, written last: a root left
# by an interrupted build, or one of another package set, is removed and built again.
# Mounts (proc, sys, /dev, /dev/pts, a private /dev/shm) are made only in a private mount
# namespace (chroot_require_private_mounts), so they vanish with the process that made them,
# and chroot_unmount (the caller's exit trap) removes them before that. The host's apt state,
# /etc and daemons are never touched.

zabbix7_suite=trixie
# php-cli + php8.4-cgi satisfy the frontend's web-server dependency without apache2;
# libcurl4t64 is what atol-kkt needs beyond the packages above (ldd inside the root).
zabbix7_packages=(zabbix-server-pgsql zabbix-agent zabbix-frontend-php php-pgsql php-cli php8.4-cgi
    postgresql libcurl4t64)
# Change the leading number when the build steps change: older roots are then rebuilt.
zabbix7_marker="atol-kkt zabbix7 root 1: $zabbix7_suite ${zabbix7_packages[*]}"
zabbix7_marker_file=.atol-kkt-zabbix7-root

# The Debian mirror the host's apt uses (deb822 or one-line sources), else deb.debian.org.
debian_mirror() {
    local mirror=""
    if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
        mirror=$(awk '$1 == "URIs:" { print $2; exit }' /etc/apt/sources.list.d/debian.sources)
    fi
    if [[ -z "$mirror" && -f /etc/apt/sources.list ]]; then
        mirror=$(awk '$1 == "deb" && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list)
    fi
    echo "${mirror:-http://deb.debian.org/debian}"
}

# Mounts made in a shared namespace would outlive a killed test (and `rm -rf` of the build
# directory would then walk into the host's /dev): re-run the caller in a private one.
# usage: chroot_require_private_mounts "$0" "$@"   (before anything else runs)
chroot_require_private_mounts() {
    [[ "${ATOL_KKT_PRIVATE_MOUNTS:-}" == "$$" ]] && return 0
    command -v unshare >/dev/null || { echo "unshare (util-linux) is missing"; return 1; }
    # exec keeps the process ID: the marker names this very process, not its children.
    ATOL_KKT_PRIVATE_MOUNTS=$$ exec unshare --mount --propagation private -- bash "$@"
}

chroot_mounted=() # mount points, unmounted in reverse order
chroot_mount() {  # ROOT
    local root=$1
    [[ "${ATOL_KKT_PRIVATE_MOUNTS:-}" == "$$" ]] || { echo "chroot_mount outside a private mount namespace"; return 1; }
    mount -t proc proc "$root/proc" && chroot_mounted+=("$root/proc") &&
        mount -t sysfs sysfs "$root/sys" && chroot_mounted+=("$root/sys") &&
        mount --bind /dev "$root/dev" && chroot_mounted+=("$root/dev") &&
        mount --bind /dev/pts "$root/dev/pts" && chroot_mounted+=("$root/dev/pts") &&
        mount -t tmpfs -o mode=1777,size=256m tmpfs "$root/dev/shm" && chroot_mounted+=("$root/dev/shm")
}
chroot_unmount() {
    local i
    for ((i = ${#chroot_mounted[@]} - 1; i >= 0; i--)); do
        umount "${chroot_mounted[$i]}" 2>/dev/null || umount -l "${chroot_mounted[$i]}" || true
    done
    chroot_mounted=()
}

# Nothing may be mounted below ROOT when it is removed (rm would not cross into it anyway).
chroot_remove() { # ROOT
    local root=$1
    if grep -qF " $root/" /proc/self/mounts; then
        echo "not removing $root: something is mounted below it"
        return 1
    fi
    rm -rf --one-file-system "$root"
}

zabbix7_root_complete() { [[ "$(cat "$1/$zabbix7_marker_file" 2>/dev/null)" == "$zabbix7_marker" ]]; }

# zabbix7_root_ensure ROOT LOG: reuses a complete ROOT, else builds it (debootstrap minbase,
# policy-rc.d, Debian's packages), logging to LOG. Returns 1 with the reason on stdout.
zabbix7_root_ensure() {
    local root=$1 log=$2 mirror
    zabbix7_root_complete "$root" && return 0
    if [[ -e "$root" ]]; then
        echo "     $root is incomplete or of another package set: building it again"
        chroot_remove "$root" || return 1
    fi
    command -v debootstrap >/dev/null || { echo "debootstrap is missing (scripts/setup.sh --tests installs it)"; return 1; }
    mirror=$(debian_mirror)
    mkdir -p "$(dirname "$root")"
    echo "     debootstrap --variant=minbase $zabbix7_suite from $mirror"
    debootstrap --variant=minbase "$zabbix7_suite" "$root" "$mirror" >>"$log" 2>&1 ||
        { echo "debootstrap failed: $(tail -n 3 "$log")"; return 1; }
    # Installing must start nothing (Debian's policy-rc.d convention): tests start what they need.
    printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
    chmod 0755 "$root/usr/sbin/policy-rc.d"
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    chroot_mount "$root" || { chroot_unmount; return 1; }
    echo "     apt-get install ${zabbix7_packages[*]}"
    local status=0
    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
        sh -c 'apt-get update && apt-get install -y --no-install-recommends "$@" && apt-get clean' \
        apt "${zabbix7_packages[@]}" >>"$log" 2>&1 || status=$?
    chroot_unmount
    ((status == 0)) || { echo "apt-get install in the root failed: $(tail -n 3 "$log")"; return 1; }
    echo "$zabbix7_marker" >"$root/$zabbix7_marker_file"
}

# Run by hand: bash chroot.sh ROOT
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    chroot_require_private_mounts "$0" "$@"
    root=$(realpath -m "${1:?usage: $0 ROOT}")
    trap chroot_unmount EXIT
    exec {lock_fd}>"$root.lock"
    flock "$lock_fd"
    start=$SECONDS
    zabbix7_root_ensure "$root" "$root.log"
    echo "$root: $(cat "$root/$zabbix7_marker_file") ($((SECONDS - start)) s)"
fi
