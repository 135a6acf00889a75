#!/usr/bin/env bash
# The performance benchmark: mailmig against mbsync and doveadm backup, plus the memory,
# planning and folder-count checks; or the benchmark of shared applies with worker processes.
# See docs/performance.md for what it measures and the latest figures.
#
# Usage: bench/run.sh [--quick | --many-folders] [--runs N] [--tools mailmig,mbsync,doveadm] [--binary MAILMIG-BINARY]
#                     [--baseline MAILMIG-BINARY] [--skip-checks] [--skip-copy]
#                     [--only memory|planning|folders|localcopy|refresh]
#                     [--wan RTT-MS[,RTT-MS…] [--jitter-ms MS] [--rate-mbit R]]
#        bench/run.sh --workers-bench [--mailboxes N] [--messages N] [--binary MAILMIG-BINARY]
#        bench/run.sh --stop
#
# --binary measures that mailmig build instead of building the working tree in release mode.
# --many-folders copies the folders corpus instead of the full one (bench/corpus.py): 21 folders per
# mailbox and 11 % real-world messages.
# --only runs that one of the checks (with --skip-copy, nothing else).
# --baseline runs another mailmig build (e.g. the previous release's) in the same runs, as the tool
# mailmig-baseline, so the table's ratio column compares the two builds on the same servers.
#
# Installs what is missing (isync, hyperfine, dovecot-imapd, dovecot-pop3d, time) with apt-get, builds mailmig in
# release mode, starts a private pair of Dovecot instances under .bench/servers (ports 16401/16402
# and 16411/16412, POP3 on 16403/16404 and 16413/16414, never the test instances), generates the corpus under .bench/ (kept between
# runs) and writes the raw results as JSON under .bench/. The servers keep running afterwards so a
# second run skips loading the corpus; stop them with `bench/run.sh --stop`.
#
# --wan runs the copy benchmark once per round-trip time given (e.g. --wan 0,10,50), every tool
# reaching the servers through bench/delayline.py, a user-space WAN link in front of each server
# (doveadm backup runs on the target, so only its source side crosses the link). --wan implies
# --skip-checks unless the checks are asked for again with --checks.
#
# --workers-bench runs bench/workers.py instead of the copy benchmark and the checks: N small
# mailboxes (default 1,000 of 20 messages) copied by a plain apply with SQLite state, then with
# PostgreSQL state by `apply --workers 1` and `--workers 4`. It also starts a private PostgreSQL
# server (scripts/testenv/postgres.sh, port 16432, cluster in /var/tmp/mailmig-bench-postgres-16432,
# never the test server), which `--stop` stops as well.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$REPO_ROOT/scripts/lib/apt.sh"
BENCH_DIR="$REPO_ROOT/.bench"
export MAILMIG_TESTENV_DIR="$BENCH_DIR/servers"
export MAILMIG_DOVECOT_SOURCE_PORT=16401 MAILMIG_DOVECOT_SOURCE_TLS_PORT=16402
export MAILMIG_DOVECOT_TARGET_PORT=16411 MAILMIG_DOVECOT_TARGET_TLS_PORT=16412
export MAILMIG_DOVECOT_SOURCE_POP3_PORT=16403 MAILMIG_DOVECOT_SOURCE_POP3_TLS_PORT=16404
export MAILMIG_DOVECOT_TARGET_POP3_PORT=16413 MAILMIG_DOVECOT_TARGET_POP3_TLS_PORT=16414
# The PostgreSQL server of --workers-bench (bench/workers.py has the same port and directory).
export MAILMIG_TEST_PG_PORT=16432 MAILMIG_TEST_PG_DIR=/var/tmp/mailmig-bench-postgres-16432

log() { printf 'bench/run.sh: %s\n' "$*" >&2; }

quick=() runs=3 tools="mailmig,mbsync,doveadm" checks=1 copy=1 baseline=() binary="" workers_bench=0 workers_options=()
wan="" link=() checks_asked=0 only=() folders=()
while (($# > 0)); do
    case "$1" in
        --quick) quick=(--quick) ;;
        --many-folders) folders=(--many-folders) ;;
        --runs) runs=${2:?--runs needs a number}; shift ;;
        --tools) tools=${2:?--tools needs a list}; shift ;;
        --binary) binary=${2:?--binary needs a mailmig binary}; shift ;;
        --baseline) baseline=(--baseline "${2:?--baseline needs a mailmig binary}"); shift ;;
        --skip-checks) checks=0 ;;
        --skip-copy) copy=0 ;;
        --checks) checks_asked=1 ;;
        --only) only=(--only "${2:?--only needs memory, planning, folders, localcopy or refresh}"); shift ;;
        --wan) wan=${2:?--wan needs round-trip times in ms, e.g. 0,10,50}; shift ;;
        --jitter-ms) link+=(--jitter-ms "${2:?--jitter-ms needs a number}"); shift ;;
        --rate-mbit) link+=(--rate-mbit "${2:?--rate-mbit needs a number}"); shift ;;
        --workers-bench) workers_bench=1 ;;
        --mailboxes) workers_options+=(--mailboxes "${2:?--mailboxes needs a number}"); shift ;;
        --messages) workers_options+=(--messages "${2:?--messages needs a number}"); shift ;;
        --stop)
            "$REPO_ROOT/scripts/testenv/dovecot.sh" stop
            # The PostgreSQL server only --workers-bench starts (postgres.sh writes postgres.env while it runs).
            [[ ! -f $MAILMIG_TESTENV_DIR/postgres.env ]] || "$REPO_ROOT/scripts/testenv/postgres.sh" stop
            exit 0 ;;
        *) log "unknown argument $1"; exit 2 ;;
    esac
    shift
done

missing=()
if ((!workers_bench)); then
    command -v mbsync >/dev/null 2>&1 || missing+=(isync)
    command -v hyperfine >/dev/null 2>&1 || missing+=(hyperfine)
fi
command -v dovecot >/dev/null 2>&1 || missing+=(dovecot-imapd)
# The test instances serve POP3 too (scripts/testenv/dovecot.sh).
[[ -x /usr/lib/dovecot/pop3 ]] || missing+=(dovecot-pop3d)
[[ -x /usr/bin/time ]] || missing+=(time)
((${#missing[@]} == 0)) || apt_install "${missing[@]}"

if [[ -z $binary ]]; then
    log "building mailmig (release)"
    (cd "$REPO_ROOT" && swift build -c release --product mailmig 2>&1 | tail -3)
    binary="$(cd "$REPO_ROOT" && swift build -c release --show-bin-path)/mailmig"
fi
[[ -x $binary ]] || { log "no mailmig binary at $binary"; exit 1; }

mkdir -p "$BENCH_DIR"
[[ -f $BENCH_DIR/.gitignore ]] || echo '*' >"$BENCH_DIR/.gitignore"
"$REPO_ROOT/scripts/testenv/dovecot.sh" start

if ((workers_bench)); then
    "$REPO_ROOT/scripts/testenv/postgres.sh" start
    exec python3 "$REPO_ROOT/bench/workers.py" --binary "$binary" "${workers_options[@]}"
fi

status=0
if [[ -n $wan ]]; then
    ((checks_asked)) || checks=0
    if ((copy)); then
        IFS=, read -r -a rtts <<<"$wan"
        for rtt in "${rtts[@]}"; do
            log "copy benchmark at $rtt ms RTT"
            python3 "$REPO_ROOT/bench/bench.py" --binary "$binary" --runs "$runs" --tools "$tools" "${baseline[@]}" "${quick[@]}" "${folders[@]}" \
                --rtt-ms "$rtt" "${link[@]}" || status=1
        done
    fi
elif ((copy)); then
    python3 "$REPO_ROOT/bench/bench.py" --binary "$binary" --runs "$runs" --tools "$tools" "${baseline[@]}" "${quick[@]}" "${folders[@]}" || status=1
fi
if ((checks)); then
    python3 "$REPO_ROOT/bench/checks.py" --binary "$binary" "${baseline[@]}" "${quick[@]}" "${only[@]}" || status=1
fi
exit "$status"
