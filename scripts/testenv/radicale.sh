#!/usr/bin/env bash
# Private Radicale 3 servers ("source" and "target") for the CalDAV and CardDAV integration tests.
#
# Usage: scripts/testenv/radicale.sh install | start | stop | status | reset
#        radicale.sh add-user source|target NAME PASSWORD  (idempotent; kept across restarts and reset)
#
# Each instance is Debian's Radicale run as `/usr/bin/python3 -m radicale -C FILE` (never another
# python3 on the PATH, which lacks the radicale module, and never the packaged radicale.service) by
# the current user, with its configuration, htpasswd file, log and storage folder under
# $MAILMIG_TESTENV_DIR/radicale/NAME:
#   source  http://127.0.0.1:15232/
#   target  http://127.0.0.1:15233/
#   target  https://127.0.0.1:15234/ as well (the same storage, a second process) when dovecot.sh has
#           made its test CA and a certificate for 127.0.0.1 (.testenv/dovecot/certs); else no TLS.
# Logins: alice bob carol dave erin frank, password "secret-<user>" (htpasswd, plain text). Rights
# owner_only: a user reads and writes only /<user>/ and the collections in it; Radicale makes the
# principal collection /<user>/ at the user's first authenticated request.
#
# What Radicale 3.1 does that tests should know:
#   - /.well-known/caldav and /.well-known/carddav answer 301 Moved Permanently to "/" (any method,
#     without authentication); "/" then names /<user>/ as current-user-principal, which is both the
#     calendar-home-set and the addressbook-home-set.
#   - The server speaks HTTP/1.0 and closes the connection after every answer (no keep-alive).
#   - Items are stored and served as vobject serializes them, not as PUT: properties sorted by name
#     (VERSION, PRODID and, in VCARD and VEVENT, UID first), parameters sorted, quotes dropped where
#     not needed, lines folded at 75 characters (not octets: non-ASCII lines reach ~80 octets), a
#     vCard PHOTO;ENCODING=b never folded (2 MB: one 2.8 MB line), and an ETag that is the SHA-256
#     of that text ("\"<64 hex>\""). PUT answers 201 with that ETag and keeps the client's href.
#     A TEXT value with an unescaped comma (SUMMARY:a, b) is cut at the comma.
#   - PUT refuses (400) an item without UID, without DTSTART (VEVENT), with two UIDs, unparsable
#     text or a VCARD in a calendar; (409 <C:no-uid-conflict/>) a UID another href holds. It does
#     not enforce supported-calendar-component-set (a VTODO lands in a VEVENT-only calendar).
#   - An item written straight into STORAGE/collection-root/<user>/<collection>/ (see
#     scripts/dav/seed.py --malformed) is served at the next request: every cache is keyed by the
#     file's content. Write it while holding an exclusive flock(2) on STORAGE/.Radicale.lock. A
#     file Radicale cannot read (no UID, no DTSTART...) fails every listing of its collection (500).
#   - No rate limiting: a failed login is not delayed ([auth] delay = 0); request bodies up to
#     64 MB ([server] max_content_length), 64 parallel connections.
#
# Environment: MAILMIG_TESTENV_DIR (default <repo>/.testenv), MAILMIG_TEST_DAV_SOURCE_PORT (15232),
# MAILMIG_TEST_DAV_TARGET_PORT (15233), MAILMIG_TEST_DAV_TARGET_TLS_PORT (15234),
# MAILMIG_RADICALE_LOG_LEVEL (info, or debug: every request and response body logged).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$repo_root/scripts/lib/apt.sh"
testenv_dir="${MAILMIG_TESTENV_DIR:-$repo_root/.testenv}"
root="$testenv_dir/radicale"
env_file="$testenv_dir/radicale.env"
host="127.0.0.1"
source_port="${MAILMIG_TEST_DAV_SOURCE_PORT:-15232}"
target_port="${MAILMIG_TEST_DAV_TARGET_PORT:-15233}"
target_tls_port="${MAILMIG_TEST_DAV_TARGET_TLS_PORT:-15234}"
log_level="${MAILMIG_RADICALE_LOG_LEVEL:-info}"
# start waits for the INFO line "Radicale server ready": the level is info or debug.
[[ $log_level == info || $log_level == debug ]] || log_level=info
python=/usr/bin/python3
certs="$testenv_dir/dovecot/certs"
users=(alice bob carol dave erin frank)
password_prefix="secret-"
# Instances: source and target serve plain HTTP; target-tls serves the target's storage over TLS.
instances=(source target target-tls)

log() { printf 'radicale: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# The storage (and users) of an instance: target-tls shares the target's.
data_of() { if [[ $1 == target-tls ]]; then echo target; else echo "$1"; fi; }
dir_of() { echo "$root/$1"; }
storage_of() { echo "$root/$(data_of "$1")/storage"; }
users_file_of() { echo "$root/$(data_of "$1")/users"; }
config_of() { echo "$root/$1/config"; }
pid_file_of() { echo "$root/$1/radicale.pid"; }
log_file_of() { echo "$root/$1/radicale.log"; }
port_of() {
    case "$1" in
        source) echo "$source_port" ;;
        target) echo "$target_port" ;;
        target-tls) echo "$target_tls_port" ;;
    esac
}
scheme_of() { if [[ $1 == target-tls ]]; then echo https; else echo http; fi; }
url_of() { echo "$(scheme_of "$1")://$host:$(port_of "$1")/"; }

# tls_available: dovecot.sh's CA and a server certificate valid for 127.0.0.1 exist.
tls_available() {
    [[ -f $certs/ca.crt && -f $certs/server.crt && -f $certs/server.key ]] || return 1
    command -v openssl >/dev/null 2>&1 || return 1
    openssl x509 -in "$certs/server.crt" -noout -checkip "$host" 2>/dev/null | grep -q 'does match'
}

install() {
    local missing=()
    [[ -x $python ]] || missing+=(python3)
    # python3-radicale holds the module; radicale the daemon, its documentation and dependencies.
    "$python" -c 'import radicale' >/dev/null 2>&1 || missing+=(radicale)
    command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
    command -v curl >/dev/null 2>&1 || missing+=(curl)
    ((${#missing[@]} == 0)) && return 0
    apt_install "${missing[@]}"
    # The packaged service (port 5232, /var/lib/radicale) is installed disabled on Debian 12 and
    # never shares our ports; nothing to stop.
}

# alive PID: the process exists, is not a zombie, and runs our configuration of NAME.
alive() {
    local pid=$1 name=$2 stat
    [[ -n $pid ]] && stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"
    [[ ${stat%% *} != Z ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$(config_of "$name")"
}

running_pid() {
    local name=$1 pid_file pid
    pid_file="$(pid_file_of "$name")"
    [[ -f $pid_file ]] || return 1
    pid="$(cat "$pid_file" 2>/dev/null || true)"
    alive "$pid" "$name" && printf '%s\n' "$pid"
}

# write_users NAME: the built-in logins, then those added with add-user (users.added).
write_users() {
    local data dir user file
    data="$(data_of "$1")"
    dir="$root/$data"
    file="$dir/users"
    mkdir -p "$dir"
    {
        for user in "${users[@]}"; do
            htpasswd -nbp "$user" "$password_prefix$user" 2>/dev/null | sed '/^$/d'
        done
        if [[ -f $dir/users.added ]]; then cat "$dir/users.added"; fi
    } >"$file.tmp"
    chmod 600 "$file.tmp"
    mv -f "$file.tmp" "$file"
}

write_config() {
    local name=$1 dir tls_settings
    dir="$(dir_of "$name")"
    mkdir -p "$dir" "$(storage_of "$name")"
    if [[ $name == target-tls ]]; then
        tls_settings="ssl = True
certificate = $certs/server.crt
key = $certs/server.key"
    else
        tls_settings="ssl = False"
    fi
    cat >"$(config_of "$name").tmp" <<CONF
# Written by scripts/testenv/radicale.sh; rewritten at every start. Private test instance "$name".
[server]
hosts = $host:$(port_of "$name")
$tls_settings
# A 2 MB photo is ~2.7 MB of base64: allow far more. Parallel test clients: many connections.
max_content_length = 67108864
max_connections = 64
timeout = 60

[encoding]
request = utf-8
stock = utf-8

[auth]
type = htpasswd
htpasswd_filename = $(users_file_of "$name")
htpasswd_encryption = plain
# No delay after a failed login: tests of wrong passwords stay fast.
delay = 0

[rights]
type = owner_only

[storage]
type = multifilesystem
filesystem_folder = $(storage_of "$name")

[web]
type = none

[logging]
level = $log_level
mask_passwords = True
CONF
    mv -f "$(config_of "$name").tmp" "$(config_of "$name")"
}

# answers NAME: an authenticated PROPFIND on / gets 207 Multi-Status (a foreign server on the port
# would hardly say so; start also checks that the answering process is ours).
answers() {
    local name=$1 status args
    args=(-sS --max-time 3 -o /dev/null -w '%{http_code}' -X PROPFIND -H 'Depth: 0'
        -u "${users[0]}:$password_prefix${users[0]}")
    [[ $name == target-tls ]] && args+=(--cacert "$certs/ca.crt")
    status="$(curl "${args[@]}" "$(url_of "$name")" 2>/dev/null)" || return 1
    [[ $status == 207 ]]
}

show_log() {
    local name=$1 from=$2
    tail -c "+$((from + 1))" "$(log_file_of "$name")" 2>/dev/null | tail -n 20 >&2 || true
}

start_instance() {
    local name=$1 dir log_file pid_file from pid deadline
    dir="$(dir_of "$name")"
    log_file="$(log_file_of "$name")"
    pid_file="$(pid_file_of "$name")"
    write_users "$name"
    if pid="$(running_pid "$name")"; then
        # Running: the configuration is rewritten (a restart applies changes), users are reread
        # by Radicale at each login.
        write_config "$name"
        answers "$name" && return 0
        log "$name (pid $pid) runs but does not answer on $(url_of "$name"); see $log_file"
        return 1
    fi
    write_config "$name"
    rm -f "$pid_file"
    from="$(stat -c %s "$log_file" 2>/dev/null || echo 0)"
    # A session of its own, stdio away from the caller's pipes. The shell writes its own pid and
    # then becomes Radicale (exec), so the pid file is right whether or not setsid forks.
    setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' radicale "$pid_file" \
        "$python" -m radicale -C "$(config_of "$name")" </dev/null >>"$log_file" 2>&1 &
    deadline=$((SECONDS + 20))
    # Ready: our process logged that it listens (so a foreign server on the port is not taken for
    # it), and it answers.
    until pid="$(running_pid "$name")" &&
        tail -c "+$((from + 1))" "$log_file" 2>/dev/null | grep -qF "[$pid] [INFO] Radicale server ready" &&
        answers "$name"; do
        pid="$(cat "$pid_file" 2>/dev/null || true)"
        if [[ -n $pid ]] && ! alive "$pid" "$name"; then
            log "$name exited at start (port $(port_of "$name") in use?); end of $log_file:"
            show_log "$name" "$from"
            rm -f "$pid_file"
            return 1
        fi
        if ((SECONDS >= deadline)); then
            log "$name does not answer on $(url_of "$name") within 20 s; end of $log_file:"
            show_log "$name" "$from"
            stop_instance "$name"
            return 1
        fi
        sleep 0.1
    done
}

stop_instance() {
    local name=$1 pid
    if pid="$(running_pid "$name")"; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do
            alive "$pid" "$name" || break
            sleep 0.1
        done
        if alive "$pid" "$name"; then
            log "$name (pid $pid) did not stop after 10 s; sending SIGKILL"
            kill -9 "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$(pid_file_of "$name")"
}

# active_instances: source and target, and target-tls when the certificates are there.
active_instances() {
    echo source
    echo target
    if tls_available; then echo target-tls; fi
}

write_env() {
    local tmp="$env_file.tmp"
    mkdir -p "$testenv_dir"
    {
        printf 'export MAILMIG_TEST_DAV_SOURCE_URL=%q\n' "$(url_of source)"
        printf 'export MAILMIG_TEST_DAV_TARGET_URL=%q\n' "$(url_of target)"
        if running_pid target-tls >/dev/null; then
            printf 'export MAILMIG_TEST_DAV_TARGET_TLS_URL=%q\n' "$(url_of target-tls)"
            printf 'export MAILMIG_TEST_DAV_CA_FILE=%q\n' "$certs/ca.crt"
        fi
        printf "export MAILMIG_TEST_DAV_USERS='%s'\n" "${users[*]}"
        printf 'export MAILMIG_TEST_DAV_PASSWORD_PREFIX=%q\n' "$password_prefix"
        printf 'export MAILMIG_TEST_DAV_SOURCE_STORAGE=%q\n' "$(storage_of source)"
        printf 'export MAILMIG_TEST_DAV_TARGET_STORAGE=%q\n' "$(storage_of target)"
        printf 'export MAILMIG_TEST_DAV_SEED_COMMAND=%q\n' "$repo_root/scripts/dav/seed.py"
        printf 'export MAILMIG_TEST_DAV_RESET_COMMAND=%q\n' "$repo_root/scripts/testenv/radicale.sh reset"
    } >"$tmp"
    mv -f "$tmp" "$env_file"
}

start() {
    install
    local name
    mkdir -p "$root"
    while IFS= read -r name; do
        start_instance "$name" || { stop; return 1; }
    done < <(active_instances)
    # A TLS instance from an earlier start whose certificates are gone now: not ours to keep.
    tls_available || stop_instance target-tls
    write_env
}

stop() {
    local name
    rm -f "$env_file"
    for name in "${instances[@]}"; do stop_instance "$name"; done
}

# reset: stopped, every collection of both storages deleted (logins added with add-user stay), started.
reset() {
    stop
    rm -rf "$(storage_of source)" "$(storage_of target)"
    start
}

status() {
    local name pid any=0
    for name in "${instances[@]}"; do
        if pid="$(running_pid "$name")"; then
            printf 'radicale %s: running (pid %s) on %s, storage %s\n' "$name" "$pid" "$(url_of "$name")" "$(storage_of "$name")"
            any=1
        else
            printf 'radicale %s: stopped\n' "$name"
        fi
    done
    ((any))
}

# add-user source|target NAME PASSWORD: one more login (Radicale rereads the file at each login).
add_user() {
    local name=${1:-} user=${2:-} password=${3:-} file line
    if [[ $name != source && $name != target ]] || [[ -z $user || -z $password ]]; then
        die "usage: $0 add-user source|target NAME PASSWORD"
    fi
    [[ $user =~ ^[A-Za-z0-9._@+-]+$ ]] || die "add-user: '$user' is not a valid user name (letters, digits, . _ @ + -)"
    [[ $password != *:* && $password != *$'\n'* ]] || die "add-user: the password may not contain ':' or a newline"
    file="$root/$name/users.added"
    line="$user:$password"
    mkdir -p "$root/$name"
    write_users "$name"
    if grep -q "^$user:" "$(users_file_of "$name")"; then
        grep -qxF "$line" "$(users_file_of "$name")" && return 0
        die "add-user: $user already exists on $name with another password"
    fi
    printf '%s\n' "$line" >>"$file"
    write_users "$name"
}

case "${1:-}" in
    install) install ;;
    start) start ;;
    stop) stop ;;
    reset) reset ;;
    status) status ;;
    add-user) shift; add_user "$@" ;;
    *)
        printf 'usage: %s install|start|stop|reset|status|add-user source|target NAME PASSWORD\n' "$0" >&2
        exit 2
        ;;
esac
