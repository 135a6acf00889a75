#!/usr/bin/env bash
# Measures one full copy of a generated corpus with `mailmig apply` between the test Dovecot instances.
#
# Usage: scripts/corpus/throughput.sh [MAILBOXES] [MESSAGES-PER-MAILBOX] [SEED]
#   (defaults 3 500 1). Needs running test servers (scripts/testenv/dovecot.sh start; the env file is
#   $MAILMIG_TESTENV_DIR/dovecot.env, default .testenv/dovecot.env) and a built binary ($MAILMIG_BINARY,
#   default: the debug build). Users are created for the run and removed afterwards.
# Prints: corpus size, seconds, messages/s and MB/s (MB = 10^6 bytes, message bytes as generated).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TESTENV_DIR="${MAILMIG_TESTENV_DIR:-$REPO_ROOT/.testenv}"
MAILBOXES="${1:-3}"
MESSAGES="${2:-500}"
SEED="${3:-1}"
BINARY="${MAILMIG_BINARY:-$REPO_ROOT/.build/debug/mailmig}"

[[ -f $TESTENV_DIR/dovecot.env ]] || { echo "throughput.sh: no $TESTENV_DIR/dovecot.env; run scripts/testenv/dovecot.sh start" >&2; exit 1; }
[[ -x $BINARY ]] || { echo "throughput.sh: no mailmig binary at $BINARY; run swift build or set MAILMIG_BINARY" >&2; exit 1; }
# shellcheck disable=SC1091
. "$TESTENV_DIR/dovecot.env"
export MAILMIG_TESTENV_DIR="$TESTENV_DIR"
export MAILMIG_DOVECOT_SOURCE_PORT=$MAILMIG_TEST_IMAP_SOURCE_PORT MAILMIG_DOVECOT_SOURCE_TLS_PORT=$MAILMIG_TEST_IMAP_SOURCE_TLS_PORT
export MAILMIG_DOVECOT_TARGET_PORT=$MAILMIG_TEST_IMAP_TARGET_PORT MAILMIG_DOVECOT_TARGET_TLS_PORT=$MAILMIG_TEST_IMAP_TARGET_TLS_PORT
# An env file from before POP3 has no POP3 ports: dovecot.sh's defaults are those instances' ports then.
[[ -n ${MAILMIG_TEST_POP3_SOURCE_PORT:-} ]] && export MAILMIG_DOVECOT_SOURCE_POP3_PORT=$MAILMIG_TEST_POP3_SOURCE_PORT \
    MAILMIG_DOVECOT_SOURCE_POP3_TLS_PORT=$MAILMIG_TEST_POP3_SOURCE_TLS_PORT MAILMIG_DOVECOT_TARGET_POP3_PORT=$MAILMIG_TEST_POP3_TARGET_PORT \
    MAILMIG_DOVECOT_TARGET_POP3_TLS_PORT=$MAILMIG_TEST_POP3_TARGET_TLS_PORT
DOVECOT="$REPO_ROOT/scripts/testenv/dovecot.sh"

WORK="$(mktemp -d /tmp/mailmig-throughput.XXXXXX)"
RUN="mt-bench-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
USERS=()
cleanup() {
    local user
    for user in "${USERS[@]}"; do
        "$DOVECOT" remove-user source "$user" >/dev/null 2>&1 || true
        "$DOVECOT" remove-user target "$user" >/dev/null 2>&1 || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

python3 "$REPO_ROOT/scripts/corpus/generate.py" --mailboxes "$MAILBOXES" --messages "$MESSAGES" --seed "$SEED" --out "$WORK/corpus" >&2
{
    echo "mailmig: 1"
    echo "name: throughput"
    for side in source target; do
        upper="$(printf '%s' "$side" | tr '[:lower:]' '[:upper:]')"
        host_var="MAILMIG_TEST_IMAP_${upper}_HOST" port_var="MAILMIG_TEST_IMAP_${upper}_PORT"
        echo "$side:"
        echo "  imap: { host: ${!host_var}, port: ${!port_var}, tls: starttls, ca_file: \"$MAILMIG_TEST_IMAP_CA_FILE\" }"
        echo "  login: { style: master-user, admin: { user: $MAILMIG_TEST_IMAP_ADMIN_USER, password: \"env:THROUGHPUT_ADMIN\" }, user_format: \"{localpart}\" }"
        echo "  connections: 8"
    done
    echo "mailboxes:"
} >"$WORK/mailmig.yaml"
for number in $(seq 1 "$MAILBOXES"); do
    user="$RUN-$number"
    USERS+=("$user")
    "$DOVECOT" add-user source "$user" bench >/dev/null
    "$DOVECOT" add-user target "$user" bench >/dev/null
    "$DOVECOT" load source "$user" "$WORK/corpus/$(printf 'mbox%02d' "$number")" >&2
    echo "  - $user@acme.test" >>"$WORK/mailmig.yaml"
done

start="$(date +%s.%N)"
(cd "$WORK" && THROUGHPUT_ADMIN="$MAILMIG_TEST_IMAP_ADMIN_PASSWORD" NO_COLOR=1 "$BINARY" apply --auto-approve >"$WORK/apply.log" 2>&1) ||
    { cat "$WORK/apply.log" >&2; echo "throughput.sh: mailmig apply failed" >&2; exit 1; }
end="$(date +%s.%N)"

python3 - "$WORK/corpus/corpus.json" "$start" "$end" <<'PY'
import json, sys
corpus = json.load(open(sys.argv[1]))
seconds = float(sys.argv[3]) - float(sys.argv[2])
messages, size = corpus["messages"], corpus["bytes"]
print("corpus: %d mailboxes, %d messages, %.1f MB (seed %d)" % (len(corpus["mailboxes"]), messages, size / 1e6, corpus["seed"]))
print("apply: %.1f s, %.0f messages/s, %.1f MB/s" % (seconds, messages / seconds, size / 1e6 / seconds))
PY
