# A throw-away Zabbix 6.0 stack on loopback for tests: PostgreSQL 15 cluster, zabbix_server,
# the frontend API under `php -S`, zabbix_agentd; every daemon in the foreground of its own
# session, stopped by PID by stack_stop. Sourced by tests/real/test_zabbix_server.sh, which
# drives it through the functions at the end (tests/real/zabbix7/stack.sh, the 7.0 stack, has
# the same ones and reuses the helpers here).
# Needs: $work (private temp dir, traversable by postgres), set -euo pipefail in the caller.

pg_bin=/usr/lib/postgresql/15/bin
stack_pids=()  # "name:pid:signal", stopped in reverse order

log() { echo "---- $*"; }

# wait_until SECONDS WHAT COMMAND... : polls COMMAND once a second until it succeeds.
wait_until() {
    local limit=$1 what=$2
    shift 2
    local deadline=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            echo "timed out after ${limit}s waiting for: $what"
            return 1
        fi
        sleep 1
    done
}

# Something listens on 127.0.0.1:PORT (bash's /dev/tcp: no iproute2 needed).
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

used_ports=" "
free_port() {
    local port
    for _ in $(seq 500); do
        port=$((20000 + RANDOM % 12000)) # Zabbix daemons take ports up to 32767
        [[ "$used_ports" == *" $port "* ]] && continue
        port_open "$port" && continue
        used_ports+="$port "
        echo "$port"
        return 0
    done
    return 1
}

# start_daemon NAME SIGNAL COMMAND...: in its own session, output to $work/NAME.log.
start_daemon() {
    local name=$1 signal=$2
    shift 2
    setsid "$@" >"$work/$name.log" 2>&1 </dev/null &
    stack_pids+=("$name:$!:$signal")
}

daemon_alive() {
    local entry
    for entry in "${stack_pids[@]}"; do
        [[ "${entry%%:*}" == "$1" ]] || continue
        local rest=${entry#*:}
        kill -0 "${rest%%:*}" 2>/dev/null && return 0
    done
    return 1
}

stop_daemons() {
    local i entry name pid signal
    for ((i = ${#stack_pids[@]} - 1; i >= 0; i--)); do
        entry=${stack_pids[$i]}
        name=${entry%%:*}
        pid=${entry#*:}
        signal=${pid#*:}
        pid=${pid%%:*}
        if kill -0 "$pid" 2>/dev/null; then
            kill "-$signal" "$pid" 2>/dev/null || true
            for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            if kill -0 "$pid" 2>/dev/null; then
                echo "$name ($pid) did not stop: SIGKILL"
                kill -KILL "$pid" 2>/dev/null || true
            fi
        fi
        wait "$pid" 2>/dev/null || true
        # Children left behind (e.g. zabbix_server's HA manager once its database is gone) are
        # in the daemon's own process group, which setsid made: end them too.
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
    stack_pids=()
}

as_postgres() { setpriv --reuid=postgres --regid=postgres --clear-groups -- "$@"; }
psql_zabbix() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres -d zabbix "$@"; }

# PostgreSQL: a private cluster on 127.0.0.1:$pg_port, trust auth (loopback, throw-away), with
# an empty database "zabbix".
start_postgres() {
    pg_port=$(free_port)
    mkdir -p "$work/pg" "$work/pgsock"
    chown postgres: "$work/pg" "$work/pgsock"
    as_postgres "$pg_bin/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
        --no-sync >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log"; return 1; }
    start_daemon postgres INT setpriv --reuid=postgres --regid=postgres --clear-groups -- \
        "$pg_bin/postgres" -D "$work/pg" -p "$pg_port" -k "$work/pgsock" \
        -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off
    wait_until 30 "PostgreSQL on port $pg_port" pg_isready -q -U postgres -h 127.0.0.1 -p "$pg_port" &&
        psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres \
            -c "CREATE DATABASE zabbix ENCODING 'UTF8' TEMPLATE template0"
}

# The Zabbix schema, images and data of the server package, each in one transaction (through
# psql_zabbix, which each stack defines).
load_zabbix_schema() {
    local schema_dir=$1
    local part
    for part in schema images data; do
        # schema.sql and data.sql open their own transaction; images.sql gets one here.
        if [[ $part == images ]]; then
            zcat "$schema_dir/$part.sql.gz" | psql_zabbix -1 >/dev/null
        else
            zcat "$schema_dir/$part.sql.gz" | psql_zabbix >/dev/null
        fi
    done
    # data.sql's "Zabbix server" host polls an agent on 127.0.0.1:10050: not ours.
    psql_zabbix -c "UPDATE hosts SET status=1 WHERE host='Zabbix server'"
    # Statistics now: planning the frontend's queries on the fresh tables without them takes
    # minutes (host.create linking a template was seen to take 80 s before autovacuum ran). The
    # 7.0 stack's database owner is no superuser: it skips the shared catalogs, warning for each.
    psql_zabbix -c "SET client_min_messages = error" -c "ANALYZE"
}

# Lines a caller adds to the server's configuration (tests/bench/zabbix_hosts.sh: CacheSize).
zabbix_server_extra_config=""

start_zabbix_server() {
    local server_bin=$1
    server_port=$(free_port)
    mkdir -p "$work/zabbix-sockets"
    cat >"$work/zabbix_server.conf" <<EOF
LogType=console
DebugLevel=3
DBHost=127.0.0.1
DBPort=$pg_port
DBName=zabbix
DBUser=postgres
ListenIP=127.0.0.1
ListenPort=$server_port
PidFile=$work/zabbix_server.pid
SocketDir=$work/zabbix-sockets
TmpDir=$work
AllowRoot=1
CacheUpdateFrequency=5
HousekeepingFrequency=0
StartPollers=2
StartPollersUnreachable=1
StartTrappers=2
StartPingers=1
StartDiscoverers=1
StartHTTPPollers=1
StartPreprocessors=2
StartLLDProcessors=1
StartDBSyncers=1
StartHistoryPollers=1
StartAlerters=1
StartEscalators=1
StartTimers=1
StartReportWriters=0
StartODBCPollers=0
$zabbix_server_extra_config
EOF
    start_daemon zabbix_server TERM "$server_bin" -f -c "$work/zabbix_server.conf"
    wait_until 60 "zabbix_server listening on $server_port" port_open "$server_port"
}

# The frontend from a copy of the installed one, its DB settings in the copy (Debian's frontend
# reads /etc/zabbix/zabbix.conf.php: the copy is pointed at its own file, /etc stays untouched).
start_frontend() {
    local installed=/usr/share/zabbix
    ui_port=$(free_port)
    cp -a "$installed" "$work/ui"
    sed -i "s|'/etc/zabbix/zabbix.conf.php'|'$work/ui/conf/zabbix.conf.php'|" \
        "$work/ui/include/classes/core/CConfigFile.php"
    cat >"$work/ui/conf/zabbix.conf.php" <<EOF
<?php
\$DB['TYPE'] = 'POSTGRESQL';
\$DB['SERVER'] = '127.0.0.1';
\$DB['PORT'] = '$pg_port';
\$DB['DATABASE'] = 'zabbix';
\$DB['USER'] = 'postgres';
\$DB['PASSWORD'] = '';
\$DB['SCHEMA'] = '';
\$DB['ENCRYPTION'] = false;
\$DB['KEY_FILE'] = '';
\$DB['CERT_FILE'] = '';
\$DB['CA_FILE'] = '';
\$DB['VERIFY_HOST'] = false;
\$DB['CIPHER_LIST'] = '';
\$DB['VAULT_URL'] = '';
\$DB['VAULT_DB_PATH'] = '';
\$DB['VAULT_TOKEN'] = '';
\$DB['DOUBLE_IEEE754'] = true;
\$ZBX_SERVER = '127.0.0.1';
\$ZBX_SERVER_PORT = '$server_port';
\$ZBX_SERVER_NAME = 'atol-kkt test';
\$IMAGE_FORMAT_DEFAULT = IMAGE_FORMAT_PNG;
EOF
    start_daemon frontend TERM php -d memory_limit=512M -S "127.0.0.1:$ui_port" -t "$work/ui"
    zabbix_api_url="http://127.0.0.1:$ui_port/api_jsonrpc.php"
    wait_until 30 "the frontend API on $ui_port" api apiinfo.version '{}'
}

# ServerActive and Hostname: the documented steps of the active-agent template (zabbix/README.md).
start_agent() {
    local userparameters=$1
    agent_port=$(free_port)
    cat >"$work/zabbix_agentd.conf" <<EOF
LogType=console
PidFile=$work/zabbix_agentd.pid
Server=127.0.0.1
ServerActive=127.0.0.1:$server_port
ListenIP=127.0.0.1
ListenPort=$agent_port
Hostname=$active_agent_hostname
AllowRoot=1
StartAgents=3
UnsafeUserParameters=0
Include=$userparameters
EOF
    start_daemon zabbix_agentd TERM /usr/sbin/zabbix_agentd -f -c "$work/zabbix_agentd.conf"
    wait_until 30 "zabbix_agentd listening on $agent_port" port_open "$agent_port"
}

# api METHOD PARAMS_JSON|@FILE: the JSON-RPC result on stdout; the error on stderr, status 1.
# The session token: in the body's "auth" (6.0), or with api_token_header=yes in an
# "Authorization: Bearer" header (7.0, where "auth" is deprecated), read from a file so it is
# never on a command line. apiinfo.version takes neither.
zabbix_auth=""
api_token_header=no
api() {
    local method=$1 params=$2 request reply body_auth=$zabbix_auth
    if [[ "$params" != @* ]]; then
        printf '%s' "$params" >"$work/api-params.json"
        params=@$work/api-params.json
    fi
    local headers=$work/api-headers
    (umask 077 && echo 'Content-Type: application/json-rpc' >"$headers")
    if [[ $api_token_header == yes && -n "$zabbix_auth" && $method != apiinfo.version ]]; then
        echo "Authorization: Bearer $zabbix_auth" >>"$headers"
        body_auth=""
    fi
    request=$(jq -cn --arg method "$method" --slurpfile params "${params#@}" --arg auth "$body_auth" \
        '{jsonrpc: "2.0", method: $method, params: $params[0], id: 1}
         + (if $auth == "" then {} else {auth: $auth} end)')
    reply=$(curl -sS --max-time 120 -H "@$headers" \
        --data-binary @- "$zabbix_api_url" <<<"$request") || return 1
    if ! jq -e 'has("result")' <<<"$reply" >/dev/null 2>&1; then
        echo "API $method failed: $(jq -c '.error // .' <<<"$reply" 2>/dev/null || echo "$reply")" >&2
        return 1
    fi
    jq -c '.result' <<<"$reply"
}

# ---- What tests/real/test_zabbix_server.sh drives; tests/real/zabbix7/stack.sh has the same.
stack_version=6.0
group_import_rules='{"groups": {"createMissing": true}}'
template_suffix="" # the templates in this server's export format (zabbix/make_templates.sh)
# The Zabbix host of the active-agent template: the agent's Hostname (tests/real/zabbix/active_agent.sh).
active_agent_hostname=atol-active

# The tools, and the server: zabbix-server-pgsql conflicts with the installed
# zabbix-proxy-sqlite3, so it is unpacked here instead. Prints why it fails.
stack_prepare() {
    local tool
    for tool in php psql pg_isready setpriv /usr/sbin/zabbix_agentd "$pg_bin/postgres"; do
        command -v "$tool" >/dev/null || { echo "$tool is missing (scripts/setup.sh --tests installs it)"; return 1; }
    done
    [[ -f /usr/share/zabbix/api_jsonrpc.php ]] || { echo "zabbix-frontend-php is not installed"; return 1; }
    log "unpacking zabbix-server-pgsql"
    download_server() { (cd "$work" && apt-get download zabbix-server-pgsql >>"$work/apt.log" 2>&1); }
    # Stale package lists (setup.sh updates them only when it installs something): update once.
    download_server || { apt-get update -qq >>"$work/apt.log" 2>&1 && download_server; } ||
        { echo "apt-get download zabbix-server-pgsql: $(tail -1 "$work/apt.log")"; return 1; }
    dpkg-deb -x "$work"/zabbix-server-pgsql_*.deb "$work/server-package"
    local missing_libs
    missing_libs=$(ldd "$work/server-package/usr/sbin/zabbix_server" | grep 'not found' || true)
    [[ -z "$missing_libs" ]] || { echo "zabbix_server lacks libraries: $missing_libs"; return 1; }
}

# install_profile NAME: the profile from stdin plus its cache dir, where run_atol and the agent
# read it (mode 0600).
install_profile() {
    mkdir -p "$work/etc"
    { cat; echo "cache-dir = $work/cache"; } >"$work/etc/$1.conf"
    chmod 0600 "$work/etc/$1.conf"
}

# atol-kkt as the agent runs it: the profile directory and the test's fixed clock ($now).
run_atol() { env ATOL_KKT_CONFIG_DIR="$work/etc" ATOL_KKT_NOW="$now" "$bin" "$@"; }

# install_userparameters FILE: the shipped UserParameter file, pointed at a copy of the built
# binary (nothing the daemons read lies in the checkout, which may be in a directory others
# cannot enter), the test profile dir and the agent's clock (the agent passes no environment to
# its commands, so `env` does; the clock is read from a file, so the test can move it on).
install_userparameters() {
    local agent_bin=$work/bin/atol-kkt
    install -D -m 0755 "$bin" "$agent_bin"
    set_agent_clock "$now"
    sed -E "s#^(UserParameter=[^,]+,[[:space:]]*)([^[:space:]]*/)?atol-kkt([[:space:]])#\1env ATOL_KKT_CONFIG_DIR=$work/etc ATOL_KKT_NOW=\$(cat $work/clock) $agent_bin\3#" \
        "$1" >"$work/userparameter_atol_kkt.conf"
    grep -qF "ATOL_KKT_NOW=\$(cat $work/clock) $agent_bin" "$work/userparameter_atol_kkt.conf" ||
        { echo "no UserParameter in $1 runs atol-kkt"; return 1; }
}

# set_agent_clock TIME: the "now" (ATOL_KKT_NOW) of the agent's next runs of atol-kkt.
set_agent_clock() { echo "$1" >"$work/clock"; }

stack_start() {
    start_postgres || { echo "PostgreSQL did not start"; return 1; }
    local start=$SECONDS
    load_zabbix_schema "$work/server-package/usr/share/zabbix-server-pgsql" || { echo "schema import failed"; return 1; }
    echo "     schema loaded in $((SECONDS - start)) s"
    start_zabbix_server "$work/server-package/usr/sbin/zabbix_server" || { echo "zabbix_server did not start"; return 1; }
    start_frontend || { echo "the frontend API did not answer"; return 1; }
    start_agent "$work/userparameter_atol_kkt.conf" || { echo "zabbix_agentd did not start"; return 1; }
}

stack_stop() { stop_daemons; }
