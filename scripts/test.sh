#!/usr/bin/env bash
# Runs every test of mailmig on a fresh Debian machine: installs what is missing, starts the
# local Dovecot, BIND9, PowerDNS and PostgreSQL test servers, builds, checks the module boundaries, runs the demo end to
# end, the unit and integration tests and the schema/loader agreement check, then stops the servers.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/testenv.sh start
trap 'scripts/testenv.sh stop' EXIT

set -a
for file in .testenv/*.env; do
    [ -f "$file" ] && . "$file"
done
set +a

swift build --build-tests
MAILMIG_BINARY="$(swift build --show-bin-path)/mailmig"
export MAILMIG_BINARY MAILMIG_INTEGRATION=1

# Module boundaries (docs/architecture.md): the checker proves it can fail, then checks the tree.
# Two commands, not `a && b`: set -e does not stop the script when the left side of && fails.
python3 scripts/check-boundaries.py --self-test
python3 scripts/check-boundaries.py

# The README's first command, end to end, on its own servers and ports.
scripts/demo.sh
scripts/demo.sh stop

# Unit tests in parallel; then the integration suites in four groups at once, each group one suite
# at a time, and the state suite again on PostgreSQL (scripts/test-integration.sh says why).
swift test --skip-build --skip IntegrationTests
scripts/test-integration.sh
python3 scripts/check-schema.py "$MAILMIG_BINARY"
