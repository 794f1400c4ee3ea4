#!/usr/bin/env bash
# `atol-kkt exporter` under a real systemd (Debian's, 252) as docs/exporter.md sets it up: from
# the Debian package when DEB is given (`apt install`, then the profile, the drop-in with the
# listen address, `systemctl enable --now`; at the end `apt purge` stops it and removes its
# user and cache), else from `cmake --install` of BUILD_DIR (plus the user and /etc/atol-kkt
# the package would have made). Both: `systemctl reload` (SIGHUP) and `systemctl stop`.
#
# systemd runs as PID 1 of a private PID and mount namespace, with overlays on /usr, /etc and
# /var and tmpfs on /usr/local and /run, so what the admin's steps write (a package, a user,
# /etc/atol-kkt, the unit, the cache) lands in this test's directory and the machine is left as
# it was. Its own unit directory (/usr/lib/systemd/system) is replaced: only the units named
# here exist, and nothing of the machine's boot (mounts, journald, udev) is started: the
# targets units depend on are empty stand-ins. The network is the machine's: the exporter
# listens on loopback and talks to the emulator there.
# usage: test_systemd_exporter.sh ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR BUILD_DIR [DEB]
set -euo pipefail
atol=${1:?usage: $0 ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR BUILD_DIR}
emulator=${2:?usage: $0 ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR BUILD_DIR}
build=$(realpath "${4:?usage: $0 ATOL_KKT_BIN EMULATOR_BIN SOURCE_DIR BUILD_DIR [DEB]}")
deb=${5:+$(realpath "$5")}
work=$(mktemp -d /tmp/atol-systemd.XXXXXX)
init_pid=
# shellcheck source=lib/tally.sh
source "${BASH_SOURCE%/*}/lib/tally.sh"
# Killing a PID namespace's init kills everything in it; its mounts go with it.
extra_cleanup() { [[ -z $init_pid ]] || kill -KILL "$init_pid" 2>/dev/null; }
extra_diagnostics() {
    [[ -z $init_pid ]] || inside systemctl status --no-pager atol-kkt-exporter 2>&1 | tail -n 20
}

[[ $(id -u) == 0 ]] || die "needs root (systemd as PID 1 of its own namespace)"
systemd_bin=/lib/systemd/systemd
[[ -x $systemd_bin ]] || die "systemd is not installed (scripts/setup.sh --tests installs it)"
"$systemd_bin" --version | head -n1 | sed 's/^/     /'

# 1. The emulator with a generated fleet, on an ephemeral loopback port.
mkfifo "$work/emulator.url"
"$emulator" --registers 50 --seed 7 >"$work/emulator.url" 2>"$work/emulator.log" &
pids+=($!)
exec {fd}<"$work/emulator.url"
read -r -t 20 api_url <&"$fd" || die "the emulator did not start"

# 2. systemd in its namespace. The overlays' upper layers are this test's.
mkdir -p "$work"/{usr,etc,var}/{upper,work} "$work/units"
for target in atol-test sysinit basic multi-user network network-online sockets timers paths \
    slices local-fs shutdown; do
    printf '[Unit]\nDescription=%s (a stand-in)\n' "$target" >"$work/units/$target.target"
done
cat >"$work/boot.sh" <<EOF
set -e
mount --make-rprivate /
for dir in usr etc var; do
    mount -t overlay overlay -o lowerdir=/\$dir,upperdir=$work/\$dir/upper,workdir=$work/\$dir/work /\$dir
done
# An admin's machine has no policy-rc.d; a build or CI machine's (which forbids starting and
# stopping services from maintainer scripts) would keep the package's prerm from stopping it.
rm -f /usr/sbin/policy-rc.d
mount -t tmpfs -o mode=0755 tmpfs /usr/local
mount -t tmpfs -o mode=0755 tmpfs /run
mount --bind $work/units /usr/lib/systemd/system
exec $systemd_bin --system --unit=atol-test.target --log-target=console --log-level=notice
EOF
unshare --pid --fork --mount --mount-proc bash "$work/boot.sh" >"$work/systemd.log" 2>&1 &
pids+=($!)
# The namespace's init is unshare's child.
for _ in $(seq 100); do
    init_pid=$(pgrep -P "${pids[-1]}" -x systemd || true)
    [[ -n $init_pid ]] && break
    sleep 0.1
done
[[ -n $init_pid ]] || die "systemd did not start"
inside() { nsenter -t "$init_pid" -m -p -- "$@"; }
for _ in $(seq 100); do
    inside systemctl is-system-running >/dev/null 2>&1 && break
    state=$(inside systemctl is-system-running 2>/dev/null || true)
    [[ $state == degraded || $state == running ]] && break
    sleep 0.1
done
inside systemctl show -p Version --value >/dev/null 2>&1 || die "systemctl cannot reach systemd"
pass "systemd is PID 1 of its namespace"

# 3. The admin's steps of docs/exporter.md ("systemd"), as root in that namespace.
if [[ -n $deb ]]; then
    prefix=/usr
    inside env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb" >"$work/install.log" 2>&1 ||
        die "apt-get install $deb"
    inside getent passwd atol-kkt >/dev/null || die "the package made no user atol-kkt"
    inside test -d /etc/atol-kkt || die "the package made no /etc/atol-kkt"
    [[ $(inside systemctl is-enabled atol-kkt-exporter 2>&1) == disabled ]] &&
        pass "the package installs the unit, not enabled" ||
        fail "after install: $(inside systemctl is-enabled atol-kkt-exporter 2>&1)"
else
    prefix=/usr/local
    inside cmake --install "$build" --prefix /usr/local >"$work/install.log" 2>&1 ||
        die "cmake --install"
    inside useradd --system --no-create-home --shell /usr/sbin/nologin atol-kkt
    inside install -d /etc/atol-kkt
fi
inside test -f $prefix/lib/systemd/system/atol-kkt-exporter.service ||
    die "no unit in $prefix/lib/systemd/system"
inside install -m 0600 -o atol-kkt -g atol-kkt /dev/null /etc/atol-kkt/exporter.conf
# The profile: the emulator stands in for ATOL (its demo account needs no login).
printf 'base-url = %s\n' "$api_url" | inside tee /etc/atol-kkt/exporter.conf >/dev/null
port=$(free_port)
# The drop-in `systemctl edit atol-kkt-exporter` writes (docs/exporter.md's example).
inside mkdir -p /etc/systemd/system/atol-kkt-exporter.service.d
printf '[Service]\nExecStart=\nExecStart=%s/bin/atol-kkt exporter --profile exporter --web.listen-address 127.0.0.1:%s\n' \
    "$prefix" "$port" | inside tee /etc/systemd/system/atol-kkt-exporter.service.d/override.conf >/dev/null
inside systemctl daemon-reload
inside systemctl enable --now atol-kkt-exporter >"$work/enable.log" 2>&1 ||
    die "systemctl enable --now: $(cat "$work/enable.log")"

# 4. It serves the fleet as its user, with its cache where the unit says.
url=http://127.0.0.1:$port
for _ in $(seq 150); do
    curl -fsS --max-time 2 "$url/metrics" >"$work/metrics.txt" 2>/dev/null &&
        grep -q '^atol_kkt_up 1$' "$work/metrics.txt" && break
    sleep 0.2
done
if grep -q '^atol_kkt_up 1$' "$work/metrics.txt" 2>/dev/null; then
    pass "/metrics: atol_kkt_up 1"
else
    die "the service never served atol_kkt_up 1"
fi
registers=$(grep -c '^atol_kkt_fn_time_left_seconds{' "$work/metrics.txt" || true)
[[ $registers == 50 ]] && pass "/metrics: 50 registers" || fail "/metrics: $registers registers, not 50"
main_pid=$(inside systemctl show -p MainPID --value atol-kkt-exporter)
user=$(inside ps -o user= -p "$main_pid" | tr -d ' ')
[[ $user == atol-kkt ]] && pass "runs as atol-kkt" || fail "runs as '$user'"
cache=$(inside stat -c '%a %U' /var/cache/atol-kkt-exporter 2>&1 || true)
[[ $cache == "700 atol-kkt" ]] && pass "cache dir 0700 atol-kkt" || fail "cache dir: $cache"
files=$(inside find /var/cache/atol-kkt-exporter -type f -printf '%m\n' | sort -u | tr '\n' ' ')
[[ $files == "600 " ]] && pass "cache files 0600" || fail "cache file modes: '$files'"

# 5. reload is SIGHUP: the same process, still serving; stop ends it cleanly.
inside systemctl reload atol-kkt-exporter
sleep 1
[[ $(inside systemctl show -p MainPID --value atol-kkt-exporter) == "$main_pid" ]] &&
    curl -fsS --max-time 5 "$url/-/healthy" >/dev/null &&
    pass "systemctl reload: same process, still serving" || fail "systemctl reload"
inside systemctl stop atol-kkt-exporter
result=$(inside systemctl show -p Result --value atol-kkt-exporter)
status=$(inside systemctl show -p ExecMainStatus --value atol-kkt-exporter)
[[ $result == success && $status == 0 ]] && pass "systemctl stop: exit 0" ||
    fail "systemctl stop: Result=$result ExecMainStatus=$status"
curl -fsS --max-time 2 "$url/metrics" >/dev/null 2>&1 && fail "still listening after stop" ||
    pass "nothing listens after stop"

# 6. The hardening docs/exporter.md states.
inside systemd-analyze security --offline=yes --no-pager \
    $prefix/lib/systemd/system/atol-kkt-exporter.service >"$work/security.log" 2>&1 || true
score=$(grep -oE 'Overall exposure level for [^:]+: [0-9.]+' "$work/security.log" | grep -oE '[0-9.]+$')
if [[ -n $score ]] && awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'; then
    pass "systemd-analyze security: $score"
else
    fail "systemd-analyze security: '${score:-no score}' (want <= 2.0)"
fi

# 7. Purge (package only) removes the user, the cache and the enablement.
if [[ -n $deb ]]; then
    inside systemctl start atol-kkt-exporter
    inside env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q atol-kkt >"$work/purge.log" 2>&1 ||
        die "apt-get purge"
    [[ $(inside systemctl is-active atol-kkt-exporter 2>&1) != active ]] &&
        pass "purge: the service stopped" || fail "purge: the service still runs"
    inside getent passwd atol-kkt >/dev/null && fail "purge: user atol-kkt left" ||
        pass "purge: user atol-kkt removed"
    left=$(inside find /etc/atol-kkt /var/cache/atol-kkt-exporter /usr/bin/atol-kkt \
        /etc/systemd/system/multi-user.target.wants/atol-kkt-exporter.service \
        /etc/systemd/system/atol-kkt-exporter.service.d -maxdepth 0 2>/dev/null || true)
    [[ -z $left ]] && pass "purge: nothing of the package left" || fail "purge left: $left"
fi

finish
