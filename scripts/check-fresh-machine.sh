#!/usr/bin/env bash
# Checks that mailmig's install path works on a new Debian machine, without changing this one.
#
# A new machine has empty package lists (no *_Packages file under /var/lib/apt/lists), where
# installing answers "Unable to locate package" for everything until `apt-get update` has run, and none of the servers the
# tests start. A machine that has been used for a while hides any mistake there: its lists are
# filled and the servers installed. This script recreates the new machine's state in a throwaway
# copy of this one and runs the install path in it, stage by stage:
#
#   fresh machine    purges bind9, bind9-dnsutils, dovecot-imapd, dovecot-pop3d, dovecot-core,
#                    pdns-server, pdns-backend-sqlite3, postgresql (with its server, client and common
#                    packages), sqlite3, libsqlite3-dev, libyaml-dev, radicale (with python3-radicale) and
#                    apache2-utils (isync and hyperfine too when
#                    installed), empties the package lists, then checks that `apt-cache policy bind9`
#                    has no candidate and that named, dovecot, pdns_server, psql, sqlite3, dig,
#                    nsupdate and htpasswd are gone
#   install-deps     scripts/install-deps.sh, then checks that the servers' programs are there
#   testenv start    scripts/testenv.sh start, then checks that BIND answers, both Dovecots greet,
#                    PowerDNS answers over DNS and its HTTP API, PostgreSQL takes a login, and both
#                    Radicales answer an authenticated PROPFIND
#   testenv stop     scripts/testenv.sh stop, then checks that no server is left running
#   demo             with --demo: scripts/demo.sh, then scripts/demo.sh stop (builds mailmig)
#   test.sh          with --full: scripts/test.sh (builds mailmig and runs every test)
#
# The copy: in a private mount and PID namespace (unshare), an overlay of the root filesystem whose
# writes go to a tmpfs becomes the root of a chroot, with its own /proc, /sys, /tmp and /dev/shm.
# Filesystems mounted below / are not part of that overlay: the repository, the Swift toolchain,
# the Swift package mirror and Python, when they live on one, get an overlay of their own. The
# repository is at its own path and looks like a fresh clone with the uncommitted changes: what git
# ignores (.build, .testenv, .demo, Package.resolved...) is hidden. Package scripts start no service
# (/usr/sbin/policy-rc.d). Everything after the installation runs in a private network namespace
# (loopback only), so the servers it starts never meet test servers of this machine on the same ports.
#
# Nothing installed, purged or written reaches this machine. On exit, failure or interruption
# included, the servers are stopped with the project's scripts, any process left in the copy is
# stopped, and everything is unmounted.
#
# Usage: scripts/check-fresh-machine.sh [--demo] [--full]     (as root)
# Needs unshare, nsenter and overlayfs; the installation needs the Debian mirrors.
# Exit status: 0 when every stage passed, 1 when one failed, 2 on a usage error.
set -euo pipefail

usage() { printf 'usage: %s [--demo] [--full]\n' "$0" >&2; exit 2; }

# ---- On this machine: a private namespace around the rest of the script. ----
if [[ ${1:-} != --inside ]]; then
    for arg in "$@"; do
        case "$arg" in
            --demo | --full) ;;
            -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
            *) usage ;;
        esac
    done
    if ((EUID != 0)); then
        printf 'check-fresh-machine: must run as root (it mounts and chroots)\n' >&2
        exit 2
    fi
    # Its own tools, installed like everything else: through scripts/lib/apt.sh, whose apt_install
    # runs `apt-get update` first when the package lists are empty or stale.
    . "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"
    command -v ip >/dev/null || apt_install iproute2 || exit 1
    for tool in unshare nsenter chroot findmnt mountpoint ip; do
        command -v "$tool" >/dev/null || { printf 'check-fresh-machine: %s is missing\n' "$tool" >&2; exit 1; }
    done
    work="$(mktemp -d /tmp/mailmig-fresh-machine.XXXXXX)"
    trap 'rmdir "$work" 2>/dev/null || printf "check-fresh-machine: could not remove %s\n" "$work" >&2' EXIT
    status=0
    # --fork: the script below is PID 1 of the new PID namespace; when it ends, anything still in
    # the namespace is killed by the kernel. --kill-child: if unshare is killed, the script is told.
    unshare --mount --pid --fork --mount-proc --kill-child=TERM \
        "$(realpath "${BASH_SOURCE[0]}")" --inside "$work" "$@" || status=$?
    exit "$status"
fi

# ---- In the private namespace. ----
work=$2
shift 2
demo=0 full=0
for arg in "$@"; do
    case "$arg" in
        --demo) demo=1 ;;
        --full) full=1 ;;
    esac
done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$work/root"
netns="$work/netns"
# What the project's scripts install, and the programs they look for to decide to.
packages=(bind9 bind9-dnsutils dovecot-imapd dovecot-pop3d dovecot-core pdns-server pdns-backend-sqlite3 sqlite3
    postgresql postgresql-15 postgresql-contrib postgresql-client-15 postgresql-common postgresql-client-common
    libsqlite3-dev libyaml-dev isync hyperfine radicale python3-radicale apache2-utils)
programs=(named dovecot pdns_server psql sqlite3 dig nsupdate htpasswd)
# The repository's runtime folders, hidden even when git does not list them (created later, or no git).
runtime_dirs=(.build .swiftpm .testenv .demo .bench .mailmig)

# Nothing from the caller's environment steers the scripts (MAILMIG_APT_UPDATED would skip the refresh).
while IFS= read -r name; do
    [[ $name == MAILMIG_* ]] && unset "$name"
done < <(compgen -e)

say() { printf 'check-fresh-machine: %s\n' "$*"; }

# in_copy COMMAND...: runs COMMAND in the copy, from the repository, with this machine's network.
in_copy() { chroot "$root" /bin/bash -c 'cd "$1" && shift && exec "$@"' in-copy "$repo" "$@"; }
# offline COMMAND...: the same, in the private network namespace (loopback only).
offline() { nsenter --net="$netns" -- chroot "$root" /bin/bash -c 'cd "$1" && shift && exec "$@"' offline "$repo" "$@"; }
show() { printf '$ %s\n' "$*"; }

# copy_processes: prints "PID NAME" for every process whose root is the copy.
copy_processes() {
    local dir name
    for dir in /proc/[0-9]*; do
        [[ $(readlink "$dir/root" 2>/dev/null) == "$root" ]] || continue
        read -r name <"$dir/comm" 2>/dev/null || continue
        printf '%s %s\n' "${dir#/proc/}" "$name"
    done
}

# stop_copy_processes: stops, by PID, every process left in the copy (SIGTERM, then SIGKILL).
stop_copy_processes() {
    local pid name left attempt
    while read -r pid name; do
        say "cleanup: stopping $name (pid $pid), still running in the copy"
        kill -TERM "$pid" 2>/dev/null || true
    done < <(copy_processes)
    for attempt in $(seq 1 50); do
        left="$(copy_processes)"
        [[ -z $left ]] && return 0
        sleep 0.1
    done
    while read -r pid name; do
        say "cleanup: killing $name (pid $pid)"
        kill -KILL "$pid" 2>/dev/null || true
    done <<<"$left"
    sleep 0.2
}

servers_started=0
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    ((status == 130 || status == 143)) && say "interrupted; cleaning up"
    if mountpoint -q "$root" 2>/dev/null; then
        # The servers first, with the project's scripts (a no-op when already stopped).
        if ((servers_started)); then
            in_copy scripts/testenv.sh stop >/dev/null 2>&1 || say "cleanup: scripts/testenv.sh stop failed"
            if ((demo || full)); then
                in_copy scripts/demo.sh stop >/dev/null 2>&1 || say "cleanup: scripts/demo.sh stop failed"
            fi
        fi
        stop_copy_processes
    fi
    # The network namespace file and every mount of the copy lie under $work.
    if mountpoint -q "$work" 2>/dev/null; then
        if umount -R "$work" 2>/dev/null; then
            say "cleanup: copy unmounted"
        else
            say "cleanup: $work busy, detaching it"
            umount -R -l "$work" || true
        fi
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The copy's layers: the root filesystem, plus every filesystem mounted below / that holds something
# the run needs (the root overlay does not show those), each an overlay with its upper layer in $work.
layers=(/)
add_layer() {
    local path=$1 target existing
    [[ -e $path ]] || return 0
    target="$(findmnt -n -o TARGET --target "$path")" || return 0
    for existing in "${layers[@]}"; do [[ $existing == "$target" ]] && return 0; done
    layers+=("$target")
}
upper_of() { if [[ $1 == / ]]; then echo "$work/upper"; else echo "$work/layers$1/upper"; fi; }
workdir_of() { if [[ $1 == / ]]; then echo "$work/work"; else echo "$work/layers$1/work"; fi; }

# whiteout PATH: hides PATH (a file or a folder, existing or not) in the copy, as if it had never been
# there: an overlay whiteout (a 0/0 character device) in the upper layer, made before mounting. The
# folders leading to it get the owner and mode they have below, so the merged view keeps them.
whiteout() {
    local path=$1 target upper rel part lower dir
    target="$(findmnt -n -o TARGET --target "$(dirname "$path")")"
    [[ " ${layers[*]} " == *" $target "* ]] || return 0
    upper="$(upper_of "$target")"
    rel=${path#"${target%/}"}
    lower=${target%/} dir=$upper
    local parts=()
    IFS=/ read -ra parts <<<"${rel%/*}"
    for part in "${parts[@]}"; do
        [[ -n $part ]] || continue
        lower+=/$part dir+=/$part
        # An ancestor already hidden (a whiteout, not a folder) hides this path too.
        [[ -e $dir && ! -d $dir ]] && return 0
        if [[ ! -d $dir ]]; then
            mkdir "$dir"
            chown --reference="$lower" "$dir"
            chmod --reference="$lower" "$dir"
        fi
    done
    [[ -e $upper$rel ]] || mknod "$upper$rel" c 0 0
}

# hide_ignored: hides what git ignores in the repository (.build, Package.resolved...) and the
# runtime folders, as in a fresh clone.
hide_ignored() {
    local entry entries=()
    if git -c safe.directory="$repo" -C "$repo" rev-parse --git-dir >/dev/null 2>&1; then
        mapfile -d '' -t entries < <(git -c safe.directory="$repo" -C "$repo" \
            ls-files -z --others --ignored --exclude-standard --directory)
    fi
    entries+=("${runtime_dirs[@]}")
    for entry in "${entries[@]}"; do
        entry=${entry%/}
        [[ -n $entry && $entry != *..* ]] && whiteout "$repo/$entry"
    done
}

make_copy() {
    mount --make-rprivate /
    mount -t tmpfs -o mode=0755 mailmig-fresh-machine "$work"

    local path layer paths=("$repo" /opt/swift /opt/swift-packages "${PYENV_ROOT:-/root/.pyenv}" "$HOME")
    path="$(command -v swift 2>/dev/null)" && paths+=("$(dirname "$(realpath "$path")")")
    path="$(python3 -c 'import sys; print(sys.base_prefix)' 2>/dev/null)" && paths+=("$path")
    for path in "${paths[@]}"; do add_layer "$path"; done
    mapfile -t layers < <(printf '%s\n' "${layers[@]}" | sort -u) # a filesystem before those below it
    for layer in "${layers[@]}"; do mkdir -p "$(upper_of "$layer")" "$(workdir_of "$layer")"; done
    hide_ignored
    # The test PostgreSQL cluster lives outside the repository (scripts/testenv/postgres.sh): a new
    # machine has none.
    for path in /var/tmp/mailmig-test-postgres-*; do
        [[ -e $path ]] && whiteout "$path"
    done

    mkdir -p "$root"
    for layer in "${layers[@]}"; do
        mkdir -p "$root$layer"
        mount -t overlay overlay -o "lowerdir=$layer,upperdir=$(upper_of "$layer"),workdir=$(workdir_of "$layer")" "$root$layer"
    done
    if ((${#layers[@]} > 1)); then
        say "filesystems mounted below / given their own overlay: ${layers[*]:1}"
    else
        say "the repository, Swift, its package mirror and Python are all on the root filesystem"
    fi
    mount -t proc proc "$root/proc"
    mount -t sysfs -o ro sysfs "$root/sys"
    mount --rbind /dev "$root/dev"
    mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"
    mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"

    # Package scripts must not start the system's named, pdns or dovecot (port 53, 143) in the copy.
    if [[ ! -x $root/usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\n# Added by scripts/check-fresh-machine.sh in its throwaway copy.\nexit 101\n' \
            >"$root/usr/sbin/policy-rc.d"
        chmod 755 "$root/usr/sbin/policy-rc.d"
    fi

    touch "$netns"
    unshare --net="$netns" ip link set lo up
}

# ---- The stages. ----
results=()
failed=0
# stage NAME CHECK: runs the function CHECK, prints PASS or FAIL with its duration.
stage() {
    local name=$1 check=$2 start seconds verdict
    printf '\n== %s\n' "$name"
    start=$EPOCHREALTIME
    if "$check"; then verdict=PASS; else verdict=FAIL; failed=1; fi
    seconds="$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')"
    printf '%s  %s (%s s)\n' "$verdict" "$name" "$seconds"
    results+=("$(printf '%-4s  %-14s %7s s' "$verdict" "$name" "$seconds")")
    [[ $verdict == PASS ]]
}
skip() { printf '\n== %s\nSKIP  %s (an earlier stage failed)\n' "$1" "$1"; results+=("$(printf 'SKIP  %-14s' "$1")"); }

fresh_machine() {
    local installed=() package state output found=() path
    while read -r package state; do
        [[ $state == not-installed ]] || installed+=("$package")
    done < <(chroot "$root" dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${packages[@]}" 2>/dev/null)
    if ((${#installed[@]} > 0)); then
        show "apt-get purge -y ${installed[*]}"
        if ! output="$(chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${installed[@]}" 2>&1)"; then
            printf '%s\n' "$output" | tail -n 5
            show "dpkg --purge --force-depends ${installed[*]}"
            chroot "$root" dpkg --purge --force-depends "${installed[@]}" >/dev/null || return 1
        fi
    else
        say "none of ${packages[*]} is installed"
    fi

    show "rm -rf /var/lib/apt/lists/* (keeping partial/); apt-get clean"
    chroot "$root" find /var/lib/apt/lists -mindepth 1 ! -path /var/lib/apt/lists/partial -delete || return 1
    chroot "$root" apt-get clean || return 1
    if compgen -G "$root/var/lib/apt/lists/*_Packages*" >/dev/null; then
        say "package lists are still there"
        return 1
    fi

    show "apt-cache policy bind9"
    output="$(chroot "$root" apt-cache policy bind9 2>&1)"
    [[ -n $output ]] && printf '%s\n' "$output"
    if grep -q 'Candidate:' <<<"$output" && ! grep -q 'Candidate: (none)' <<<"$output"; then
        say "bind9 still has an installation candidate"
        return 1
    fi
    say "no candidate for bind9: the package lists are empty"

    # Programs that no package owns any more (installed by hand) are hidden: deleted from the copy.
    mapfile -t found < <(chroot "$root" /bin/bash -c 'command -v "$@"' which "${programs[@]}")
    for path in "${found[@]}"; do
        say "hiding $path (not removed by the purge)"
        chroot "$root" rm -f "$path" || return 1
    done
    show "command -v ${programs[*]}"
    if chroot "$root" /bin/bash -c 'command -v "$@"' which "${programs[@]}"; then
        say "still found"
        return 1
    fi
    say "none found"
}

install_deps() {
    show scripts/install-deps.sh
    in_copy scripts/install-deps.sh || return 1
    show "command -v ${programs[*]}"
    local program missing=0
    for program in "${programs[@]}"; do
        chroot "$root" /bin/bash -c 'command -v "$1"' which "$program" || { say "$program is missing"; missing=1; }
    done
    ((missing == 0))
}

testenv_start() {
    servers_started=1
    show scripts/testenv.sh start
    offline scripts/testenv.sh start || return 1
    # Independently of the scripts' own waiting: BIND answers, both Dovecots greet, PowerDNS answers,
    # PostgreSQL takes the tests' login.
    # shellcheck disable=SC2016
    offline /bin/bash -c '
        set -e
        . .testenv/bind9.env
        . .testenv/dovecot.env
        . .testenv/powerdns.env
        . .testenv/postgres.env
        . .testenv/radicale.env
        soa="$(dig +short +time=2 +tries=1 -p "$MAILMIG_TEST_DNS_PORT" "@$MAILMIG_TEST_DNS_HOST" "$MAILMIG_TEST_DNS_ZONE" SOA)"
        [[ -n $soa ]] || { echo "bind9: no SOA for $MAILMIG_TEST_DNS_ZONE on port $MAILMIG_TEST_DNS_PORT"; exit 1; }
        echo "bind9 answers on 127.0.0.1:$MAILMIG_TEST_DNS_PORT: $MAILMIG_TEST_DNS_ZONE SOA $soa"
        for port in "$MAILMIG_TEST_IMAP_SOURCE_PORT" "$MAILMIG_TEST_IMAP_TARGET_PORT"; do
            greeting="$(timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && head -n 1 <&3" | tr -d "\r")"
            [[ $greeting == "* OK"* ]] || { echo "dovecot: no IMAP greeting on port $port"; exit 1; }
            echo "dovecot greets on 127.0.0.1:$port: $greeting"
        done
        soa="$(dig +short +time=2 +tries=1 -p "$MAILMIG_TEST_PDNS_PORT" "@$MAILMIG_TEST_PDNS_HOST" "$MAILMIG_TEST_PDNS_CUTOVER_ZONE" SOA)"
        [[ -n $soa ]] || { echo "powerdns: no SOA for $MAILMIG_TEST_PDNS_CUTOVER_ZONE on port $MAILMIG_TEST_PDNS_PORT"; exit 1; }
        echo "powerdns answers on 127.0.0.1:$MAILMIG_TEST_PDNS_PORT: $MAILMIG_TEST_PDNS_CUTOVER_ZONE SOA $soa"
        zones="$(curl -fsS --max-time 5 -H "X-API-Key: $(cat "$MAILMIG_TEST_PDNS_API_KEY_FILE")" \
            "$MAILMIG_TEST_PDNS_API_URL/api/v1/servers/$MAILMIG_TEST_PDNS_SERVER_ID/zones")" ||
            { echo "powerdns: no answer from the API at $MAILMIG_TEST_PDNS_API_URL"; exit 1; }
        echo "powerdns API answers at $MAILMIG_TEST_PDNS_API_URL: ${#zones} bytes of zones"
        version="$(psql "$MAILMIG_PG_URL" -X -A -t -c "SHOW server_version")" ||
            { echo "postgres: no login on $MAILMIG_TEST_PG_HOST:$MAILMIG_TEST_PG_PORT"; exit 1; }
        echo "postgres takes a login on $MAILMIG_TEST_PG_HOST:$MAILMIG_TEST_PG_PORT: server $version"
        for url in "$MAILMIG_TEST_DAV_SOURCE_URL" "$MAILMIG_TEST_DAV_TARGET_URL"; do
            code="$(curl -s -o /dev/null -w "%{http_code}" --max-time 5 -X PROPFIND -H "Depth: 0" -u alice:secret-alice "$url")"
            [[ $code == 207 ]] || { echo "radicale: PROPFIND at $url answered $code"; exit 1; }
            echo "radicale answers a PROPFIND at $url: $code"
        done'
}

# no_servers_left: fails, naming them, when processes still run in the copy.
no_servers_left() {
    local left
    left="$(copy_processes)"
    if [[ -n $left ]]; then
        say "still running in the copy:"
        printf '  %s\n' "$left"
        return 1
    fi
    say "nothing left running in the copy"
}

testenv_stop() {
    show scripts/testenv.sh stop
    offline scripts/testenv.sh stop || return 1
    no_servers_left
}

run_demo() {
    show scripts/demo.sh
    offline scripts/demo.sh || { offline scripts/demo.sh stop; return 1; }
    show scripts/demo.sh stop
    offline scripts/demo.sh stop || return 1
    no_servers_left
}

run_full() {
    show scripts/test.sh
    offline scripts/test.sh || return 1
    no_servers_left
}

say "building the throwaway copy of this machine under $work"
make_copy
total_start=$EPOCHREALTIME

stages=("fresh machine:fresh_machine" "install-deps:install_deps" "testenv start:testenv_start" "testenv stop:testenv_stop")
((demo)) && stages+=("demo:run_demo")
((full)) && stages+=("test.sh:run_full")
for entry in "${stages[@]}"; do
    name=${entry%%:*}
    # After a failure only the stop runs, and only when the servers were started.
    if [[ $name == "testenv stop" ]] && ((servers_started)) || ((failed == 0)); then
        stage "$name" "${entry#*:}" || true
    else
        skip "$name"
    fi
done

total="$(awk -v a="$total_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')"
printf '\n== summary\n'
printf '%s\n' "${results[@]}"
if ((failed)); then
    printf 'FAIL: the install path does not work on a fresh machine (%s s)\n' "$total"
    exit 1
fi
printf 'PASS: the install path works on a fresh machine (%s s)\n' "$total"
