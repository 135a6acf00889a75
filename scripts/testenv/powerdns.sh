#!/usr/bin/env bash
# A private PowerDNS Authoritative server for the DNS provider tests that speak its HTTP API:
# authoritative for acme.test and cutover.test on 127.0.0.1 (gsqlite3 backend), with the same
# records as the BIND 9 zones, and the HTTP API on 127.0.0.1 only, behind a key generated at start.
# Its caches are off, so a change made through the API is in the next DNS answer.
#
# Usage: scripts/testenv/powerdns.sh install|start|stop|reset|status
# Environment: MAILMIG_TESTENV_DIR (default <repo>/.testenv), MAILMIG_TEST_PDNS_PORT (DNS, UDP and
# TCP, default 15355), MAILMIG_TEST_PDNS_API_PORT (HTTP API, default 18081), MAILMIG_TEST_PDNS_TTL
# (the zones' default TTL in seconds, default 3600).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$repo_root/scripts/lib/apt.sh"
testenv_dir="${MAILMIG_TESTENV_DIR:-$repo_root/.testenv}"
base="$testenv_dir/powerdns"
port="${MAILMIG_TEST_PDNS_PORT:-15355}"
api_port="${MAILMIG_TEST_PDNS_API_PORT:-18081}"
zone_ttl="${MAILMIG_TEST_PDNS_TTL:-3600}"
host="127.0.0.1"
server_id="localhost"
api_url="http://$host:$api_port"
env_file="$testenv_dir/powerdns.env"
conf_dir="$base/conf"
run_dir="$base/run"
pid_file="$run_dir/pdns.pid"
database="$base/pdns.sqlite3"
key_file="$base/api.key"
log_file="$base/pdns.log"
schema=/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql
zones=(acme.test cutover.test)

log() { printf 'powerdns: %s\n' "$*" >&2; }

install() {
    local missing=() fresh=0
    if ! command -v pdns_server >/dev/null 2>&1; then
        missing+=(pdns-server)
        fresh=1
    fi
    { [[ -f $schema ]] && compgen -G '/usr/lib/*/pdns/libgsqlite3backend.so' >/dev/null; } || missing+=(pdns-backend-sqlite3)
    command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
    command -v dig >/dev/null 2>&1 || missing+=(bind9-dnsutils)
    command -v curl >/dev/null 2>&1 || missing+=(curl)
    command -v openssl >/dev/null 2>&1 || missing+=(openssl)
    ((${#missing[@]} == 0)) && return 0
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    apt_install "${missing[@]}"
    # The package's own service (pdns.service, port 53, the bind backend) is not ours: where systemd
    # started it on installation, stop it and keep it from starting at boot. Without systemd
    # (containers, the fresh-machine check) nothing starts it. Ours never shares its ports anyway.
    if ((fresh)) && [[ -d /run/systemd/system ]] && systemctl is-active --quiet pdns.service 2>/dev/null; then
        log "stopping and disabling the packaged pdns.service started by the installation"
        systemctl disable --now pdns.service >/dev/null 2>&1 || log "could not stop pdns.service; ours uses other ports"
    fi
}

# alive PID: the process exists and is not a zombie (a server that died as our child).
alive() {
    local pid="$1" stat
    [[ -n "$pid" ]] && stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"
    [[ "${stat%% *}" != Z ]]
}

running_pid() {
    [[ -f "$pid_file" ]] || return 1
    local pid
    pid="$(cat "$pid_file" 2>/dev/null || true)"
    alive "$pid" && printf '%s\n' "$pid"
}

api_key() { cat "$key_file"; }

# api METHOD PATH [BODY]: calls the HTTP API; prints the body, and returns 1 (saying the status and
# the body) when the status is not 2xx.
api() {
    local method="$1" path="$2" body="${3:-}" out status
    out="$(mktemp)"
    local args=(-sS --max-time 10 -o "$out" -w '%{http_code}' -X "$method" -H "X-API-Key: $(api_key)")
    [[ -n "$body" ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
    status="$(curl "${args[@]}" "$api_url/api/v1/servers/$server_id$path" 2>"$out.err")" || true
    if [[ "$status" != 2?? ]]; then
        log "$method $path: HTTP ${status:-000}: $(cat "$out" "$out.err")"
        rm -f "$out" "$out.err"
        return 1
    fi
    cat "$out"
    rm -f "$out" "$out.err"
}

# rrset NAME TYPE CONTENT...: one RRset in the API's JSON, with the zone's default TTL.
rrset() {
    local name="$1" type="$2" records="" content
    shift 2
    for content in "$@"; do
        content="${content//\\/\\\\}"
        records+="${records:+,}{\"content\":\"${content//\"/\\\"}\",\"disabled\":false}"
    done
    printf '{"name":"%s","type":"%s","ttl":%s,"records":[%s]}' "$name" "$type" "$zone_ttl" "$records"
}

# zone_json ZONE: the same records as bind9.sh's write_zone. Created with soa_edit_api empty so the
# SOA keeps its serial, then switched to PowerDNS's default (DEFAULT) like any zone made by the API.
zone_json() {
    local zone="$1" label="${1%%.*}"
    local rrsets=(
        "$(rrset "$zone." SOA "ns1.$zone. hostmaster.$zone. 2026010101 3600 600 604800 300")"
        "$(rrset "$zone." NS "ns1.$zone.")"
        "$(rrset "ns1.$zone." A 127.0.0.1)"
        "$(rrset "$zone." MX "10 mx.oldmail.test.")"
        "$(rrset "$zone." TXT "\"mailmig-verification=$label-0001\"" "\"v=spf1 include:spf.oldmail.test -all\"")"
        "$(rrset "autodiscover.$zone." CNAME "autodiscover.oldmail.test.")"
        "$(rrset "www.$zone." A 192.0.2.80)"
    )
    local IFS=,
    printf '{"name":"%s.","kind":"Native","nameservers":[],"soa_edit_api":"","rrsets":[%s]}' "$zone" "${rrsets[*]}"
}

create_zone() {
    local zone="$1"
    api POST /zones "$(zone_json "$zone")" >/dev/null || return 1
    api PUT "/zones/$zone." '{"soa_edit_api":"DEFAULT"}' >/dev/null || return 1
}

# ensure_zones: creates the zones the server does not have yet (a database from before a zone was
# added to `zones`, or a new one); zones already there keep their contents.
ensure_zones() {
    local zone
    for zone in "${zones[@]}"; do
        if [[ -z "$(sqlite3 "$database" "SELECT 1 FROM domains WHERE name = '$zone'")" ]]; then
            create_zone "$zone" || return 1
        fi
    done
}

new_api_key() {
    local key
    if command -v openssl >/dev/null 2>&1; then
        key="$(openssl rand -hex 24)"
    else
        key="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
    fi
    # Only the key, no newline: plans reference this file with `file:`.
    (umask 077 && printf '%s' "$key" >"$key_file")
    chmod 600 "$key_file"
}

write_config() {
    mkdir -p "$conf_dir" "$run_dir"
    if [[ ! -s "$database" ]]; then
        rm -f "$database" "$database-wal" "$database-shm"
        sqlite3 "$database" <"$schema"
    fi
    new_api_key
    # pdns.conf holds the key: readable by its owner only.
    (umask 077 && cat >"$conf_dir/pdns.conf" <<CONF
# Written by scripts/testenv/powerdns.sh; rewritten at every start.
launch=gsqlite3
gsqlite3-database=$database
gsqlite3-dnssec=no
local-address=$host
local-port=$port
socket-dir=$run_dir
write-pid=yes
daemon=no
guardian=no
disable-syslog=yes
log-timestamp=yes
loglevel=4
security-poll-suffix=
include-dir=
primary=no
secondary=no
# The HTTP API, on 127.0.0.1 only.
api=yes
api-key=$(api_key)
webserver-address=$host
webserver-port=$api_port
webserver-allow-from=$host
# No caches: what the API changed is in the next answer.
cache-ttl=0
query-cache-ttl=0
negquery-cache-ttl=0
zone-cache-refresh-interval=0
zone-metadata-cache-ttl=0
CONF
    )
    chmod 600 "$conf_dir/pdns.conf"
}

write_env() {
    local tmp="$env_file.tmp"
    {
        printf 'export MAILMIG_TEST_PDNS_HOST=%q\n' "$host"
        printf 'export MAILMIG_TEST_PDNS_PORT=%q\n' "$port"
        printf 'export MAILMIG_TEST_PDNS_API_URL=%q\n' "$api_url"
        printf 'export MAILMIG_TEST_PDNS_API_KEY_FILE=%q\n' "$key_file"
        printf 'export MAILMIG_TEST_PDNS_SERVER_ID=%q\n' "$server_id"
        printf 'export MAILMIG_TEST_PDNS_ZONE=%q\n' "${zones[0]}"
        printf 'export MAILMIG_TEST_PDNS_CUTOVER_ZONE=%q\n' "${zones[1]}"
        printf 'export MAILMIG_TEST_PDNS_RESET_COMMAND=%q\n' "$repo_root/scripts/testenv/powerdns.sh reset"
    } >"$tmp"
    mv "$tmp" "$env_file"
}

api_answers() {
    curl -fsS --max-time 2 -o /dev/null -H "X-API-Key: $(api_key)" "$api_url/api/v1/servers/$server_id" 2>/dev/null
}

dns_answers() {
    dig +short +time=1 +tries=1 -p "$port" "@$host" "$1" SOA 2>/dev/null | grep -q .
}

# show_log: the end of what the server logged since this script launched it.
log_start=0
show_log() { tail -c "+$((log_start + 1))" "$log_file" 2>/dev/null | tail -n 20 >&2 || true; }

# wait_until_answering [PID]: waits up to 20 s for the API, creates the missing zones, then waits
# for the DNS port to answer for every zone. PID: the server just launched, to notice its death.
wait_until_answering() {
    local launched="${1:-}" deadline=$((SECONDS + 20)) attempt=0 up=0 zone
    while ((SECONDS < deadline)); do
        if api_answers; then up=1; break; fi
        if [[ -n "$launched" ]]; then
            # After a second: setsid may have forked, and pdns_server writes its pid file a bit later.
            if ((++attempt > 10)) && ! alive "$launched" && ! running_pid >/dev/null; then
                log "pdns_server exited; see $log_file"
                show_log
                return 1
            fi
            # A webserver that cannot bind its port is logged, and pdns_server serves DNS without it.
            if tail -c "+$((log_start + 1))" "$log_file" 2>/dev/null | grep -q 'Listening on HTTP socket failed'; then
                log "pdns_server could not listen for the API on $api_url; see $log_file"
                show_log
                return 1
            fi
        fi
        sleep 0.1
    done
    if ((!up)); then
        log "the API did not answer on $api_url within 20 s; see $log_file"
        show_log
        return 1
    fi
    # Called after `||` by start, where `set -e` does not apply: every failure is returned.
    ensure_zones || { log "could not create the zones through the API"; return 1; }
    for zone in "${zones[@]}"; do
        until dns_answers "$zone"; do
            if ((SECONDS >= deadline)); then
                log "pdns_server did not answer for $zone on $host:$port within 20 s; see $log_file"
                show_log
                return 1
            fi
            sleep 0.1
        done
    done
}

start() {
    install
    local pid
    if pid="$(running_pid)"; then
        wait_until_answering
        write_env
        return 0
    fi
    mkdir -p "$testenv_dir"
    write_config
    rm -f "$pid_file" "$env_file"
    log_start="$(stat -c %s "$log_file" 2>/dev/null || echo 0)"
    # Not daemonized (--daemon=no), so it runs in a session of its own, and its stdio must not
    # hold the caller's pipes open.
    setsid pdns_server --config-dir="$conf_dir" </dev/null >>"$log_file" 2>&1 &
    wait_until_answering "$!" || { stop; return 1; }
    write_env
}

stop() {
    local pid attempt
    rm -f "$env_file"
    if ! pid="$(running_pid)"; then
        rm -f "$pid_file"
        return 0
    fi
    kill "$pid"
    for attempt in $(seq 1 100); do
        alive "$pid" || break
        sleep 0.1
    done
    if alive "$pid"; then
        log "pdns_server (pid $pid) did not stop after 10 s; sending SIGKILL"
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pid_file" "$run_dir/pdns.controlsocket"
}

# reset: the server keeps running (and its API key) when it runs; every zone it has, those tests
# added included, is deleted and the pristine ones created again. When stopped, it starts on an
# empty database.
reset() {
    if ! running_pid >/dev/null; then
        rm -f "$database" "$database-wal" "$database-shm"
        start
        return
    fi
    install
    local zone
    while IFS= read -r zone; do
        [[ -z "$zone" ]] || api DELETE "/zones/$zone." >/dev/null || return 1
    done < <(sqlite3 "$database" "SELECT name FROM domains")
    wait_until_answering
    write_env
}

status() {
    local pid
    if pid="$(running_pid)"; then
        printf 'powerdns: running (pid %s) on %s:%s, API on %s\n' "$pid" "$host" "$port" "$api_url"
    else
        printf 'powerdns: stopped\n'
        return 1
    fi
}

case "${1:-}" in
    install) install ;;
    start) start ;;
    stop) stop ;;
    reset) reset ;;
    status) status ;;
    *)
        printf 'usage: %s install|start|stop|reset|status\n' "$0" >&2
        exit 2
        ;;
esac
