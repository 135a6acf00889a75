#!/usr/bin/env bash
# A private BIND 9 for the DNS integration tests: authoritative for acme.test, example.test and
# cutover.test (used only by the engine's end-to-end tests) on 127.0.0.1, dynamic updates allowed only
# with TSIG keys.
#
# Usage: scripts/testenv/bind9.sh install|start|stop|reset|status
# Environment: MAILMIG_TESTENV_DIR (default <repo>/.testenv), MAILMIG_TEST_DNS_PORT (default 15353),
# MAILMIG_TEST_DNS_TTL (the zones' default TTL in seconds, default 3600; the demo uses a short one).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$repo_root/scripts/lib/apt.sh"
testenv_dir="${MAILMIG_TESTENV_DIR:-$repo_root/.testenv}"
base="$testenv_dir/bind9"
port="${MAILMIG_TEST_DNS_PORT:-15353}"
zone_ttl="${MAILMIG_TEST_DNS_TTL:-3600}"
host="127.0.0.1"
env_file="$testenv_dir/bind9.env"
pid_file="$base/named.pid"
zones=(acme.test example.test cutover.test)
# name:algorithm:granted
keys=(mailmig-sha256:hmac-sha256:yes mailmig-sha512:hmac-sha512:yes mailmig-ungranted:hmac-sha256:no)

log() { printf 'bind9: %s\n' "$*" >&2; }

install() {
    local missing=()
    command -v named >/dev/null 2>&1 || missing+=(bind9)
    { command -v dig >/dev/null 2>&1 && command -v nsupdate >/dev/null 2>&1; } || missing+=(bind9-dnsutils)
    ((${#missing[@]} == 0)) || apt_install "${missing[@]}"
}

running_pid() {
    [[ -f "$pid_file" ]] || return 1
    local pid
    pid="$(cat "$pid_file" 2>/dev/null || true)"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && printf '%s\n' "$pid"
}

write_zone() {
    local zone="$1" file="$2" label="${1%%.*}"
    cat >"$file" <<ZONE
\$TTL $zone_ttl
@               IN SOA  ns1.$zone. hostmaster.$zone. 2026010101 3600 600 604800 300
@               IN NS   ns1.$zone.
ns1             IN A    127.0.0.1
@               IN MX   10 mx.oldmail.test.
@               IN TXT  "mailmig-verification=$label-0001"
@               IN TXT  "v=spf1 include:spf.oldmail.test -all"
autodiscover    IN CNAME autodiscover.oldmail.test.
www             IN A    192.0.2.80
ZONE
}

make_key() {
    local name="$1" algorithm="$2" key_file="$base/keys/$1.key" secret_file="$base/keys/$1.secret"
    if [[ ! -s "$key_file" ]]; then
        tsig-keygen -a "$algorithm" "$name" >"$key_file"
    fi
    # Only the base64 text, no newline: plans reference this file with `file:`.
    printf '%s' "$(sed -n 's/^[[:space:]]*secret "\(.*\)";/\1/p' "$key_file")" >"$secret_file"
    chmod 600 "$key_file" "$secret_file"
}

write_config() {
    mkdir -p "$base/keys" "$base/zones/pristine" "$base/data"
    local spec name algorithm granted grants=""
    for spec in "${keys[@]}"; do
        IFS=: read -r name algorithm granted <<<"$spec"
        make_key "$name" "$algorithm"
        if [[ "$granted" == yes ]]; then grants+="        grant $name zonesub ANY;"$'\n'; fi
    done
    local zone
    for zone in "${zones[@]}"; do
        write_zone "$zone" "$base/zones/pristine/$zone.zone"
        [[ -f "$base/zones/$zone.zone" ]] || cp "$base/zones/pristine/$zone.zone" "$base/zones/$zone.zone"
    done
    {
        for spec in "${keys[@]}"; do
            IFS=: read -r name _ _ <<<"$spec"
            printf 'include "%s";\n' "$base/keys/$name.key"
        done
        cat <<CONF
options {
    directory "$base/data";
    pid-file "$pid_file";
    session-keyfile "$base/data/session.key";
    managed-keys-directory "$base/data";
    listen-on port $port { $host; };
    listen-on-v6 { none; };
    recursion no;
    allow-query { any; };
    dnssec-validation no;
    notify no;
};
controls { };
logging {
    channel mailmig { file "$base/named.log" versions 2 size 5m; print-time yes; severity info; };
    category default { mailmig; };
    category update { mailmig; };
    category security { mailmig; };
};
CONF
        for zone in "${zones[@]}"; do
            cat <<CONF
zone "$zone" {
    type primary;
    file "$base/zones/$zone.zone";
    update-policy {
$grants    };
};
CONF
        done
    } >"$base/named.conf"
    named-checkconf "$base/named.conf"
}

write_env() {
    local tmp="$env_file.tmp" spec name algorithm granted prefix
    {
        printf 'export MAILMIG_TEST_DNS_HOST=%q\n' "$host"
        printf 'export MAILMIG_TEST_DNS_PORT=%q\n' "$port"
        printf 'export MAILMIG_TEST_DNS_ZONE=%q\n' "${zones[0]}"
        printf 'export MAILMIG_TEST_DNS_OTHER_ZONE=%q\n' "${zones[1]}"
        printf 'export MAILMIG_TEST_DNS_CUTOVER_ZONE=%q\n' "${zones[2]}"
        printf 'export MAILMIG_TEST_DNS_RESET_COMMAND=%q\n' "$repo_root/scripts/testenv/bind9.sh reset"
        for spec in "${keys[@]}"; do
            IFS=: read -r name algorithm granted <<<"$spec"
            case "$name" in
                mailmig-sha256) prefix=MAILMIG_TEST_DNS_KEY ;;
                mailmig-sha512) prefix=MAILMIG_TEST_DNS_KEY512 ;;
                *) prefix=MAILMIG_TEST_DNS_UNGRANTED_KEY ;;
            esac
            printf 'export %s_NAME=%q\n' "$prefix" "$name"
            printf 'export %s_ALGORITHM=%q\n' "$prefix" "$algorithm"
            printf 'export %s_SECRET=%q\n' "$prefix" "$(cat "$base/keys/$name.secret")"
            printf 'export %s_FILE=%q\n' "$prefix" "$base/keys/$name.secret"
            if [[ "$prefix" == MAILMIG_TEST_DNS_KEY ]]; then
                printf 'export MAILMIG_TEST_DNS_NSUPDATE_KEYFILE=%q\n' "$base/keys/$name.key"
            elif [[ "$prefix" == MAILMIG_TEST_DNS_KEY512 ]]; then
                printf 'export MAILMIG_TEST_DNS_KEY512_NSUPDATE_KEYFILE=%q\n' "$base/keys/$name.key"
            fi
        done
    } >"$tmp"
    mv "$tmp" "$env_file"
}

wait_until_answering() {
    local attempt
    for attempt in $(seq 1 100); do
        if dig +short +time=1 +tries=1 -p "$port" "@$host" "${zones[0]}" SOA 2>/dev/null | grep -q .; then
            return 0
        fi
        if ! running_pid >/dev/null && ((attempt > 10)); then break; fi
        sleep 0.1
    done
    log "named did not answer on $host:$port; see $base/named.log"
    tail -n 20 "$base/named.log" >&2 2>/dev/null || true
    return 1
}

# A server started before a zone was added to `zones` does not serve it yet: rewrite the
# configuration and let named reload it (SIGHUP), which keeps the other zones' contents.
serve_new_zones() {
    local pid="$1" zone missing=0 attempt
    for zone in "${zones[@]}"; do
        dig +short +time=1 +tries=1 -p "$port" "@$host" "$zone" SOA 2>/dev/null | grep -q . || missing=1
    done
    ((missing)) || return 0
    log "reloading named (pid $pid) to serve every zone"
    write_config
    kill -HUP "$pid"
    for attempt in $(seq 1 100); do
        if dig +short +time=1 +tries=1 -p "$port" "@$host" "${zones[-1]}" SOA 2>/dev/null | grep -q .; then return 0; fi
        sleep 0.1
    done
    log "named did not serve ${zones[-1]} after the reload; see $base/named.log"
    return 1
}

start() {
    install
    local pid
    if pid="$(running_pid)"; then
        serve_new_zones "$pid"
        write_env
        return 0
    fi
    mkdir -p "$testenv_dir"
    write_config
    rm -f "$pid_file"
    # named daemonizes itself; its own stdio must not hold the caller's pipes open.
    named -4 -c "$base/named.conf" </dev/null >>"$base/named.stdout.log" 2>&1
    wait_until_answering
    write_env
}

stop() {
    local pid attempt
    if ! pid="$(running_pid)"; then
        rm -f "$pid_file"
        return 0
    fi
    kill "$pid"
    for attempt in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "named (pid $pid) did not stop after 10 s; sending SIGKILL"
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pid_file"
}

reset() {
    stop
    local zone
    for zone in "${zones[@]}"; do
        rm -f "$base/zones/$zone.zone" "$base/zones/$zone.zone.jnl" "$base/zones/$zone.zone.jnw"
    done
    start
}

status() {
    local pid
    if pid="$(running_pid)"; then
        printf 'bind9: running (pid %s) on %s:%s\n' "$pid" "$host" "$port"
    else
        printf 'bind9: stopped\n'
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
