# A throw-away Zabbix 7.0 stack for tests, from Debian 13's packages in a chroot on loopback
# (tests/real/zabbix7/chroot.sh; the root is cached in $zabbix7_cache): PostgreSQL 17 with
# password authentication, zabbix_server and zabbix_agentd run as Debian's systemd units run
# them (user zabbix, --foreground, Debian's configuration files as shipped) plus one drop-in
# file each in their Include directory with the rig's settings, and the frontend API under
# `php -S` as www-data. atol-kkt, its profile and the UserParameter file are installed in the
# root as an admin would. Sourced by tests/real/test_zabbix_server.sh: the same functions as
# tests/real/zabbix/stack.sh, whose helpers (ports, daemons, API, schema) it uses.
# Needs: $work, $zabbix7_cache, $bin, $now; set -euo pipefail in the caller.

source "$(dirname "${BASH_SOURCE[0]}")/../zabbix/stack.sh"
source "$(dirname "${BASH_SOURCE[0]}")/chroot.sh"

stack_version=7.0
api_token_header=yes
group_import_rules='{"template_groups": {"createMissing": true}}'
template_suffix=_7.0 # the templates in 7.0's export format (zabbix/make_templates.sh)
root=""                             # the Debian 13 root: $zabbix7_cache/zabbix7-root
run_dir=/var/tmp/atol-kkt-e2e       # in the root: this run's PostgreSQL cluster and pgpass
pg_bin=/usr/lib/postgresql/17/bin   # in the root
zabbix_db_password=""
# What a run adds to the root, removed before and after it (the root itself is a cache).
run_files=("$run_dir" /etc/atol-kkt /var/cache/atol-kkt /etc/zabbix/zabbix.conf.php
    /etc/zabbix/zabbix_server.conf.d/atol-kkt-e2e.conf /etc/zabbix/zabbix_agentd.conf.d/atol-kkt-e2e.conf
    /etc/zabbix/zabbix_agentd.conf.d/userparameter_atol_kkt.conf)

# root_command USER: sets $root_command to the prefix running a command in the root as USER,
# with the clean environment a systemd unit gets (names resolve in the root's /etc/passwd).
root_command() {
    root_command=(chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
        LANG=C.UTF-8 setpriv --reuid="$1" --regid="$1" --init-groups --)
}
as_user_in_root() { # USER COMMAND...
    root_command "$1"
    shift
    "${root_command[@]}" "$@"
}
in_root() { as_user_in_root root "$@"; }

remove_run_files() {
    local file
    for file in "${run_files[@]}"; do rm -rf --one-file-system "${root:?}$file"; done
}

# The root (built or reused, under a lock: one run per root at a time), mounted; atol-kkt in it.
stack_prepare() {
    local tool
    for tool in chroot unshare flock setpriv mount; do
        command -v "$tool" >/dev/null || { echo "$tool is missing"; return 1; }
    done
    local cached # a symbolic link shares another build directory's root (.ci/run)
    cached=$(realpath -m "$zabbix7_cache/zabbix7-root")
    mkdir -p "$zabbix7_cache"
    exec {root_lock}>"$cached.lock"
    if ! flock -n "$root_lock"; then
        log "waiting for another run to release $cached"
        flock -w 1200 "$root_lock" || { echo "$cached stayed in use for 20 minutes"; return 1; }
    fi
    root=$cached # only now: stack_stop cleans up in $root
    local start=$SECONDS
    zabbix7_root_ensure "$root" "$work/root.log" || return 1
    echo "     $(cat "$root/$zabbix7_marker_file") ready in $((SECONDS - start)) s"
    chroot_mount "$root" || { echo "cannot mount proc, sys and dev in $root"; return 1; }
    remove_run_files
    install_atol_kkt
}

# As a package installs it: /usr/bin/atol-kkt and the check_atol_kkt link. The binary is built
# on the host (Debian 12): libraries the root lacks (Boost 1.81; Debian 13 has 1.83) are copied
# from the host into the root's /usr/local/lib.
install_atol_kkt() {
    install -m 0755 "$bin" "$root/usr/bin/atol-kkt"
    ln -sf atol-kkt "$root/usr/bin/check_atol_kkt"
    missing_in_root() { in_root ldd /usr/bin/atol-kkt | awk '$2 == "=>" && $3 == "not" { print $1 }'; }
    local lib host_path
    for lib in $(missing_in_root); do
        host_path=$(ldd "$bin" | awk -v lib="$lib" '$1 == lib && $2 == "=>" { print $3 }')
        [[ -f "$host_path" ]] || { echo "atol-kkt needs $lib: neither the root nor the host has it"; return 1; }
        install -m 0644 "$host_path" "$root/usr/local/lib/$lib"
        echo "     $lib: the host's copy, in the root's /usr/local/lib"
    done
    in_root ldconfig
    [[ -z "$(missing_in_root)" ]] || { echo "atol-kkt still lacks in the root: $(missing_in_root)"; return 1; }
}

# install_profile NAME: the profile from stdin plus a cache dir, as the docs tell an admin:
# /etc/atol-kkt/NAME.conf and /var/cache/atol-kkt owned by zabbix, 0600 and 0700.
install_profile() {
    local file=/etc/atol-kkt/$1.conf
    in_root install -d -m 0755 /etc/atol-kkt
    in_root install -d -o zabbix -g zabbix -m 0700 /var/cache/atol-kkt
    (umask 077 && { cat; echo "cache-dir = /var/cache/atol-kkt"; } >"$root$file")
    in_root chown zabbix:zabbix "$file"
}

# atol-kkt as the agent runs it: user zabbix, the default profile directory, the test's clock.
run_atol() { as_user_in_root zabbix env ATOL_KKT_NOW="$now" atol-kkt "$@"; }

# install_userparameters FILE: the shipped file in the agent's Include directory, the command
# prefixed by `env ATOL_KKT_NOW=...` (the test's clock, read from a file so the test can move it
# on; the agent passes no environment).
install_userparameters() {
    local target=/etc/zabbix/zabbix_agentd.conf.d/userparameter_atol_kkt.conf
    set_agent_clock "$now"
    sed -E "s#^(UserParameter=[^,]+,[[:space:]]*)(([^[:space:]]*/)?atol-kkt[[:space:]])#\1env ATOL_KKT_NOW=\$(cat $run_dir/clock) \2#" \
        "$1" >"$root$target"
    chmod 0644 "$root$target"
    grep -qF "env ATOL_KKT_NOW=\$(cat $run_dir/clock) " "$root$target" ||
        { echo "no UserParameter in $1 runs atol-kkt"; return 1; }
}

# set_agent_clock TIME: the "now" (ATOL_KKT_NOW) of the agent's next runs of atol-kkt.
set_agent_clock() {
    mkdir -p "$root$run_dir"
    echo "$1" >"$root$run_dir/clock"
    chmod 0644 "$root$run_dir/clock"
}

# PostgreSQL 17: a cluster for this run on 127.0.0.1:$pg_port (peer auth on its socket,
# scram-sha-256 on TCP), role and database "zabbix" with a random password.
start_postgres() {
    pg_port=$(free_port)
    in_root install -d -o postgres -g postgres -m 0700 "$run_dir/pg"
    in_root install -d -o postgres -g postgres -m 0755 "$run_dir/socket"
    as_user_in_root postgres "$pg_bin/initdb" -D "$run_dir/pg" -U postgres --auth-local=peer \
        --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync >"$work/initdb.log" 2>&1 ||
        { cat "$work/initdb.log"; return 1; }
    root_command postgres
    # fsync and friends off: a throw-away database on a loaded machine.
    start_daemon postgres INT "${root_command[@]}" "$pg_bin/postgres" -D "$run_dir/pg" -p "$pg_port" \
        -k "$run_dir/socket" -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
        -c full_page_writes=off
    wait_until 60 "PostgreSQL on port $pg_port" \
        as_user_in_root postgres "$pg_bin/pg_isready" -q -h "$run_dir/socket" -p "$pg_port" || return 1
    zabbix_db_password=$(head -c 18 /dev/urandom | base64 | tr '+/' 'xy')
    # The password reaches psql on stdin and the pgpass file, never a command line.
    printf "CREATE ROLE zabbix LOGIN PASSWORD '%s';\nCREATE DATABASE zabbix OWNER zabbix ENCODING 'UTF8' TEMPLATE template0;\n" \
        "$zabbix_db_password" |
        as_user_in_root postgres psql -X -q -v ON_ERROR_STOP=1 -h "$run_dir/socket" -p "$pg_port" -d postgres
    (umask 077 && echo "127.0.0.1:$pg_port:zabbix:zabbix:$zabbix_db_password" >"$root$run_dir/pgpass")
}
psql_zabbix() {
    in_root env PGPASSFILE="$run_dir/pgpass" psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" \
        -U zabbix -d zabbix "$@"
}

# write_drop_in FILE OWNER_GROUP: the rig's settings (stdin) for a daemon whose configuration
# file is Debian's as shipped; each setting there says why the rig needs it.
write_drop_in() {
    (umask 027 && cat >"$root$1")
    in_root chown "root:$2" "$1"
}

start_zabbix_server() {
    server_port=$(free_port)
    write_drop_in /etc/zabbix/zabbix_server.conf.d/atol-kkt-e2e.conf zabbix <<EOF
# The test rig's settings (tests/real/zabbix7/stack.sh); all else is Debian's zabbix_server.conf.
# Its log goes to the test's output, not /var/log/zabbix-server.
LogType=console
# On loopback, on a free port: the host may run another Zabbix server on 10051.
ListenIP=127.0.0.1
ListenPort=$server_port
# The database: this run's PostgreSQL, password authentication (DBName, DBUser: Debian's zabbix).
DBHost=127.0.0.1
DBPort=$pg_port
DBPassword=$zabbix_db_password
EOF
    root_command zabbix
    start_daemon zabbix_server TERM "${root_command[@]}" /usr/sbin/zabbix_server --foreground
    wait_until 90 "zabbix_server listening on $server_port" port_open "$server_port"
}

# The frontend reads /etc/zabbix/zabbix.conf.php, which its setup wizard would write: the
# shipped example with this run's database filled in.
start_frontend() {
    ui_port=$(free_port)
    sed -E -e "s/^(\\\$DB\['TYPE'\][[:space:]]*=[[:space:]]*)'[^']*'/\1'POSTGRESQL'/" \
        -e "s/^(\\\$DB\['SERVER'\][[:space:]]*=[[:space:]]*)'[^']*'/\1'127.0.0.1'/" \
        -e "s/^(\\\$DB\['PORT'\][[:space:]]*=[[:space:]]*)'[^']*'/\1'$pg_port'/" \
        -e "s/^(\\\$DB\['PASSWORD'\][[:space:]]*=[[:space:]]*)'[^']*'/\1'$zabbix_db_password'/" \
        -e "s/^(\\\$ZBX_SERVER_NAME[[:space:]]*=[[:space:]]*)'[^']*'/\1'atol-kkt test'/" \
        "$root/usr/share/zabbix/conf/zabbix.conf.php.example" | write_drop_in /etc/zabbix/zabbix.conf.php www-data
    grep -q "^\$DB\['PORT'\].*'$pg_port'" "$root/etc/zabbix/zabbix.conf.php" ||
        { echo "zabbix.conf.php.example has changed: cannot fill in the database"; return 1; }
    root_command www-data
    start_daemon frontend TERM "${root_command[@]}" php -S "127.0.0.1:$ui_port" -t /usr/share/zabbix
    zabbix_api_url="http://127.0.0.1:$ui_port/api_jsonrpc.php"
    wait_until 60 "the frontend API on $ui_port" api apiinfo.version '{}'
}

start_agent() {
    agent_port=$(free_port)
    write_drop_in /etc/zabbix/zabbix_agentd.conf.d/atol-kkt-e2e.conf zabbix <<EOF
# The test rig's settings (tests/real/zabbix7/stack.sh); all else is Debian's zabbix_agentd.conf.
# Its log goes to the test's output, not /var/log/zabbix-agent.
LogType=console
# On loopback, on a free port: the host may run another Zabbix agent on 10050.
ListenIP=127.0.0.1
ListenPort=$agent_port
# The active-agent template's documented steps (zabbix/README.md, "Active agent"): active
# checks from this run's server (Debian's 127.0.0.1 means port 10051, maybe another Zabbix)
# for the host of that template.
ServerActive=127.0.0.1:$server_port
Hostname=$active_agent_hostname
EOF
    root_command zabbix
    start_daemon zabbix_agentd TERM "${root_command[@]}" /usr/sbin/zabbix_agentd --foreground
    wait_until 60 "zabbix_agentd listening on $agent_port" port_open "$agent_port"
}

stack_start() {
    # What Debian's tmpfiles.d/zabbix-*.conf make at boot: the daemons' PID file directory.
    in_root install -d -o zabbix -g zabbix -m 0755 /run/zabbix
    start_postgres || { echo "PostgreSQL did not start"; return 1; }
    local start=$SECONDS
    load_zabbix_schema "$root/usr/share/zabbix-server-pgsql" || { echo "schema import failed"; return 1; }
    echo "     schema loaded in $((SECONDS - start)) s"
    start_zabbix_server || { echo "zabbix_server did not start"; return 1; }
    start_frontend || { echo "the frontend API did not answer"; return 1; }
    start_agent || { echo "zabbix_agentd did not start"; return 1; }
    local changed
    changed=$(changed_configuration) || true
    [[ -z "$changed" ]] || { echo "Debian's configuration files were changed: $changed"; return 1; }
}

# The rig adds files; it changes none of Debian's configuration files: each still has the
# checksum ucf (zabbix_server.conf, zabbix_agentd.conf, php.ini) or dpkg (conffiles) recorded.
changed_configuration() {
    {
        cat "$root/var/lib/ucf/hashfile"
        in_root dpkg-query -W -f='${Conffiles}\n' | awk 'length($2) == 32 && $3 != "obsolete" { print $2 "  " $1 }'
    } | in_root md5sum --quiet -c - 2>&1
}

stack_stop() {
    stop_daemons
    if [[ -n "$root" ]]; then
        remove_run_files
        chroot_unmount
    fi
}
