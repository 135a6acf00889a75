#!/usr/bin/env bash
# A private PostgreSQL server for the tests of the PostgreSQL state backend: one cluster on
# 127.0.0.1 only, with the role `mailmig` (password authentication) owning the database `mailmig`.
# Each test works in a schema of its own, so one database serves every suite.
#
# PostgreSQL refuses to run as root: initdb, pg_ctl and the server run as the `postgres` user, on a
# data directory of their own under /var/tmp (which that user can reach; the repository may not be).
# Durability is off (fsync, synchronous_commit, full_page_writes): a crash may lose test data,
# which `reset` recreates anyway.
#
# Usage: scripts/testenv/postgres.sh install|start|stop|reset|status
# Environment: MAILMIG_TESTENV_DIR (default <repo>/.testenv), MAILMIG_TEST_PG_PORT (default 15432),
# MAILMIG_TEST_PG_DIR (the cluster, default /var/tmp/mailmig-test-postgres-PORT).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$repo_root/scripts/lib/apt.sh"
testenv_dir="${MAILMIG_TESTENV_DIR:-$repo_root/.testenv}"
host="127.0.0.1"
port="${MAILMIG_TEST_PG_PORT:-15432}"
base="${MAILMIG_TEST_PG_DIR:-/var/tmp/mailmig-test-postgres-$port}"
data_dir="$base/data"
socket_dir="$base/run"
log_dir="$base/log"
log_file="$log_dir/postgres.log"
password_file="$base/password"
env_file="$testenv_dir/postgres.env"
role="mailmig"
database="mailmig"
server_user="postgres"

log() { printf 'postgres: %s\n' "$*" >&2; }

# bin_dir: the newest installed server's programs (Debian: /usr/lib/postgresql/VERSION/bin).
bin_dir() {
    local found
    found="$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -n 1)" || return 1
    [[ -n "$found" ]] && dirname "$found"
}

install_packages() {
    local fresh=0
    if ! bin_dir >/dev/null; then
        apt_install postgresql
        fresh=1
    fi
    # psql is what the script itself speaks to the server with.
    command -v psql >/dev/null 2>&1 || apt_install postgresql-client
    bin_dir >/dev/null || { log "no initdb under /usr/lib/postgresql/*/bin after installing postgresql"; return 1; }
    # The package's own cluster (port 5432) is not ours: where systemd started it on installation,
    # stop it and keep it from starting at boot. Without systemd nothing starts it.
    if ((fresh)) && [[ -d /run/systemd/system ]] && systemctl is-active --quiet postgresql.service 2>/dev/null; then
        log "stopping and disabling the packaged postgresql.service started by the installation"
        systemctl disable --now postgresql.service >/dev/null 2>&1 || log "could not stop postgresql.service; ours uses another port"
    fi
}

# as_server COMMAND ARGS...: runs a command as the postgres user, from a directory it can read.
as_server() {
    (cd / && runuser -u "$server_user" -- "$@")
}

# admin_sql: runs SQL from standard input as the superuser over the private Unix socket.
admin_sql() {
    as_server psql -X -q -v ON_ERROR_STOP=1 -h "$socket_dir" -p "$port" -U "$server_user" -d postgres "$@"
}

running() {
    [[ -f "$data_dir/postmaster.pid" ]] || return 1
    as_server "$(bin_dir)/pg_ctl" status -D "$data_dir" >/dev/null 2>&1
}

password() { cat "$password_file"; }

new_password() {
    local secret
    if command -v openssl >/dev/null 2>&1; then
        secret="$(openssl rand -hex 16)"
    else
        secret="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
    fi
    (umask 077 && printf '%s' "$secret" >"$password_file")
}

# init_cluster: a new cluster when there is none (or only a half-made one).
init_cluster() {
    [[ -f "$data_dir/PG_VERSION" ]] && return 0
    rm -rf "$data_dir"
    mkdir -p "$base"
    chmod 755 "$base"
    install -d -o "$server_user" -g "$server_user" -m 700 "$data_dir"
    as_server "$(bin_dir)/initdb" -D "$data_dir" -U "$server_user" -E UTF8 --locale=C.UTF-8 \
        --auth-local=peer --auth-host=scram-sha-256 >"$base/initdb.log" 2>&1 ||
        { log "initdb failed; see $base/initdb.log"; tail -n 20 "$base/initdb.log" >&2; return 1; }
}

# write_config: settings and client authentication, rewritten at every start.
write_config() {
    install -d -o "$server_user" -g "$server_user" -m 755 "$socket_dir" "$log_dir"
    cat >"$data_dir/mailmig-test.conf" <<CONF
# Written by scripts/testenv/postgres.sh; rewritten at every start.
listen_addresses = '$host'
port = $port
unix_socket_directories = '$socket_dir'
max_connections = 200
shared_buffers = 128MB
# Test data only: speed over durability.
fsync = off
synchronous_commit = off
full_page_writes = off
# Sessions whose client died are noticed while they run a query, too.
client_connection_check_interval = 1000
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
CONF
    grep -q "^include_if_exists = 'mailmig-test.conf'" "$data_dir/postgresql.conf" ||
        printf "\ninclude_if_exists = 'mailmig-test.conf'\n" >>"$data_dir/postgresql.conf"
    cat >"$data_dir/pg_hba.conf" <<HBA
# Written by scripts/testenv/postgres.sh; rewritten at every start.
# TYPE  DATABASE  USER      ADDRESS        METHOD
local   all       $server_user                 peer
host    all       all       $host/32   scram-sha-256
HBA
    chown "$server_user:$server_user" "$data_dir/mailmig-test.conf" "$data_dir/pg_hba.conf"
    chmod 600 "$data_dir/mailmig-test.conf" "$data_dir/pg_hba.conf"
}

# ensure_role_and_database: the role with the current password, and its database.
ensure_role_and_database() {
    admin_sql -v role="$role" -v password="$(password)" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER PASSWORD %L', :'role', :'password') \gexec
SQL
    admin_sql -v role="$role" -v database="$database" <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I', :'database', :'role')
    WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'database') \gexec
SQL
}

write_env() {
    local tmp="$env_file.tmp"
    mkdir -p "$testenv_dir"
    (umask 077 && {
        printf 'export MAILMIG_PG_URL=%q\n' "postgres://$role:$(password)@$host:$port/$database"
        printf 'export MAILMIG_TEST_PG_HOST=%q\n' "$host"
        printf 'export MAILMIG_TEST_PG_PORT=%q\n' "$port"
        printf 'export MAILMIG_TEST_PG_DATABASE=%q\n' "$database"
        printf 'export MAILMIG_TEST_PG_USER=%q\n' "$role"
        printf 'export MAILMIG_TEST_PG_RESET_COMMAND=%q\n' "$repo_root/scripts/testenv/postgres.sh reset"
    } >"$tmp")
    mv "$tmp" "$env_file"
}

# wait_until_answering: the server accepts password logins on 127.0.0.1 (up to 20 s).
wait_until_answering() {
    local deadline=$((SECONDS + 20))
    until PGPASSWORD="$(password)" PGCONNECT_TIMEOUT=2 psql -X -q -h "$host" -p "$port" -U "$role" -d "$database" \
        -c 'SELECT 1' >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            log "the server does not accept logins on $host:$port within 20 s; see $log_file"
            tail -n 20 "$log_file" >&2 || true
            return 1
        fi
        sleep 0.1
    done
}

start() {
    install_packages
    mkdir -p "$base"
    [[ -s "$password_file" ]] || new_password
    if ! running; then
        init_cluster
        write_config
        # pg_ctl -w returns once the server accepts connections; the server's output goes to the log,
        # and nothing of it holds the caller's pipes open.
        if ! as_server "$(bin_dir)/pg_ctl" start -D "$data_dir" -l "$log_file" -w -t 30 -s </dev/null >/dev/null 2>&1; then
            log "the server did not start on $host:$port; see $log_file"
            tail -n 20 "$log_file" >&2 || true
            return 1
        fi
    fi
    ensure_role_and_database
    wait_until_answering
    write_env
}

stop() {
    rm -f "$env_file"
    bin_dir >/dev/null || return 0
    running || return 0
    as_server "$(bin_dir)/pg_ctl" stop -D "$data_dir" -m fast -w -t 30 -s </dev/null >/dev/null 2>&1 || {
        log "pg_ctl stop -m fast failed; trying -m immediate"
        as_server "$(bin_dir)/pg_ctl" stop -D "$data_dir" -m immediate -w -t 30 -s </dev/null >/dev/null 2>&1
    }
}

# reset: the database is dropped (its sessions ended) and made again, empty; the server keeps running.
reset() {
    if ! running; then
        start
    fi
    admin_sql -v database="$database" <<'SQL'
SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', :'database') \gexec
SQL
    ensure_role_and_database
    wait_until_answering
    write_env
}

status() {
    if running; then
        printf 'postgres: running on %s:%s (data directory %s)\n' "$host" "$port" "$data_dir"
    else
        printf 'postgres: stopped\n'
        return 1
    fi
}

case "${1:-}" in
    install) install_packages ;;
    start) start ;;
    stop) stop ;;
    reset) reset ;;
    status) status ;;
    *)
        printf 'usage: %s install|start|stop|reset|status\n' "$0" >&2
        exit 2
        ;;
esac
