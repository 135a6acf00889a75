#!/usr/bin/env bash
# Runs the integration suites (Tests/IntegrationTests) in four processes at once, one group of folders
# each, and then the state suite again with the plan's state in PostgreSQL. Expects what scripts/test.sh
# sets up: the test servers running, their .testenv/*.env exported, MAILMIG_BINARY and
# MAILMIG_INTEGRATION=1, and the tests built.
#
# The suites spend most of their time waiting for servers and child processes, so four groups at once
# take about a quarter of the time on two cores. Within a group the suites run one at a time: they wait
# for child processes (mailmig, doveadm, dig) synchronously, which ties up the few threads Swift's
# concurrency runs on, and would otherwise stall each other's exchanges with the servers past their
# time limits. Every suite uses users, schemas and ports of its own, so groups do not meet.
#
# The test binary is run directly: two `swift test` processes cannot share one .build folder.
# Usage: scripts/test-integration.sh [GROUP...]   (groups: mail faults backup-pop3 other; default all)
set -euo pipefail
cd "$(dirname "$0")/.."

tests="$(swift build --show-bin-path)/mailmigPackageTests.xctest"
logs="$(mktemp -d "${TMPDIR:-/tmp}/mailmig-integration.XXXXXX")"

# The type names declared in some folders of Tests/IntegrationTests, but those listed after `--except`,
# as one regular expression that matches their tests' identifiers (`IntegrationTests.MailCrashRecoveryTests/…`).
suites() {
    local folders=() except=() names
    while [ $# -gt 0 ] && [ "$1" != --except ]; do folders+=("$1"); shift; done
    [ $# -gt 0 ] && shift && except=("$@")
    names=$(for folder in "${folders[@]}"; do
        grep -hoE '^(final class|class|struct|enum) [A-Za-z0-9_]+' "Tests/IntegrationTests/$folder"/*.swift | awk '{ print $NF }'
    done | grep -vxF -f <(printf '%s\n' "${except[@]}" "") | sort -u | paste -sd '|')
    echo "IntegrationTests\\.($names)/"
}

declare -A filters
filters[mail]=$(suites Mail)
# The longest fault suite runs with the short ones of the last group, which balances the four.
filters[faults]=$(suites Faults --except NetworkFaultTests)
filters[backup-pop3]=$(suites Backup POP3)
groups=(mail faults backup-pop3 other)
[ $# -gt 0 ] && groups=("$@")

run_group() {
    local group=$1
    local -a selection
    if [ "$group" = other ]; then
        # Every folder the other groups leave, so that a new folder is never left out.
        selection=(--skip "${filters[mail]}" --skip "${filters[faults]}" --skip "${filters[backup-pop3]}" --filter 'IntegrationTests\.')
    else
        selection=(--filter "${filters[$group]}")
    fi
    "$tests" --testing-library swift-testing --no-parallel "${selection[@]}"
    if [ "$group" = mail ]; then
        # The state suite again with the plan's state in PostgreSQL (a schema of its own): the
        # PostgreSQL backend carries a migration as SQLite does. MAILMIG_TEST_STATE=postgres with the
        # whole mail group runs every mail suite that way (about ten minutes).
        MAILMIG_TEST_STATE=postgres "$tests" --testing-library swift-testing --no-parallel --filter 'IntegrationTests\.MailVerifyFindingsTests/'
    fi
}

started=$(date +%s)
declare -A pids
for group in "${groups[@]}"; do
    run_group "$group" > "$logs/$group.log" 2>&1 &
    pids[$group]=$!
done
failed=()
for group in "${groups[@]}"; do
    if ! wait "${pids[$group]}"; then failed+=("$group"); fi
done
for group in "${groups[@]}"; do
    echo "=== integration group $group ==="
    cat "$logs/$group.log"
done
echo "=== integration groups ${groups[*]}: $(( $(date +%s) - started )) s; failed: ${failed[*]:-none} ==="
rm -rf "$logs"
[ ${#failed[@]} -eq 0 ]
