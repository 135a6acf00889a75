#!/usr/bin/env bash
# APPEND and streaming UID FETCH throughput of MailMigIMAP against the local Dovecot "source" instance.
#
# Usage: bench/imap-throughput.sh        (BENCH_COUNT, BENCH_SIZES, BENCH_BATCH, BENCH_USER may be set)
# Starts the test Dovecot if needed, builds the benchmark in release mode and prints one line per
# measurement. It is a benchmark, not a test: figures depend on the machine.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TESTENV_DIR="${MAILMIG_TESTENV_DIR:-$REPO_ROOT/.testenv}"

"$REPO_ROOT/scripts/testenv/dovecot.sh" start
set -a
# shellcheck source=/dev/null
. "$TESTENV_DIR/dovecot.env"
set +a

cd "$REPO_ROOT"
swift build -c release --product imap-throughput >/dev/null
"$(swift build -c release --show-bin-path)/imap-throughput"
