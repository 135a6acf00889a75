#!/usr/bin/env bash
# Long-running reliability trials: the figures docs/reliability.md promises, measured again and again.
#
# Usage: scripts/faults/trials.sh [--quick] [--kill N] [--dns N] [--proxy N] [--fuzz SECONDS] [--seed S]
#            [--binary PATH] [--test-binary PATH] [--messages M] [--work DIR] [--keep]
#            [--max-runs R] [--run-timeout S] [--fuzz-goal EXECS] [--fuzz-targets LIST] [--fuzz-parallel]
#            [--max-minutes M]
#
#   --kill N       N SIGKILL trials during mail copy (default 100). Each trial: a fresh source mailbox
#                  loaded from a generated corpus (--messages, default 300, 12 folders; corpus seed
#                  SEED*1000+trial) and an empty target; `mailmig apply --auto-approve` killed, in turn,
#                  with MAILMIG_FAULT=kill-after:mail-append:K (the target confirmed chunk K, the ledger
#                  does not have it yet), MAILMIG_FAULT=kill-after:mail-pending:K (chunk K recorded as
#                  pending, nothing appended yet), or SIGKILL at a random moment of the apply (a fraction
#                  of the duration of an uninterrupted apply, measured first); then apply re-run until it
#                  exits 0 (at most --max-runs runs in all). The target must then hold, per folder,
#                  exactly the source's multiset of (SHA-256 of the bytes, flags, internal date), the
#                  ledger one row per message and no pending row, and `mailmig plan` say No changes.
#   --dns N        N SIGKILL trials during a DNS cutover (default 20) against a private BIND 9: a domain
#                  whose preparation changes 3 RRsets and whose cutover changes 5 (MX with two values,
#                  a CNAME, the SPF record inside the shared apex TXT set, a new SRV and a new two-address
#                  A set); killed with MAILMIG_FAULT=kill-after:dns-write:K at each write of either apply
#                  in turn (every second round the first re-run is killed too), re-run until done. The
#                  whole zone (AXFR) must then equal the planned records exactly (nothing lost, nothing
#                  half-applied, no extra record), the state hold 5 resources and `mailmig plan` say
#                  No changes.
#   --proxy N      N runs through scripts/faults/proxy.py (default 100): in front of the source and of
#                  the target in turn (there in both directions), modes drop, stall, delay, cut-literal,
#                  unavailable and random in turn, seeded. apply is re-run through the proxy until it
#                  exits 0 (at most 8 runs); if it never does, its last error must be a clean one (exit 1,
#                  no crash), and apply is re-run without the proxy (at most 3 runs). Then the same exact
#                  comparison as for --kill. One source mailbox serves every run (read only; its snapshot
#                  is compared before and after the phase).
#   --fuzz SECONDS at most SECONDS per target (default 600; 0 skips): libFuzzer on the DNS decoder
#                  (swiftc -sanitize=fuzzer,address on a snapshot of Sources/MailMigDNS/{Wire,Message,
#                  Records}, built in the work folder, never in .build), stopping at --fuzz-goal
#                  executions (default 10,000,000); then the seeded mutation drivers of the Fuzz suites
#                  (DNS decoder, IMAP responses, plan loader) through the test executable, each
#                  calibrated for 10 s first and then run for the time the goal needs at that rate
#                  (40 % to spare), at most SECONDS; if the load rose meanwhile and the goal was missed,
#                  a second run with seed S+1 makes up the rest within SECONDS (the drivers are bounded
#                  by time, not count). The time the goal needs is reported: measured when reached,
#                  else estimated from the rate.
#   --fuzz-targets LIST  which fuzz targets run, of libfuzzer,dns,imap,plan (default: all four).
#   --quick        5 kill, 2 dns, 5 proxy trials, 10 s fuzz per target (a few minutes in all).
#   --seed S       seed of the schedules, corpora, proxy and fuzzers (default 1). A run is reproducible
#                  in its decisions; timing (random-moment kills, proxy faults) varies.
#   --binary PATH  the mailmig binary (default $MAILMIG_BINARY, else $(swift build --show-bin-path)/mailmig;
#                  nothing is ever built). It is copied into the work folder first, as is the test binary.
#   --test-binary PATH  the test executable for the mutation drivers (default $MAILMIG_TEST_BINARY, else
#                  mailmigPackageTests.xctest next to the mailmig binary).
#   --work DIR     work folder (default: a new /tmp/mailmig-trials.XXXXXX). Per trial a folder with the
#                  plan, the state, each run's output and event log, and both snapshots.
#   --keep         keep everything. Otherwise the servers' mail and passed trials' corpora are removed;
#                  logs, tables and every failed trial's evidence (its users' mail included) are kept.
#   --max-runs R   apply runs per kill or DNS trial at most, the killed one included (default 10).
#   --run-timeout S  seconds one mailmig run may take before it counts as hung and is killed (default 300).
#   --fuzz-parallel  run the fuzz area in the background while the trials run (faster in wall time; both
#                  then share the CPU, which the rates reflect).
#   --max-minutes M  start no new trial after M minutes (default: no limit); the summary says how many ran.
#
# Servers: a private Dovecot pair (scripts/testenv/dovecot.sh) and, for --dns, a private BIND 9
# (scripts/testenv/bind9.sh), both in WORK/env on free 127.0.0.1 ports in 20000-24999, stopped on exit.
# The shared test servers in .testenv are never touched. Exit status: 0 when every trial passed.
# Every trial prints one line; the summary table at the end has one row per area.
set -uo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HELPER="$REPO_ROOT/scripts/faults/trials_check.py"
PROXY_SCRIPT="$REPO_ROOT/scripts/faults/proxy.py"
DOVECOT_SH="$REPO_ROOT/scripts/testenv/dovecot.sh"
BIND_SH="$REPO_ROOT/scripts/testenv/bind9.sh"
COMMAND_LINE="$(printf '%q ' "$0" "$@")"
COMMAND_LINE="${COMMAND_LINE% }"

KILL_TRIALS=100 DNS_TRIALS=20 PROXY_TRIALS=100 FUZZ_SECONDS=600 SEED=1 MESSAGES=300
BINARY="${MAILMIG_BINARY:-}" TEST_BINARY="${MAILMIG_TEST_BINARY:-}" WORK="" KEEP=0 MAX_RUNS=10 RUN_TIMEOUT=300
FUZZ_GOAL=10000000 FUZZ_PARALLEL=0 MAX_MINUTES=0 FUZZ_TARGETS="libfuzzer,dns,imap,plan"
PROXY_RUNS=8 RESUME_RUNS=3

usage() { sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }
die() { printf 'trials.sh: %s\n' "$*" >&2; exit 2; }
number() { [[ ${2:-} =~ ^[0-9]+$ ]] || die "$1 needs a whole number, not '${2:-}'"; }

while (($#)); do
    case "$1" in
        --quick) KILL_TRIALS=5 DNS_TRIALS=2 PROXY_TRIALS=5 FUZZ_SECONDS=10; shift ;;
        --kill) number "$1" "${2:-}"; KILL_TRIALS=$2; shift 2 ;;
        --dns) number "$1" "${2:-}"; DNS_TRIALS=$2; shift 2 ;;
        --proxy) number "$1" "${2:-}"; PROXY_TRIALS=$2; shift 2 ;;
        --fuzz) number "$1" "${2:-}"; FUZZ_SECONDS=$2; shift 2 ;;
        --fuzz-goal) number "$1" "${2:-}"; FUZZ_GOAL=$2; shift 2 ;;
        --seed) number "$1" "${2:-}"; SEED=$2; shift 2 ;;
        --messages) number "$1" "${2:-}"; MESSAGES=$2; shift 2 ;;
        --max-runs) number "$1" "${2:-}"; MAX_RUNS=$2; shift 2 ;;
        --run-timeout) number "$1" "${2:-}"; RUN_TIMEOUT=$2; shift 2 ;;
        --max-minutes) number "$1" "${2:-}"; MAX_MINUTES=$2; shift 2 ;;
        --binary) BINARY=${2:-}; shift 2 ;;
        --test-binary) TEST_BINARY=${2:-}; shift 2 ;;
        --work) WORK=${2:-}; shift 2 ;;
        --keep) KEEP=1; shift ;;
        --fuzz-parallel) FUZZ_PARALLEL=1; shift ;;
        --fuzz-targets) FUZZ_TARGETS=${2:-}; shift 2 ;;
        -h | --help) usage 0 ;;
        *) printf 'trials.sh: unknown option %s\n\n' "$1" >&2; usage 2 ;;
    esac
done
((MAX_RUNS >= 2)) || die "--max-runs must be at least 2"
((MESSAGES >= 50)) || die "--messages must be at least 50 (every folder needs messages)"

if [[ -z $BINARY ]]; then
    # Only asks SwiftPM where the build folder is; never builds.
    BINARY="$(cd "$REPO_ROOT" && swift build --show-bin-path)/mailmig" || die "cannot find the build folder; pass --binary"
fi
[[ -x $BINARY ]] || die "no mailmig binary at $BINARY (build it, or pass --binary)"
[[ -n $TEST_BINARY ]] || TEST_BINARY="$(dirname "$BINARY")/mailmigPackageTests.xctest"
if ((FUZZ_SECONDS > 0)) && [[ ! -x $TEST_BINARY ]]; then
    die "no test executable at $TEST_BINARY (pass --test-binary, or --fuzz 0)"
fi
for tool in python3 dovecot doveadm openssl; do command -v "$tool" >/dev/null || die "$tool is not installed (scripts/install-deps.sh)"; done
if ((DNS_TRIALS > 0)); then
    for tool in named dig nsupdate; do command -v "$tool" >/dev/null || die "$tool is not installed (scripts/testenv/bind9.sh install)"; done
fi
unset MAILMIG_FAULT MAILMIG_LOG

if [[ -z $WORK ]]; then WORK="$(mktemp -d /tmp/mailmig-trials.XXXXXX)"; fi
mkdir -p "$WORK/bin" "$WORK/logs" || die "cannot create $WORK"
WORK="$(cd "$WORK" && pwd)"
RESULTS="$WORK/results.tsv"
: >"$RESULTS"
STARTED=$EPOCHSECONDS
FAILURES=0

# ---------------------------------------------------------------------------------------------------
# Helpers

say() { printf '%s\n' "$*"; }
now_us() { local t=${EPOCHREALTIME/./}; echo "$((10#$t))"; }
seconds_since() { # MICROSECONDS-START -> "12.3"
    local d=$(($(now_us) - $1)); printf '%d.%d' $((d / 1000000)) $((d % 1000000 / 100000))
}
past_deadline() { ((MAX_MINUTES > 0 && EPOCHSECONDS - STARTED >= MAX_MINUTES * 60)); }
field() { # KEY "k=v k=v ..." -> v ("?" when missing)
    local pair
    for pair in $2; do [[ ${pair%%=*} == "$1" ]] && { echo "${pair#*=}"; return; }; done
    echo "?"
}
count() { # KEY "k=v ..." -> v when a number, else 0 (for sums)
    local value
    value=$(field "$1" "$2")
    [[ $value =~ ^[0-9]+$ ]] && echo "$value" || echo 0
}
commas() { local n=$1 s=""; while ((${#n} > 3)); do s=",${n: -3}$s"; n=${n:0:${#n}-3}; done; echo "$n$s"; }
CRASH_MARKERS='Fatal error|Segmentation fault|Illegal instruction|Current stack trace|Backtrace|SIGSEGV|SIGILL|SIGTRAP|assertion failed'

CHILD_PIDS=()  # processes started here that must not outlive the script
forget_pid() { local p keep=(); for p in "${CHILD_PIDS[@]}"; do [[ $p != "$1" ]] && keep+=("$p"); done; CHILD_PIDS=("${keep[@]}"); }

# run_mailmig DIR LOG KILL_AFTER_SECONDS FAULT ARGS... — runs `mailmig ARGS` in DIR, output appended to LOG.
# KILL_AFTER_SECONDS (or "") sends SIGKILL after that long; FAULT (or "") is MAILMIG_FAULT. The run is
# killed after RUN_TIMEOUT seconds in any case. Sets RUN_RC (128+N: killed by signal N), RUN_HUNG, RUN_SECS.
run_mailmig() {
    local dir=$1 log=$2 kill_after=$3 fault=$4
    shift 4
    local start pid limit_us kill_us=0
    start=$(now_us)
    limit_us=$((RUN_TIMEOUT * 1000000))
    if [[ -n $kill_after ]]; then kill_us=$(python3 -c "print(int(float('$kill_after') * 1e6))"); fi
    printf -- '--- mailmig %s%s%s\n' "$*" "${fault:+ (MAILMIG_FAULT=$fault)}" "${kill_after:+ (SIGKILL after ${kill_after}s)}" >>"$log"
    local offset
    offset=$(stat -c %s "$log")
    (
        cd "$dir" || exit 99
        if [[ -n $fault ]]; then export MAILMIG_FAULT=$fault; fi
        NO_COLOR=1 TRIALS_ADMIN_PASSWORD=secret-admin TRIALS_UNUSED_PASSWORD=unused exec "$MAILMIG" "$@"
    ) >>"$log" 2>&1 </dev/null &
    pid=$!
    CHILD_PIDS+=("$pid")
    RUN_HUNG=0
    # (standard error muted here: bash would report "Killed" for every SIGKILLed child)
    {
        while kill -0 "$pid" 2>/dev/null; do
            local elapsed=$(($(now_us) - start))
            if ((kill_us > 0 && elapsed >= kill_us)); then kill -KILL "$pid" 2>/dev/null; break; fi
            if ((elapsed >= limit_us)); then RUN_HUNG=1; kill -KILL "$pid" 2>/dev/null; break; fi
            sleep 0.02
        done
        wait "$pid"
        RUN_RC=$?
    } 2>/dev/null
    forget_pid "$pid"
    RUN_SECS=$(seconds_since "$start")
    RUN_OUT=$(tail -c +$((offset + 1)) "$log")
    printf -- '--- exit %s after %ss%s\n' "$RUN_RC" "$RUN_SECS" "$( ((RUN_HUNG)) && echo ' (HUNG: killed at the run timeout)')" >>"$log"
}

# wait_bounded PID SECONDS — waits for a child, killing it (SIGKILL) after SECONDS; sets WAIT_RC and WAIT_HUNG.
wait_bounded() {
    local pid=$1 limit_us=$(($2 * 1000000)) start
    start=$(now_us)
    WAIT_HUNG=0
    {
        while kill -0 "$pid" 2>/dev/null; do
            if (($(now_us) - start >= limit_us)); then WAIT_HUNG=1; kill -KILL "$pid" 2>/dev/null; break; fi
            sleep 0.2
        done
        wait "$pid"
        WAIT_RC=$?
    } 2>/dev/null
}

dovecot_env() {
    env MAILMIG_TESTENV_DIR="$WORK/env" MAILMIG_DOVECOT_SOURCE_PORT="$SOURCE_PORT" MAILMIG_DOVECOT_SOURCE_TLS_PORT="$SOURCE_TLS_PORT" \
        MAILMIG_DOVECOT_TARGET_PORT="$TARGET_PORT" MAILMIG_DOVECOT_TARGET_TLS_PORT="$TARGET_TLS_PORT" \
        MAILMIG_DOVECOT_SOURCE_POP3_PORT="$SOURCE_POP3_PORT" MAILMIG_DOVECOT_SOURCE_POP3_TLS_PORT="$SOURCE_POP3_TLS_PORT" \
        MAILMIG_DOVECOT_TARGET_POP3_PORT="$TARGET_POP3_PORT" MAILMIG_DOVECOT_TARGET_POP3_TLS_PORT="$TARGET_POP3_TLS_PORT" "$@"
}
dovecot_sh() { dovecot_env "$DOVECOT_SH" "$@"; }
bind_sh() { env MAILMIG_TESTENV_DIR="$WORK/env" MAILMIG_TEST_DNS_PORT="$DNS_PORT" "$BIND_SH" "$@"; }
tls_port() { if [[ $1 == source ]]; then echo "$SOURCE_TLS_PORT"; else echo "$TARGET_TLS_PORT"; fi; }
dump() { # INSTANCE USER OUT
    python3 "$REPO_ROOT/scripts/corpus/dump.py" --port "$(tls_port "$1")" --ca-file "$CERTS/ca.crt" --admin admin \
        --admin-password secret-admin --user "$2" --out "$3"
}
generate() { # SEED OUT
    python3 "$REPO_ROOT/scripts/corpus/generate.py" --mailboxes 1 --messages "$MESSAGES" --seed "$1" \
        --attachments 0.03 --attachment-max 300000 --out "$2" >/dev/null
}

# write_mail_plan DIR SOURCE-PORT SOURCE-TLS TARGET-PORT TARGET-TLS SOURCE-USER TARGET-USER
write_mail_plan() {
    local side
    {
        printf 'mailmig: 1\nname: reliability-trials\n'
        for side in source target; do
            local port tls
            if [[ $side == source ]]; then port=$2 tls=$3; else port=$4 tls=$5; fi
            printf '%s:\n  imap: { host: 127.0.0.1, port: %s, tls: %s, ca_file: "%s" }\n' "$side" "$port" "$tls" "$CERTS/ca.crt"
            printf '  login:\n    style: master-user\n    admin: { user: admin, password: "env:TRIALS_ADMIN_PASSWORD" }\n'
            printf '    user_format: "{localpart}"\n  connections: 2\n'
        done
        printf 'mailboxes:\n  - { source: %s@acme.test, target: %s@newmail.test }\n' "$6" "$7"
    } >"$1/mailmig.yaml"
}

# check_mail_outcome DIR SOURCE-JSON TARGET-USER — the exact comparison, the ledger and `plan`;
# sets CHECK (the helper's line plus ledger and plan facts) and CHECK_OK.
check_mail_outcome() {
    local dir=$1 source_json=$2 user=$3 line ledger plan_ok=0 expected
    CHECK_OK=0
    if ! dump target "$user" "$dir/target.json" 2>"$dir/dump-target.err"; then
        CHECK="dump of the target failed: $(tail -1 "$dir/dump-target.err")"
        return
    fi
    line=$(python3 "$HELPER" compare "$source_json" "$dir/target.json" --diff "$dir/difference.txt")
    ledger=$(python3 "$HELPER" ledger "$dir/.mailmig/state.sqlite" 2>&1 || echo "ledger=? pending=? skipped=?")
    run_mailmig "$dir" "$dir/plan.log" "" "" plan
    if ((RUN_RC == 0)) && tail -5 "$dir/plan.log" | grep -q 'No changes.'; then plan_ok=1; fi
    expected=$(field expected "$line")
    CHECK="$line $ledger no_changes=$plan_ok"
    if [[ $(field exact "$line") == 1 && $(field ledger "$ledger") == "$expected" && $(field pending "$ledger") == 0 &&
        $(field skipped "$ledger") == 0 && $plan_ok == 1 ]]; then
        CHECK_OK=1
    fi
}

# The error a failed run reported (its first "Error:" or "✗" line, or a mailbox held back because it
# could not be planned), or "" when it reported none.
run_error() { grep -m1 -E '^Error: |✗ |^  ! .* could not be planned: ' <<<"$RUN_OUT" | sed -E 's/^ +//'; }
# Whether the last run stopped cleanly: exit 1, an error sentence, no crash output, not hung.
stopped_cleanly() { ((RUN_RC == 1 && !RUN_HUNG)) && [[ -n $(run_error) ]] && ! grep -Eq "$CRASH_MARKERS" <<<"$RUN_OUT"; }

record() { # AREA TRIALS PASSED LOST DUPLICATED EXECUTIONS NOTES
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"
}

# ---------------------------------------------------------------------------------------------------
# Servers and cleanup

SERVERS_STARTED=0 BIND_STARTED=0 FUZZ_BG_PID=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    local pid
    if [[ -n $FUZZ_BG_PID ]] && kill -0 "$FUZZ_BG_PID" 2>/dev/null; then
        [[ -f $WORK/fuzz/child.pid ]] && kill -KILL "$(cat "$WORK/fuzz/child.pid")" 2>/dev/null
        kill -KILL "$FUZZ_BG_PID" 2>/dev/null
        wait "$FUZZ_BG_PID" 2>/dev/null
    fi
    for pid in "${CHILD_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
    if ((SERVERS_STARTED)); then
        local masters=() name file
        for name in source target; do
            file="$WORK/env/dovecot/$name/run/master.pid"
            [[ -f $file ]] && masters+=("$(cat "$file")")
        done
        dovecot_sh stop >/dev/null 2>&1
        # A master that did not stop on SIGTERM must not outlive the run.
        for pid in "${masters[@]}"; do kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null; done
    fi
    ((BIND_STARTED)) && bind_sh stop >/dev/null 2>&1
    if ((!KEEP)) && [[ -d $WORK/env ]]; then
        if ((FAILURES == 0)); then
            rm -rf "$WORK/env" "$WORK/corpora"
        else
            say "Evidence kept: the failed trials' folders under $WORK, their users' mail under $WORK/env/dovecot"
        fi
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

# Snapshot the binaries: another build may replace them while the trials run.
cp "$BINARY" "$WORK/bin/mailmig" || die "cannot copy $BINARY"
MAILMIG="$WORK/bin/mailmig"
if ((FUZZ_SECONDS > 0)); then
    cp "$TEST_BINARY" "$WORK/bin/mailmigPackageTests.xctest" || die "cannot copy $TEST_BINARY"
    TEST_EXE="$WORK/bin/mailmigPackageTests.xctest"
fi

# The POP3 ports too: dovecot.sh's defaults belong to the shared test instances.
read -r SOURCE_PORT SOURCE_TLS_PORT TARGET_PORT TARGET_TLS_PORT DNS_PORT \
    SOURCE_POP3_PORT SOURCE_POP3_TLS_PORT TARGET_POP3_PORT TARGET_POP3_TLS_PORT < <(python3 "$HELPER" ports 9) || die "no free ports"
CERTS="$WORK/env/dovecot/certs"

say "mailmig reliability trials — $COMMAND_LINE"
say "binary $BINARY ($("$MAILMIG" --version 2>&1)), snapshot in $WORK/bin; git $(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$REPO_ROOT" diff --quiet HEAD -- Sources 2>/dev/null || echo ' (Sources modified)')"
say "seed $SEED; kill $KILL_TRIALS, dns $DNS_TRIALS, proxy $PROXY_TRIALS, fuzz ${FUZZ_SECONDS}s per target; work folder $WORK"
say "started $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

if ((KILL_TRIALS + PROXY_TRIALS > 0)); then
    dovecot_sh start >"$WORK/logs/dovecot-start.log" 2>&1 || { cat "$WORK/logs/dovecot-start.log"; die "private Dovecot did not start"; }
    SERVERS_STARTED=1
    say "private Dovecot: source 127.0.0.1:$SOURCE_PORT (TLS $SOURCE_TLS_PORT), target 127.0.0.1:$TARGET_PORT (TLS $TARGET_TLS_PORT)"
fi
if ((DNS_TRIALS > 0)); then
    BIND_STARTED=1
    bind_sh start >"$WORK/logs/bind-start.log" 2>&1 || { cat "$WORK/logs/bind-start.log"; die "private BIND 9 did not start"; }
    say "private BIND 9: 127.0.0.1:$DNS_PORT"
fi

# ---------------------------------------------------------------------------------------------------
# 1. SIGKILL during mail copy

KILL_CALIBRATED=""
kill_calibrate() {
    local dir="$WORK/kill/calibration"
    mkdir -p "$dir"
    generate "$((SEED * 1000))" "$dir/corpus"
    dovecot_sh add-user source kcal-s pw-kcal >/dev/null && dovecot_sh add-user target kcal-t pw-kcal >/dev/null &&
        dovecot_sh load source kcal-s "$dir/corpus/mbox01" >/dev/null || die "could not load the calibration mailbox"
    write_mail_plan "$dir" "$SOURCE_PORT" starttls "$TARGET_PORT" starttls kcal-s kcal-t
    run_mailmig "$dir" "$dir/apply.log" "" "" apply --auto-approve --log-file "$dir/events.log"
    ((RUN_RC == 0)) || { tail -20 "$dir/apply.log"; die "the calibration apply failed (exit $RUN_RC); see $dir/apply.log"; }
    KILL_CALIBRATED=$RUN_SECS
    dovecot_sh remove-user source kcal-s >/dev/null; dovecot_sh remove-user target kcal-t >/dev/null
    rm -rf "$dir/corpus"
    say "kill: an uninterrupted apply of $MESSAGES messages takes ${KILL_CALIBRATED}s; random kills fall in 5-100 % of that"
}

kill_phase() {
    mkdir -p "$WORK/kill"
    [[ -n $KILL_CALIBRATED ]] || kill_calibrate
    local trials=0 passed=0 lost=0 dup=0 altered=0 killed=0 sum_runs=0 index kind param
    local -A by_kind_trials=() by_kind_passed=()
    : >"$WORK/kill/trials.tsv"
    while read -r index kind param; do
        if past_deadline; then say "kill: --max-minutes reached; stopping after $trials trials"; break; fi
        local id dir su tu fault="" delay="" started runs first_rc was_killed crashed=0 verdict note=""
        id=$(printf '%03d' "$index")
        dir="$WORK/kill/t$id"
        su="k${id}s" tu="k${id}t"
        mkdir -p "$dir"
        started=$(now_us)
        generate "$((SEED * 1000 + index))" "$dir/corpus"
        if ! { dovecot_sh add-user source "$su" "pw-$su" && dovecot_sh add-user target "$tu" "pw-$tu" &&
            dovecot_sh load source "$su" "$dir/corpus/mbox01"; } >"$dir/setup.log" 2>&1; then
            say "kill $id: setup failed: $(tail -1 "$dir/setup.log")"; FAILURES=$((FAILURES + 1)); trials=$((trials + 1)); continue
        fi
        dump source "$su" "$dir/source.json"
        write_mail_plan "$dir" "$SOURCE_PORT" starttls "$TARGET_PORT" starttls "$su" "$tu"
        case "$kind" in
            append) fault="kill-after:mail-append:$param" ;;
            pending) fault="kill-after:mail-pending:$param" ;;
            random) delay=$(python3 -c "print('%.3f' % ($param * $KILL_CALIBRATED))") ;;
        esac
        run_mailmig "$dir" "$dir/runs.log" "$delay" "$fault" apply --auto-approve --log-file "$dir/events.log"
        first_rc=$RUN_RC
        was_killed=$((first_rc == 137))
        if ((first_rc != 0 && first_rc != 1 && first_rc != 137)) || ((RUN_HUNG)); then crashed=1; fi
        runs=1
        local rc=$first_rc
        while ((rc != 0 && runs < MAX_RUNS)); do
            run_mailmig "$dir" "$dir/runs.log" "" "" apply --auto-approve --log-file "$dir/events.log"
            rc=$RUN_RC
            runs=$((runs + 1))
            if ((rc != 0 && rc != 1)); then crashed=1; fi
            if ((rc == 1)); then printf '%s run %s: %s\n' "$id" "$runs" "$(run_error)" >>"$WORK/kill/errors.txt"; fi
        done
        if grep -Eq "$CRASH_MARKERS" "$dir/runs.log"; then crashed=1; fi
        check_mail_outcome "$dir" "$dir/source.json" "$tu"
        trials=$((trials + 1))
        by_kind_trials[$kind]=$((${by_kind_trials[$kind]:-0} + 1))
        killed=$((killed + was_killed))
        sum_runs=$((sum_runs + runs))
        lost=$((lost + $(count lost "$CHECK"))) dup=$((dup + $(count duplicated "$CHECK"))) altered=$((altered + $(count altered "$CHECK")))
        if ((rc == 0 && CHECK_OK && !crashed)); then
            verdict=pass
            passed=$((passed + 1))
            by_kind_passed[$kind]=$((${by_kind_passed[$kind]:-0} + 1))
        else
            verdict=FAIL
            FAILURES=$((FAILURES + 1))
            ((rc != 0)) && note=" (apply never exited 0 in $runs runs)"
            ((crashed)) && note+=" (crash or unexpected exit status; see runs.log)"
        fi
        ((was_killed)) || note+=" (the first run was not killed: it exited $first_rc)"
        local what="${fault:-SIGKILL after ${delay}s}"
        say "kill $id/$KILL_TRIALS: $what, killed $( ((was_killed)) && echo yes || echo no), runs $runs, $(field found "$CHECK")/$(field expected "$CHECK") messages, lost $(field lost "$CHECK"), duplicated $(field duplicated "$CHECK"), altered $(field altered "$CHECK"), ledger $(field ledger "$CHECK") pending $(field pending "$CHECK"), plan no-changes $(field no_changes "$CHECK"): $verdict$note ($(seconds_since "$started")s)"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$index" "$what" "$was_killed" "$runs" "$CHECK" "$verdict" "$note" "$dir" >>"$WORK/kill/trials.tsv"
        if [[ $verdict == pass ]]; then
            dovecot_sh remove-user source "$su" >/dev/null 2>&1; dovecot_sh remove-user target "$tu" >/dev/null 2>&1
            ((KEEP)) || rm -rf "$dir/corpus"
        else
            say "  evidence: $dir (seed $SEED, trial $index; runs.log, events.log, difference.txt, source.json, target.json, .mailmig/state.sqlite; users $su/$tu kept)"
            [[ -s $dir/difference.txt ]] && sed 's/^/    /' "$dir/difference.txt" | head -20
        fi
    done < <(python3 "$HELPER" schedule kill "$KILL_TRIALS" "$SEED")
    local kinds="" k
    for k in append pending random; do kinds+="${kinds:+, }$k ${by_kind_passed[$k]:-0}/${by_kind_trials[$k]:-0}"; done
    record "SIGKILL during mail copy" "$trials" "$passed" "$lost" "$dup" "-" \
        "wall $(seconds_since "$PHASE_START")s; $MESSAGES msgs/trial, 12 folders; $killed killed mid-apply; passed by kind: $kinds; $altered altered; $sum_runs apply runs"
}

# ---------------------------------------------------------------------------------------------------
# 2. SIGKILL during a DNS cutover

ZONE=cutover.test
dns_plan() { # DIR ROUTE
    cat >"$1/mailmig.yaml" <<EOF
mailmig: 1
name: reliability-trials-dns
source:
  imap: { host: imap.oldmail.test, port: 993, tls: implicit }
  login: { admin: { user: admin, password: env:TRIALS_UNUSED_PASSWORD }, style: master-user }
target:
  imap: { host: imap.newmail.test, port: 993, tls: implicit }
  login: { admin: { user: admin, password: env:TRIALS_UNUSED_PASSWORD }, style: master-user }
dns:
  providers:
    bind:
      rfc2136:
        server: 127.0.0.1:$DNS_PORT
        key: { name: mailmig-sha256, algorithm: hmac-sha256, secret: "file:$WORK/env/bind9/keys/mailmig-sha256.secret" }
        check_servers: ["127.0.0.1:$DNS_PORT"]
domains:
  - name: $ZONE
    dns: bind
    verify: { type: TXT, value: "MS=ms-trials-0001" }
    route: $2
    cutover:
      lower_ttl_to: 300
      records:
        - { type: MX, values: ["10 mx1.newmail.test.", "20 mx2.newmail.test."] }
        - { name: autodiscover, type: CNAME, values: ["autodiscover.newmail.test."] }
        - { type: TXT, match: "v=spf1", values: ["v=spf1 include:spf.newmail.test -all"] }
        - { name: _autodiscover._tcp, type: SRV, values: ["0 5 443 autodiscover.newmail.test."] }
        - { name: mail, type: A, values: ["192.0.2.25", "192.0.2.26"] }
EOF
}
# The zone as bind9.sh creates it, after the preparation, and after the cutover (AXFR form, no SOA).
zone_expected() { # original|prepared|cutover
    local z="$ZONE." ttl=3600
    [[ $1 != original ]] && ttl=300
    printf '%s 3600 IN NS ns1.%s\n' "$z" "$z"
    printf 'ns1.%s 3600 IN A 127.0.0.1\nwww.%s 3600 IN A 192.0.2.80\n' "$z" "$z"
    printf '%s %s IN TXT "mailmig-verification=cutover-0001"\n' "$z" "$ttl"
    if [[ $1 == cutover ]]; then
        printf '%s 300 IN MX 10 mx1.newmail.test.\n%s 300 IN MX 20 mx2.newmail.test.\n' "$z" "$z"
        printf '%s 300 IN TXT "v=spf1 include:spf.newmail.test -all"\n' "$z"
        printf 'autodiscover.%s 300 IN CNAME autodiscover.newmail.test.\n' "$z"
        printf '_autodiscover._tcp.%s 300 IN SRV 0 5 443 autodiscover.newmail.test.\n' "$z"
        printf 'mail.%s 300 IN A 192.0.2.25\nmail.%s 300 IN A 192.0.2.26\n' "$z" "$z"
    else
        printf '%s %s IN MX 10 mx.oldmail.test.\n' "$z" "$ttl"
        printf '%s %s IN TXT "v=spf1 include:spf.oldmail.test -all"\n' "$z" "$ttl"
        printf 'autodiscover.%s %s IN CNAME autodiscover.oldmail.test.\n' "$z" "$ttl"
    fi
    [[ $1 != original ]] && printf '%s 300 IN TXT "MS=ms-trials-0001"\n' "$z"
    return 0
}
axfr() { dig +noall +answer +time=2 +tries=2 -p "$DNS_PORT" @127.0.0.1 "$ZONE" AXFR >"$1" 2>&1; }
zone_restore() {
    nsupdate -k "$WORK/env/bind9/keys/mailmig-sha256.key" <<EOF
server 127.0.0.1 $DNS_PORT
zone $ZONE.
update delete $ZONE. MX
update delete $ZONE. TXT
update delete autodiscover.$ZONE. CNAME
update delete _autodiscover._tcp.$ZONE. SRV
update delete mail.$ZONE. A
update add $ZONE. 3600 MX 10 mx.oldmail.test.
update add $ZONE. 3600 TXT "mailmig-verification=cutover-0001"
update add $ZONE. 3600 TXT "v=spf1 include:spf.oldmail.test -all"
update add autodiscover.$ZONE. 3600 CNAME autodiscover.oldmail.test.
send
EOF
}
# dns_apply_until_done DIR KILL-K DOUBLE ARGS... — the first run killed at dns-write:K (0: not killed),
# with DOUBLE the second at dns-write:1; then re-runs until exit 0. Sets DNS_RUNS, DNS_RC, DNS_KILLS.
dns_apply_until_done() {
    local dir=$1 k=$2 double=$3
    shift 3
    DNS_RUNS=0 DNS_KILLS=0 DNS_RC=1
    while ((DNS_RUNS < MAX_RUNS)); do
        local fault=""
        if ((DNS_RUNS == 0 && k > 0)); then fault="kill-after:dns-write:$k"; fi
        if ((DNS_RUNS == 1 && k > 0 && double)); then fault="kill-after:dns-write:1"; fi
        run_mailmig "$dir" "$dir/runs.log" "" "$fault" apply --auto-approve --log-file "$dir/events.log" "$@"
        DNS_RUNS=$((DNS_RUNS + 1))
        DNS_RC=$RUN_RC
        if [[ -n $fault ]] && ((RUN_RC == 137)); then
            DNS_KILLS=$((DNS_KILLS + 1))
            axfr "$dir/after-kill-$DNS_RUNS.axfr"
            continue
        fi
        ((RUN_RC == 0)) && return
        printf '%s run %s: exit %s: %s\n' "$dir" "$DNS_RUNS" "$RUN_RC" "$(run_error)" >>"$WORK/dns/errors.txt"
    done
}

dns_phase() {
    mkdir -p "$WORK/dns"
    local trials=0 passed=0 lost=0 dup=0 kills=0 sum_runs=0 index phase k double
    : >"$WORK/dns/trials.tsv"
    zone_expected original >"$WORK/dns/original.expected"
    zone_expected prepared >"$WORK/dns/prepared.expected"
    zone_expected cutover >"$WORK/dns/cutover.expected"
    while read -r index phase k double; do
        if past_deadline; then say "dns: --max-minutes reached; stopping after $trials trials"; break; fi
        local id dir started verdict note="" ok=1 prep_runs cut_runs trial_kills line plan_ok=0 detailed resources
        id=$(printf '%03d' "$index")
        dir="$WORK/dns/t$id"
        mkdir -p "$dir"
        started=$(now_us)
        zone_restore >"$dir/restore.log" 2>&1
        axfr "$dir/before.axfr"
        if ! python3 "$HELPER" zone "$dir/before.axfr" "$WORK/dns/original.expected" >/dev/null; then
            say "dns $id: the zone could not be restored; see $dir/restore.log"; FAILURES=$((FAILURES + 1)); trials=$((trials + 1)); continue
        fi
        dns_plan "$dir" source
        local pk=0 ck=0
        if [[ $phase == prepare ]]; then pk=$k; else ck=$k; fi
        dns_apply_until_done "$dir" "$pk" "$double"
        prep_runs=$DNS_RUNS trial_kills=$DNS_KILLS
        ((DNS_RC == 0)) || { ok=0; note+=" (preparation never exited 0 in $prep_runs runs)"; }
        axfr "$dir/prepared.axfr"
        if ! python3 "$HELPER" zone "$dir/prepared.axfr" "$WORK/dns/prepared.expected" --diff "$dir/prepared.difference" >/dev/null; then
            ok=0; note+=" (zone after the preparation is not as planned: prepared.difference)"
        fi
        dns_plan "$dir" target
        dns_apply_until_done "$dir" "$ck" "$double" --force
        cut_runs=$DNS_RUNS trial_kills=$((trial_kills + DNS_KILLS))
        ((DNS_RC == 0)) || { ok=0; note+=" (cutover never exited 0 in $cut_runs runs)"; }
        axfr "$dir/final.axfr"
        line=$(python3 "$HELPER" zone "$dir/final.axfr" "$WORK/dns/cutover.expected" --diff "$dir/difference.txt")
        [[ $(field exact "$line") == 1 ]] || { ok=0; note+=" (zone not as planned: difference.txt)"; }
        run_mailmig "$dir" "$dir/plan.log" "" "" plan
        if ((RUN_RC == 0)) && tail -5 "$dir/plan.log" | grep -q 'No changes.'; then plan_ok=1; else ok=0; note+=" (plan shows changes)"; fi
        run_mailmig "$dir" "$dir/plan.log" "" "" plan --detailed-exitcode
        detailed=$RUN_RC
        ((detailed == 0)) || { ok=0; note+=" (plan --detailed-exitcode $detailed)"; }
        run_mailmig "$dir" "$dir/state.log" "" "" state list
        resources=$(grep -c 'dns-rrset' "$dir/state.log")
        ((resources == 5)) || { ok=0; note+=" (state holds $resources resources, not 5)"; }
        if grep -Eq "$CRASH_MARKERS" "$dir/runs.log"; then ok=0; note+=" (crash output in runs.log)"; fi
        ((trial_kills >= 1)) || note+=" (the crash point was not reached)"
        trials=$((trials + 1)) kills=$((kills + trial_kills)) sum_runs=$((sum_runs + prep_runs + cut_runs))
        lost=$((lost + $(count lost "$line"))) dup=$((dup + $(count duplicated "$line")))
        if ((ok)); then verdict=pass; passed=$((passed + 1)); else verdict=FAIL; FAILURES=$((FAILURES + 1)); fi
        say "dns $id/$DNS_TRIALS: killed at dns-write:$k of the $phase$( ((double)) && echo ', and the first re-run at dns-write:1'), kills $trial_kills, runs $prep_runs+$cut_runs, zone $(field found "$line")/$(field expected "$line") records, missing $(field lost "$line"), extra $(field duplicated "$line"), plan no-changes $plan_ok, resources $resources: $verdict$note ($(seconds_since "$started")s)"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$index" "$phase:$k" "$double" "$trial_kills" "$prep_runs+$cut_runs" "$line" "$verdict" "$note" "$dir" >>"$WORK/dns/trials.tsv"
        if [[ $verdict == FAIL ]]; then
            say "  evidence: $dir (seed $SEED, trial $index; runs.log, events.log, after-kill-*.axfr, final.axfr, difference.txt, .mailmig/state.sqlite)"
            [[ -s $dir/difference.txt ]] && sed 's/^/    /' "$dir/difference.txt" | head -20
        fi
    done < <(python3 "$HELPER" schedule dns "$DNS_TRIALS" "$SEED")
    record "SIGKILL during DNS cutover" "$trials" "$passed" "$lost" "$dup" "-" \
        "wall $(seconds_since "$PHASE_START")s; lost/duplicated = records missing/extra; 8 kill points (3 preparation, 5 cutover writes); $kills kills; $sum_runs apply runs"
}

# ---------------------------------------------------------------------------------------------------
# 3. Fault proxy

proxy_phase() {
    mkdir -p "$WORK/proxy"
    local src=pxsrc
    : >"$WORK/proxy/trials.tsv"
    generate "$((SEED * 1000 + 999))" "$WORK/corpora/proxy"
    { dovecot_sh add-user source "$src" pw-pxsrc && dovecot_sh load source "$src" "$WORK/corpora/proxy/mbox01"; } \
        >"$WORK/proxy/setup.log" 2>&1 || die "could not load the proxy source mailbox; see $WORK/proxy/setup.log"
    dump source "$src" "$WORK/proxy/source.json"
    local trials=0 passed=0 lost=0 dup=0 altered=0 faults_total=0 complete=0 resumed=0 index side mode pseed
    local -A combo_trials=() combo_passed=() combo_faults=()
    while read -r index side mode pseed; do
        if past_deadline; then say "proxy: --max-minutes reached; stopping after $trials trials"; break; fi
        local id dir tu started rate max proxy_pid port="" runs=0 rc=1 crashed=0 hung=0 verdict note="" outcome faults resume_runs=0
        id=$(printf '%03d' "$index")
        dir="$WORK/proxy/t$id"
        tu="p${id}t"
        mkdir -p "$dir"
        started=$(now_us)
        dovecot_sh add-user target "$tu" "pw-$tu" >"$dir/setup.log" 2>&1 || { say "proxy $id: setup failed"; FAILURES=$((FAILURES + 1)); trials=$((trials + 1)); continue; }
        rate=0.04 max=6
        [[ $mode == cut-literal ]] && rate=0.08
        [[ $mode == stall ]] && max=3
        [[ $mode == unavailable ]] && rate=0.3
        local proxied_port=$SOURCE_PORT
        [[ $side == target ]] && proxied_port=$TARGET_PORT
        python3 "$PROXY_SCRIPT" --listen 0 --port-file "$dir/proxy.port" --target "127.0.0.1:$proxied_port" --mode "$mode" \
            --seed "$pseed" --rate "$rate" --max-faults "$max" --max-seconds 1800 --tls-cert "$CERTS/server.crt" \
            --tls-key "$CERTS/server.key" $([[ $side == target ]] && echo --both-directions) 2>"$dir/proxy.log" &
        proxy_pid=$!
        CHILD_PIDS+=("$proxy_pid")
        local wait_step
        for wait_step in $(seq 1 100); do
            [[ -s $dir/proxy.port ]] && { port=$(cat "$dir/proxy.port"); break; }
            kill -0 "$proxy_pid" 2>/dev/null || break
            sleep 0.05
        done
        if [[ -z $port ]]; then
            say "proxy $id: the proxy did not start: $(tail -2 "$dir/proxy.log")"; kill -KILL "$proxy_pid" 2>/dev/null; wait "$proxy_pid" 2>/dev/null
            forget_pid "$proxy_pid"; FAILURES=$((FAILURES + 1)); trials=$((trials + 1)); continue
        fi
        if [[ $side == source ]]; then
            write_mail_plan "$dir" "$port" implicit "$TARGET_PORT" starttls "$src" "$tu"
        else
            write_mail_plan "$dir" "$SOURCE_PORT" starttls "$port" implicit "$src" "$tu"
        fi
        local unclean=0 clean_stops=0
        while ((runs < PROXY_RUNS)); do
            run_mailmig "$dir" "$dir/runs.log" "" "" apply --auto-approve --log-file "$dir/events.log"
            runs=$((runs + 1)) rc=$RUN_RC
            ((RUN_HUNG)) && hung=1
            if ((rc != 0 && rc != 1)); then crashed=1; fi
            ((rc == 0)) && break
            # Every run the proxy stopped must end with one clear error, never a crash or silence.
            if stopped_cleanly; then
                clean_stops=$((clean_stops + 1))
                printf '%s %s %s run %s: %s\n' "$id" "$side" "$mode" "$runs" "$(run_error)" >>"$WORK/proxy/errors.txt"
            else
                unclean=$((unclean + 1))
                printf '%s %s %s run %s: NOT CLEAN (exit %s): %s\n' "$id" "$side" "$mode" "$runs" "$rc" "$(tail -n 3 <<<"$RUN_OUT" | tr '\n' ' ')" >>"$WORK/proxy/errors.txt"
            fi
        done
        ((unclean)) && { crashed=1; note+=" ($unclean run(s) through the proxy failed without a clean error)"; }
        kill -TERM "$proxy_pid" 2>/dev/null
        for wait_step in $(seq 1 50); do kill -0 "$proxy_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$proxy_pid" 2>/dev/null
        wait "$proxy_pid" 2>/dev/null
        forget_pid "$proxy_pid"
        faults=$(grep -c '^fault ' "$dir/proxy.log")
        # The proxy is gone: from here on the plan addresses both servers directly.
        write_mail_plan "$dir" "$SOURCE_PORT" starttls "$TARGET_PORT" starttls "$src" "$tu"
        if ((rc == 0)); then
            outcome="complete through the proxy in $runs runs ($clean_stops stopped cleanly)"
            complete=$((complete + 1))
        else
            # Stopped (cleanly, checked above): the proxy is gone and apply resumes.
            while ((resume_runs < RESUME_RUNS)); do
                run_mailmig "$dir" "$dir/runs.log" "" "" apply --auto-approve --log-file "$dir/events.log"
                resume_runs=$((resume_runs + 1)) rc=$RUN_RC
                ((rc == 0)) && break
            done
            outcome="stopped after $runs runs through the proxy, then $resume_runs without it"
            ((rc == 0)) && resumed=$((resumed + 1))
        fi
        if grep -Eq "$CRASH_MARKERS" "$dir/runs.log"; then crashed=1; fi
        check_mail_outcome "$dir" "$WORK/proxy/source.json" "$tu"
        trials=$((trials + 1)) faults_total=$((faults_total + faults))
        lost=$((lost + $(count lost "$CHECK"))) dup=$((dup + $(count duplicated "$CHECK"))) altered=$((altered + $(count altered "$CHECK")))
        local combo="$side $mode"
        combo_trials[$combo]=$((${combo_trials[$combo]:-0} + 1)) combo_faults[$combo]=$((${combo_faults[$combo]:-0} + faults))
        if ((rc == 0 && CHECK_OK && !crashed && !hung)); then
            verdict=pass; passed=$((passed + 1)); combo_passed[$combo]=$((${combo_passed[$combo]:-0} + 1))
        else
            verdict=FAIL; FAILURES=$((FAILURES + 1))
            ((hung)) && note+=" (a run hung until the run timeout)"
            ((rc != 0)) && note+=" (never completed)"
        fi
        say "proxy $id/$PROXY_TRIALS: $side $mode (seed $pseed), $faults faults, $outcome, $(field found "$CHECK")/$(field expected "$CHECK") messages, lost $(field lost "$CHECK"), duplicated $(field duplicated "$CHECK"), altered $(field altered "$CHECK"), ledger $(field ledger "$CHECK") pending $(field pending "$CHECK"), plan no-changes $(field no_changes "$CHECK"): $verdict$note ($(seconds_since "$started")s)"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$index" "$side" "$mode" "$pseed" "$faults" "$outcome" "$CHECK" "$verdict" "$note" "$dir" >>"$WORK/proxy/trials.tsv"
        if [[ $verdict == pass ]]; then
            dovecot_sh remove-user target "$tu" >/dev/null 2>&1
        else
            say "  evidence: $dir (seed $SEED, trial $index, proxy seed $pseed; runs.log, proxy.log, events.log, difference.txt, target.json, .mailmig/state.sqlite; user $tu kept)"
            [[ -s $dir/difference.txt ]] && sed 's/^/    /' "$dir/difference.txt" | head -20
        fi
    done < <(python3 "$HELPER" schedule proxy "$PROXY_TRIALS" "$SEED")
    # The source is only ever read: it must be exactly as loaded.
    dump source "$src" "$WORK/proxy/source-after.json"
    local source_note="source unchanged"
    if ! cmp -s <(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps({k:[(m['sha256'],m['flags'],m['internal_date']) for m in v['messages']] for k,v in d['folders'].items()}, sort_keys=True))" "$WORK/proxy/source.json") \
        <(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps({k:[(m['sha256'],m['flags'],m['internal_date']) for m in v['messages']] for k,v in d['folders'].items()}, sort_keys=True))" "$WORK/proxy/source-after.json"); then
        source_note="SOURCE CHANGED (see proxy/source.json, source-after.json)"; FAILURES=$((FAILURES + 1))
    fi
    say "proxy: $source_note"
    {
        printf 'side\tmode\ttrials\tpassed\tfaults\n'
        local c
        for c in "${!combo_trials[@]}"; do printf '%s\t%s\t%s\t%s\n' "${c// /	}" "${combo_trials[$c]}" "${combo_passed[$c]:-0}" "${combo_faults[$c]}"; done | sort
    } >"$WORK/proxy/by-mode.tsv"
    say "proxy: by side and mode (trials, passed, faults injected):"
    column -t -s $'\t' "$WORK/proxy/by-mode.tsv" | sed 's/^/  /'
    [[ -s $WORK/proxy/errors.txt ]] && say "proxy: errors of the runs the faults stopped, by kind:" &&
        sed -E 's/^[0-9]+ [a-z]+ [a-z-]+ run [0-9]+: //; s/[0-9]+(\.[0-9]+)?/N/g' "$WORK/proxy/errors.txt" | sort | uniq -c | sort -rn | head -15 | sed 's/^/  /'
    record "Fault proxy (6 modes x source/target)" "$trials" "$passed" "$lost" "$dup" "-" \
        "wall $(seconds_since "$PHASE_START")s; $MESSAGES msgs; $faults_total faults; $complete complete through the proxy, $resumed stopped cleanly then resumed; $altered altered; $source_note"
}

# ---------------------------------------------------------------------------------------------------
# 4. Fuzzing

fuzz_row() { # TARGET EXECUTIONS SECONDS OK NOTE
    local target=$1 execs=$2 secs=$3 ok=$4 note=$5 rate needed
    rate=$(python3 -c "print(round($execs / max($secs, 0.001)))")
    needed=$(python3 -c "
goal, execs, secs, rate = $FUZZ_GOAL, $execs, $secs, max($rate, 1)
if execs >= goal: print('%s reached (measured: %s in %.0f s, so %s at about %.0f s)' % (format(goal, ','), format(execs, ','), secs, format(goal, ','), secs * goal / execs))
else: print('%s would need about %.0f s = %.1f min (estimated from the rate)' % (format(goal, ','), goal / rate, goal / rate / 60))")
    record "fuzz: $target" "${FUZZ_RUNS:-1} run$( ((${FUZZ_RUNS:-1} > 1)) && echo s), ${secs}s" "$ok" "-" "-" "$execs" "$(commas "$rate")/s; $needed$note"
    say "fuzz: $target: $(commas "$execs") executions in ${secs}s ($(commas "$rate")/s); $needed$note"
}

fuzz_phase() {
    local out="$WORK/fuzz"
    mkdir -p "$out/artifacts" "$out/corpus-dns" "$out/src"
    # libFuzzer: a snapshot of the dependency-free DNS sources, built here (never in .build).
    cp -r "$REPO_ROOT"/Sources/MailMigDNS/{Wire,Message,Records} "$out/src/"
    cat >"$out/dns-harness.swift" <<'SWIFT'
/// libFuzzer entry point: decode the input as a DNS message; a decoded message must encode and decode again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let message = try? DNSMessage.decode(bytes) { _ = try? DNSMessage.decode(message.encode()) }
    return 0
}
SWIFT
    local started
    started=$(now_us)
    if [[ ,$FUZZ_TARGETS, != *,libfuzzer,* ]]; then
        :
    elif swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name MailMigDNSFuzz "$out/dns-harness.swift" \
        "$out"/src/{Wire,Message,Records}/*.swift -o "$out/dns-fuzz" >"$out/dns-build.log" 2>&1; then
        say "fuzz: libFuzzer harness built in $(seconds_since "$started")s"
        started=$(now_us)
        "$out/dns-fuzz" -runs="$FUZZ_GOAL" -max_total_time="$FUZZ_SECONDS" -seed="$SEED" -print_final_stats=1 \
            -artifact_prefix="$out/artifacts/dns-" "$out/corpus-dns" >"$out/dns-fuzz.log" 2>&1 &
        local pid=$!
        echo "$pid" >"$out/child.pid"
        wait_bounded "$pid" $((FUZZ_SECONDS + 300))
        local rc=$WAIT_RC secs execs
        secs=$(seconds_since "$started")
        execs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$out/dns-fuzz.log" | grep -Eo '[0-9]+$' || true)
        [[ -n $execs ]] || execs=$(grep -Eo 'Done [0-9]+ runs' "$out/dns-fuzz.log" | grep -Eo '[0-9]+' || echo 0)
        if ((rc == 0)); then
            fuzz_row "DNS decoder (libFuzzer, ASan)" "$execs" "$secs" 1 "; corpus $(find "$out/corpus-dns" -type f | wc -l) inputs"
        else
            FAILURES=$((FAILURES + 1))
            fuzz_row "DNS decoder (libFuzzer, ASan)" "$execs" "$secs" 0 "; CRASH: $out/dns-fuzz.log, $out/artifacts/"
            grep -E 'ERROR|Fatal|artifact' "$out/dns-fuzz.log" | head -5
        fi
    else
        say "fuzz: libFuzzer is not available here (see $out/dns-build.log); only the mutation drivers run"
        record "fuzz: DNS decoder (libFuzzer)" "0" "-" "-" "-" "-" "not built: see $out/dns-build.log"
    fi

    local spec name filter label
    for spec in "dns:DNSDecoderFuzzTests:DNS decoder (mutation driver)" "imap:ResponseFuzzTests:IMAP framer+parser (mutation driver)" \
        "plan:PlanLoaderFuzzTests:plan loader (mutation driver)"; do
        IFS=: read -r name filter label <<<"$spec"
        [[ ,$FUZZ_TARGETS, == *,$name,* ]] || continue
        local seconds=$FUZZ_SECONDS calibration_note="" spent=0
        if ((FUZZ_SECONDS > 30)); then
            # 10 s first, for the rate; then long enough for the goal (with 40 % to spare), at most FUZZ_SECONDS.
            fuzz_driver "$name" "$filter" 10 "$out/drivers-$name-calibration.log" "$SEED"
            local cal_execs=$DRIVER_EXECS cal_secs=$DRIVER_SECS
            seconds=$(python3 -c "
rate = max($cal_execs / max($cal_secs, 0.001), 1)
print(int(min($FUZZ_SECONDS, max(10, $FUZZ_GOAL / rate * 1.4 + 1))))")
            calibration_note="; calibration $(commas "$cal_execs") in ${cal_secs}s"
        fi
        fuzz_driver "$name" "$filter" "$seconds" "$out/drivers-$name.log" "$SEED"
        spent=$seconds FUZZ_RUNS=1
        if ((DRIVER_OK && DRIVER_EXECS < FUZZ_GOAL && FUZZ_SECONDS - spent >= 10)); then
            # The load rose after the calibration: make up the rest with the next seed, within the budget.
            local first_execs=$DRIVER_EXECS first_secs=$DRIVER_SECS first_line=$DRIVER_LINE more
            more=$(python3 -c "
rate = max($first_execs / max($first_secs, 0.001), 1)
print(int(min($FUZZ_SECONDS - $spent, max(10, ($FUZZ_GOAL - $first_execs) / rate * 1.4 + 1))))")
            fuzz_driver "$name" "$filter" "$more" "$out/drivers-$name-2.log" $((SEED + 1))
            if ((DRIVER_OK)); then
                calibration_note+="; 2 runs: seed $SEED $(commas "$first_execs") in ${first_secs}s + seed $((SEED + 1)) $(commas "$DRIVER_EXECS") in ${DRIVER_SECS}s"
                DRIVER_EXECS=$((first_execs + DRIVER_EXECS)) FUZZ_RUNS=2
                DRIVER_SECS=$(python3 -c "print(round($first_secs + $DRIVER_SECS, 1))")
                DRIVER_LINE="$first_line"
            fi
        fi
        if ((DRIVER_OK)); then
            fuzz_row "$label" "$DRIVER_EXECS" "$DRIVER_SECS" 1 "$calibration_note; $DRIVER_LINE"
        else
            FAILURES=$((FAILURES + 1))
            local kept="$out/artifacts/current-$name.$(date +%s)"
            [[ -f $out/drivers-$name/current-$name ]] && cp "$out/drivers-$name/current-$name" "$kept"
            fuzz_row "$label" "${DRIVER_EXECS:-0}" "$DRIVER_SECS" 0 "; FAILED or crashed: $out/drivers-$name.log, input under test: $kept"
            grep -aE '✘|Fatal error|Expectation failed' "$out/drivers-$name.log" | head -5
        fi
    done
    FUZZ_RUNS=1
    rm -f "$out/child.pid"
}

# fuzz_driver NAME FILTER SECONDS LOG SEED — one mutation driver through the test executable (seeded; the input under
# test kept in WORK/fuzz/drivers-NAME/current-NAME). Sets DRIVER_EXECS, DRIVER_SECS, DRIVER_OK, DRIVER_LINE.
fuzz_driver() {
    local name=$1 filter=$2 seconds=$3 log=$4 seed=$5 started pid rc
    mkdir -p "$WORK/fuzz/drivers-$name"
    started=$(now_us)
    (cd "$WORK/fuzz" && MAILMIG_FUZZ_SECONDS=$seconds MAILMIG_FUZZ_SEED=$seed MAILMIG_FUZZ_DIR="$WORK/fuzz/drivers-$name" \
        exec "$TEST_EXE" --testing-library swift-testing --filter "$filter") >"$log" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$WORK/fuzz/child.pid"
    wait_bounded "$pid" $((seconds + 300))
    rc=$WAIT_RC
    DRIVER_SECS=$(seconds_since "$started")
    DRIVER_LINE=$(grep -aEo '^Fuzz [A-Za-z ]+: [0-9]+ executions.*' "$log" | head -1)
    DRIVER_EXECS=$(grep -aEo '[0-9]+ executions' <<<"$DRIVER_LINE" | grep -Eo '[0-9]+' || echo 0)
    DRIVER_OK=0
    if ((rc == 0)) && [[ -n $DRIVER_LINE ]] && grep -aq 'passed after' "$log" && ! grep -aq '✘' "$log"; then DRIVER_OK=1; fi
    DRIVER_LINE=${DRIVER_LINE#Fuzz }
}

# ---------------------------------------------------------------------------------------------------
# Run

# The random-moment kills are calibrated before the background fuzzing competes for the CPU.
if ((KILL_TRIALS > 0)); then mkdir -p "$WORK/kill"; kill_calibrate; fi
if ((FUZZ_SECONDS > 0 && FUZZ_PARALLEL)); then
    ( trap - EXIT INT TERM; fuzz_phase >>"$WORK/logs/fuzz.out" 2>&1; exit $((FAILURES > 0)) ) &
    FUZZ_BG_PID=$!
    say "fuzz: running in the background (pid $FUZZ_BG_PID) while the trials run"
fi
phase_timer() { PHASE_START=$(now_us); }
phase_done() { say "== $1 done in $(seconds_since "$PHASE_START")s"; }
if ((KILL_TRIALS > 0)); then say "== 1. SIGKILL during mail copy: $KILL_TRIALS trials"; phase_timer; kill_phase; phase_done kill; fi
if ((DNS_TRIALS > 0)); then say "== 2. SIGKILL during a DNS cutover: $DNS_TRIALS trials"; phase_timer; dns_phase; phase_done dns; fi
if ((PROXY_TRIALS > 0)); then say "== 3. Fault proxy: $PROXY_TRIALS runs"; phase_timer; proxy_phase; phase_done proxy; fi
if ((FUZZ_SECONDS > 0)); then
    if ((FUZZ_PARALLEL)); then
        say "== waiting for the background fuzz runs"
        wait "$FUZZ_BG_PID" || FAILURES=$((FAILURES + 1))
        FUZZ_BG_PID=""
        cat "$WORK/logs/fuzz.out"
    else
        say "== 4. Fuzzing: at most ${FUZZ_SECONDS}s per target, goal $(commas "$FUZZ_GOAL") executions"
        phase_timer; fuzz_phase; phase_done fuzz
    fi
fi

ELAPSED=$((EPOCHSECONDS - STARTED))
say ""
say "Summary (seed $SEED, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), wall time $((ELAPSED / 60)) min $((ELAPSED % 60)) s):"
python3 "$HELPER" summary "$RESULTS"
say "command: $COMMAND_LINE"
say "details: $WORK (results.tsv, */trials.tsv, one folder per trial)"
if ((FAILURES > 0)); then
    say "FAILED: $FAILURES trial(s) or checks failed; evidence kept in $WORK"
    exit 1
fi
say "all trials passed"
