# Debian 13's zabbix-frontend-php (Zabbix 7.0) unpacked for offline validation, without
# touching the host's apt state: a temporary sources list and private lists/cache directories,
# `apt-get download`, `dpkg-deb -x`. Cached like the root (tests/real/zabbix7/chroot.sh): the
# tree counts only once its marker, written last, names the package it came from.
source "$(dirname "${BASH_SOURCE[0]}")/chroot.sh" # debian_mirror, zabbix7_suite

# zabbix7_frontend_ensure DIR LOG: DIR/usr/share/zabbix is the 7.0 frontend afterwards.
zabbix7_frontend_ensure() {
    local dir=$1 log=$2 marker=$1/.atol-kkt-zabbix7-frontend
    grep -qsE '^zabbix-frontend-php ([0-9]+:)?7\.0\.' "$marker" && return 0
    rm -rf "$dir" "$dir.apt"
    local apt=$dir.apt
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/download"
    echo "deb $(debian_mirror) $zabbix7_suite main" >"$apt/sources.list"
    local options=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o Debug::NoLocking=1)
    if ! { apt-get "${options[@]}" update &&
        (cd "$apt/download" && apt-get "${options[@]}" download zabbix-frontend-php); } >>"$log" 2>&1; then
        echo "downloading $zabbix7_suite's zabbix-frontend-php failed: $(tail -n 3 "$log")"
        rm -rf "$apt"
        return 1
    fi
    local package version
    package=$(echo "$apt"/download/zabbix-frontend-php_*.deb)
    if ! version=$(dpkg-deb -f "$package" Version) || ! dpkg-deb -x "$package" "$dir"; then
        rm -rf "$apt"
        return 1
    fi
    rm -rf "$apt"
    [[ "$version" =~ ^([0-9]+:)?7\.0\. ]] ||
        { echo "$zabbix7_suite's zabbix-frontend-php is $version, not 7.0"; return 1; }
    echo "zabbix-frontend-php $version" >"$marker"
}
